// Test inferior for zeekspy.symbols: Zeek-like classes whose layout the program reports itself
// (sizeof, offsetof, base offsets) so the DWARF reader's answers can be checked against the
// compiler's. Also prints runtime addresses of two symbols and its own lowest mapping.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include <unistd.h>

struct Location {  // global namespace, like Zeek 3.0
    const char* filename;
    int first_line, last_line;
};

class BroObj {
public:
    virtual ~BroObj();
    Location* location;
    int ref_cnt;
};
BroObj::~BroObj() {}

namespace zeek {
class Func;

class Obj {
public:
    virtual ~Obj();
    const Location* location = nullptr;
    int ref_cnt = 1;
    bool notify_plugins = false;
};
Obj::~Obj() {}

namespace detail {
class Stmt {
public:
    virtual ~Stmt();
    int tag;
};
Stmt::~Stmt() {}

class Frame : public Obj {
public:
    ~Frame() override;
    int size = 0;
    bool delayed = false;
    const Func* function = nullptr;
    const std::vector<int>* func_args = nullptr;
    Stmt* next_stmt = nullptr;
    char scratch[24];
protected:
    friend void report();
    const void* call = nullptr;
};
Frame::~Frame() {}

struct CallInfo {
    const void* call;
    const Func* func;
    const void* args;
};
} // namespace detail

class Func : public Obj {
public:
    enum Kind : uint8_t { SCRIPT_FUNC, BUILTIN_FUNC };
    typedef Kind KindAlias;
    struct Body {
        detail::Stmt* stmts;
        int priority;
    };
    ~Func() override;
    std::vector<Body> bodies;
    const volatile KindAlias kind = SCRIPT_FUNC;
    std::string name;
    union {
        int64_t int_value;
        double double_value;
    };
    struct {
        uint16_t low;
        uint16_t high;
    };
    static int instances;
};
Func::~Func() {}
int Func::instances = 0;

struct Outer {
    struct Inner;  // defined out of line below (DW_AT_specification in DWARF)
    long x;
};
struct Outer::Inner {
    long a;
    char b;
};

inline namespace v1 {
struct Versioned {
    char c;
    double d;
};
}

enum class Color : uint16_t { Red, Green };

struct Mixin {
    virtual ~Mixin();
    Color color;
};
Mixin::~Mixin() {}

struct Multi : Obj, Mixin {
    int extra;
};

typedef struct {
    short s;
    long l;
} CStyle;
} // namespace zeek

namespace zeek::detail {
std::vector<Frame*> call_stack;
}
extern "C" {
char version[] = "9.9.9-test";
}
// Only in .symtab: internal linkage.
__attribute__((used)) static int s_local_counter = 42;

// Keep every type alive in the debug info.
BroObj g_bro;
zeek::detail::Frame g_frame;
zeek::detail::CallInfo g_call_info;
zeek::Func g_func;
zeek::Func::Body g_body;
zeek::Outer g_outer;
zeek::Outer::Inner g_inner;
zeek::Versioned g_versioned;
zeek::Multi g_multi;
zeek::CStyle g_cstyle;

#define SIZE(T) std::printf("sizeof(%s) %zu\n", #T, sizeof(T))
#define MEMBER(T, m) std::printf("%s.%s %zu %zu\n", #T, #m, offsetof(T, m), sizeof(((T*) nullptr)->m))
#define BASE(T, B) std::printf("%s:%s %td\n", #T, #B, \
        reinterpret_cast<char*>(static_cast<B*>(reinterpret_cast<T*>(0x1000))) - reinterpret_cast<char*>(0x1000))

namespace zeek::detail {
void report() {
    SIZE(Location);
    MEMBER(Location, filename);
    MEMBER(Location, first_line);
    MEMBER(Location, last_line);
    SIZE(BroObj);
    MEMBER(BroObj, location);
    MEMBER(BroObj, ref_cnt);
    SIZE(zeek::Obj);
    MEMBER(zeek::Obj, location);
    MEMBER(zeek::Obj, ref_cnt);
    MEMBER(zeek::Obj, notify_plugins);
    SIZE(zeek::detail::Stmt);
    MEMBER(zeek::detail::Stmt, tag);
    SIZE(zeek::detail::Frame);
    BASE(zeek::detail::Frame, zeek::Obj);
    MEMBER(zeek::detail::Frame, location);
    MEMBER(zeek::detail::Frame, ref_cnt);
    MEMBER(zeek::detail::Frame, size);
    MEMBER(zeek::detail::Frame, delayed);
    MEMBER(zeek::detail::Frame, function);
    MEMBER(zeek::detail::Frame, func_args);
    MEMBER(zeek::detail::Frame, next_stmt);
    MEMBER(zeek::detail::Frame, scratch);
    MEMBER(zeek::detail::Frame, call);
    SIZE(zeek::detail::CallInfo);
    MEMBER(zeek::detail::CallInfo, call);
    MEMBER(zeek::detail::CallInfo, func);
    MEMBER(zeek::detail::CallInfo, args);
    SIZE(zeek::Func);
    BASE(zeek::Func, zeek::Obj);
    MEMBER(zeek::Func, location);
    MEMBER(zeek::Func, bodies);
    MEMBER(zeek::Func, kind);
    MEMBER(zeek::Func, name);
    MEMBER(zeek::Func, int_value);
    MEMBER(zeek::Func, double_value);
    MEMBER(zeek::Func, low);
    MEMBER(zeek::Func, high);
    SIZE(zeek::Func::Body);
    MEMBER(zeek::Func::Body, stmts);
    MEMBER(zeek::Func::Body, priority);
    SIZE(zeek::Outer);
    MEMBER(zeek::Outer, x);
    SIZE(zeek::Outer::Inner);
    MEMBER(zeek::Outer::Inner, a);
    MEMBER(zeek::Outer::Inner, b);
    SIZE(zeek::Versioned);
    MEMBER(zeek::Versioned, c);
    MEMBER(zeek::Versioned, d);
    SIZE(zeek::Mixin);
    MEMBER(zeek::Mixin, color);
    SIZE(zeek::Multi);
    BASE(zeek::Multi, zeek::Obj);
    BASE(zeek::Multi, zeek::Mixin);
    MEMBER(zeek::Multi, ref_cnt);
    MEMBER(zeek::Multi, color);
    MEMBER(zeek::Multi, extra);
    SIZE(zeek::CStyle);
    MEMBER(zeek::CStyle, s);
    MEMBER(zeek::CStyle, l);
}
} // namespace zeek::detail

// The start of the lowest mapping of this executable, from /proc/self/maps.
static unsigned long lowest_mapping() {
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return 0;
    exe[n] = 0;
    FILE* f = std::fopen("/proc/self/maps", "r");
    if (!f) return 0;
    char line[8192];
    unsigned long lowest = 0;
    while (std::fgets(line, sizeof line, f)) {
        unsigned long start;
        if (std::strstr(line, exe) && std::sscanf(line, "%lx-", &start) == 1 && (lowest == 0 || start < lowest)) {
            lowest = start;
        }
    }
    std::fclose(f);
    return lowest;
}

int main() {
    zeek::detail::report();
    zeek::detail::call_stack.push_back(&g_frame);
    std::printf("addr.version %lu\n", reinterpret_cast<unsigned long>(&version[0]));
    std::printf("addr.call_stack %lu\n", reinterpret_cast<unsigned long>(&zeek::detail::call_stack));
    std::printf("mapping.base %lu\n", lowest_mapping());
    return 0;
}
