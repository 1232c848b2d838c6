// Replicas of the Zeek classes zeek-spy reads, one set per release series, laid out by
// the compiler itself (x86_64, libstdc++, Itanium C++ ABI). Running the program writes
// the built-in layout tables: one zeek-<series>.layout file per series.
//
// Each replica keeps the data members of the real class in declaration order, up to the
// last member zeek-spy reads, with every member type replaced by a stand-in of the same
// size and alignment. The member lists come from the zeek/zeek headers of each series
// (src/Obj.h, Type.h, Func.h, Frame.h) as summarised in shared/reference/zeek-internals.md
// §3-§7; the static_asserts pin the replicas to the offsets that document measured on the
// real headers, so a wrong replica does not compile.
//
// Build and run: see generate.sh next to this file.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <forward_list>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#pragma GCC diagnostic ignored "-Winvalid-offsetof"

// ---- stand-ins -----------------------------------------------------------------------

// IntrusivePtr<T>, std::unique_ptr<T> and raw T*: one pointer.
struct Ptr {
    void* p = nullptr;
};

// A plain enum (int-sized) and the enums with an explicit underlying type.
enum Enum4 { ENUM4_ZERO };
enum Enum2 : std::uint16_t { ENUM2_ZERO };
enum Enum1 : std::uint8_t { ENUM1_ZERO };

// List<T>/PList<T> in 3.0-3.1: entries pointer plus three ints (chunk, max, num). 24 bytes.
struct List3x {
    void** entries;
    int chunk_size;
    int max_entries;
    int num_entries;
};
static_assert(sizeof(List3x) == 24);

// PList<T> from 3.2 on: entries pointer plus two ints. 16 bytes.
struct PList32 {
    void** entries;
    int max_entries;
    int num_entries;
};
static_assert(sizeof(PList32) == 16);

using OffsetMap = std::unordered_map<std::string, int>;
static_assert(sizeof(OffsetMap) == 56);

// ---- Obj / BroObj ----------------------------------------------------------------------

// 3.0-4.0: vptr, location, bool notify_plugins, int ref_cnt (no tail padding).
struct Obj30 {
    virtual ~Obj30() = default;
    void* location;
    bool notify_plugins;
    int ref_cnt;
};
// 4.1-9.0: vptr, location, int ref_cnt, bool notify_plugins (dsize 21: a derived class
// may place 1- or 2-byte members into bytes 21-23).
struct Obj41 {
    virtual ~Obj41() = default;
    void* location;
    int ref_cnt = 1;
    bool notify_plugins = false;
};
static_assert(sizeof(Obj30) == 24 && offsetof(Obj30, location) == 8 && offsetof(Obj30, ref_cnt) == 20);
static_assert(sizeof(Obj41) == 24 && offsetof(Obj41, location) == 8 && offsetof(Obj41, notify_plugins) == 20);

// ---- Location --------------------------------------------------------------------------

struct Location30 {  // 3.0.x: has a vtable
    virtual ~Location30() = default;
    const char* filename;
    int first_line, last_line, first_column, last_column;
    bool delete_data;
    int timestamp;
    char* text;
};
struct Location31 {  // 3.1-7.x
    const char* filename;
    int first_line, last_line, first_column, last_column;
};
struct Location80 {  // 8.0-9.0
    const char* filename = nullptr;
    int first_line = 0, last_line = 0;
};
static_assert(sizeof(Location30) == 48 && sizeof(Location31) == 24 && sizeof(Location80) == 16);

// ---- BroType / zeek::Type and FuncType -------------------------------------------------

// Members of BroType/zeek::Type are the same in every series from 3.0 to 9.0:
//   TypeTag tag; InternalTypeTag internal_tag; bool is_network_order; bool base_type;
//   std::string name;
// Only the enum widths change:
//   3.0-3.1: typedef enum {...} TypeTag / InternalTypeTag (4 bytes each)
//   3.2-...: enum TypeTag (4), enum InternalTypeTag : uint16_t (2)
//   9.0 tree: enum TypeTag : uint8_t, enum InternalTypeTag : uint8_t
template <class O, class Tag, class ITag>
struct Type : O {
    Tag tag;
    ITag internal_tag;
    bool is_network_order;
    bool base_type;
    std::string name;
};

// FuncType: RecordType(Ptr) args; TypeList(Ptr) arg_types; Type(Ptr) yield;
// function_flavor/FunctionFlavor flavor; then (3.1+) std::vector<Prototype> prototypes ...
// FunctionFlavor is a plain enum up to at least 8.0 and `enum FunctionFlavor : uint8_t`
// in the 9.0 tree.
template <class O, class Tag, class ITag, class Flavor>
struct FuncType : Type<O, Tag, ITag> {
    Ptr args;
    Ptr arg_types;
    Ptr yield;
    Flavor flavor;
    std::vector<void*> prototypes;
};

// ---- Func::Body ------------------------------------------------------------------------

struct Body30 {  // 3.0-5.1
    Ptr stmts;
    int priority;
};
struct Body52 {  // 5.2-7.x
    Ptr stmts;
    int priority;
    std::set<std::shared_ptr<void>> groups;
    bool disabled;
};
struct Body80 {  // 8.0-9.0
    Ptr stmts;
    std::forward_list<std::shared_ptr<void>> groups;
    int priority = 0;
    bool disabled = false;
};

// ---- Func ------------------------------------------------------------------------------

template <class O>
struct Func30 : O {  // 3.0-3.1
    std::vector<Body30> bodies;
    Ptr scope;
    Enum4 kind;
    Ptr type;
    std::string name;
    std::uint32_t unique_id;
};
template <class O>
struct Func32 : O {  // 3.2-4.2
    std::vector<Body30> bodies;
    Ptr scope;
    Enum4 kind;
    std::uint32_t unique_id;
    Ptr type;
    std::string name;
};
template <class O>
struct Func50 : O {  // 5.0-5.1
    std::vector<Body30> bodies;
    Ptr scope;
    Enum4 kind;
    Ptr type;
    std::string name;
};
template <class O>
struct Func52 : O {  // 5.2-6.1
    std::vector<Body52> bodies;
    Ptr scope;
    Enum4 kind;
    Ptr type;
    std::string name;
    bool has_enabled_bodies;
};
template <class O>
struct Func62 : O {  // 6.2-7.x
    std::vector<Body52> bodies;
    Ptr scope;
    Enum4 kind;
    Ptr type;
    std::string name;
    bool has_enabled_bodies;
    bool all_bodies_enabled;
};
template <class O>
struct Func80 : O {  // 8.0-9.0: enum Kind : uint8_t
    std::vector<Body80> bodies;
    Ptr scope;
    Enum1 kind;
    Ptr type;
    std::string name;
    bool has_enabled_bodies;
    bool all_bodies_enabled;
};

// ---- CallInfo --------------------------------------------------------------------------

struct CallInfo30 {  // 3.0-8.0.x: call, func, args (val_list* or const Args&)
    Ptr call;
    Ptr func;
    Ptr args;
};
struct CallInfo81 {  // 8.1-9.0: call, frame
    Ptr call;
    Ptr frame;
};

// ---- Frame -----------------------------------------------------------------------------

template <class O>
struct Frame300 : O {  // 3.0.0-3.0.1
    int size;
    Ptr frame;
    Ptr closure;
    List3x outer_ids;
    OffsetMap offset_map;
    Ptr function;
    Ptr func_args;
    Ptr next_stmt;
    bool break_before_next_stmt, break_on_return;
    Ptr trigger;
    Ptr call;
    bool delayed;
};
template <class O>
struct Frame302 : O {  // 3.0.2-3.1.x
    int size;
    Ptr frame;
    Ptr weak_refs;
    Ptr closure;
    bool weak_closure_ref;
    List3x outer_ids;
    OffsetMap offset_map;
    Ptr function;
    Ptr func_args;
    Ptr next_stmt;
    bool break_before_next_stmt, break_on_return;
    Ptr trigger;
    Ptr call;
    bool delayed;
    std::vector<void*> functions_with_closure_frame_reference;
};
template <class O>
struct Frame32 : O {  // 3.2-4.0
    int size;
    bool weak_closure_ref, break_before_next_stmt, break_on_return, delayed;
    Ptr frame;
    Ptr closure;
    PList32 outer_ids;
    Ptr offset_map;
    Ptr function;
    Ptr func_args;
    Ptr next_stmt;
    Ptr trigger;
    Ptr call;
    Ptr functions_with_closure_frame_reference;
};
template <class O>
struct Frame41 : O {  // 4.1-4.2
    int size;
    bool weak_closure_ref, break_before_next_stmt, break_on_return, delayed;
    Ptr frame;
    int current_offset;
    Ptr closure;
    PList32 outer_ids;
    Ptr offset_map;
    Ptr captures;
    Ptr captures_offset_map;
    Ptr function;
    Ptr func_args;
    Ptr next_stmt;
    Ptr trigger;
    Ptr call;
    Ptr call_loc;
    Ptr functions_with_closure_frame_reference;
};
template <class O>
struct Frame50 : O {  // 5.0
    int size;
    bool weak_closure_ref, break_before_next_stmt, break_on_return, delayed;
    Ptr frame;
    int current_offset;
    Ptr closure;
    PList32 outer_ids;
    Ptr offset_map;
    Ptr captures;
    Ptr captures_offset_map;
    Ptr function;
    Ptr func_args;
    Ptr next_stmt;
    Ptr trigger;
    Ptr call;
    Ptr assoc;
    Ptr call_loc;
    Ptr functions_with_closure_frame_reference;
};
template <class O>
struct Frame51 : O {  // 5.1-5.2
    int size;
    bool break_before_next_stmt, break_on_return, delayed;
    Ptr frame;
    int current_offset;
    Ptr captures;
    Ptr captures_offset_map;
    Ptr function;
    Ptr func_args;
    Ptr next_stmt;
    Ptr trigger;
    Ptr call;
    Ptr assoc;
    Ptr call_loc;
};
template <class O>
struct Frame60 : O {  // 6.0-9.0
    int size;
    bool break_before_next_stmt, break_on_return, delayed;
    Ptr frame;
    int current_offset;
    Ptr captures;
    Ptr captures_offset_map;
    Ptr function;
    Ptr func_args;
    Ptr next_stmt;
    Ptr trigger;
    Ptr call;
    Ptr assoc;
};

// ---- offsets of members that only some series have ------------------------------------

template <class T>
constexpr long callinfo_func() {
    if constexpr (requires { &T::func; })
        return offsetof(T, func);
    else
        return -1;
}
template <class T>
constexpr long callinfo_frame() {
    if constexpr (requires { &T::frame; })
        return offsetof(T, frame);
    else
        return -1;
}
template <class T>
constexpr long frame_call_loc() {
    if constexpr (requires { &T::call_loc; })
        return offsetof(T, call_loc);
    else
        return -1;
}

// ---- series ----------------------------------------------------------------------------

constexpr const char* CALL_STACK_GLOBAL = "call_stack";
constexpr const char* CALL_STACK_DETAIL = "_ZN4zeek6detail10call_stackE";

// One series: the replica types plus its symbols and the version range it covers.
template <class FuncT, class BodyT, class FuncTypeT, class LocationT, class CallInfoT, class FrameT>
struct Series {
    using Func = FuncT;
    using Body = BodyT;
    using FuncType = FuncTypeT;
    using Location = LocationT;
    using CallInfo = CallInfoT;
    using Frame = FrameT;
};

using FT30 = FuncType<Obj30, Enum4, Enum4, Enum4>;  // 3.0-3.1
using FT32 = FuncType<Obj30, Enum4, Enum2, Enum4>;  // 3.2-4.0
using FT41 = FuncType<Obj41, Enum4, Enum2, Enum4>;  // 4.1-8.0 (and 8.1 if not yet narrowed)
using FT90 = FuncType<Obj41, Enum1, Enum1, Enum1>;  // as in the 9.0 tree
using FT41Flavor1 = FuncType<Obj41, Enum4, Enum2, Enum1>;  // only FunctionFlavor narrowed

using S300 = Series<Func30<Obj30>, Body30, FT30, Location30, CallInfo30, Frame300<Obj30>>;
using S302 = Series<Func30<Obj30>, Body30, FT30, Location30, CallInfo30, Frame302<Obj30>>;
using S31 = Series<Func30<Obj30>, Body30, FT30, Location31, CallInfo30, Frame302<Obj30>>;
using S32 = Series<Func32<Obj30>, Body30, FT32, Location31, CallInfo30, Frame32<Obj30>>;
using S41 = Series<Func32<Obj41>, Body30, FT41, Location31, CallInfo30, Frame41<Obj41>>;
using S50 = Series<Func50<Obj41>, Body30, FT41, Location31, CallInfo30, Frame50<Obj41>>;
using S51 = Series<Func50<Obj41>, Body30, FT41, Location31, CallInfo30, Frame51<Obj41>>;
using S52 = Series<Func52<Obj41>, Body52, FT41, Location31, CallInfo30, Frame51<Obj41>>;
using S60 = Series<Func52<Obj41>, Body52, FT41, Location31, CallInfo30, Frame60<Obj41>>;
using S62 = Series<Func62<Obj41>, Body52, FT41, Location31, CallInfo30, Frame60<Obj41>>;
using S80 = Series<Func80<Obj41>, Body80, FT41, Location80, CallInfo30, Frame60<Obj41>>;
using S81 = Series<Func80<Obj41>, Body80, FT90, Location80, CallInfo81, Frame60<Obj41>>;

// The offset of FuncType::flavor does not depend on the enum widths: the Type members
// before `name` fit into the same 8 bytes either way.
static_assert(offsetof(FT41, flavor) == offsetof(FT90, flavor));
static_assert(offsetof(FT41Flavor1, flavor) == offsetof(FT41, flavor));

// The offsets zeek-internals.md measured on the real headers (§1, §3-§7, §11).
template <class S>
constexpr bool matches_reference(long function, long next_stmt, long call, long call_loc, long frame_size,
                                 long body_size, long callinfo_size, long kind_size, long loc_filename) {
    using Fr = typename S::Frame;
    using Fn = typename S::Func;
    return offsetof(Fr, function) == function && offsetof(Fr, next_stmt) == next_stmt &&
           offsetof(Fr, call) == call && frame_call_loc<Fr>() == call_loc && sizeof(Fr) == frame_size &&
           sizeof(typename S::Body) == body_size && sizeof(typename S::CallInfo) == callinfo_size &&
           sizeof(Fn::kind) == kind_size && offsetof(typename S::Location, filename) == loc_filename &&
           offsetof(Fn, bodies) == 24 && offsetof(Fn, kind) == 56 && offsetof(Fn, type) == 64 &&
           offsetof(Fn, name) == 72 && offsetof(typename S::Body, stmts) == 0;
}
static_assert(matches_reference<S300>(128, 144, 168, -1, 184, 16, 24, 4, 8));
static_assert(matches_reference<S302>(144, 160, 184, -1, 224, 16, 24, 4, 8));
static_assert(matches_reference<S31>(144, 160, 184, -1, 224, 16, 24, 4, 0));
static_assert(matches_reference<S32>(72, 88, 104, -1, 120, 16, 24, 4, 0));
static_assert(matches_reference<S41>(96, 112, 128, 136, 152, 16, 24, 4, 0));
static_assert(matches_reference<S50>(96, 112, 128, 144, 160, 16, 24, 4, 0));
static_assert(matches_reference<S51>(64, 80, 96, 112, 120, 16, 24, 4, 0));
static_assert(matches_reference<S52>(64, 80, 96, 112, 120, 72, 24, 4, 0));
static_assert(matches_reference<S60>(64, 80, 96, -1, 112, 72, 24, 4, 0));
static_assert(matches_reference<S62>(64, 80, 96, -1, 112, 72, 24, 4, 0));
static_assert(matches_reference<S80>(64, 80, 96, -1, 112, 24, 24, 1, 0));
static_assert(matches_reference<S81>(64, 80, 96, -1, 112, 24, 16, 1, 0));
static_assert(sizeof(Func30<Obj30>) == 112 && sizeof(Func32<Obj41>) == 104 && sizeof(Func50<Obj41>) == 104);
static_assert(sizeof(Func52<Obj41>) == 112 && sizeof(Func62<Obj41>) == 112 && sizeof(Func80<Obj41>) == 112);
static_assert(offsetof(Func32<Obj41>, unique_id) == 60 && offsetof(Func30<Obj30>, unique_id) == 104);

// ---- libstdc++ containers: checked on live objects -------------------------------------

struct Containers {
    long vector_begin, vector_end, string_data, string_size;
};

static long offset_of_word(const void* object, std::size_t object_size, std::uintptr_t value) {
    for ( std::size_t off = 0; off + sizeof(value) <= object_size; off += sizeof(value) ) {
        std::uintptr_t word;
        std::memcpy(&word, static_cast<const char*>(object) + off, sizeof(word));
        if ( word == value )
            return static_cast<long>(off);
    }
    return -1;
}

static Containers measure_containers() {
    std::vector<long> v{1, 2, 3};
    v.reserve(10);
    std::string s(40, 'x');  // longer than the short-string buffer
    return Containers{
        offset_of_word(&v, sizeof(v), reinterpret_cast<std::uintptr_t>(v.data())),
        offset_of_word(&v, sizeof(v), reinterpret_cast<std::uintptr_t>(v.data() + v.size())),
        offset_of_word(&s, sizeof(s), reinterpret_cast<std::uintptr_t>(s.data())),
        offset_of_word(&s, sizeof(s), s.size()),
    };
}

// ---- output ----------------------------------------------------------------------------

struct Meta {
    const char* file;
    const char* versions;
    const char* call_stack;
    const char* g_frame_stack;
    const char* derived_from;
    const char* flavor_note;
};

// Names of the tables written so far, in order: they become the loader's index file.
static std::vector<std::string> written;

template <class S>
static bool write_layout(const std::string& dir, const Meta& m, const Containers& c) {
    using Fn = typename S::Func;
    using Bd = typename S::Body;
    using FT = typename S::FuncType;
    using Loc = typename S::Location;
    using CI = typename S::CallInfo;
    using Fr = typename S::Frame;
    using ObjBase = Fn;  // Obj::location is at the same offset in every Obj subclass

    written.push_back(m.file);
    std::ofstream out(dir + "/" + m.file);
    out << "# zeek-spy layout\n"
        << "# g++ layout of replicas (test resources zeekspy/layouts-derivation) of " << m.derived_from << "\n"
        << "# " << m.flavor_note << "\n"
        << "zeek.versions=" << m.versions << "\n"
        << "abi.string=libstdc++\n"
        << "symbol.call_stack=" << m.call_stack << "\n"
        << "symbol.g_frame_stack=" << m.g_frame_stack << "\n"
        << "symbol.version=version\n"
        << "vector.begin=" << c.vector_begin << "\n"
        << "vector.end=" << c.vector_end << "\n"
        << "string.data=" << c.string_data << "\n"
        << "string.size=" << c.string_size << "\n"
        << "CallInfo.size=" << sizeof(CI) << "\n"
        << "CallInfo.call=" << offsetof(CI, call) << "\n"
        << "CallInfo.func=" << callinfo_func<CI>() << "\n"
        << "CallInfo.frame=" << callinfo_frame<CI>() << "\n"
        << "Func.bodies=" << offsetof(Fn, bodies) << "\n"
        << "Func.kind=" << offsetof(Fn, kind) << "\n"
        << "Func.kind.size=" << sizeof(Fn::kind) << "\n"
        << "Func.name=" << offsetof(Fn, name) << "\n"
        << "Func.type=" << offsetof(Fn, type) << "\n"
        << "FuncType.flavor=" << offsetof(FT, flavor) << "\n"
        << "Body.size=" << sizeof(Bd) << "\n"
        << "Body.stmts=" << offsetof(Bd, stmts) << "\n"
        << "Obj.location=" << offsetof(ObjBase, location) << "\n"
        << "Location.filename=" << offsetof(Loc, filename) << "\n"
        << "Location.first_line=" << offsetof(Loc, first_line) << "\n"
        << "Location.last_line=" << offsetof(Loc, last_line) << "\n"
        << "Frame.function=" << offsetof(Fr, function) << "\n"
        << "Frame.next_stmt=" << offsetof(Fr, next_stmt) << "\n"
        << "Frame.call=" << offsetof(Fr, call) << "\n"
        << "Frame.call_loc=" << frame_call_loc<Fr>() << "\n";
    return static_cast<bool>(out);
}

int main(int argc, char** argv) {
    if ( argc != 2 ) {
        std::cerr << "usage: replicas <output-directory>\n";
        return 2;
    }
    const std::string dir = argv[1];
    const Containers c = measure_containers();
    if ( c.vector_begin != 0 || c.vector_end != 8 || c.string_data != 0 || c.string_size != 8 ) {
        std::cerr << "unexpected libstdc++ container layout (not the C++11 string ABI?)\n";
        return 1;
    }

    const char* flavor30 =
        "FuncType.flavor: 4-byte enum (0 function, 1 event, 2 hook) after BroType's 4-byte tags: "
        "sizeof(BroType) 72.";
    const char* flavor32 =
        "FuncType.flavor: 0 function, 1 event, 2 hook; a 4-byte enum before 9.0 narrowed it to "
        "uint8_t: read its low byte.";
    const char* flavor80 =
        "FuncType.flavor: 0 function, 1 event, 2 hook; 4 bytes or already uint8_t as in 9.0, "
        "at 88 either way: read 1 byte.";
    const char* flavor90 =
        "FuncType.flavor: enum FunctionFlavor : uint8_t in the 9.0 tree (bytes 89-95 are padding): "
        "read 1 byte.";

    bool ok = true;
    ok &= write_layout<S300>(dir, {"zeek-3.0.0-3.0.1.layout", "3.0.0-3.0.1", CALL_STACK_GLOBAL, "g_frame_stack",
                                   "v3.0.0/v3.0.1 src/Obj.h, Type.h, Func.h, Frame.h (Frame without weak_refs).",
                                   flavor30},
                             c);
    ok &= write_layout<S302>(dir, {"zeek-3.0.2-3.0.14.layout", "3.0.2-3.0.14", CALL_STACK_GLOBAL, "g_frame_stack",
                                   "v3.0.2-v3.0.14 src/Obj.h, Type.h, Func.h, Frame.h (Frame gains weak_refs).",
                                   flavor30},
                             c);
    ok &= write_layout<S31>(dir, {"zeek-3.1.layout", "3.1", CALL_STACK_GLOBAL, "g_frame_stack",
                                  "v3.1.x src/Obj.h (Location without vtable), Type.h, Func.h, Frame.h.",
                                  flavor30},
                            c);
    struct Entry {
        const char* file;
        const char* versions;
        const char* derived;
    };
    const Entry s32[] = {
        {"zeek-3.2.layout", "3.2", "v3.2.x src/Obj.h, Type.h (InternalTypeTag : uint16_t), Func.h, Frame.h."},
        {"zeek-4.0.layout", "4.0", "v4.0.x src/Obj.h, Type.h, Func.h, Frame.h (same layout as 3.2)."},
    };
    for ( const auto& e : s32 )
        ok &= write_layout<S32>(dir, {e.file, e.versions, CALL_STACK_DETAIL, "g_frame_stack", e.derived, flavor32}, c);
    const Entry s41[] = {
        {"zeek-4.1.layout", "4.1", "v4.1.x src/Obj.h (ref_cnt before notify_plugins), Type.h, Func.h, Frame.h."},
        {"zeek-4.2.layout", "4.2", "v4.2.x src/Obj.h, Type.h, Func.h, Frame.h (same layout as 4.1)."},
    };
    for ( const auto& e : s41 )
        ok &= write_layout<S41>(dir, {e.file, e.versions, CALL_STACK_DETAIL, "g_frame_stack", e.derived, flavor32}, c);
    ok &= write_layout<S50>(dir, {"zeek-5.0.layout", "5.0", CALL_STACK_DETAIL, "g_frame_stack",
                                  "v5.0.x src/Obj.h, Type.h, Func.h (no unique_id), Frame.h (assoc).", flavor32},
                            c);
    ok &= write_layout<S51>(dir, {"zeek-5.1.layout", "5.1", CALL_STACK_DETAIL, "g_frame_stack",
                                  "v5.1.x src/Obj.h, Type.h, Func.h, Frame.h (closures removed).", flavor32},
                            c);
    ok &= write_layout<S52>(dir, {"zeek-5.2.layout", "5.2", CALL_STACK_DETAIL, "g_frame_stack",
                                  "v5.2.x src/Obj.h, Type.h, Func.h (Body with event groups), Frame.h.", flavor32},
                            c);
    const Entry s60[] = {
        {"zeek-6.0.layout", "6.0", "v6.0.x src/Obj.h, Type.h, Func.h, Frame.h (call_loc removed)."},
        {"zeek-6.1.layout", "6.1", "v6.1.x src/Obj.h, Type.h, Func.h, Frame.h (same layout as 6.0)."},
    };
    for ( const auto& e : s60 )
        ok &= write_layout<S60>(dir, {e.file, e.versions, CALL_STACK_DETAIL, "g_frame_stack", e.derived, flavor32}, c);
    const Entry s62[] = {
        {"zeek-6.2.layout", "6.2", "v6.2.x src/Obj.h, Type.h, Func.h (all_bodies_enabled), Frame.h."},
        {"zeek-7.0.layout", "7.0", "v7.0.x src/Obj.h, Type.h, Func.h, Frame.h (same layout as 6.2)."},
        {"zeek-7.1.layout", "7.1", "v7.1.x src/Obj.h, Type.h, Func.h, Frame.h (same layout as 6.2)."},
        {"zeek-7.2.layout", "7.2", "v7.2.x src/Obj.h, Type.h, Func.h, Frame.h (same layout as 6.2)."},
    };
    for ( const auto& e : s62 )
        ok &= write_layout<S62>(dir, {e.file, e.versions, CALL_STACK_DETAIL, "g_frame_stack", e.derived, flavor32}, c);
    ok &= write_layout<S80>(dir, {"zeek-8.0.layout", "8.0", CALL_STACK_DETAIL, "g_frame_stack",
                                  "v8.0.x (incl. 8.0.10) src/Obj.h (16-byte Location), Type.h, Func.h (Kind : "
                                  "uint8_t), Frame.h.",
                                  flavor80},
                            c);
    ok &= write_layout<S81>(dir, {"zeek-8.1-9.0.layout", "8.1-9.0", CALL_STACK_DETAIL, "-",
                                  "v8.1.x-v9.0.0 src/Obj.h, Type.h, Func.h (CallInfo{call, frame}), Frame.h; "
                                  "no g_frame_stack.",
                                  flavor90},
                            c);
    std::ofstream index(dir + "/index");
    index << "# Built-in layout tables, in lookup order (generated with the tables).\n";
    for ( const auto& name : written )
        index << name << "\n";
    ok &= static_cast<bool>(index);
    if ( ! ok ) {
        std::cerr << "could not write the layout files to " << dir << "\n";
        return 1;
    }
    return 0;
}
