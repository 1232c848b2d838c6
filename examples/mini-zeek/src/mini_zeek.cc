// mini-zeek: a test inferior for zeek-spy. It builds a few Zeek "scripts" the way the
// parser would (heap objects with heap Locations), runs them through the call-stack
// mechanics of zeek_model.cc, and reports the expected stacks (--checkpoints) or the
// ground truth of where the time went (--run). See ../README.md.
#include "zeek_model.h"

#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------
// Cost slots: how much CPU (microseconds) each work statement, BiF and phase burns.
// ---------------------------------------------------------------------------------
enum Slot {
	S_STARTUP,       // SlowDNS::init_salts, slow-dns.zeek:14
	S_NATIVE_A,      // packet processing before the events
	S_NATIVE_B,      // packet processing after the events
	S_IDLE,          // waiting for packets
	S_DNS_SESSION,   // dns_request, dns/main.zeek:480
	S_LOG_POLICY,    // DNS::log_policy, site/dns-policy.zeek:5
	S_LOG_WRITE,     // Log::write, logging/main.zeek:724
	S_BIF_WRITE_PRE, // Log::__write before running the stream policy hook
	S_BIF_WRITE_POST,// Log::__write after it
	S_STREAM_POLICY, // Log::log_stream_policy, logging/main.zeek:582
	S_SLOW_COUNT,    // dns_request, site/slow-dns.zeek:33
	S_IS_SLOW,       // SlowDNS::is_slow, slow-dns.zeek:27
	S_HASHIT_LEAF,   // SlowDNS::hashit, slow-dns.zeek:21 (innermost recursion level)
	S_SHA256,        // sha256_hash BiF
	S_CONN_SET,      // connection_state_remove, conn/main.zeek:322
	S_ZAM_SERVICE,   // Conn::determine_service (ZAM body)
	NUM_SLOTS
};

struct Workload {
	const char* name;
	bool dns_events;     // dispatch dns_request + connection_state_remove
	bool slow_query;     // dispatch SlowDNS::slow_query
	long costs[NUM_SLOTS];
};

// Each mixed/demo loop iteration burns 10 ms, deep 5 ms; shares are exact fractions of that.
const Workload workloads[] = {
	{"mixed", true, false,
	 {20000, 800, 500, 1500, 400, 500, 300, 300, 200, 400, 300, 200, 3000, 700, 300, 600}},
	{"deep", false, true,
	 {20000, 300, 200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4000, 500, 0, 0}},
	{"demo", true, false,
	 {20000, 500, 500, 6000, 200, 200, 100, 100, 100, 200, 100, 100, 1200, 300, 100, 300}},
};

long g_costs[NUM_SLOTS];
bool g_checkpoint_mode = false;
volatile sig_atomic_t g_stop = 0;
std::atomic<unsigned long> g_sigusr1{0};
uint64_t g_deadline_ns = UINT64_MAX;
uint64_t g_sink = 0;

uint64_t now_ns()
	{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
	}

bool time_is_up()
	{
	if ( g_stop )
		return true;
	if ( now_ns() >= g_deadline_ns )
		g_stop = 1;
	return g_stop;
	}

// ---------------------------------------------------------------------------------
// Safety-test options of --run: --counters, --count-sigterm, --children, --timer, --crash, --heap.
// Their work runs on the main thread in the middle of the workload, called from the busy
// loop of burn_ns (about every microsecond) and from the ppoll of sleep_ns, the way
// Zeek's main loop handles its timers and child processes.
// ---------------------------------------------------------------------------------
std::atomic<unsigned long> g_sigterm{0};
std::atomic<unsigned long> g_sigchld{0};
// Advances all the time the workload runs: tests read it from memory to see progress.
volatile unsigned long g_progress = 0;
bool g_count_sigterm = false;
bool g_services = false; // --children, --timer or --crash

// --children MS: one short-lived child at a time. The next is forked only once the last
// one's SIGCHLD was handled and it was reaped, so no two SIGCHLD can merge: every child
// must be counted by the handler.
const uint64_t SIGCHLD_LOST_AFTER_NS = 2000000000u;
uint64_t g_child_period_ns = 0;
pid_t g_child = 0;
uint64_t g_child_forked_ns = 0;
unsigned long g_sigchld_at_fork = 0;
uint64_t g_next_fork_ns = 0;
unsigned long g_forked = 0;
unsigned long g_reaped = 0;
unsigned long g_sigchld_lost = 0; // children reaped 2 s after their exit without a SIGCHLD
unsigned long g_fork_failures = 0;

void service_children(uint64_t now, bool fork_more)
	{
	if ( g_child )
		{
		bool signalled = g_sigchld.load() != g_sigchld_at_fork;
		if ( ! signalled && now - g_child_forked_ns < SIGCHLD_LOST_AFTER_NS )
			return;
		int status;
		if ( waitpid(g_child, &status, WNOHANG) != g_child )
			return; // not ended yet
		if ( ! signalled )
			++g_sigchld_lost;
		++g_reaped;
		g_child = 0;
		}
	if ( ! fork_more || now < g_next_fork_ns )
		return;
	g_next_fork_ns = now + g_child_period_ns;
	g_sigchld_at_fork = g_sigchld.load();
	pid_t pid = fork();
	if ( pid == 0 )
		_exit(0);
	if ( pid < 0 )
		{
		++g_fork_failures;
		return;
		}
	g_child = pid;
	g_child_forked_ns = now;
	++g_forked;
	}

// --timer MS: a periodic timerfd; each expiration's lateness is the time from its nominal
// expiry (start + k * interval) to the moment the main loop read it. SIGHUP ends a window:
// a timer-window line for the expirations since the last one.
int g_timer_fd = -1;
uint64_t g_timer_interval_ns = 0;
uint64_t g_timer_start_ns = 0;
uint64_t g_timer_next_ns = UINT64_MAX;
uint64_t g_timer_expirations = 0; // the sum of timerfd's expiration counts
uint64_t g_timer_wakeups = 0;     // reads that returned expirations
std::vector<uint64_t> g_timer_late_ns;

timespec to_timespec(uint64_t ns) { return timespec{time_t(ns / 1000000000u), long(ns % 1000000000u)}; }

void start_timer(double seconds)
	{
	g_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if ( g_timer_fd < 0 )
		{
		perror("mini-zeek: timerfd_create");
		exit(2);
		}
	g_timer_start_ns = now_ns();
	itimerspec its;
	its.it_value = to_timespec(g_timer_start_ns + g_timer_interval_ns);
	its.it_interval = to_timespec(g_timer_interval_ns);
	if ( timerfd_settime(g_timer_fd, TFD_TIMER_ABSTIME, &its, nullptr) < 0 )
		{
		perror("mini-zeek: timerfd_settime");
		exit(2);
		}
	g_timer_next_ns = g_timer_start_ns + g_timer_interval_ns;
	g_timer_late_ns.reserve(size_t(seconds * 1e9 / double(g_timer_interval_ns)) + 1024);
	}

// Reads the expirations so far (if any); true if there were.
bool read_timer()
	{
	uint64_t n;
	if ( read(g_timer_fd, &n, sizeof n) != sizeof n )
		return false;
	uint64_t t = now_ns();
	for ( uint64_t j = 1; j <= n; ++j )
		{
		uint64_t due = g_timer_start_ns + (g_timer_expirations + j) * g_timer_interval_ns;
		g_timer_late_ns.push_back(t > due ? t - due : 0);
		}
	g_timer_expirations += n;
	++g_timer_wakeups;
	g_timer_next_ns = g_timer_start_ns + (g_timer_expirations + 1) * g_timer_interval_ns;
	return true;
	}

// "late_p50_ns=.. late_p99_ns=.. late_max_ns=.." of the expirations from index `first` on.
std::string lateness(size_t first)
	{
	std::vector<uint64_t> late(g_timer_late_ns.begin() + long(first), g_timer_late_ns.end());
	std::sort(late.begin(), late.end());
	auto pct = [&](double q) -> uint64_t {
		return late.empty() ? 0 : late[std::min(late.size() - 1, size_t(q * double(late.size())))];
	};
	char buf[160];
	snprintf(buf, sizeof buf, "late_p50_ns=%" PRIu64 " late_p99_ns=%" PRIu64 " late_max_ns=%" PRIu64, pct(0.5),
	         pct(0.99), late.empty() ? 0 : late.back());
	return buf;
	}

volatile sig_atomic_t g_window_requested = 0;
size_t g_window_first = 0; // the current window's first expiration
unsigned g_window_index = 0;

void end_window()
	{
	g_window_requested = 0;
	read_timer();
	printf("timer-window\tindex=%u expirations=%zu %s\n", g_window_index++, g_timer_late_ns.size() - g_window_first,
	       lateness(g_window_first).c_str());
	fflush(stdout);
	g_window_first = g_timer_late_ns.size();
	}

// --crash segv|abort|exec|exit: on SIGUSR2, or --crash-after SECONDS into the run.
enum CrashHow { CRASH_NONE, CRASH_SEGV, CRASH_ABORT, CRASH_EXEC, CRASH_EXIT };
CrashHow g_crash = CRASH_NONE;
const char* g_crash_name = "";
uint64_t g_crash_at_ns = UINT64_MAX;
volatile sig_atomic_t g_crash_requested = 0;
const char* g_argv0 = "mini-zeek";

// --heap MB: that much memory written at start, like the state a real Zeek holds. Its exit
// then takes the kernel milliseconds between releasing the memory and turning the process
// into a zombie, as a real Zeek's does.
void fill_heap(double megabytes)
	{
	size_t size = size_t(megabytes * 1048576);
	void* heap = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ( heap == MAP_FAILED )
		{
		perror("mini-zeek: --heap");
		exit(2);
		}
	memset(heap, 0x5a, size);
	}

[[noreturn]] void crash_now()
	{
	// No core file: a limit of one byte stops core_pattern pipes too (see core(5)).
	rlimit one_byte{1, 1};
	setrlimit(RLIMIT_CORE, &one_byte);
	printf("crash\t%s\n", g_crash_name);
	fflush(stdout);
	switch ( g_crash )
		{
		case CRASH_SEGV:
			{
			// A real null dereference. Volatile twice: the compiler can neither see that the
			// pointer is null nor drop the store as dead before the abort() below.
			volatile int* volatile null = nullptr;
			*null = 42;
			break;
			}
		case CRASH_ABORT:
			abort();
		case CRASH_EXEC:
			// The same pid goes on as a new program: mini-zeek itself, for a short plain run.
			execl("/proc/self/exe", g_argv0, "--run", "2", (char*) nullptr);
			perror("mini-zeek: exec");
			_exit(127);
		case CRASH_EXIT:
			_exit(42);
		case CRASH_NONE:
			break;
		}
	abort();
	}

void service(uint64_t now)
	{
	if ( g_crash_requested || now >= g_crash_at_ns )
		crash_now();
	if ( g_timer_fd >= 0 && now >= g_timer_next_ns )
		read_timer();
	if ( g_window_requested )
		end_window();
	if ( g_child_period_ns )
		service_children(now, true);
	}

// When service() wants to run next (the timer wakes ppoll through its descriptor).
uint64_t next_service_ns()
	{
	uint64_t next = g_crash_at_ns;
	if ( g_child_period_ns )
		next = std::min(next, g_child ? g_child_forked_ns + SIGCHLD_LOST_AFTER_NS : g_next_fork_ns);
	return next;
	}

// ---------------------------------------------------------------------------------
// Shadow stack: what the script stack is, per the interpreter's own bookkeeping,
// independent of the Zeek structures zeek-spy reads.
// ---------------------------------------------------------------------------------
struct FuncInfo {
	std::string name;
	const char* kind; // function, event, hook, builtin
};

struct BodyInfo {
	const char* file;
	int first_line;
	bool zam;
};

struct ShadowEntry {
	const FuncInfo* func;
	const char* file;  // file of the running body ("" for BiFs)
	int stmt_line;     // line of the statement started most recently (body line for ZAM)
	int call_line;     // line of the CallExpr that invoked this entry, 0 if invoked from C++
};

std::unordered_map<const void*, FuncInfo> g_func_info;
std::unordered_map<const void*, BodyInfo> g_body_info;
std::vector<ShadowEntry> g_shadow;
int g_pending_call_line = 0;

// One rendered frame: innermost first in the vectors below.
struct RFrame {
	std::string name;
	std::string kind;
	std::string file;
	int line;
	bool operator==(const RFrame& o) const
		{ return name == o.name && kind == o.kind && file == o.file && line == o.line; }
};

std::vector<RFrame> render_shadow()
	{
	std::vector<RFrame> out;
	int top_script = -1;
	for ( size_t i = 0; i < g_shadow.size(); ++i )
		if ( strcmp(g_shadow[i].func->kind, "builtin") != 0 )
			top_script = int(i);

	for ( int i = int(g_shadow.size()) - 1; i >= 0; --i )
		{
		const auto& e = g_shadow[i];
		if ( strcmp(e.func->kind, "builtin") == 0 )
			{
			out.push_back({e.func->name, "builtin", "", 0});
			continue;
			}
		int line = e.stmt_line;
		if ( i != top_script && g_shadow[i + 1].call_line )
			line = g_shadow[i + 1].call_line;
		out.push_back({e.func->name, e.func->kind, e.file, line});
		}
	return out;
	}

// ---------------------------------------------------------------------------------
// The same stack rebuilt from the Zeek structures, with the algorithm of the
// reference (§8.3): a self-check that the model holds what the shadow says.
// ---------------------------------------------------------------------------------
const char* flavor_name(const mz::Func* f)
	{
	if ( f->GetKind() != 0 )
		return "builtin";
#if MZ_FAMILY == 30
	int flavor = f->FType()->Flavor();
#else
	int flavor = f->GetType()->Flavor();
#endif
	return flavor == 1 ? "event" : flavor == 2 ? "hook" : "function";
	}

const mz::Func::Body* running_body(const mz::Func* f, const mz::Location* hint)
	{
	const auto& bodies = f->GetBodies();
	if ( bodies.empty() )
		return nullptr;
	if ( hint )
		for ( const auto& b : bodies )
			{
			auto bl = mz::body_stmts(b)->GetLocationInfo();
			if ( mz::loc_file(bl) && mz::loc_file(hint) &&
			     strcmp(mz::loc_file(bl), mz::loc_file(hint)) == 0 &&
			     mz::loc_first(bl) <= mz::loc_first(hint) && mz::loc_first(hint) <= mz::loc_last(bl) )
				return &b;
			}
	return &bodies[0];
	}

const mz::Location* location_of(const mz::Obj* o)
	{
	return o ? o->GetLocationInfo() : nullptr;
	}

std::vector<RFrame> render_memory()
	{
	const auto& cs = mz::the_call_stack();
	size_t n = cs.size();
	std::vector<const mz::Func*> funcs(n, nullptr);
	std::vector<const mz::Frame*> frames(n, nullptr);

#if MZ_FAMILY == 90
	for ( size_t i = 0; i < n; ++i )
		{
		frames[i] = cs[i].frame;
		funcs[i] = frames[i] ? frames[i]->GetFunction() : nullptr;
		}
#else
	for ( size_t i = 0; i < n; ++i )
		funcs[i] = cs[i].func;
	// Pair script entries with g_frame_stack from the top, skipping frames of other
	// functions (the startup frame); BiFs have no frame.
	long gi = long(g_frame_stack.size()) - 1;
	for ( long i = long(n) - 1; i >= 0; --i )
		{
		if ( ! funcs[i] || funcs[i]->GetKind() != 0 )
			continue;
		while ( gi >= 0 && (const mz::Func*) g_frame_stack[gi]->GetFunction() != funcs[i] )
			--gi;
		if ( gi >= 0 )
			frames[i] = g_frame_stack[gi--];
		}
#endif

	long top_script = -1;
	for ( size_t i = 0; i < n; ++i )
		if ( funcs[i] && funcs[i]->GetKind() == 0 )
			top_script = long(i);

	std::vector<RFrame> out;
	for ( long i = long(n) - 1; i >= 0; --i )
		{
		const mz::Func* f = funcs[i];
		if ( ! f )
			continue; // top-level statements
		if ( f->GetKind() != 0 )
			{
			out.push_back({f->Name(), "builtin", "", 0});
			continue;
			}
		const mz::Stmt* next = frames[i] ? frames[i]->GetNextStmt() : nullptr;
		const mz::CallExpr* call = (i != top_script && size_t(i + 1) < n) ? cs[i + 1].call : nullptr;
		const mz::Location* hint = next ? location_of(next) : location_of(call);
		const mz::Func::Body* body = running_body(f, hint);
		const mz::Location* body_loc = body ? location_of(mz::body_stmts(*body)) : nullptr;

		int line;
		if ( call )
			line = mz::loc_first(location_of(call));
		else if ( next )
			line = mz::loc_first(location_of(next));
		else
			line = body_loc ? mz::loc_first(body_loc) : 0;

		out.push_back({f->Name(), flavor_name(f), body_loc ? mz::loc_file(body_loc) : "", line});
		}
	return out;
	}

std::string describe(const std::vector<RFrame>& frames)
	{
	std::string s;
	for ( size_t i = 0; i < frames.size(); ++i )
		{
		if ( i )
			s += " | ";
		s += frames[i].name + ";" + frames[i].kind + ";" + frames[i].file + ";" +
		     std::to_string(frames[i].line);
		}
	return s;
	}

unsigned long g_selfcheck_mismatches = 0;

void self_check(const std::vector<RFrame>& expected)
	{
	auto actual = render_memory();
	if ( actual == expected )
		return;
	if ( ++g_selfcheck_mismatches <= 5 )
		fprintf(stderr, "mini-zeek: self-check mismatch\n  shadow: %s\n  memory: %s\n",
		        describe(expected).c_str(), describe(actual).c_str());
	}

// ---------------------------------------------------------------------------------
// Ground truth of --run.
// ---------------------------------------------------------------------------------
std::map<std::string, uint64_t> g_truth;
uint64_t g_truth_native = 0;
uint64_t g_truth_idle = 0;

std::string truth_key(const std::vector<RFrame>& innermost_first)
	{
	std::string key;
	for ( auto it = innermost_first.rbegin(); it != innermost_first.rend(); ++it )
		{
		if ( ! key.empty() )
			key += ';';
		key += it->name + "@" + it->file + ":" + std::to_string(it->line);
		}
	return key;
	}

// --iterations: every busy segment does a fixed amount of work instead of running for a
// fixed time, so that the wall time of the whole run shows how much a profiler slows it.
bool g_work_mode = false;

// Busy CPU work for `ns` nanoseconds (or until the run ends); returns ns spent. In work mode:
// ns / 1000 rounds of 512 mixing steps, however long that takes.
uint64_t burn_ns(uint64_t ns)
	{
	uint64_t start = now_ns();
	if ( g_work_mode )
		{
		uint64_t x = g_sink | 1;
		for ( uint64_t r = ns / 1000; r > 0; --r )
			{
			for ( int k = 0; k < 512; ++k )
				x = (x ^ (x >> 29)) * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
			asm volatile("" : "+r"(x));
			}
		g_sink += x;
		return now_ns() - start;
		}
	uint64_t end = std::min(start + ns, g_deadline_ns);
	uint64_t x = g_sink | 1;
	while ( ! g_stop )
		{
		for ( int k = 0; k < 512; ++k )
			x = (x ^ (x >> 29)) * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
		asm volatile("" : "+r"(x));
		uint64_t t = now_ns();
		g_progress = g_progress + 1;
		if ( g_services )
			service(t);
		if ( t >= end )
			break;
		}
	g_sink += x;
	time_is_up();
	return now_ns() - start;
	}

// Blocks in ppoll with nothing to wait for, like Zeek's I/O loop; returns ns spent.
uint64_t sleep_ns(uint64_t ns)
	{
	uint64_t start = now_ns();
	uint64_t end = std::min(start + ns, g_deadline_ns);
	for ( uint64_t t = start; t < end && ! g_stop; t = now_ns() )
		{
		uint64_t wake = end;
		if ( g_services )
			{
			service(t);
			wake = std::max(t, std::min(wake, next_service_ns()));
			}
		uint64_t left = wake - t;
		timespec ts{time_t(left / 1000000000u), long(left % 1000000000u)};
		pollfd timer{g_timer_fd, POLLIN, 0};
		if ( g_timer_fd >= 0 )
			ppoll(&timer, 1, &ts, nullptr);
		else
			ppoll(nullptr, 0, &ts, nullptr);
		g_progress = g_progress + 1;
		}
	time_is_up();
	return now_ns() - start;
	}

// Overshoot per slot (preemption on a busy machine, late wake-ups) is paid back by
// shortening the slot's next segments, so each slot's total stays at its budget and the
// shares stay stable. The truth always records the time that really passed.
int64_t g_debt_ns[NUM_SLOTS];

uint64_t spend(int slot, uint64_t (*how)(uint64_t))
	{
	int64_t budget = int64_t(g_costs[slot]) * 1000;
	if ( g_work_mode )
		return how(uint64_t(budget));
	int64_t target = budget - g_debt_ns[slot];
	if ( target <= 0 )
		{
		g_debt_ns[slot] -= budget;
		return 0;
		}
	uint64_t spent = how(uint64_t(target));
	g_debt_ns[slot] += int64_t(spent) - budget;
	return spent;
	}

void idle()
	{
	if ( g_costs[S_IDLE] > 0 && ! g_stop )
		g_truth_idle += spend(S_IDLE, sleep_ns);
	}

void native_work(int slot)
	{
	if ( g_costs[slot] > 0 && ! g_stop )
		g_truth_native += spend(slot, burn_ns);
	}

// ---------------------------------------------------------------------------------
// --checkpoints
// ---------------------------------------------------------------------------------
std::set<std::string> g_checkpoints_done;

void wait_for_line()
	{
	char c;
	for ( ;; )
		{
		ssize_t r = read(0, &c, 1);
		if ( r == 0 )
			exit(0);
		if ( r < 0 )
			{
			if ( errno == EINTR )
				continue;
			exit(0);
			}
		if ( c == '\n' )
			return;
		}
	}

} // namespace

// ---------------------------------------------------------------------------------
// Instrumentation hooks called by zeek_model.cc.
// ---------------------------------------------------------------------------------
namespace minizeek {

void shadow_enter(const void* func)
	{
	auto it = g_func_info.find(func);
	if ( it == g_func_info.end() )
		abort();
	g_shadow.push_back({&it->second, "", 0, g_pending_call_line});
	g_pending_call_line = 0;
	}

void shadow_body(const void* stmts)
	{
	auto it = g_body_info.find(stmts);
	if ( it == g_body_info.end() )
		abort();
	g_shadow.back().file = it->second.file;
	g_shadow.back().stmt_line = it->second.zam ? it->second.first_line : 0;
	}

void shadow_stmt(int first_line)
	{
	// Top-level statements run with no entry (their frame is not part of the stack).
	if ( ! g_shadow.empty() )
		g_shadow.back().stmt_line = first_line;
	}

void shadow_call(int first_line) { g_pending_call_line = first_line; }

void shadow_leave() { g_shadow.pop_back(); }

void work(int slot)
	{
	if ( g_costs[slot] <= 0 || g_stop )
		return;
	// The bookkeeping below runs with this stack active too, so it is booked to it: otherwise a
	// sampler would find the stack during time the truth calls unattributed.
	uint64_t start = now_ns();
	auto expected = render_shadow();
	self_check(expected);
	std::string key = truth_key(expected);
	spend(slot, burn_ns);
	g_truth[key] += now_ns() - start;
	}

void checkpoint(const char* name)
	{
	if ( ! g_checkpoint_mode || ! g_checkpoints_done.insert(name).second )
		return;
	auto expected = render_shadow();
	self_check(expected);
	printf("checkpoint %s\t%s\n", name, describe(expected).c_str());
	fflush(stdout);
	wait_for_line();
	}

} // namespace minizeek

// ---------------------------------------------------------------------------------
// The "parser": builds Funcs, bodies and statements with heap Locations.
// ---------------------------------------------------------------------------------
namespace {

const char* const ZEEK = "/opt/zeek/share/zeek";

std::vector<char*> g_filenames; // like the parser's copies: alive for the whole run

const char* intern_file(const std::string& path)
	{
	for ( char* f : g_filenames )
		if ( path == f )
			return f;
	g_filenames.push_back(strdup(path.c_str()));
	return g_filenames.back();
	}

// Sets the parser position; objects created afterwards get a copy as their location.
void at(const char* file, int first, int last = 0)
	{
	if ( last == 0 )
		last = first;
#if MZ_FAMILY == 30
	start_location = Location(file, first, first, 1, 1);
	end_location = Location(file, last, last, 1, 80);
#else
	zeek::detail::start_location = zeek::detail::Location(file, first, first);
	zeek::detail::end_location = zeek::detail::Location(file, last, last);
#endif
	}

void parsing_done()
	{
#if MZ_FAMILY == 30
	start_location = end_location = Location(nullptr, 0, 0, 0, 0);
#else
	zeek::detail::start_location = zeek::detail::end_location = zeek::detail::Location(nullptr, 0, 0);
#endif
	}

#if MZ_FAMILY == 30
using StmtP = Stmt*;
using ExprP = Expr*;
using CallP = CallExpr*;
using ListP = StmtList*;
using ZBodyP = ZBody*;
using FuncTypeP = FuncType*;

StmtP work(int slot, const char* cp = nullptr) { return new WorkStmt(slot, cp); }
ExprP name_expr(int offset) { return new NameExpr(offset); }
ExprP count_expr(long n) { return new ConstExpr(val_mgr->GetCount(n)); }
ExprP sub(ExprP a, ExprP b) { return new SubExpr(a, b); }
ExprP gt(ExprP a, ExprP b) { return new RelExpr(EXPR_GT, a, b); }
CallP call(Func* f, std::initializer_list<ExprP> args)
	{
	auto l = new ListExpr();
	for ( auto a : args )
		l->Append(a);
	return new CallExpr(new ConstExpr(new FuncVal(f)), l);
	}
StmtP expr_stmt(ExprP e) { return new ExprStmt(e); }
StmtP return_stmt(ExprP e) { return new ReturnStmt(e); }
StmtP if_stmt(ExprP c, StmtP s1) { return new IfStmt(c, s1, nullptr); }
StmtP hook_stmt(CallP c) { return new HookStmt(c); }
ListP stmt_list() { return new StmtList(); }
void append(ListP l, StmtP s) { l->Append(s); }
ZBodyP zbody(const char* fn) { return new ZBody(fn); }
void zappend(ZBodyP z, StmtP s) { z->AddInst(s); }
FuncTypeP func_type(function_flavor f) { return new FuncType(nullptr, nullptr, f); }
Func* script_func(const char* n, function_flavor f, int frame_size)
	{
	return new BroFunc(n, func_type(f), frame_size);
	}
Func* builtin(built_in_func fn, const char* n)
	{
	Func* f = new BuiltinFunc(fn, n, 0);
	f->SetType(func_type(FUNC_FLAVOR_FUNCTION));
	return f;
	}
void add_body(Func* f, StmtP body, int prio) { f->AddBody(body, nullptr, 0, prio); }
constexpr auto FLAVOR_FUNCTION = FUNC_FLAVOR_FUNCTION;
constexpr auto FLAVOR_EVENT = FUNC_FLAVOR_EVENT;
constexpr auto FLAVOR_HOOK = FUNC_FLAVOR_HOOK;
#else
using namespace zeek;
using namespace zeek::detail;
using StmtP = Stmt*;
using ExprP = Expr*;
using CallP = CallExpr*;
using ListP = StmtList*;
using ZBodyP = ZBody*;

template <class T> IntrusivePtr<T> adopt(T* p) { return {AdoptRef{}, p}; }

StmtP work(int slot, const char* cp = nullptr) { return new WorkStmt(slot, cp); }
ExprP name_expr(int offset) { return new NameExpr(offset); }
ExprP count_expr(long n) { return new ConstExpr(val_mgr->Count(n)); }
ExprP sub(ExprP a, ExprP b) { return new SubExpr(adopt(a), adopt(b)); }
ExprP gt(ExprP a, ExprP b) { return new RelExpr(EXPR_GT, adopt(a), adopt(b)); }
CallP call(Func* f, std::initializer_list<ExprP> args)
	{
	auto l = new ListExpr();
	for ( auto a : args )
		l->Append(adopt(a));
	ExprP fe = new ConstExpr(adopt<Val>(new FuncVal(f)));
	return new CallExpr(adopt(fe), adopt(l));
	}
StmtP expr_stmt(ExprP e) { return new ExprStmt(adopt(e)); }
StmtP return_stmt(ExprP e) { return new ReturnStmt(adopt(e)); }
StmtP if_stmt(ExprP c, StmtP s1) { return new IfStmt(adopt(c), adopt(s1), nullptr); }
StmtP hook_stmt(CallP c) { return new HookStmt(adopt(c)); }
ListP stmt_list() { return new StmtList(); }
void append(ListP l, StmtP s) { l->Append(s); }
ZBodyP zbody(const char* fn) { return new ZBody(fn); }
void zappend(ZBodyP z, StmtP s) { z->AddInst(adopt(s)); }
Func* script_func(const char* n, FunctionFlavor f, int frame_size)
	{
	auto ft = make_intrusive<FuncType>(nullptr, nullptr, f);
	return new ScriptFunc(n, ft, frame_size);
	}
Func* builtin(built_in_func fn, const char* n)
	{
	Func* f = new BuiltinFunc(fn, n, false);
	f->SetType(make_intrusive<FuncType>(nullptr, nullptr, FUNC_FLAVOR_FUNCTION));
	return f;
	}
void add_body(Func* f, StmtP body, int prio) { f->AddBody(adopt(body), prio); }
constexpr auto FLAVOR_FUNCTION = FUNC_FLAVOR_FUNCTION;
constexpr auto FLAVOR_EVENT = FUNC_FLAVOR_EVENT;
constexpr auto FLAVOR_HOOK = FUNC_FLAVOR_HOOK;
#endif

const char* kind_name(int flavor) { return flavor == 1 ? "event" : flavor == 2 ? "hook" : "function"; }

// Declares a script function at file:line (its Func location is this declaration).
Func* declare(const char* name, int flavor, int frame_size, const char* file, int line)
	{
	at(file, line);
#if MZ_FAMILY == 30
	Func* f = script_func(name, function_flavor(flavor), frame_size);
#else
	Func* f = script_func(name, FunctionFlavor(flavor), frame_size);
#endif
	g_func_info[f] = {name, kind_name(flavor)};
	return f;
	}

// Starts a body `{ ... }` spanning first..last of file.
ListP begin_body(const char* file, int first, int last)
	{
	at(file, first, last);
	ListP l = stmt_list();
	g_body_info[l] = {file, first, false};
	return l;
	}

// The scripts' entry points, used by the event loop and the BiFs.
Func* g_dns_request;
Func* g_conn_state_remove;
Func* g_slow_query;
Func* g_stream_policy;
ListP g_global_stmts;
int g_global_frame_size = 4;

// ---------------------------------------------------------------------------------
// BiFs (C++ functions called from scripts).
// ---------------------------------------------------------------------------------
#if MZ_FAMILY == 30
Val* bif_sha256_hash(Frame* frame, val_list* args)
	{
	minizeek::checkpoint("bif-on-top");
	minizeek::work(S_SHA256);
	return val_mgr->GetCount(256);
	}

Val* bif_log_write(Frame* frame, val_list* args)
	{
	minizeek::checkpoint("bif-under-script");
	minizeek::work(S_BIF_WRITE_PRE);

	// The stream's policy hook runs from C++: no parent frame, so no call expression.
	val_list hook_args;
	hook_args.push_back((*args)[1]);
	hook_args.push_back((*args)[0]);
	g_stream_policy->Call(&hook_args);

	minizeek::work(S_BIF_WRITE_POST);
	return val_mgr->GetBool(true);
	}
#else
ValPtr bif_sha256_hash(Frame* frame, const Args* args)
	{
	minizeek::checkpoint("bif-on-top");
	minizeek::work(S_SHA256);
	return val_mgr->Count(256);
	}

ValPtr bif_log_write(Frame* frame, const Args* args)
	{
	minizeek::checkpoint("bif-under-script");
	minizeek::work(S_BIF_WRITE_PRE);

	// The stream's policy hook runs from C++: no parent frame, so no call expression.
	Args hook_args{(*args)[1], (*args)[0]};
	g_stream_policy->Invoke(&hook_args);

	minizeek::work(S_BIF_WRITE_POST);
	return val_mgr->True();
	}
#endif

void build_scripts(long depth)
	{
	const char* init_bare = intern_file(std::string(ZEEK) + "/base/init-bare.zeek");
	const char* event_bif = intern_file(std::string(ZEEK) + "/base/bif/event.bif.zeek");
	const char* dns_bif = intern_file(std::string(ZEEK) + "/base/bif/plugins/Zeek_DNS.events.bif.zeek");
	const char* dns_main = intern_file(std::string(ZEEK) + "/base/protocols/dns/main.zeek");
	const char* conn_main = intern_file(std::string(ZEEK) + "/base/protocols/conn/main.zeek");
	const char* log_main = intern_file(std::string(ZEEK) + "/base/frameworks/logging/main.zeek");
	const char* slow_dns = intern_file(std::string(ZEEK) + "/site/slow-dns.zeek");
	const char* dns_policy = intern_file(std::string(ZEEK) + "/site/dns-policy.zeek");

#if MZ_FAMILY == 30
	val_mgr = new ValManager();
#else
	zeek::val_mgr = new ValManager();
#endif

	// BiFs are created while init-bare.zeek is parsed and keep that position.
	at(init_bare, 5171);
	Func* sha256_hash = builtin(bif_sha256_hash, "sha256_hash");
	Func* log_write_bif = builtin(bif_log_write, "Log::__write");
	g_func_info[sha256_hash] = {"sha256_hash", "builtin"};
	g_func_info[log_write_bif] = {"Log::__write", "builtin"};

	// Declarations: each Func's own location is its first declaration.
	Func* dns_request = declare("dns_request", FLAVOR_EVENT, 8, dns_bif, 43);
	Func* conn_state_remove = declare("connection_state_remove", FLAVOR_EVENT, 2, event_bif, 237);
	Func* log_policy = declare("DNS::log_policy", FLAVOR_HOOK, 3, dns_main, 20);
	Func* stream_policy = declare("Log::log_stream_policy", FLAVOR_HOOK, 2, log_main, 389);
	Func* log_write = declare("Log::write", FLAVOR_FUNCTION, 2, log_main, 466);
	Func* hashit = declare("SlowDNS::hashit", FLAVOR_FUNCTION, 3, slow_dns, 6);
	Func* is_slow = declare("SlowDNS::is_slow", FLAVOR_FUNCTION, 2, slow_dns, 7);
	Func* init_salts = declare("SlowDNS::init_salts", FLAVOR_FUNCTION, 1, slow_dns, 8);
	Func* slow_query = declare("SlowDNS::slow_query", FLAVOR_EVENT, 1, slow_dns, 9);
	Func* determine_service = declare("Conn::determine_service", FLAVOR_FUNCTION, 2, conn_main, 212);

	// slow-dns.zeek: 12 function init_salts() / 13 { / 14 for ( i in salt_seeds ) ... / 15 }
	ListP b = begin_body(slow_dns, 13, 15);
	at(slow_dns, 14);
	append(b, work(S_STARTUP, "startup"));
	add_body(init_salts, b, 0);

	// slow-dns.zeek:17-23
	//   18 {
	//   19 if ( n > 1 )
	//   20     return hashit(s, n - 1);
	//   21 for ( i in salts ) s = cat(s, salts[i]);
	//   22 return sha256_hash(s);
	//   23 }
	b = begin_body(slow_dns, 18, 23);
	at(slow_dns, 20);
	StmtP recurse = return_stmt(call(hashit, {name_expr(0), sub(name_expr(1), count_expr(1))}));
	at(slow_dns, 19);
	ExprP more = gt(name_expr(1), count_expr(1));
	at(slow_dns, 19, 20);
	append(b, if_stmt(more, recurse));
	at(slow_dns, 21);
	append(b, work(S_HASHIT_LEAF, "recursion"));
	at(slow_dns, 22);
	append(b, return_stmt(call(sha256_hash, {name_expr(0)})));
	add_body(hashit, b, 0);

	// slow-dns.zeek:25-29  26 { / 27 local slow = |q| > 64 || q in slow_domains; / 28 return slow; / 29 }
	b = begin_body(slow_dns, 26, 29);
	at(slow_dns, 27);
	append(b, work(S_IS_SLOW, "call-in-condition"));
	at(slow_dns, 28);
	append(b, return_stmt(count_expr(1)));
	add_body(is_slow, b, 0);

	// slow-dns.zeek:31-37, the second body of dns_request:
	//   32 {
	//   33 ++slow_dns_requests;
	//   34 if ( |query| > 0 &&
	//   35      is_slow(query) )
	//   36     query_hashes[query] = hashit(query, hash_depth);
	//   37 }
	b = begin_body(slow_dns, 32, 37);
	at(slow_dns, 33);
	append(b, work(S_SLOW_COUNT, "event-body-2nd-file"));
	at(slow_dns, 36);
	StmtP hash_query = expr_stmt(call(hashit, {name_expr(2), count_expr(depth)}));
	at(slow_dns, 35);
	ExprP slow_test = call(is_slow, {name_expr(2)});
	at(slow_dns, 34, 36);
	append(b, if_stmt(slow_test, hash_query));
	add_body(dns_request, b, 0);

	// slow-dns.zeek:39-42  39 event SlowDNS::slow_query(q: string) / 40 { / 41 hashit(q, hash_depth); / 42 }
	b = begin_body(slow_dns, 40, 42);
	at(slow_dns, 41);
	append(b, expr_stmt(call(hashit, {name_expr(0), count_expr(depth)})));
	add_body(slow_query, b, 0);

	// dns/main.zeek:478-484, the first body of dns_request (&priority=5):
	//   479 {
	//   480 local info = set_session(c, msg, T);
	//   481 hook DNS::log_policy(info, DNS::LOG, default_filter);
	//   482 Log::write(DNS::LOG,
	//   483            info);
	//   484 }
	b = begin_body(dns_main, 479, 484);
	at(dns_main, 480);
	append(b, work(S_DNS_SESSION, "event-body"));
	at(dns_main, 481);
	append(b, hook_stmt(call(log_policy, {name_expr(0), count_expr(7), count_expr(0)})));
	at(dns_main, 482, 483);
	append(b, expr_stmt(call(log_write, {count_expr(7), name_expr(0)})));
	add_body(dns_request, b, 5);

	// site/dns-policy.zeek:3-6  3 hook DNS::log_policy(...) / 4 { / 5 if ( ... ) break; / 6 }
	b = begin_body(dns_policy, 4, 6);
	at(dns_policy, 5);
	append(b, work(S_LOG_POLICY, "hook-stmt"));
	add_body(log_policy, b, 0);

	// logging/main.zeek:722-726  723 { / 724 if ( id !in active_streams ) return F; / 725 return __write(id, columns); / 726 }
	b = begin_body(log_main, 723, 726);
	at(log_main, 724);
	append(b, work(S_LOG_WRITE));
	at(log_main, 725);
	append(b, return_stmt(call(log_write_bif, {name_expr(0), name_expr(1)})));
	add_body(log_write, b, 0);

	// logging/main.zeek:580-583  580 hook Log::log_stream_policy(rec: any, id: ID) &priority=10 / 581 { / 582 ... / 583 }
	b = begin_body(log_main, 581, 583);
	at(log_main, 582);
	append(b, work(S_STREAM_POLICY, "bif-null-call"));
	add_body(stream_policy, b, 10);

	// conn/main.zeek:320-324  321 { / 322 set_conn(c, T); / 323 c$conn$service = determine_service(c); / 324 }
	b = begin_body(conn_main, 321, 324);
	at(conn_main, 322);
	append(b, work(S_CONN_SET));
	at(conn_main, 323);
	append(b, expr_stmt(call(determine_service, {name_expr(0)})));
	add_body(conn_state_remove, b, 5);

	// conn/main.zeek:212-228, compiled by ZAM: the ZBody carries the body's location.
	at(conn_main, 213, 228);
	ZBodyP z = zbody("Conn::determine_service");
	g_body_info[z] = {conn_main, 213, true};
	at(conn_main, 214);
	zappend(z, work(S_ZAM_SERVICE, "zam-body"));
	add_body(determine_service, z, 0);

	// slow-dns.zeek:44  init_salts();  (a top-level statement)
	at(slow_dns, 44);
	g_global_stmts = stmt_list();
	append(g_global_stmts, expr_stmt(call(init_salts, {})));

	parsing_done();

	g_dns_request = dns_request;
	g_conn_state_remove = conn_state_remove;
	g_slow_query = slow_query;
	g_stream_policy = stream_policy;
	}

// ---------------------------------------------------------------------------------
// Runtime: top-level statements and the event loop.
// ---------------------------------------------------------------------------------
void run_global_statements()
	{
#if MZ_FAMILY == 30
	stmt_flow_type flow;
	Frame f(g_global_frame_size, nullptr, nullptr);
	g_frame_stack.push_back(&f);
	g_global_stmts->Exec(&f, flow);
	g_frame_stack.pop_back();
#elif MZ_FAMILY == 80
	StmtFlowType flow;
	Frame f(g_global_frame_size, nullptr, nullptr);
	g_frame_stack.push_back(&f);
	g_global_stmts->Exec(&f, flow);
	g_frame_stack.pop_back();
#else
	StmtFlowType flow;
	Frame f(g_global_frame_size, nullptr, nullptr);
	call_stack.emplace_back(CallInfo{nullptr, &f});
	g_global_stmts->Exec(&f, flow);
	call_stack.pop_back();
#endif
	}

// EventHandler::Call: the event's Func runs with no parent frame.
void dispatch(Func* event, std::initializer_list<long> arg_values)
	{
	if ( g_stop )
		return;
#if MZ_FAMILY == 30
	val_list vl;
	for ( long a : arg_values )
		vl.push_back(val_mgr->GetCount(a));
	event->Call(&vl);
#else
	Args vl;
	for ( long a : arg_values )
		vl.push_back(val_mgr->Count(a));
	event->Invoke(&vl);
#endif
	}

void event_loop_iteration(const Workload& w)
	{
	if ( ! g_stop )
		minizeek::checkpoint("empty-stack");
	native_work(S_NATIVE_A);
	if ( w.dns_events )
		{
		dispatch(g_dns_request, {1, 2, 3, 1, 1, 3});
		dispatch(g_conn_state_remove, {1});
		}
	if ( w.slow_query )
		dispatch(g_slow_query, {3});
	native_work(S_NATIVE_B);
	idle();
	}

} // namespace

// ---------------------------------------------------------------------------------
// --layout: offsets and sizes as the compiler laid them out.
// ---------------------------------------------------------------------------------
struct MiniZeekLayout {
	static void print();
};

namespace {

// Offset of the first 8-byte word of `obj` equal to `value`, or -1.
long find_word(const void* obj, size_t size, uintptr_t value)
	{
	for ( size_t off = 0; off + sizeof(uintptr_t) <= size; off += sizeof(uintptr_t) )
		{
		uintptr_t w;
		memcpy(&w, static_cast<const char*>(obj) + off, sizeof w);
		if ( w == value )
			return long(off);
		}
	return -1;
	}

std::string symbol_name(const void* addr, const char* fallback)
	{
	Dl_info info;
	if ( dladdr(addr, &info) && info.dli_sname && info.dli_saddr == addr )
		return info.dli_sname;
	fprintf(stderr, "mini-zeek: %s is not in .dynsym\n", fallback);
	return fallback;
	}

} // namespace

void MiniZeekLayout::print()
	{
	using namespace mz;
#if MZ_FAMILY == 30
	const char* fam = "3.0";
#elif MZ_FAMILY == 80
	const char* fam = "8.0";
#else
	const char* fam = "9.0";
#endif
	printf("family=%s\n", fam);
	printf("zeek.version=%s\n", version);
	printf("symbol.call_stack=%s\n",
	       symbol_name(&the_call_stack(), MZ_FAMILY == 30 ? "call_stack" : "_ZN4zeek6detail10call_stackE").c_str());
#if MZ_FAMILY == 90
	printf("symbol.g_frame_stack=-\n");
#else
	printf("symbol.g_frame_stack=%s\n", symbol_name(&g_frame_stack, "g_frame_stack").c_str());
#endif
	printf("symbol.version=%s\n", symbol_name(version, "version").c_str());

#if defined(_LIBCPP_VERSION)
	const bool libcxx = true;
	printf("abi.string=libc++\n");
#else
	const bool libcxx = false;
	printf("abi.string=libstdc++\n");
#endif

	std::vector<long> v;
	v.reserve(8);
	v.assign({1, 2, 3});
	printf("vector.begin=%ld\n", find_word(&v, sizeof v, uintptr_t(v.data())));
	printf("vector.end=%ld\n", find_word(&v, sizeof v, uintptr_t(v.data() + v.size())));

	std::string s(40, 'x');
	if ( libcxx )
		{
		printf("string.data=-1\n");
		printf("string.size=-1\n");
		}
	else
		{
		printf("string.data=%ld\n", find_word(&s, sizeof s, uintptr_t(s.data())));
		printf("string.size=%ld\n", find_word(&s, sizeof s, uintptr_t(s.size())));
		}

	printf("CallInfo.size=%zu\n", sizeof(CallInfo));
	printf("CallInfo.call=%zu\n", offsetof(CallInfo, call));
#if MZ_FAMILY == 90
	printf("CallInfo.func=-1\n");
	printf("CallInfo.frame=%zu\n", offsetof(CallInfo, frame));
#else
	printf("CallInfo.func=%zu\n", offsetof(CallInfo, func));
	printf("CallInfo.frame=-1\n");
#endif
	printf("Func.bodies=%zu\n", offsetof(Func, bodies));
	printf("Func.kind=%zu\n", offsetof(Func, kind));
	printf("Func.kind.size=%zu\n", sizeof(static_cast<Func*>(nullptr)->kind));
	printf("Func.name=%zu\n", offsetof(Func, name));
	printf("Func.type=%zu\n", offsetof(Func, type));
	printf("FuncType.flavor=%zu\n", offsetof(FuncType, flavor));
	printf("FuncType.flavor.size=%zu\n", sizeof(static_cast<FuncType*>(nullptr)->flavor));
	printf("Body.size=%zu\n", sizeof(Func::Body));
	printf("Body.stmts=%zu\n", offsetof(Func::Body, stmts));
	printf("Obj.location=%zu\n", offsetof(Obj, location));
	printf("Location.filename=%zu\n", offsetof(Location, filename));
	printf("Location.first_line=%zu\n", offsetof(Location, first_line));
	printf("Location.last_line=%zu\n", offsetof(Location, last_line));
	printf("Frame.function=%zu\n", offsetof(Frame, function));
	printf("Frame.next_stmt=%zu\n", offsetof(Frame, next_stmt));
	printf("Frame.call=%zu\n", offsetof(Frame, call));
	printf("Frame.call_loc=-1\n");
	printf("sizeof.Frame=%zu\n", sizeof(Frame));
	printf("sizeof.Func=%zu\n", sizeof(Func));
	printf("sizeof.Location=%zu\n", sizeof(Location));
	printf("sizeof.Obj=%zu\n", sizeof(Obj));
	printf("sizeof.CallInfo=%zu\n", sizeof(CallInfo));
	printf("sizeof.ScriptFunc=%zu\n", sizeof(ScriptFunc));
	printf("sizeof.BuiltinFunc=%zu\n", sizeof(BuiltinFunc));
	printf("sizeof.Type=%zu\n", sizeof(Type));
	printf("sizeof.FuncType=%zu\n", sizeof(FuncType));
	printf("sizeof.Stmt=%zu\n", sizeof(Stmt));
	printf("sizeof.Expr=%zu\n", sizeof(Expr));
	printf("sizeof.CallExpr=%zu\n", sizeof(CallExpr));
	}

// ---------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------
namespace {

void on_stop(int) { g_stop = 1; }
void on_usr1(int) { g_sigusr1.fetch_add(1, std::memory_order_relaxed); }
void on_term_count(int) { g_sigterm.fetch_add(1, std::memory_order_relaxed); }
void on_chld(int) { g_sigchld.fetch_add(1, std::memory_order_relaxed); }
void on_crash_request(int) { g_crash_requested = 1; }
void on_window_request(int) { g_window_requested = 1; }

void install_signals(bool stop_handler)
	{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if ( stop_handler )
		{
		sa.sa_handler = on_stop;
		sigaction(SIGTERM, &sa, nullptr);
		sigaction(SIGINT, &sa, nullptr);
		}
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, nullptr);
	if ( g_count_sigterm )
		{
		sa.sa_handler = on_term_count;
		sigaction(SIGTERM, &sa, nullptr);
		}
	if ( g_child_period_ns )
		{
		sa.sa_handler = on_chld;
		sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
		sigaction(SIGCHLD, &sa, nullptr);
		}
	if ( g_timer_interval_ns )
		{
		sa.sa_handler = on_window_request;
		sa.sa_flags = SA_RESTART;
		sigaction(SIGHUP, &sa, nullptr);
		}
	if ( g_crash != CRASH_NONE )
		{
		sa.sa_handler = on_crash_request;
		sa.sa_flags = SA_RESTART;
		sigaction(SIGUSR2, &sa, nullptr);
		}
	}

[[noreturn]] void usage(const char* msg);

double positive_number(const char* v, const char* msg)
	{
	char* end;
	double d = strtod(v, &end);
	if ( *end || ! (d > 0) )
		usage(msg);
	return d;
	}

// The safety options' report lines, after the run.
void report_services()
	{
	if ( g_count_sigterm )
		printf("sigterm\t%lu\n", g_sigterm.load());
	if ( g_child_period_ns )
		{
		// The last child: its SIGCHLD, or the 2 s after which it counts as lost.
		while ( g_child )
			{
			service_children(now_ns(), false);
			if ( g_child )
				usleep(1000);
			}
		printf("children\tforked=%lu sigchld=%lu reaped=%lu lost=%lu fork-failures=%lu\n", g_forked,
		       g_sigchld.load(), g_reaped, g_sigchld_lost, g_fork_failures);
		}
	if ( g_timer_fd >= 0 )
		{
		uint64_t before = now_ns();
		read_timer();
		uint64_t after = now_ns();
		printf("timer\tinterval_ns=%" PRIu64 " expirations=%" PRIu64 " expected_min=%" PRIu64
		       " expected_max=%" PRIu64 " wakeups=%" PRIu64 " %s\n",
		       g_timer_interval_ns, g_timer_expirations, (before - g_timer_start_ns) / g_timer_interval_ns,
		       (after - g_timer_start_ns) / g_timer_interval_ns, g_timer_wakeups, lateness(0).c_str());
		}
	}

[[noreturn]] void usage(const char* msg)
	{
	if ( msg )
		fprintf(stderr, "mini-zeek: %s\n", msg);
	fprintf(stderr,
	        "usage: mini-zeek --layout\n"
	        "       mini-zeek --checkpoints [--depth N]\n"
	        "       mini-zeek --run SECONDS [--workload mixed|deep|demo] [--depth N]\n"
	        "       mini-zeek --iterations N [--workload mixed|deep|demo] [--depth N]\n"
	        "  with --run: [--counters] [--count-sigterm] [--children MS] [--timer MS]\n"
	        "              [--crash segv|abort|exec|exit [--crash-after SECONDS]]  (crash on SIGUSR2 or after)\n"
	        "              [--heap MB]\n");
	exit(2);
	}

const char* family_name()
	{
	return MZ_FAMILY == 30 ? "3.0" : MZ_FAMILY == 80 ? "8.0" : "9.0";
	}

} // namespace

int main(int argc, char** argv)
	{
	enum { NONE, LAYOUT, CHECKPOINTS, RUN, ITERATIONS } mode = NONE;
	double seconds = 0;
	long iterations = 0;
	long depth = 3;
	const Workload* workload = &workloads[0];
	bool counters = false;
	double timer_ms = 0;
	double crash_after = 0;
	double heap_mb = 0;
	g_argv0 = argv[0];

	for ( int i = 1; i < argc; ++i )
		{
		std::string a = argv[i];
		auto value = [&]() -> const char* {
			if ( i + 1 >= argc )
				usage(("missing value for " + a).c_str());
			return argv[++i];
		};
		if ( a == "--layout" )
			mode = LAYOUT;
		else if ( a == "--checkpoints" )
			mode = CHECKPOINTS;
		else if ( a == "--run" )
			{
			mode = RUN;
			char* end;
			const char* v = value();
			seconds = strtod(v, &end);
			if ( *end || seconds <= 0 )
				usage("--run needs a positive number of seconds");
			}
		else if ( a == "--iterations" )
			{
			mode = ITERATIONS;
			char* end;
			const char* v = value();
			iterations = strtol(v, &end, 10);
			if ( *end || iterations < 1 )
				usage("--iterations needs a positive number");
			}
		else if ( a == "--depth" )
			{
			char* end;
			const char* v = value();
			depth = strtol(v, &end, 10);
			if ( *end || depth < 1 || depth > 900 )
				usage("--depth must be between 1 and 900");
			}
		else if ( a == "--workload" )
			{
			const char* v = value();
			workload = nullptr;
			for ( const auto& w : workloads )
				if ( strcmp(w.name, v) == 0 )
					workload = &w;
			if ( ! workload )
				usage("unknown workload");
			}
		else if ( a == "--counters" )
			counters = true;
		else if ( a == "--count-sigterm" )
			g_count_sigterm = true;
		else if ( a == "--children" )
			g_child_period_ns = uint64_t(positive_number(value(), "--children needs a positive number of milliseconds") * 1e6);
		else if ( a == "--timer" )
			timer_ms = positive_number(value(), "--timer needs a positive number of milliseconds");
		else if ( a == "--heap" )
			heap_mb = positive_number(value(), "--heap needs a positive number of megabytes");
		else if ( a == "--crash-after" )
			crash_after = positive_number(value(), "--crash-after needs a positive number of seconds");
		else if ( a == "--crash" )
			{
			std::string v = value();
			g_crash = v == "segv" ? CRASH_SEGV : v == "abort" ? CRASH_ABORT : v == "exec" ? CRASH_EXEC
			        : v == "exit" ? CRASH_EXIT : CRASH_NONE;
			if ( g_crash == CRASH_NONE )
				usage("--crash must be segv, abort, exec or exit");
			g_crash_name = argv[i];
			}
		else
			usage(("unknown option " + a).c_str());
		}

	if ( mode == NONE )
		usage(nullptr);
	if ( crash_after > 0 && g_crash == CRASH_NONE )
		usage("--crash-after needs --crash");
	if ( mode != RUN && (counters || g_count_sigterm || g_child_period_ns || timer_ms > 0 || g_crash != CRASH_NONE || heap_mb > 0) )
		usage("--counters, --count-sigterm, --children, --timer, --crash and --heap need --run");
	if ( timer_ms > 0 )
		{
		g_timer_interval_ns = uint64_t(timer_ms * 1e6);
		if ( g_timer_interval_ns < 1000 )
			usage("--timer must be at least 0.001 ms");
		}

	if ( mode == LAYOUT )
		{
		MiniZeekLayout::print();
		return 0;
		}

	g_checkpoint_mode = mode == CHECKPOINTS;
	// --run ends on SIGTERM/SIGINT with its truth report; --checkpoints just dies.
	install_signals(! g_checkpoint_mode);
	for ( int s = 0; s < NUM_SLOTS; ++s )
		g_costs[s] = g_checkpoint_mode ? 200 : workload->costs[s];

	build_scripts(depth);
	if ( heap_mb > 0 )
		fill_heap(heap_mb);

	printf("ready pid=%d family=%s\n", int(getpid()), family_name());
	if ( counters )
		printf("counters sigusr1=%p sigterm=%p sigchld=%p progress=%p\n", (void*) &g_sigusr1, (void*) &g_sigterm,
		       (void*) &g_sigchld, (void*) &g_progress);
	fflush(stdout);

	uint64_t start = now_ns();
	if ( mode == RUN )
		{
		g_deadline_ns = start + uint64_t(seconds * 1e9);
		if ( g_timer_interval_ns )
			start_timer(seconds);
		if ( g_crash != CRASH_NONE && crash_after > 0 )
			g_crash_at_ns = start + uint64_t(crash_after * 1e9);
		g_services = g_timer_fd >= 0 || g_child_period_ns || g_crash != CRASH_NONE;
		}

	run_global_statements();

	if ( g_checkpoint_mode )
		{
		event_loop_iteration(workloads[0]);
		return 0;
		}

	if ( mode == ITERATIONS )
		{
		g_work_mode = true;
		for ( long i = 0; i < iterations && ! g_stop; ++i )
			event_loop_iteration(*workload);
		printf("work-elapsed\t%" PRIu64 "\n", now_ns() - start);
		fflush(stdout);
		return 0;
		}

	while ( ! time_is_up() )
		event_loop_iteration(*workload);

	uint64_t wall = now_ns() - start;
	uint64_t attributed = g_truth_native + g_truth_idle;
	for ( const auto& [stack, ns] : g_truth )
		{
		printf("truth\t%" PRIu64 "\t%s\n", ns, stack.c_str());
		attributed += ns;
		}
	printf("truth-native\t%" PRIu64 "\n", g_truth_native);
	printf("truth-idle\t%" PRIu64 "\n", g_truth_idle);
	printf("truth-unattributed\t%" PRIu64 "\n", wall > attributed ? wall - attributed : 0);
	printf("signals\tSIGUSR1=%lu\n", g_sigusr1.load());
	report_services();
	if ( g_selfcheck_mismatches )
		fprintf(stderr, "mini-zeek: %lu self-check mismatches\n", g_selfcheck_mismatches);
	fflush(stdout);
	return g_selfcheck_mismatches ? 1 : 0;
	}
