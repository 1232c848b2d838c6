// mini-zeek: definitions of the Zeek globals and the interpreter mechanics that
// touch them, in the order Zeek uses (Func.cc, Frame.cc, Stmt.cc, Expr.cc, Obj.cc).
#include "zeek_model.h"

#include <algorithm>
#include <cstring>

// version.c: a C-linkage data symbol in every Zeek version.
extern "C" {
#if MZ_FAMILY == 30
char version[] = "3.0.1";
#elif MZ_FAMILY == 80
char version[] = "8.0.10";
#else
char version[] = "9.0.0-rc1";
#endif
}

#if MZ_FAMILY == 30
// =================================================================================
// Zeek 3.0.0 / 3.0.1
// =================================================================================

Location no_location("<no location>", 0, 0, 0, 0);
Location start_location("<start uninitialized>", 0, 0, 0, 0);
Location end_location("<end uninitialized>", 0, 0, 0, 0);

int BroObj::suppress_errors = 0;
BroType::TypeAliasMap BroType::type_aliases;
std::vector<Func*> Func::unique_ids;

// Func.cc
std::vector<CallInfo> call_stack;
// Frame.cc
std::vector<Frame*> g_frame_stack;

ValManager* val_mgr = nullptr;

BroObj::BroObj()
	{
	ref_cnt = 1;
	notify_plugins = false;

	// A bit of a hack.  We'd like to associate location
	// information with every object created when parsing,
	// since for them, the location is generally well-defined.
	// We could maintain a separate flag that tells us whether
	// we're inside a parse, but the parser also sets the
	// location to no_location when it's done, so it's
	// simplest to just use that.
	location = 0;
	if ( start_location.first_line != 0 )
		SetLocationInfo(&start_location, &end_location);
	}

BroObj::~BroObj()
	{
	delete location;
	}

bool BroObj::SetLocationInfo(const Location* start, const Location* end)
	{
	if ( ! start || ! end )
		return false;

	if ( end->filename && strcmp(start->filename, end->filename) != 0 )
		return false;

	delete location;

	location = new Location(start->filename,
				start->first_line, end->last_line,
				start->first_column, end->last_column);

	return true;
	}

BroType::BroType(TypeTag t, bool arg_base_type)
	: tag(t), internal_tag(TYPE_INTERNAL_OTHER), is_network_order(false), base_type(arg_base_type)
	{ }

FuncType::FuncType(RecordType* arg_args, BroType* arg_yield, function_flavor arg_flavor)
	: BroType(TYPE_FUNC), args(arg_args), arg_types(nullptr), yield(arg_yield), flavor(arg_flavor)
	{ }

ValManager::ValManager()
	{
	for ( int i = 0; i < 4096; ++i )
		counts.push_back(new Val(i));
	t = new Val(1);
	f = new Val(0);
	}

Val* ValManager::GetCount(bro_int_t i) const
	{
	if ( i >= 0 && i < (bro_int_t) counts.size() )
		return counts[i];
	return counts[0];
	}

Func::Func() : scope(0), kind(BRO_FUNC), type(0)
	{
	unique_id = unique_ids.size();
	unique_ids.push_back(this);
	}

Func::Func(Kind arg_kind) : scope(0), kind(arg_kind), type(0)
	{
	unique_id = unique_ids.size();
	unique_ids.push_back(this);
	}

void Func::AddBody(Stmt* new_body, id_list* new_inits, int new_frame_size, int priority)
	{
	Body b;
	b.stmts = new_body;
	b.priority = priority;
	bodies.push_back(b);
	std::stable_sort(bodies.begin(), bodies.end());
	}

BroFunc::BroFunc(const char* arg_name, FuncType* t, int arg_frame_size) : Func(BRO_FUNC)
	{
	name = arg_name;
	type = t;
	frame_size = arg_frame_size;
	}

Val* BroFunc::Call(val_list* args, Frame* parent) const
	{
	if ( bodies.empty() )
		return 0;

	Frame* f = new Frame(frame_size, this, args);

	// Hand down any trigger.
	if ( parent )
		{
		f->SetTrigger(parent->GetTrigger());
		f->SetCall(parent->GetCall());
		}

	MZ_BARRIER();
	g_frame_stack.push_back(f);	// used for backtracing
	MZ_BARRIER();
	const CallExpr* call_expr = parent ? parent->GetCall() : nullptr;
	call_stack.emplace_back(CallInfo{call_expr, this, args});
	MZ_BARRIER();
	minizeek::shadow_enter(this);

	stmt_flow_type flow = FLOW_NEXT;
	Val* result = 0;

	for ( const auto& body : bodies )
		{
		// Fill in the rest of the frame with the function's arguments.
		for ( int j = 0; j < args->length(); ++j )
			{
			Val* arg = (*args)[j];
			if ( f->NthElement(j) != arg )
				{
				Ref(arg);
				f->SetElement(j, arg);
				}
			}

		minizeek::shadow_body(body.stmts);
		result = body.stmts->Exec(f, flow);

		// Check for hook break
		if ( Flavor() == FUNC_FLAVOR_HOOK )
			{
			if ( flow == FLOW_BREAK )
				{
				result = val_mgr->GetBool(false);
				break;
				}
			}
		}

	minizeek::shadow_leave();
	MZ_BARRIER();
	call_stack.pop_back();
	MZ_BARRIER();

	if ( Flavor() == FUNC_FLAVOR_HOOK )
		{
		if ( ! result )
			result = val_mgr->GetBool(true);
		}

	g_frame_stack.pop_back();
	MZ_BARRIER();
	Unref(f);

	return result;
	}

BuiltinFunc::BuiltinFunc(built_in_func arg_func, const char* arg_name, int arg_is_pure)
	: Func(BUILTIN_FUNC)
	{
	func = arg_func;
	name = arg_name;
	is_pure = arg_is_pure;
	}

Val* BuiltinFunc::Call(val_list* args, Frame* parent) const
	{
	const CallExpr* call_expr = parent ? parent->GetCall() : nullptr;
	call_stack.emplace_back(CallInfo{call_expr, this, args});
	MZ_BARRIER();
	minizeek::shadow_enter(this);
	Val* result = func(parent, args);
	minizeek::shadow_leave();
	MZ_BARRIER();
	call_stack.pop_back();
	MZ_BARRIER();
	return result;
	}

// Frame.cc
Frame::Frame(int arg_size, const BroFunc* func, const val_list* fn_args)
	{
	size = arg_size;
	frame = new Val*[size];
	function = func;
	func_args = fn_args;

	next_stmt = 0;
	break_before_next_stmt = false;
	break_on_return = false;

	trigger = 0;
	call = 0;
	delayed = false;

	closure = nullptr;

	for ( int i = 0; i < size; ++i )
		frame[i] = 0;
	}

Frame::~Frame()
	{
	for ( int i = 0; i < size; ++i )
		Unref(frame[i]);

	delete[] frame;
	}

void Frame::SetElement(int n, Val* v)
	{
	Unref(frame[n]);
	frame[n] = v;
	}

// Stmt.cc
Stmt::Stmt(BroStmtTag arg_tag)
	{
	tag = arg_tag;
	breakpoint_count = 0;
	last_access = 0;
	access_count = 0;
	}

StmtList::StmtList() : Stmt(STMT_LIST) { }

Val* StmtList::Exec(Frame* f, stmt_flow_type& flow) const
	{
	++access_count;
	flow = FLOW_NEXT;

	for ( int i = 0; i < stmts.length(); ++i )
		{
		Stmt* stmt = stmts[i];

		f->SetNextStmt(stmt);
		minizeek::shadow_stmt(stmt->GetLocationInfo()->first_line);

		Val* result = stmt->Exec(f, flow);

		if ( flow != FLOW_NEXT || result )
			return result;
		}

	return 0;
	}

ExprStmt::ExprStmt(Expr* arg_e) : Stmt(STMT_EXPR), e(arg_e) { }
ExprStmt::ExprStmt(BroStmtTag t, Expr* arg_e) : Stmt(t), e(arg_e) { }

Val* ExprStmt::Exec(Frame* f, stmt_flow_type& flow) const
	{
	++access_count;
	flow = FLOW_NEXT;
	e->Eval(f);
	return 0;
	}

IfStmt::IfStmt(Expr* test, Stmt* arg_s1, Stmt* arg_s2)
	: ExprStmt(STMT_IF, test), s1(arg_s1), s2(arg_s2)
	{ }

Val* IfStmt::Exec(Frame* f, stmt_flow_type& flow) const
	{
	++access_count;
	flow = FLOW_NEXT;
	Val* v = e->Eval(f);

	Stmt* do_stmt = v->AsInt() ? s1 : s2;
	if ( ! do_stmt )
		return 0;

	f->SetNextStmt(do_stmt);
	minizeek::shadow_stmt(do_stmt->GetLocationInfo()->first_line);
	return do_stmt->Exec(f, flow);
	}

ReturnStmt::ReturnStmt(Expr* arg_e) : ExprStmt(STMT_RETURN, arg_e) { }

Val* ReturnStmt::Exec(Frame* f, stmt_flow_type& flow) const
	{
	++access_count;
	flow = FLOW_RETURN;
	return e ? e->Eval(f) : 0;
	}

HookStmt::HookStmt(CallExpr* arg_call) : Stmt(STMT_EXPR), call(arg_call) { }

Val* HookStmt::Exec(Frame* f, stmt_flow_type& flow) const
	{
	++access_count;
	flow = FLOW_NEXT;
	call->Eval(f);
	return 0;
	}

ZBody::ZBody(std::string arg_func_name) : Stmt(STMT_ZAM), func_name(std::move(arg_func_name)) { }

Val* ZBody::Exec(Frame* f, stmt_flow_type& flow) const
	{
	// The program counter is a local: nothing here updates f's next_stmt.
	Val* result = 0;
	for ( int pc = 0; pc < insts.length(); ++pc )
		{
		result = insts[pc]->Exec(f, flow);
		if ( flow == FLOW_RETURN )
			break;
		}
	flow = FLOW_RETURN;
	return result;
	}

WorkStmt::WorkStmt(int arg_cost_slot, const char* arg_checkpoint)
	: Stmt(STMT_EXPR), cost_slot(arg_cost_slot), checkpoint_name(arg_checkpoint)
	{ }

Val* WorkStmt::Exec(Frame* f, stmt_flow_type& flow) const
	{
	++access_count;
	flow = FLOW_NEXT;
	if ( checkpoint_name )
		minizeek::checkpoint(checkpoint_name);
	minizeek::work(cost_slot);
	return 0;
	}

// Expr.cc
Expr::Expr(BroExprTag arg_tag) : tag(arg_tag), type(0), paren(0) { }

NameExpr::NameExpr(int frame_offset) : Expr(EXPR_NAME), offset(frame_offset) { }

Val* NameExpr::Eval(Frame* f) const
	{
	return f->NthElement(offset);
	}

ConstExpr::ConstExpr(Val* arg_val) : Expr(EXPR_CONST), val(arg_val) { }

Val* SubExpr::Eval(Frame* f) const
	{
	return val_mgr->GetCount(op1->Eval(f)->AsInt() - op2->Eval(f)->AsInt());
	}

Val* RelExpr::Eval(Frame* f) const
	{
	return val_mgr->GetBool(op1->Eval(f)->AsInt() > op2->Eval(f)->AsInt());
	}

ListExpr::ListExpr() : Expr(EXPR_LIST) { }

CallExpr::CallExpr(Expr* arg_func, ListExpr* arg_args, bool in_hook)
	: Expr(EXPR_CALL), func(arg_func), args(arg_args)
	{ }

Val* CallExpr::Eval(Frame* f) const
	{
	Val* ret = 0;
	Val* func_val = func->Eval(f);

	val_list* v = new val_list;
	const expr_list& exprs = args->Exprs();
	for ( int i = 0; i < exprs.length(); ++i )
		v->push_back(exprs[i]->Eval(f));

	const ::Func* funcv = func_val->AsFunc();
	const CallExpr* current_call = f ? f->GetCall() : 0;

	if ( f )
		f->SetCall(this);

	minizeek::shadow_call(GetLocationInfo()->first_line);
	ret = funcv->Call(v, f); // No try/catch here; we pass exceptions upstream.

	if ( f )
		f->SetCall(current_call);

	delete v;
	return ret;
	}

#else
// =================================================================================
// Zeek 8.0.x and 8.1 - 9.0
// =================================================================================

namespace zeek {

namespace detail {
Location no_location("<no location>", 0, 0);
Location start_location("<start uninitialized>", 0, 0);
Location end_location("<end uninitialized>", 0, 0);

// Func.cc
std::vector<CallInfo> call_stack;
#if MZ_FAMILY == 90
uint64_t max_recursion_depth = 1000;
#endif

int Stmt::num_stmts = 0;
int Expr::num_exprs = 0;
} // namespace detail

int Obj::suppress_errors = 0;
Type::TypeAliasMap Type::type_aliases;
ValManager* val_mgr = nullptr;

Obj::Obj()
	{
	location = nullptr;
	if ( detail::start_location.FirstLine() != 0 )
		SetLocationInfo(&detail::start_location, &detail::end_location);
	}

Obj::~Obj()
	{
	delete location;
	}

bool Obj::SetLocationInfo(const detail::Location* start, const detail::Location* end)
	{
	if ( ! start || ! end )
		return false;

	if ( end->FileName() && start->FileName() && strcmp(start->FileName(), end->FileName()) != 0 )
		return false;

	delete location;
	location = new detail::Location(start->FileName(), start->FirstLine(), end->LastLine());
	return true;
	}

Type::Type(TypeTag t, bool arg_base_type)
	: tag(t), internal_tag(TYPE_INTERNAL_OTHER), is_network_order(false), base_type(arg_base_type)
	{ }

FuncType::FuncType(RecordTypePtr arg_args, TypePtr arg_yield, FunctionFlavor f)
	: Type(TYPE_FUNC), args(std::move(arg_args)), yield(std::move(arg_yield)), flavor(f)
	{ }

ValManager::ValManager()
	{
	for ( int i = 0; i < 4096; ++i )
		counts.push_back(new Val(i));
	t = new Val(1);
	f = new Val(0);
	}

ValPtr ValManager::Count(int64_t i) const
	{
	if ( i >= 0 && i < (int64_t) counts.size() )
		return {NewRef{}, counts[i]};
	return {NewRef{}, counts[0]};
	}

void Func::AddBody(detail::StmtPtr new_body, int priority)
	{
	Body b;
	b.stmts = std::move(new_body);
	b.priority = priority;
	bodies.push_back(std::move(b));
	std::stable_sort(bodies.begin(), bodies.end(),
	                 [](const Body& a, const Body& b) { return a.priority > b.priority; });
	}

namespace detail {

ScriptFunc::ScriptFunc(std::string arg_name, FuncTypePtr ft, size_t arg_frame_size)
	: Func(SCRIPT_FUNC)
	{
	name = std::move(arg_name);
	type = std::move(ft);
	frame_size = arg_frame_size;
	}

ScriptFunc::~ScriptFunc() = default;

ValPtr ScriptFunc::Invoke(zeek::Args* args, Frame* parent) const
	{
	if ( bodies.empty() )
		return nullptr;

#if MZ_FAMILY == 80
	auto f = make_intrusive<Frame>(frame_size, this, args);

	// Hand down any trigger.
	if ( parent )
		f->SetTriggerAssoc(parent->GetTriggerAssoc());

	MZ_BARRIER();
	g_frame_stack.push_back(f.get()); // used for backtracing
	MZ_BARRIER();
	const CallExpr* call_expr = parent ? parent->GetCall() : nullptr;
	call_stack.emplace_back(CallInfo{call_expr, this, *args});
	MZ_BARRIER();
	Frame* fp = f.get();
#else
	if ( call_stack.size() >= max_recursion_depth )
		return nullptr;

	Frame f{static_cast<int>(frame_size), this, args};

	// Hand down any trigger.
	if ( parent )
		f.SetTriggerAssoc(parent->GetTriggerAssoc());

	const CallExpr* call_expr = parent ? parent->GetCall() : nullptr;
	MZ_BARRIER();
	call_stack.emplace_back(CallInfo{call_expr, &f});
	MZ_BARRIER();
	Frame* fp = &f;
#endif
	minizeek::shadow_enter(this);

	StmtFlowType flow = FLOW_NEXT;
	ValPtr result;

	for ( const auto& body : bodies )
		{
		if ( body.disabled )
			continue;

		// Fill in the rest of the frame with the function's arguments.
		for ( auto j = 0u; j < args->size(); ++j )
			{
			const auto& arg = (*args)[j];
			if ( fp->GetElement(j) != arg )
				fp->SetElement(j, arg);
			}

		minizeek::shadow_body(body.stmts.get());
		result = body.stmts->Exec(fp, flow);

		// Check for hook break
		if ( Flavor() == FUNC_FLAVOR_HOOK )
			{
			if ( flow == FLOW_BREAK )
				{
				result = val_mgr->False();
				break;
				}
			}
		}

	minizeek::shadow_leave();
	MZ_BARRIER();
	call_stack.pop_back();
	MZ_BARRIER();

	if ( Flavor() == FUNC_FLAVOR_HOOK )
		{
		if ( ! result )
			result = val_mgr->True();
		}

#if MZ_FAMILY == 80
	g_frame_stack.pop_back();
	MZ_BARRIER();
#endif

	return result;
	}

BuiltinFunc::BuiltinFunc(built_in_func arg_func, const char* arg_name, bool arg_is_pure)
	: Func(BUILTIN_FUNC)
	{
	func = arg_func;
	name = arg_name;
	is_pure = arg_is_pure;
	}

ValPtr BuiltinFunc::Invoke(Args* args, Frame* parent) const
	{
	const CallExpr* call_expr = parent ? parent->GetCall() : nullptr;
#if MZ_FAMILY == 80
	call_stack.emplace_back(CallInfo{call_expr, this, *args});
#else
	Frame f{0, this, args};
	MZ_BARRIER();
	call_stack.emplace_back(CallInfo{call_expr, &f});
#endif
	MZ_BARRIER();
	minizeek::shadow_enter(this);

	ValPtr result = func(parent, args);

	minizeek::shadow_leave();
	MZ_BARRIER();
	call_stack.pop_back();
	MZ_BARRIER();
	return result;
	}

// Frame.cc
#if MZ_FAMILY == 80
Frame::Frame(int arg_size, const ScriptFunc* func, const zeek::Args* fn_args)
	{
	size = arg_size;
	frame = std::make_unique<Element[]>(size);
	function = func;
	func_args = fn_args;

	next_stmt = nullptr;
	break_before_next_stmt = false;
	break_on_return = false;

	trigger = nullptr;
	call = nullptr;
	assoc = nullptr;
	delayed = false;

	captures = nullptr;
	captures_offset_map = nullptr;
	current_offset = 0;
	}
#else
Frame::Frame(int arg_size, const Func* func, const zeek::Args* fn_args)
	: size(arg_size), frame(std::make_unique<Element[]>(arg_size)), function(func), func_args(fn_args)
	{ }
#endif

// Stmt.cc
Stmt::Stmt(StmtTag arg_tag)
	{
	tag = arg_tag;
	breakpoint_count = 0;
	last_access = 0;
	access_count = 0;
	opt_info = nullptr;
	++num_stmts;
	}

StmtList::StmtList() : Stmt(STMT_LIST) { stmts = new StmtPList; }

StmtList::~StmtList() { delete stmts; }

ValPtr StmtList::Exec(Frame* f, StmtFlowType& flow)
	{
	++access_count;
	flow = FLOW_NEXT;

	for ( int i = 0; i < stmts->length(); ++i )
		{
		auto stmt = (*stmts)[i];

		f->SetNextStmt(stmt);
		minizeek::shadow_stmt(stmt->GetLocationInfo()->FirstLine());

		auto result = stmt->Exec(f, flow);

		if ( flow != FLOW_NEXT || result )
			return result;
		}

	return nullptr;
	}

ExprStmt::ExprStmt(ExprPtr arg_e) : Stmt(STMT_EXPR), e(std::move(arg_e)) { }
ExprStmt::ExprStmt(StmtTag t, ExprPtr arg_e) : Stmt(t), e(std::move(arg_e)) { }

ValPtr ExprStmt::Exec(Frame* f, StmtFlowType& flow)
	{
	++access_count;
	flow = FLOW_NEXT;
	e->Eval(f);
	return nullptr;
	}

IfStmt::IfStmt(ExprPtr test, StmtPtr arg_s1, StmtPtr arg_s2)
	: ExprStmt(STMT_IF, std::move(test)), s1(std::move(arg_s1)), s2(std::move(arg_s2))
	{ }

ValPtr IfStmt::Exec(Frame* f, StmtFlowType& flow)
	{
	++access_count;
	flow = FLOW_NEXT;
	auto v = e->Eval(f);

	Stmt* do_stmt = v->AsInt() ? s1.get() : s2.get();
	if ( ! do_stmt )
		return nullptr;

	f->SetNextStmt(do_stmt);
	minizeek::shadow_stmt(do_stmt->GetLocationInfo()->FirstLine());
	return do_stmt->Exec(f, flow);
	}

ReturnStmt::ReturnStmt(ExprPtr arg_e) : ExprStmt(STMT_RETURN, std::move(arg_e)) { }

ValPtr ReturnStmt::Exec(Frame* f, StmtFlowType& flow)
	{
	++access_count;
	flow = FLOW_RETURN;
	return e ? e->Eval(f) : nullptr;
	}

HookStmt::HookStmt(IntrusivePtr<CallExpr> arg_call) : Stmt(STMT_EXPR), call(std::move(arg_call)) { }

ValPtr HookStmt::Exec(Frame* f, StmtFlowType& flow)
	{
	++access_count;
	flow = FLOW_NEXT;
	call->Eval(f);
	return nullptr;
	}

ZBody::ZBody(std::string arg_func_name) : Stmt(STMT_ZAM), func_name(std::move(arg_func_name)) { }

ValPtr ZBody::Exec(Frame* f, StmtFlowType& flow)
	{
	// The program counter is a local: nothing here updates f's next_stmt.
	ValPtr result;
	for ( size_t pc = 0; pc < insts.size(); ++pc )
		{
		result = insts[pc]->Exec(f, flow);
		if ( flow == FLOW_RETURN )
			break;
		}
	flow = FLOW_RETURN;
	return result;
	}

WorkStmt::WorkStmt(int arg_cost_slot, const char* arg_checkpoint)
	: Stmt(STMT_EXPR), cost_slot(arg_cost_slot), checkpoint_name(arg_checkpoint)
	{ }

ValPtr WorkStmt::Exec(Frame* f, StmtFlowType& flow)
	{
	++access_count;
	flow = FLOW_NEXT;
	if ( checkpoint_name )
		minizeek::checkpoint(checkpoint_name);
	minizeek::work(cost_slot);
	return nullptr;
	}

// Expr.cc
Expr::Expr(ExprTag arg_tag) : tag(arg_tag), paren(false), type(nullptr), opt_info(nullptr)
	{
	++num_exprs;
	}

NameExpr::NameExpr(int frame_offset) : Expr(EXPR_NAME), offset(frame_offset) { }

ValPtr NameExpr::Eval(Frame* f) const { return f->GetElement(offset); }

ConstExpr::ConstExpr(ValPtr arg_val) : Expr(EXPR_CONST), val(std::move(arg_val)) { }

ValPtr SubExpr::Eval(Frame* f) const
	{
	return val_mgr->Count(op1->Eval(f)->AsInt() - op2->Eval(f)->AsInt());
	}

ValPtr RelExpr::Eval(Frame* f) const
	{
	return val_mgr->Bool(op1->Eval(f)->AsInt() > op2->Eval(f)->AsInt());
	}

ListExpr::ListExpr() : Expr(EXPR_LIST) { }

CallExpr::CallExpr(ExprPtr arg_func, ListExprPtr arg_args, bool in_hook, bool arg_in_when)
	: Expr(EXPR_CALL), func(std::move(arg_func)), args(std::move(arg_args)), in_when(arg_in_when)
	{ }

ValPtr CallExpr::Eval(Frame* f) const
	{
	ValPtr ret;
	auto func_val = func->Eval(f);

	zeek::Args v;
	const auto& exprs = args->Exprs();
	v.reserve(exprs.length());
	for ( int i = 0; i < exprs.length(); ++i )
		v.emplace_back(exprs[i]->Eval(f));

	const zeek::Func* funcv = func_val->AsFunc();

	// Since 5.0 the caller's call is neither saved nor restored.
	if ( f )
		f->SetCall(this);

	minizeek::shadow_call(GetLocationInfo()->FirstLine());
	ret = funcv->Invoke(&v, f);

	return ret;
	}

} // namespace detail
} // namespace zeek

#if MZ_FAMILY == 80
// Frame.cc: a global-namespace vector of Frame pointers (removed in 8.1).
std::vector<zeek::detail::Frame*> g_frame_stack;
#endif

#endif // MZ_FAMILY
