// mini-zeek: the data structures of Zeek's script call stack, reproduced with the
// class names, namespaces, base classes, member order and member types of the real
// headers (src/Obj.h, Func.h, Frame.h, Stmt.h/StmtBase.h, Expr.h, Type.h).
//
// One layout family per build, chosen with -DMINI_ZEEK_FAMILY:
//   30 = Zeek 3.0.0/3.0.1   (global namespace, BroObj, Location with vtable)
//   80 = Zeek 8.0.x         (zeek::Obj, 16-byte Location, Kind : uint8_t, g_frame_stack)
//   90 = Zeek 8.1 .. 9.0    (CallInfo{call, frame}, Frames on the C++ stack)
//
// Members that nothing reads are kept with their real types so sizeof and the
// offsets of the members that are read match the real classes. Member functions
// are a small subset with simplified signatures; only data layout is faithful.
#pragma once

#ifndef MINI_ZEEK_FAMILY
#error "compile with -DMINI_ZEEK_FAMILY=30, 80 or 90"
#endif
#define MZ_FAMILY MINI_ZEEK_FAMILY
#if MZ_FAMILY != 30 && MZ_FAMILY != 80 && MZ_FAMILY != 90
#error "MINI_ZEEK_FAMILY must be 30, 80 or 90"
#endif

#include <climits>
#include <cstddef>
#include <cstdint>
#include <forward_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

// Reads private members for `--layout` (offsetof probes); befriended by every model class.
struct MiniZeekLayout;

// Instrumentation hooks of the test inferior (not part of Zeek). They maintain an
// independent "shadow" stack from which the expected stacks and the ground truth are
// rendered, and they burn CPU for the work statements.
namespace minizeek {
void shadow_enter(const void* func);   // a Func starts running (after Zeek's pushes)
void shadow_body(const void* stmts);   // one body of the running Func starts
void shadow_stmt(int first_line);      // innermost frame starts a statement (SetNextStmt)
void shadow_call(int first_line);      // a CallExpr is about to invoke a function
void shadow_leave();                   // the running Func returns (before Zeek's pops)
void work(int cost_slot);              // burn the CPU configured for this slot
void checkpoint(const char* name);     // --checkpoints: report and wait
} // namespace minizeek

extern "C" char version[];

// Compiler barrier: the stores to the Zeek structures are in memory, in program order,
// whenever the process is stopped between two statements of Invoke.
#define MZ_BARRIER() asm volatile("" ::: "memory")

// ---------------------------------------------------------------------------------
// Zeek 3.0.0 / 3.0.1
// ---------------------------------------------------------------------------------
#if MZ_FAMILY == 30

typedef uint32_t uint32;
typedef int64_t bro_int_t;
class ODesc;

// List.h (3.0): the list constants were still non-static members, so a list is 24 bytes.
template <typename T>
class List {
public:
	const int DEFAULT_LIST_SIZE = 10;
	const int LIST_GROWTH_FACTOR = 2;

	List() : entries(nullptr), max_entries(0), num_entries(0) {}
	~List() { delete[] entries; }
	List(const List&) = delete;
	List& operator=(const List&) = delete;

	int length() const { return num_entries; }
	T& operator[](int i) const { return entries[i]; }
	void push_back(const T& a)
		{
		if ( num_entries == max_entries )
			{
			int n = max_entries ? max_entries * LIST_GROWTH_FACTOR : DEFAULT_LIST_SIZE;
			T* e = new T[n];
			for ( int i = 0; i < num_entries; ++i )
				e[i] = entries[i];
			delete[] entries;
			entries = e;
			max_entries = n;
			}
		entries[num_entries++] = a;
		}
	void clear() { num_entries = 0; }

protected:
	T* entries;
	int max_entries;
	int num_entries;
};
template <typename T> using PList = List<T*>;

class Val;
class ID;
class Stmt;
class Expr;
class BroType;
typedef PList<Val> val_list;
typedef PList<ID> id_list;
typedef PList<Stmt> stmt_list;
typedef PList<Expr> expr_list;

// Obj.h
class Location {
public:
	Location(const char* fname, int line_f, int line_l, int col_f, int col_l)
		: filename(fname), first_line(line_f), last_line(line_l),
		  first_column(col_f), last_column(col_l), delete_data(false), timestamp(0), text(nullptr)
		{ }
	Location()
		: filename(nullptr), first_line(0), last_line(0), first_column(0), last_column(0),
		  delete_data(false), timestamp(0), text(nullptr)
		{ }
	virtual ~Location()
		{
		if ( delete_data )
			delete[] filename;
		}

	const char* filename;
	int first_line, last_line;
	int first_column, last_column;

	// Whether to delete the data in the object.
	bool delete_data;

	// Timestamp and text for compatibility with Bison's default yyltype.
	int timestamp;
	char* text;
};

extern Location no_location;
extern Location start_location;
extern Location end_location;

class BroObj {
public:
	BroObj();
	virtual ~BroObj();

	BroObj(const BroObj&) = delete;
	BroObj& operator=(const BroObj&) = delete;

	virtual void Describe(ODesc* d) const { }
	virtual const Location* GetLocationInfo() const
		{ return location ? location : &no_location; }
	virtual bool SetLocationInfo(const Location* loc) { return SetLocationInfo(loc, loc); }
	virtual bool SetLocationInfo(const Location* start, const Location* end);

	int RefCnt() const { return ref_cnt; }

protected:
	Location* location;	// all that matters in real estate

private:
	friend struct ::MiniZeekLayout;
	friend inline void Ref(BroObj* o);
	friend inline void Unref(BroObj* o);

	bool notify_plugins;
	int ref_cnt;

	// If non-zero, do not print runtime errors.  Useful for
	// speculative evaluation.
	static int suppress_errors;
};

inline void Ref(BroObj* o) { ++o->ref_cnt; }
inline void Unref(BroObj* o)
	{
	if ( o && --o->ref_cnt <= 0 )
		delete o;
	}

// Type.h
typedef enum {
	TYPE_VOID, TYPE_BOOL, TYPE_INT, TYPE_COUNT, TYPE_COUNTER, TYPE_DOUBLE, TYPE_TIME,
	TYPE_INTERVAL, TYPE_STRING, TYPE_PATTERN, TYPE_ENUM, TYPE_TIMER, TYPE_PORT, TYPE_ADDR,
	TYPE_SUBNET, TYPE_ANY, TYPE_TABLE, TYPE_UNION, TYPE_RECORD, TYPE_LIST, TYPE_FUNC,
	TYPE_FILE, TYPE_VECTOR, TYPE_OPAQUE, TYPE_TYPE, TYPE_ERROR
} TypeTag;

typedef enum {
	FUNC_FLAVOR_FUNCTION,
	FUNC_FLAVOR_EVENT,
	FUNC_FLAVOR_HOOK
} function_flavor;

typedef enum {
	TYPE_INTERNAL_VOID,
	TYPE_INTERNAL_INT, TYPE_INTERNAL_UNSIGNED, TYPE_INTERNAL_DOUBLE,
	TYPE_INTERNAL_STRING, TYPE_INTERNAL_ADDR, TYPE_INTERNAL_SUBNET,
	TYPE_INTERNAL_OTHER, TYPE_INTERNAL_ERROR
} InternalTypeTag;

class RecordType;
class TypeList;
class FuncType;

class BroType : public BroObj {
public:
	explicit BroType(TypeTag tag, bool base_type = false);
	TypeTag Tag() const { return tag; }
	FuncType* AsFuncType() { return (FuncType*) this; }
	const FuncType* AsFuncType() const { return (const FuncType*) this; }

	typedef std::map<std::string, std::set<BroType*> > TypeAliasMap;

private:
	friend struct ::MiniZeekLayout;
	TypeTag tag;
	InternalTypeTag internal_tag;
	bool is_network_order;
	bool base_type;
	std::string name;

	static TypeAliasMap type_aliases;
};

class FuncType : public BroType {
public:
	FuncType(RecordType* args, BroType* yield, function_flavor f);
	function_flavor Flavor() const { return flavor; }

protected:
	friend struct ::MiniZeekLayout;
	RecordType* args;
	TypeList* arg_types;
	BroType* yield;
	function_flavor flavor;
};

// Val.h (only what the model needs)
class Func;
class Val : public BroObj {
public:
	explicit Val(bro_int_t i) : int_val(i) { }
	bro_int_t AsInt() const { return int_val; }
	virtual Func* AsFunc() const { return nullptr; }
protected:
	bro_int_t int_val;
};

class FuncVal : public Val {
public:
	explicit FuncVal(Func* f) : Val(0), func(f) { }
	Func* AsFunc() const override { return func; }
protected:
	Func* func;
};

// Val.h: preallocated values; returned pointers are borrowed (never Unref'd).
class ValManager {
public:
	ValManager();
	Val* GetCount(bro_int_t i) const;
	Val* GetBool(bool b) const { return b ? t : f; }
private:
	std::vector<Val*> counts;
	Val* t;
	Val* f;
};
extern ValManager* val_mgr;

class Scope;
class Trigger;
class Frame;
class CallExpr;
class ListExpr;

// Stmt.h
typedef enum {
	STMT_ANY = -1,
	STMT_ALARM, STMT_PRINT, STMT_EVENT, STMT_EXPR, STMT_IF, STMT_WHEN, STMT_SWITCH,
	STMT_FOR, STMT_NEXT, STMT_BREAK, STMT_RETURN, STMT_ADD, STMT_DELETE, STMT_LIST,
	STMT_EVENT_BODY_LIST, STMT_INIT, STMT_FALLTHROUGH, STMT_WHILE, STMT_NULL,
	STMT_ZAM,	// mini-zeek: 3.0 had no ZAM; see ZBody
} BroStmtTag;

typedef enum {
	FLOW_NEXT, FLOW_LOOP, FLOW_BREAK, FLOW_RETURN, FLOW_FALLTHROUGH
} stmt_flow_type;

class Stmt : public BroObj {
public:
	BroStmtTag Tag() const { return tag; }
	virtual Val* Exec(Frame* f, stmt_flow_type& flow) const = 0;

protected:
	explicit Stmt(BroStmtTag arg_tag);

	BroStmtTag tag;
	int breakpoint_count;	// how many breakpoints on this statement

	// FIXME: Learn the exact semantics of mutable.
	mutable double last_access;	// time of last execution
	mutable uint32 access_count;	// number of executions
};

// Expr.h
typedef enum {
	EXPR_ANY = -1,
	EXPR_NAME, EXPR_CONST, EXPR_SUB, EXPR_GT, EXPR_LIST, EXPR_CALL,
} BroExprTag;

class Expr : public BroObj {
public:
	BroExprTag Tag() const { return tag; }
	virtual Val* Eval(Frame* f) const = 0;

protected:
	explicit Expr(BroExprTag arg_tag);

	BroExprTag tag;
	BroType* type;
	int paren;
};

// Func.h
class Func : public BroObj {
public:
	enum Kind { BRO_FUNC, BUILTIN_FUNC };

	explicit Func(Kind arg_kind);

	virtual int IsPure() const = 0;
	function_flavor Flavor() const { return FType()->Flavor(); }

	struct Body {
		Stmt* stmts;
		int priority;
		bool operator<(const Body& other) const
			{ return priority > other.priority; } // reverse sort
	};

	const std::vector<Body>& GetBodies() const { return bodies; }

	virtual Val* Call(val_list* args, Frame* parent = 0) const = 0;

	virtual void AddBody(Stmt* new_body, id_list* new_inits, int new_frame_size, int priority = 0);

	FuncType* FType() const { return type->AsFuncType(); }
	void SetType(BroType* t) { type = t; }
	Kind GetKind() const { return kind; }
	const char* Name() const { return name.c_str(); }
	void SetName(const char* arg_name) { name = arg_name; }

protected:
	friend struct ::MiniZeekLayout;
	Func();

	std::vector<Body> bodies;
	Scope* scope;
	Kind kind;
	BroType* type;
	std::string name;
	uint32 unique_id;
	static std::vector<Func*> unique_ids;
};

class BroFunc : public Func {
public:
	BroFunc(const char* name, FuncType* t, int frame_size);

	int IsPure() const override { return 0; }
	Val* Call(val_list* args, Frame* parent) const override;

protected:
	BroFunc() : Func(BRO_FUNC) { }

private:
	size_t frame_size;

	// List of the outer IDs used in the function.
	id_list outer_ids;
	// The frame the BroFunc was initialized in.
	Frame* closure = nullptr;
};

typedef Val* (*built_in_func)(Frame* frame, val_list* args);

class BuiltinFunc : public Func {
public:
	BuiltinFunc(built_in_func func, const char* name, int is_pure);

	int IsPure() const override { return is_pure; }
	Val* Call(val_list* args, Frame* parent) const override;

protected:
	BuiltinFunc() { func = 0; is_pure = 0; }

	built_in_func func;
	int is_pure;
};

struct CallInfo {
	const CallExpr* call;
	const Func* func;
	const val_list* args;
};

extern std::vector<CallInfo> call_stack;

// Frame.h (3.0.0 - 3.0.1 member list)
class Frame : public BroObj {
public:
	Frame(int size, const BroFunc* func, const val_list* fn_args);
	~Frame() override;

	Val* NthElement(int n) const { return frame[n]; }
	void SetElement(int n, Val* v);

	const BroFunc* GetFunction() const { return function; }
	const val_list* GetFuncArgs() const { return func_args; }

	// Next statement to be executed in the context of this frame.
	void SetNextStmt(Stmt* stmt) { next_stmt = stmt; }
	Stmt* GetNextStmt() const { return next_stmt; }

	void SetTrigger(Trigger* arg_trigger) { trigger = arg_trigger; }
	Trigger* GetTrigger() const { return trigger; }

	void SetCall(const CallExpr* arg_call) { call = arg_call; }
	void ClearCall() { call = 0; }
	const CallExpr* GetCall() const { return call; }

private:
	friend struct ::MiniZeekLayout;

	/** The number of vals that can be stored in this frame. */
	int size;

	/** Associates ID's offsets with values. */
	Val** frame;

	/** The enclosing frame of this frame. */
	Frame* closure;

	/** ID's used in this frame from the enclosing frame. */
	id_list outer_ids;

	/**
	 * Maps ID names to offsets. Used if this frame is  serialized
	 * to maintain proper offsets after being sent elsewhere.
	 */
	std::unordered_map<std::string, int> offset_map;

	/** The function this frame is associated with. */
	const BroFunc* function;
	/** The arguments to the function that this Frame is associated with. */
	const val_list* func_args;

	/** The next statement to be evaluted in the context of this frame. */
	Stmt* next_stmt;

	bool break_before_next_stmt;
	bool break_on_return;

	Trigger* trigger;
	const CallExpr* call;
	bool delayed;
};

extern std::vector<Frame*> g_frame_stack;

// Stmt.h: the statement classes the mini scripts use.
class StmtList : public Stmt {
public:
	StmtList();
	Val* Exec(Frame* f, stmt_flow_type& flow) const override;
	void Append(Stmt* s) { stmts.push_back(s); }

protected:
	stmt_list stmts;
};

class ExprStmt : public Stmt {
public:
	explicit ExprStmt(Expr* e);
	Val* Exec(Frame* f, stmt_flow_type& flow) const override;
protected:
	ExprStmt(BroStmtTag t, Expr* e);
	Expr* e;
};

class IfStmt : public ExprStmt {
public:
	IfStmt(Expr* test, Stmt* s1, Stmt* s2);
	Val* Exec(Frame* f, stmt_flow_type& flow) const override;
protected:
	Stmt* s1;
	Stmt* s2;
};

class ReturnStmt : public ExprStmt {
public:
	explicit ReturnStmt(Expr* e);
	Val* Exec(Frame* f, stmt_flow_type& flow) const override;
};

class HookStmt : public Stmt {
public:
	explicit HookStmt(CallExpr* call);
	Val* Exec(Frame* f, stmt_flow_type& flow) const override;
protected:
	CallExpr* call;
};

// A body compiled by ZAM (script_opt/ZAM/ZBody.h in 4.2+; 3.0 had no ZAM, the class is
// an anachronism kept so that every family has a body that never sets next_stmt).
class ZBody : public Stmt {
public:
	ZBody(std::string func_name);
	Val* Exec(Frame* f, stmt_flow_type& flow) const override;
	void AddInst(Stmt* s) { insts.push_back(s); }
protected:
	std::string func_name;
	stmt_list insts;	// mini-zeek: the real one holds ZInst's
};

// mini-zeek only: a statement whose evaluation costs the CPU of one cost slot
// (models an expensive script statement; Zeek has no such class).
class WorkStmt : public Stmt {
public:
	WorkStmt(int cost_slot, const char* checkpoint_name);
	Val* Exec(Frame* f, stmt_flow_type& flow) const override;
protected:
	int cost_slot;
	const char* checkpoint_name;
};

// Expr.h: the expression classes the mini scripts use.
class NameExpr : public Expr {
public:
	explicit NameExpr(int frame_offset);
	Val* Eval(Frame* f) const override;
protected:
	int offset;	// mini-zeek: the real one holds an ID*
};

class ConstExpr : public Expr {
public:
	explicit ConstExpr(Val* val);
	Val* Eval(Frame* f) const override { return val; }
protected:
	Val* val;
};

class BinaryExpr : public Expr {
protected:
	BinaryExpr(BroExprTag tag, Expr* op1, Expr* op2) : Expr(tag), op1(op1), op2(op2) { }
	Expr* op1;
	Expr* op2;
};

class SubExpr : public BinaryExpr {
public:
	SubExpr(Expr* op1, Expr* op2) : BinaryExpr(EXPR_SUB, op1, op2) { }
	Val* Eval(Frame* f) const override;
};

class RelExpr : public BinaryExpr {
public:
	RelExpr(BroExprTag tag, Expr* op1, Expr* op2) : BinaryExpr(tag, op1, op2) { }
	Val* Eval(Frame* f) const override;
};

class ListExpr : public Expr {
public:
	ListExpr();
	void Append(Expr* e) { exprs.push_back(e); }
	const expr_list& Exprs() const { return exprs; }
	Val* Eval(Frame* f) const override { return nullptr; }
protected:
	expr_list exprs;
};

class CallExpr : public Expr {
public:
	CallExpr(Expr* func, ListExpr* args, bool in_hook = false);
	Val* Eval(Frame* f) const override;
protected:
	Expr* func;
	ListExpr* args;
};

#else // MZ_FAMILY 80 / 90
// ---------------------------------------------------------------------------------
// Zeek 8.0.x and 8.1 - 9.0
// ---------------------------------------------------------------------------------

namespace zeek {

class ODesc;
class Obj;
inline void Ref(Obj* o);
inline void Unref(Obj* o);

struct AdoptRef { };
struct NewRef { };

// IntrusivePtr.h: one pointer, reference counted through zeek::Ref/Unref.
template <class T>
class IntrusivePtr {
public:
	IntrusivePtr() noexcept = default;
	IntrusivePtr(std::nullptr_t) noexcept { }
	IntrusivePtr(AdoptRef, T* raw_ptr) noexcept : ptr_(raw_ptr) { }
	IntrusivePtr(NewRef, T* raw_ptr) noexcept : ptr_(raw_ptr) { if ( ptr_ ) Ref(ptr_); }
	IntrusivePtr(const IntrusivePtr& other) noexcept : IntrusivePtr(NewRef{}, other.get()) { }
	IntrusivePtr(IntrusivePtr&& other) noexcept : ptr_(other.release()) { }
	~IntrusivePtr() { if ( ptr_ ) Unref(ptr_); }

	IntrusivePtr& operator=(IntrusivePtr other) noexcept
		{
		std::swap(ptr_, other.ptr_);
		return *this;
		}

	friend bool operator==(const IntrusivePtr& a, const IntrusivePtr& b) { return a.ptr_ == b.ptr_; }
	friend bool operator!=(const IntrusivePtr& a, const IntrusivePtr& b) { return a.ptr_ != b.ptr_; }

	T* release() noexcept { return std::exchange(ptr_, nullptr); }
	T* get() const noexcept { return ptr_; }
	T& operator*() const noexcept { return *ptr_; }
	T* operator->() const noexcept { return ptr_; }
	explicit operator bool() const noexcept { return ptr_ != nullptr; }

private:
	T* ptr_ = nullptr;
};

template <class T, class... Ts>
IntrusivePtr<T> make_intrusive(Ts&&... args)
	{
	return {AdoptRef{}, new T(std::forward<Ts>(args)...)};
	}

// List.h
template <typename T>
class List {
public:
	constexpr static int DEFAULT_LIST_SIZE = 10;
	constexpr static int LIST_GROWTH_FACTOR = 2;

	List() = default;
	~List() { delete[] entries; }
	List(const List&) = delete;
	List& operator=(const List&) = delete;

	int length() const { return num_entries; }
	T& operator[](int i) const { return entries[i]; }
	void push_back(const T& a)
		{
		if ( num_entries == max_entries )
			{
			int n = max_entries ? max_entries * LIST_GROWTH_FACTOR : DEFAULT_LIST_SIZE;
			T* e = new T[n];
			for ( int i = 0; i < num_entries; ++i )
				e[i] = entries[i];
			delete[] entries;
			entries = e;
			max_entries = n;
			}
		entries[num_entries++] = a;
		}

protected:
	T* entries = nullptr;
	int max_entries = 0;
	int num_entries = 0;
};
template <typename T> using PList = List<T*>;

class Val;
using ValPtr = IntrusivePtr<Val>;
using Args = std::vector<ValPtr>;
class Func;
class Type;
class FuncType;
class RecordType;
class TypeList;
using TypePtr = IntrusivePtr<Type>;
using FuncTypePtr = IntrusivePtr<FuncType>;
using RecordTypePtr = IntrusivePtr<RecordType>;
using TypeListPtr = IntrusivePtr<TypeList>;

namespace detail {

// Obj.h
class Location final {
public:
	constexpr Location(const char* fname, int line_f, int line_l) noexcept : filename(fname)
		{ SetLines(line_f, line_l); }

	Location() = default;

	const char* FileName() const { return filename; }
	int FirstLine() const { return first_line; }
	int LastLine() const { return last_line; }

	void SetFile(const char* fname) { filename = fname; }
	void SetLine(int line) { SetLines(line, line); }
	constexpr void SetLines(int first, int last)
		{
		if ( first > last )
			{
			auto tmp = first;
			first = last;
			last = tmp;
			}
		first_line = first;
		last_line = last;
		}

private:
	friend struct ::MiniZeekLayout;
	const char* filename = nullptr;
	int first_line = 0, last_line = 0;
};

extern Location no_location;
extern Location start_location;
extern Location end_location;

class Scope;
class ID;
class Stmt;
class Expr;
class CallExpr;
class ListExpr;
class Frame;
class ScriptFunc;
class StmtOptInfo;
class ExprOptInfo;
using ScopePtr = IntrusivePtr<Scope>;
using IDPtr = IntrusivePtr<ID>;
using StmtPtr = IntrusivePtr<Stmt>;
using ExprPtr = IntrusivePtr<Expr>;
using ListExprPtr = IntrusivePtr<ListExpr>;
using IDPList = PList<ID>;
using StmtPList = PList<Stmt>;
using ExprPList = PList<Expr>;

namespace trigger {
class Trigger;
using TriggerPtr = IntrusivePtr<Trigger>;
} // namespace trigger

} // namespace detail

class Obj {
public:
	Obj();
	virtual ~Obj();

	Obj(const Obj&) = delete;
	Obj& operator=(const Obj&) = delete;

	virtual void Describe(ODesc* d) const { }

	virtual const detail::Location* GetLocationInfo() const
		{ return location ? location : &detail::no_location; }
	virtual bool SetLocationInfo(const detail::Location* loc) { return SetLocationInfo(loc, loc); }
	virtual bool SetLocationInfo(const detail::Location* start, const detail::Location* end);

	void NotifyPluginsOnDtor() { notify_plugins = true; }
	int RefCnt() const { return ref_cnt; }

protected:
	detail::Location* location;

private:
	friend struct ::MiniZeekLayout;
	friend inline void Ref(Obj* o);
	friend inline void Unref(Obj* o);

	int ref_cnt = 1;
	bool notify_plugins = false;

	static int suppress_errors;
};

inline void Ref(Obj* o) { ++o->ref_cnt; }
inline void Unref(Obj* o)
	{
	if ( o && --o->ref_cnt <= 0 )
		delete o;
	}

namespace detail {
// Scope.h, ID.h, Trigger.h: only pointers to these are stored.
class Scope : public Obj { };
class ID : public Obj { };
namespace trigger {
class Trigger : public Obj { };
} // namespace trigger
} // namespace detail

// Type.h
enum TypeTag : uint8_t {
	TYPE_VOID, TYPE_BOOL, TYPE_INT, TYPE_COUNT, TYPE_DOUBLE, TYPE_TIME, TYPE_INTERVAL,
	TYPE_STRING, TYPE_PATTERN, TYPE_ENUM, TYPE_PORT, TYPE_ADDR, TYPE_SUBNET, TYPE_ANY,
	TYPE_TABLE, TYPE_RECORD, TYPE_LIST, TYPE_FUNC, TYPE_FILE, TYPE_VECTOR, TYPE_OPAQUE,
	TYPE_TYPE, TYPE_ERROR
};

enum FunctionFlavor : uint8_t { FUNC_FLAVOR_FUNCTION, FUNC_FLAVOR_EVENT, FUNC_FLAVOR_HOOK };

enum InternalTypeTag : uint8_t {
	TYPE_INTERNAL_VOID, TYPE_INTERNAL_INT, TYPE_INTERNAL_UNSIGNED, TYPE_INTERNAL_DOUBLE,
	TYPE_INTERNAL_STRING, TYPE_INTERNAL_ADDR, TYPE_INTERNAL_SUBNET, TYPE_INTERNAL_OTHER,
	TYPE_INTERNAL_ERROR
};

class Type : public Obj {
public:
	explicit Type(TypeTag tag, bool base_type = false);
	TypeTag Tag() const { return tag; }
	const FuncType* AsFuncType() const { return (const FuncType*) this; }

	struct TypePtrComparer {
		bool operator()(const TypePtr& a, const TypePtr& b) const { return a.get() < b.get(); }
	};
	using TypePtrSet = std::set<TypePtr, TypePtrComparer>;
	using TypeAliasMap = std::map<std::string, TypePtrSet, std::less<>>;

private:
	friend struct ::MiniZeekLayout;
	TypeTag tag;
	InternalTypeTag internal_tag;
	bool is_network_order;
	bool base_type;
	std::string name;

	static TypeAliasMap type_aliases;
};

class FuncType final : public Type {
public:
	struct Prototype {
		bool deprecated;
		std::string deprecation_msg;
		RecordTypePtr args;
		std::map<int, int> offsets;
	};

	class Capture {
	private:
		detail::IDPtr id;
		bool deep_copy;
		bool is_managed;
	};
	using CaptureList = std::vector<Capture>;

	FuncType(RecordTypePtr args, TypePtr yield, FunctionFlavor f);
	FunctionFlavor Flavor() const { return flavor; }

protected:
	friend struct ::MiniZeekLayout;
	RecordTypePtr args;
	TypeListPtr arg_types;
	TypePtr yield;
	FunctionFlavor flavor;
	std::vector<Prototype> prototypes;

	std::optional<CaptureList> captures;
	bool expressionless_return_okay = false;
	bool reported_error = false;
};

class RecordType final : public Type {
public:
	RecordType() : Type(TYPE_RECORD) { }
};

class TypeList final : public Type {
public:
	TypeList() : Type(TYPE_LIST) { }
};

// Val.h (only what the model needs)
class Val : public Obj {
public:
	explicit Val(int64_t i) : int_val(i) { }
	int64_t AsInt() const { return int_val; }
	virtual Func* AsFunc() const { return nullptr; }
protected:
	int64_t int_val;
};

class FuncVal final : public Val {
public:
	explicit FuncVal(Func* f) : Val(0), func(f) { }
	Func* AsFunc() const override { return func; }
protected:
	Func* func;
};

// Val.h: preallocated values.
class ValManager {
public:
	ValManager();
	ValPtr Count(int64_t i) const;
	ValPtr Bool(bool b) const { return b ? True() : False(); }
	ValPtr True() const { return {NewRef{}, t}; }
	ValPtr False() const { return {NewRef{}, f}; }
private:
	std::vector<Val*> counts;
	Val* t;
	Val* f;
};
extern ValManager* val_mgr;

class EventGroup;
using EventGroupPtr = std::shared_ptr<EventGroup>;
union ZVal {
	int64_t int_val;
	Obj* managed_val;
};

namespace detail {

// StmtEnums.h
enum StmtTag : uint8_t {
	STMT_ALARM, STMT_PRINT, STMT_EVENT, STMT_EXPR, STMT_IF, STMT_WHEN, STMT_SWITCH,
	STMT_FOR, STMT_NEXT, STMT_BREAK, STMT_RETURN, STMT_LIST, STMT_EVENT_BODY_LIST,
	STMT_INIT, STMT_FALLTHROUGH, STMT_WHILE, STMT_CATCH_RETURN, STMT_CHECK_ANY_LEN,
	STMT_CPP, STMT_ZAM, STMT_NULL, STMT_ASSERT, STMT_EXTERN,
};

enum StmtFlowType : uint8_t {
	FLOW_NEXT, FLOW_LOOP, FLOW_BREAK, FLOW_RETURN, FLOW_FALLTHROUGH
};

// StmtBase.h
class Stmt : public Obj {
public:
	StmtTag Tag() const { return tag; }
	virtual ValPtr Exec(Frame* f, StmtFlowType& flow) = 0;

protected:
	explicit Stmt(StmtTag arg_tag);

	StmtTag tag;
	int breakpoint_count; // how many breakpoints on this statement

	// FIXME: Learn the exact semantics of mutable.
	mutable double last_access;    // time of last execution
	mutable uint32_t access_count; // number of executions

	// Information associated with the Stmt for purposes of
	// script optimization.
	StmtOptInfo* opt_info;

	// Number of statements created thus far.
	static int num_stmts;
};

// Expr.h
enum ExprTag : int8_t {
	EXPR_ANY = -1,
	EXPR_NAME, EXPR_CONST, EXPR_SUB, EXPR_GT, EXPR_LIST, EXPR_CALL,
};

class Expr : public Obj {
public:
	ExprTag Tag() const { return tag; }
	virtual ValPtr Eval(Frame* f) const = 0;

protected:
	explicit Expr(ExprTag arg_tag);

	ExprTag tag;
	bool paren;
	TypePtr type;

	// Information associated with the Expr for purposes of
	// script optimization.
	ExprOptInfo* opt_info;

	// Number of expressions created thus far.
	static int num_exprs;
};

} // namespace detail

// Func.h
class Func : public Obj {
public:
	enum Kind : uint8_t { SCRIPT_FUNC, BUILTIN_FUNC };

	explicit Func(Kind arg_kind) : kind(arg_kind) { }

	virtual bool IsPure() const = 0;
	FunctionFlavor Flavor() const { return GetType()->Flavor(); }

	struct Body {
		detail::StmtPtr stmts;
		std::forward_list<EventGroupPtr> groups;
		int priority = 0;
		bool disabled = false;
	};

	const std::vector<Body>& GetBodies() const { return bodies; }
	bool HasBodies() const { return ! bodies.empty(); }

	virtual ValPtr Invoke(zeek::Args* args, detail::Frame* parent = nullptr) const = 0;

	virtual void AddBody(detail::StmtPtr new_body, int priority);

	const FuncTypePtr& GetType() const { return type; }
	void SetType(FuncTypePtr t) { type = std::move(t); }
	Kind GetKind() const { return kind; }
	const std::string& GetName() const { return name; }
	const char* Name() const { return name.c_str(); }
	void SetName(const std::string& arg_name) { name = arg_name; }

protected:
	friend struct ::MiniZeekLayout;
	Func() = default;

	std::vector<Body> bodies;
	detail::ScopePtr scope;
	Kind kind = SCRIPT_FUNC;
	FuncTypePtr type;
	std::string name;

private:
	bool has_enabled_bodies = true;
	bool all_bodies_enabled = true;
};

namespace detail {

class ScriptFunc : public Func {
public:
	ScriptFunc(std::string name, FuncTypePtr ft, size_t frame_size);
	~ScriptFunc() override;

	bool IsPure() const override { return false; }
	ValPtr Invoke(zeek::Args* args, Frame* parent) const override;

	using OffsetMap = std::unordered_map<std::string, int>;

protected:
	ScriptFunc() : Func(SCRIPT_FUNC) { }

	std::unique_ptr<std::vector<ZVal>> captures_vec;

private:
	size_t frame_size = 0;

	// List of the outer IDs used in the function.
	IDPList outer_ids;

	// The frame the ScriptFunc was initialized in.
	Frame* captures_frame = nullptr;

	// Map of captured IDs to offsets in the captures frame.
	OffsetMap* captures_offset_mapping = nullptr;

#if MZ_FAMILY == 80
	// The most recently added/updated body ...
	StmtPtr current_body;
	// ... and its priority.
	int current_priority = 0;
#else
	// The most recently added/updated body.
	Body current_body;
#endif
};

using built_in_func = ValPtr (*)(Frame* frame, const Args* args);

class BuiltinFunc final : public Func {
public:
	BuiltinFunc(built_in_func func, const char* name, bool is_pure);

	bool IsPure() const override { return is_pure; }
	ValPtr Invoke(zeek::Args* args, Frame* parent) const override;

protected:
	BuiltinFunc() = default;
#if MZ_FAMILY == 80
	built_in_func func;
	bool is_pure;
#else
	built_in_func func = nullptr;
	bool is_pure = false;
#endif
};

#if MZ_FAMILY == 80
struct CallInfo {
	const CallExpr* call;
	const Func* func;
	const zeek::Args& args;
};
#else
struct CallInfo {
	const CallExpr* call = nullptr;
	Frame* frame = nullptr;
};
#endif

extern std::vector<CallInfo> call_stack;

// Frame.h
class Frame : public Obj {
public:
#if MZ_FAMILY == 80
	Frame(int size, const ScriptFunc* func, const zeek::Args* fn_args);
	const ScriptFunc* GetFunction() const { return function; }
#else
	Frame(int size, const Func* func, const zeek::Args* fn_args);
	const Func* GetFunction() const { return function; }
#endif

	const ValPtr& GetElement(int n) const { return frame[n]; }
	void SetElement(int n, ValPtr v) { frame[n] = std::move(v); }

	const zeek::Args* GetFuncArgs() const { return func_args; }

	void SetNextStmt(Stmt* stmt) { next_stmt = stmt; }
	Stmt* GetNextStmt() const { return next_stmt; }

	void SetCall(const CallExpr* arg_call)
		{
		call = arg_call;
		SetTriggerAssoc(call);
		}
	void SetOnlyCall(const CallExpr* arg_call) { call = arg_call; }
	const CallExpr* GetCall() const { return call; }

	void SetTriggerAssoc(const void* arg_assoc) { assoc = arg_assoc; }
	const void* GetTriggerAssoc() const { return assoc; }

private:
	friend struct ::MiniZeekLayout;
	using OffsetMap = std::unordered_map<std::string, int>;
	using Element = ValPtr;

#if MZ_FAMILY == 80
	/** The number of vals that can be stored in this frame. */
	int size;

	bool break_before_next_stmt;
	bool break_on_return;
	bool delayed;

	/** Associates ID's offsets with values. */
	std::unique_ptr<Element[]> frame;

	/** The offset we're currently using for references into the frame. */
	int current_offset;

	/** Frame used for lambda/when captures. */
	Frame* captures;

	/** Maps IDs to offsets into the "captures" frame. */
	const OffsetMap* captures_offset_map;

	/** The function this frame is associated with. */
	const ScriptFunc* function;

	// The following is only needed for the debugger.
	/** The arguments to the function that this Frame is associated with. */
	const zeek::Args* func_args;

	/** The next statement to be evaluated in the context of this frame. */
	Stmt* next_stmt;

	trigger::TriggerPtr trigger;
	const CallExpr* call;
	const void* assoc;
#else
	int size;

	bool break_before_next_stmt = false;
	bool break_on_return = false;
	bool delayed = false;

	std::unique_ptr<Element[]> frame;

	int current_offset = 0;

	Frame* captures = nullptr;

	const OffsetMap* captures_offset_map = nullptr;

	const Func* function = nullptr;

	const zeek::Args* func_args = nullptr;

	Stmt* next_stmt = nullptr;

	trigger::TriggerPtr trigger;
	const CallExpr* call = nullptr;
	const void* assoc = nullptr;
#endif
};

// Stmt.h: the statement classes the mini scripts use.
class StmtList : public Stmt {
public:
	StmtList();
	~StmtList() override;
	ValPtr Exec(Frame* f, StmtFlowType& flow) override;
	void Append(Stmt* s) { stmts->push_back(s); }

protected:
	StmtPList* stmts;
};

class ExprStmt : public Stmt {
public:
	explicit ExprStmt(ExprPtr e);
	ValPtr Exec(Frame* f, StmtFlowType& flow) override;
protected:
	ExprStmt(StmtTag t, ExprPtr e);
	ExprPtr e;
};

class IfStmt final : public ExprStmt {
public:
	IfStmt(ExprPtr test, StmtPtr s1, StmtPtr s2);
	ValPtr Exec(Frame* f, StmtFlowType& flow) override;
protected:
	StmtPtr s1;
	StmtPtr s2;
};

class ReturnStmt final : public ExprStmt {
public:
	explicit ReturnStmt(ExprPtr e);
	ValPtr Exec(Frame* f, StmtFlowType& flow) override;
};

class HookStmt final : public Stmt {
public:
	explicit HookStmt(IntrusivePtr<CallExpr> call);
	ValPtr Exec(Frame* f, StmtFlowType& flow) override;
protected:
	IntrusivePtr<CallExpr> call;
};

// script_opt/ZAM/ZBody.h: a compiled body. Its Exec never calls SetNextStmt.
class ZBody : public Stmt {
public:
	ZBody(std::string func_name);
	ValPtr Exec(Frame* f, StmtFlowType& flow) override;
	void AddInst(StmtPtr s) { insts.push_back(std::move(s)); }
protected:
	std::string func_name;
	std::vector<StmtPtr> insts; // mini-zeek: the real one holds ZInst's
};

// mini-zeek only: a statement whose evaluation costs the CPU of one cost slot
// (models an expensive script statement; Zeek has no such class).
class WorkStmt final : public Stmt {
public:
	WorkStmt(int cost_slot, const char* checkpoint_name);
	ValPtr Exec(Frame* f, StmtFlowType& flow) override;
protected:
	int cost_slot;
	const char* checkpoint_name;
};

// Expr.h: the expression classes the mini scripts use.
class NameExpr final : public Expr {
public:
	explicit NameExpr(int frame_offset);
	ValPtr Eval(Frame* f) const override;
protected:
	int offset; // mini-zeek: the real one holds an IDPtr
	bool in_const_init = false;
};

class ConstExpr final : public Expr {
public:
	explicit ConstExpr(ValPtr val);
	ValPtr Eval(Frame* f) const override { return val; }
protected:
	ValPtr val;
};

class BinaryExpr : public Expr {
protected:
	BinaryExpr(ExprTag tag, ExprPtr op1, ExprPtr op2)
		: Expr(tag), op1(std::move(op1)), op2(std::move(op2)) { }
	ExprPtr op1;
	ExprPtr op2;
};

class SubExpr final : public BinaryExpr {
public:
	SubExpr(ExprPtr op1, ExprPtr op2) : BinaryExpr(EXPR_SUB, std::move(op1), std::move(op2)) { }
	ValPtr Eval(Frame* f) const override;
};

class RelExpr final : public BinaryExpr {
public:
	RelExpr(ExprTag tag, ExprPtr op1, ExprPtr op2)
		: BinaryExpr(tag, std::move(op1), std::move(op2)) { }
	ValPtr Eval(Frame* f) const override;
};

class ListExpr final : public Expr {
public:
	ListExpr();
	void Append(ExprPtr e) { exprs.push_back(e.release()); }
	const ExprPList& Exprs() const { return exprs; }
	ValPtr Eval(Frame* f) const override { return nullptr; }
protected:
	ExprPList exprs;
};

class CallExpr final : public Expr {
public:
	CallExpr(ExprPtr func, ListExprPtr args, bool in_hook = false, bool in_when = false);
	ValPtr Eval(Frame* f) const override;
protected:
	ExprPtr func;
	ListExprPtr args;
	bool in_when;
};

} // namespace detail
} // namespace zeek

#if MZ_FAMILY == 80
extern std::vector<zeek::detail::Frame*> g_frame_stack;
#endif

#endif // MZ_FAMILY

// ---------------------------------------------------------------------------------
// Family-neutral names for the code of the test inferior.
// ---------------------------------------------------------------------------------
namespace mz {
#if MZ_FAMILY == 30
using Obj = ::BroObj;
using Location = ::Location;
using Type = ::BroType;
using FuncType = ::FuncType;
using Func = ::Func;
using ScriptFunc = ::BroFunc;
using BuiltinFunc = ::BuiltinFunc;
using CallInfo = ::CallInfo;
using Frame = ::Frame;
using Stmt = ::Stmt;
using StmtList = ::StmtList;
using Expr = ::Expr;
using CallExpr = ::CallExpr;
using Val = ::Val;
using ArgList = ::val_list;
using Result = ::Val*;
inline std::vector<CallInfo>& the_call_stack() { return ::call_stack; }
inline const char* loc_file(const Location* l) { return l->filename; }
inline int loc_first(const Location* l) { return l->first_line; }
inline int loc_last(const Location* l) { return l->last_line; }
inline Stmt* body_stmts(const Func::Body& b) { return b.stmts; }
#else
using Obj = zeek::Obj;
using Location = zeek::detail::Location;
using Type = zeek::Type;
using FuncType = zeek::FuncType;
using Func = zeek::Func;
using ScriptFunc = zeek::detail::ScriptFunc;
using BuiltinFunc = zeek::detail::BuiltinFunc;
using CallInfo = zeek::detail::CallInfo;
using Frame = zeek::detail::Frame;
using Stmt = zeek::detail::Stmt;
using StmtList = zeek::detail::StmtList;
using Expr = zeek::detail::Expr;
using CallExpr = zeek::detail::CallExpr;
using Val = zeek::Val;
using ArgList = zeek::Args;
using Result = zeek::ValPtr;
inline std::vector<CallInfo>& the_call_stack() { return zeek::detail::call_stack; }
inline const char* loc_file(const Location* l) { return l->FileName(); }
inline int loc_first(const Location* l) { return l->FirstLine(); }
inline int loc_last(const Location* l) { return l->LastLine(); }
inline Stmt* body_stmts(const Func::Body& b) { return b.stmts.get(); }
#endif
} // namespace mz
