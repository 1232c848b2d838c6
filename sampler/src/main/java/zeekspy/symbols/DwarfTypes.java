package zeekspy.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds C++ struct, class and union layouts by qualified name in the DWARF 4 or 5 of an ELF
 * file ({@code .debug_info}, and {@code .debug_types} for DWARF 4 type units).
 *
 * <p>Built for large files without an index (a Zeek build has about 230 MB of
 * {@code .debug_info}): no DIE tree is built. A lookup scans the units in order, skips DIEs
 * with precomputed attribute sizes and {@code DW_AT_sibling}, descends only into namespaces and
 * types whose qualified names lead to a requested name, and stops once every requested name is
 * found. Compressed sections are inflated only as far as the scan gets. Qualified names come
 * from the nesting of namespace, struct, class and union DIEs ({@code zeek::Func::Body});
 * declarations are skipped and the first complete definition wins. Inline namespaces
 * ({@code DW_AT_export_symbols}) match both with and without their name.
 *
 * <p>Written here rather than taken from a library: no maintained Java library reads DWARF 5
 * well enough for this purpose.
 *
 * <p>Not thread-safe. Results are cached, and so are inflated sections (a quarter of a GB for a
 * big compressed file): drop the instance once the layouts are read. The {@link ElfFile} must
 * stay open while this is used.
 */
public final class DwarfTypes {
    private static final int INFO = 0;
    private static final int TYPES = 1;
    private static final long OFFSET_MASK = (1L << 40) - 1;
    private static final int MAX_SCOPE_DEPTH = 64;
    private static final int MAX_TYPE_DEPTH = 32;
    private static final int MAX_HOPS = 64;
    private static final int MAX_PASSES = 8;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /**
     * Work done by the lookups so far.
     *
     * @param inflateNanos  time spent decompressing sections, in the lookup thread or the
     *                      background inflater
     * @param blockedNanos  time lookups spent decompressing or waiting for decompressed bytes
     * @param scanNanos     time spent in lookups otherwise: reading DIEs, building types
     * @param unitsScanned  units whose DIEs were scanned
     * @param diesVisited   DIEs whose abbreviation was read while scanning scopes
     * @param bytesInflated uncompressed bytes made available so far (0 for uncompressed files)
     */
    public record Stats(long inflateNanos, long blockedNanos, long scanNanos, long unitsScanned, long diesVisited,
            long bytesInflated) {
    }

    private final String file;
    private final SectionBytes[] unitSections;
    private final SectionBytes abbrev;
    private final SectionBytes str;
    private final SectionBytes lineStr;
    private final SectionBytes strOffsets;
    private final List<SectionBytes> all = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private final TreeMap<Integer, DwarfUnit>[] units = new TreeMap[] {new TreeMap<>(), new TreeMap<>()};
    private final int[] indexedEnd = new int[2];
    private final boolean[] sawTypeUnit = new boolean[2];
    private final Map<String, AbbrevTable> abbrevCache = new HashMap<>();
    private final Map<String, StructType> found = new HashMap<>();
    private final Set<String> missing = new HashSet<>();
    private final Map<Long, StructType> structByRef = new HashMap<>();
    private final Map<Long, String[]> qualifiedNamesByRef = new HashMap<>();
    /** Full names of namespaces seen with DW_AT_export_symbols (type units declare them without). */
    private final Set<String> inlineNamespaces = new HashSet<>();
    private Map<Long, Long> typeUnitsBySignature;
    /** The query being scanned for, which collects declared-only base classes. */
    private Query active;

    private long lookupNanos;
    private long unitsScanned;
    private long diesVisited;

    private DwarfTypes(String file, SectionBytes info, SectionBytes types, SectionBytes abbrev, SectionBytes str,
            SectionBytes lineStr, SectionBytes strOffsets) {
        this.file = file;
        this.unitSections = new SectionBytes[] {info, types};
        this.abbrev = abbrev;
        this.str = str;
        this.lineStr = lineStr;
        this.strOffsets = strOffsets;
        for (SectionBytes s : new SectionBytes[] {info, types, abbrev, str, lineStr, strOffsets}) {
            if (s != null) {
                all.add(s);
            }
        }
    }

    /**
     * Type lookups in {@code elf}, which must have {@code .debug_info} (see
     * {@link DebugFileLocator}).
     *
     * @throws DwarfFormatException if the file has no {@code .debug_info} or {@code .debug_abbrev}
     * @throws ElfFormatException   if a section header is bad
     */
    public static DwarfTypes of(ElfFile elf) throws IOException {
        String file = elf.path().toString();
        SectionBytes info = elf.debugSection(".debug_info").orElseThrow(
                () -> new DwarfFormatException(file + ": no .debug_info section (no DWARF; try the separate debug file)"));
        SectionBytes abbrev = elf.debugSection(".debug_abbrev").orElseThrow(
                () -> new DwarfFormatException(file + ": no .debug_abbrev section"));
        return new DwarfTypes(file, info, elf.debugSection(".debug_types").orElse(null), abbrev,
                elf.debugSection(".debug_str").orElse(null), elf.debugSection(".debug_line_str").orElse(null),
                elf.debugSection(".debug_str_offsets").orElse(null));
    }

    /**
     * The first complete definition of each named type, by qualified name ({@code zeek::Func},
     * {@code zeek::Func::Body}, {@code BroObj}). Names not found are absent from the map.
     *
     * @throws DwarfFormatException if the DWARF met on the way is corrupt
     */
    public Map<String, StructType> find(Set<String> names) {
        Map<String, StructType> result = new LinkedHashMap<>();
        Set<String> remaining = new LinkedHashSet<>();
        for (String n : names) {
            StructType t = found.get(n);
            if (t != null) {
                result.put(n, t);
            } else if (!missing.contains(n)) {
                remaining.add(n);
            }
        }
        if (remaining.isEmpty()) {
            return result;
        }
        long start = System.nanoTime();
        long blockedBefore = blockedNanos();
        for (SectionBytes units : unitSections) {
            if (units != null) {
                units.inflateAhead();
            }
        }
        Map<String, StructType> raw = new HashMap<>();
        Set<String> searched = new HashSet<>();
        try {
            Set<String> pass = remaining;
            for (int passes = 0; !pass.isEmpty() && passes < MAX_PASSES; passes++) {
                // Later passes look for base classes that were only declared where their
                // derived class was defined; their definitions may come earlier in the file.
                searched.addAll(pass);
                Query q = new Query(pass);
                scanAll(q);
                raw.putAll(q.results);
                pass = new LinkedHashSet<>();
                for (String n : q.auxiliary) {
                    if (!raw.containsKey(n) && !found.containsKey(n) && !missing.contains(n) && !searched.contains(n)) {
                        pass.add(n);
                    }
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new DwarfFormatException(file + ": truncated or corrupt DWARF (" + e.getMessage() + ")", e);
        } finally {
            lookupNanos += (System.nanoTime() - start) - (blockedNanos() - blockedBefore);
        }
        Map<StructType, StructType> linked = new IdentityHashMap<>();
        for (Map.Entry<String, StructType> e : raw.entrySet()) {
            found.put(e.getKey(), link(e.getValue(), raw, linked, 0));
        }
        for (String n : searched) {
            if (!raw.containsKey(n)) {
                missing.add(n);
            }
        }
        for (String n : remaining) {
            StructType t = found.get(n);
            if (t != null) {
                result.put(n, t);
            }
        }
        return result;
    }

    /** A copy of {@code t} whose declared-only bases point at their definitions. */
    private StructType link(StructType t, Map<String, StructType> raw, Map<StructType, StructType> done, int depth) {
        StructType d = done.get(t);
        if (d != null) {
            return d;
        }
        if (depth > MAX_TYPE_DEPTH) {
            throw new DwarfFormatException(file + ": base classes nested more than " + MAX_TYPE_DEPTH + " deep at "
                    + t.name());
        }
        List<BaseClass> bases = new ArrayList<>();
        for (BaseClass b : t.bases()) {
            StructType bt = b.type();
            if (bt == null && b.name() != null) {
                bt = raw.containsKey(b.name()) ? raw.get(b.name()) : found.get(b.name());
            }
            bases.add(new BaseClass(b.name(), b.offset(), b.isVirtual(), bt == null ? null : link(bt, raw, done, depth + 1)));
        }
        List<StructMember> members = new ArrayList<>();
        for (StructMember m : t.members()) {
            members.add(m.anonymous() == null ? m : new StructMember(m.name(), m.offset(), m.byteSize(), m.typeName(),
                    link(m.anonymous(), raw, done, depth + 1)));
        }
        StructType out = new StructType(t.name(), t.kind(), t.byteSize(), members, bases);
        done.put(t, out);
        return out;
    }

    /** The first complete definition of one type; see {@link #find(Set)}. */
    public Optional<StructType> find(String name) {
        return Optional.ofNullable(find(Set.of(name)).get(name));
    }

    /** Work done so far, for measurements. */
    public Stats stats() {
        long bytes = 0;
        for (SectionBytes s : all) {
            if (s.isCompressed()) {
                bytes += s.inflatedBytes();
            }
        }
        return new Stats(inflateNanos(), blockedNanos(), lookupNanos, unitsScanned, diesVisited, bytes);
    }

    private long blockedNanos() {
        long n = 0;
        for (SectionBytes s : all) {
            n += s.blockedNanos();
        }
        return n;
    }

    private long inflateNanos() {
        long n = 0;
        for (SectionBytes s : all) {
            n += s.inflateNanos();
        }
        return n;
    }

    // ---------------------------------------------------------------- the scan

    /** Requested names and the scopes that lead to them. */
    private final class Query {
        final Set<String> remaining;
        final Map<String, StructType> results = new HashMap<>();
        /** Names of declared-only base classes met while parsing results. */
        final Set<String> auxiliary = new LinkedHashSet<>();
        Set<String> prefixes;
        Set<String> simpleNames;
        /** Hashes of {@link #simpleNames}, to skip other names without decoding them. */
        LongHashSet nameHashes;

        Query(Set<String> names) {
            remaining = new HashSet<>(names);
            index();
        }

        void index() {
            prefixes = new HashSet<>();
            simpleNames = new HashSet<>();
            for (String n : remaining) {
                List<String> parts = splitQualified(n);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < parts.size(); i++) {
                    simpleNames.add(parts.get(i));
                    if (i > 0) {
                        sb.append("::");
                    }
                    sb.append(parts.get(i));
                    if (i < parts.size() - 1) {
                        prefixes.add(sb.toString());
                    }
                }
            }
            nameHashes = nameHashes(simpleNames);
        }

        boolean done() {
            return remaining.isEmpty();
        }

        void found(String name, StructType type) {
            if (remaining.remove(name)) {
                results.put(name, type);
                index();
            }
        }
    }

    /** FNV-1a hashes of the UTF-8 bytes of {@code names}. */
    private static LongHashSet nameHashes(Set<String> names) {
        LongHashSet out = new LongHashSet();
        for (String n : names) {
            long h = FNV_OFFSET;
            for (byte b : n.getBytes(StandardCharsets.UTF_8)) {
                h = (h ^ (b & 0xff)) * FNV_PRIME;
            }
            out.add(h & Long.MAX_VALUE);
        }
        return out;
    }

    /** The hash {@link #nameHashes} gives the NUL-terminated string at {@code offset}, or -1 if unterminated. */
    private static long hashAt(ByteBuffer b, int offset, int limit) {
        long h = FNV_OFFSET;
        for (int i = offset; i < limit; i++) {
            byte x = b.get(i);
            if (x == 0) {
                return h & Long.MAX_VALUE;
            }
            h = (h ^ (x & 0xff)) * FNV_PRIME;
        }
        return -1;
    }

    /** Splits {@code a::b<c::d>::e} into {@code a}, {@code b<c::d>}, {@code e}. */
    static List<String> splitQualified(String name) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == '<' || ch == '(' || ch == '[') {
                depth++;
            } else if ((ch == '>' || ch == ')' || ch == ']') && depth > 0) {
                depth--;
            } else if (ch == ':' && depth == 0 && i + 1 < name.length() && name.charAt(i + 1) == ':') {
                parts.add(name.substring(start, i));
                start = i + 2;
                i++;
            }
        }
        parts.add(name.substring(start));
        return parts;
    }

    private void scanAll(Query q) {
        active = q;
        try {
            scanSections(q);
        } finally {
            active = null;
        }
    }

    private void scanSections(Query q) {
        // Compile units first: they mark inline namespaces that type units only declare.
        for (boolean typeUnits : new boolean[] {false, true}) {
            for (int sectionId = INFO; sectionId <= TYPES && !q.done(); sectionId++) {
                SectionBytes sec = unitSections[sectionId];
                if (sec == null || (sectionId == TYPES && !typeUnits) || (typeUnits && !sawTypeUnit[sectionId]
                        && sectionId == INFO)) {
                    continue;
                }
                int off = 0;
                while (off < sec.size() && !q.done()) {
                    DwarfUnit u = unitStartingAt(sectionId, off);
                    sawTypeUnit[sectionId] |= u.unitType == Dw.UT_TYPE;
                    if (u.isScannable() && (u.unitType == Dw.UT_TYPE) == typeUnits) {
                        scanUnit(u, q);
                    }
                    off = u.end;
                }
            }
        }
    }

    private void scanUnit(DwarfUnit u, Query q) {
        prepare(u);
        unitsScanned++;
        DwarfCursor c = cursor(u, u.firstDie);
        try {
            long code = c.uleb();
            if (code == 0) {
                return;
            }
            Abbrev root = abbrev(u, code, u.firstDie);
            skipAttributes(u, c, root);
            if (root.hasChildren) {
                scanScope(u, c, new String[] {""}, 0, q);
            }
        } catch (IndexOutOfBoundsException e) {
            throw new DwarfFormatException(u.where() + ": truncated DIE data near offset 0x"
                    + Integer.toHexString(c.pos));
        }
    }

    private void scanScope(DwarfUnit u, DwarfCursor c, String[] scope, int depth, Query q) {
        while (!q.done()) {
            if (c.pos >= u.end) {
                return;
            }
            int dieOffset = c.pos;
            long code = c.uleb();
            if (code == 0) {
                return;
            }
            Abbrev a = abbrev(u, code, dieOffset);
            diesVisited++;
            int tag = a.tag;
            if (tag != Dw.TAG_NAMESPACE && tag != Dw.TAG_STRUCTURE_TYPE && tag != Dw.TAG_CLASS_TYPE
                    && tag != Dw.TAG_UNION_TYPE && tag != Dw.TAG_TYPEDEF) {
                skipDie(u, c, a);
                continue;
            }
            if (!a.namedIndirectly && (tag != Dw.TAG_NAMESPACE || inlineNamespaces.isEmpty())) {
                boolean skip;
                if (a.nameForm == 0) {
                    skip = tag != Dw.TAG_NAMESPACE || !q.simpleNames.contains("(anonymous namespace)");
                } else {
                    skip = a.nameOffset >= 0 && !mayBeWanted(u, c.pos + a.nameOffset, a.nameForm, q);
                }
                if (skip) {
                    skipDie(u, c, a);
                    continue;
                }
            }
            scopeDie(u, c, readAttributes(u, c, a, dieOffset), scope, depth, q);
        }
    }

    /** False if the name attribute at {@code pos} is certainly none of the query's simple names. */
    private boolean mayBeWanted(DwarfUnit u, int pos, int form, Query q) {
        if (str == null) {
            return true;
        }
        DwarfCursor c = new DwarfCursor(u.section.buffer(), pos, u.end);
        long off;
        switch (form) {
            case Dw.FORM_STRP:
                off = c.offset(u.offsetSize);
                break;
            case Dw.FORM_STRX1: case Dw.FORM_STRX2: case Dw.FORM_STRX3: case Dw.FORM_STRX4: case Dw.FORM_STRX:
                long index = readValue(u, c, form, 0);
                if (strOffsets == null) {
                    return true;
                }
                strOffsets.ensureAll();
                long at = u.strOffsetsBase + index * u.offsetSize;
                if (index < 0 || at < 0 || at + u.offsetSize > strOffsets.size()) {
                    return true; // let the full read report it
                }
                off = u.offsetSize == 8 ? strOffsets.buffer().getLong((int) at)
                        : strOffsets.buffer().getInt((int) at) & 0xffffffffL;
                break;
            case Dw.FORM_STRING: {
                long h = hashAt(u.section.buffer(), pos, u.end);
                return h < 0 || q.nameHashes.contains(h);
            }
            default:
                return true;
        }
        if (off < 0 || off >= str.size()) {
            return true; // let the full read report it
        }
        str.ensureAll();
        long h = hashAt(str.buffer(), (int) off, str.size());
        return h < 0 || q.nameHashes.contains(h); // unterminated: let the full read report it
    }

    /** Handles a namespace, aggregate or typedef DIE whose attributes were just read. */
    private void scopeDie(DwarfUnit u, DwarfCursor c, Die d, String[] scope, int depth, Query q) {
        String[] names = null;
        boolean inline = d.tag == Dw.TAG_NAMESPACE && (d.exportSymbols
                || (d.hasName() && !inlineNamespaces.isEmpty()
                        && inlineNamespaces.contains(qualify(scope, string(u, d.nameForm, d.nameValue))[0])));
        if (d.hasSpecification() && (d.isAggregate() || d.tag == Dw.TAG_NAMESPACE)) {
            // Defined outside its scope (out-of-line nested class, type unit): the
            // declaration it completes says where it belongs.
            long spec = reference(u, d.specificationForm, d.specificationValue);
            if (spec >= 0) {
                String simple = d.hasName() ? string(u, d.nameForm, d.nameValue) : null;
                if (simple == null) {
                    Die target = readDieAt(spec);
                    simple = target.hasName() ? string(target.unit, target.nameForm, target.nameValue) : null;
                }
                if (simple != null && q.simpleNames.contains(simple)) {
                    names = qualifiedNamesOf(spec, 0);
                }
            }
        } else if (d.hasName()) {
            String simple = string(u, d.nameForm, d.nameValue);
            if (simple != null && q.simpleNames.contains(simple)) {
                names = qualify(scope, simple);
            }
        } else if (d.tag == Dw.TAG_NAMESPACE) {
            if (q.simpleNames.contains("(anonymous namespace)")) {
                names = qualify(scope, "(anonymous namespace)");
            }
        }
        if (names != null && (!d.declaration || d.hasSignature)) {
            long ref = ref(u, d.offset);
            for (String n : names) {
                if (q.remaining.contains(n)) {
                    if (d.isAggregate() && d.hasSignature) {
                        // Defined in a type unit; this scope knows its full name.
                        long target = aggregateDefinition(ref);
                        if (target >= 0) {
                            q.found(n, parseStruct(target, n, 0));
                        }
                    } else if (d.isAggregate()) {
                        q.found(n, parseStruct(ref, n, 0));
                    } else if (d.tag == Dw.TAG_TYPEDEF && d.hasType()) {
                        long target = aggregateDefinition(reference(u, d.typeForm, d.typeValue));
                        if (target >= 0) {
                            q.found(n, parseStruct(target, n, 0));
                        }
                    }
                }
            }
        }
        if (inline && d.hasName()) {
            inlineNamespaces.add(qualify(scope, string(u, d.nameForm, d.nameValue))[0]);
        }
        if (!d.hasChildren) {
            return;
        }
        String[] childScope = names;
        if (inline) {
            childScope = concat(names, scope);
        }
        if (childScope != null && depth < MAX_SCOPE_DEPTH && !q.done() && leadsSomewhere(childScope, q)) {
            scanScope(u, c, childScope, depth + 1, q);
        } else if (!q.done()) {
            skipSubtree(u, c, d.sibling);
        }
    }

    private static boolean leadsSomewhere(String[] scope, Query q) {
        for (String s : scope) {
            if (s.isEmpty() || q.prefixes.contains(s)) {
                return true;
            }
        }
        return false;
    }

    private static String[] qualify(String[] scope, String simple) {
        String[] out = new String[scope.length];
        for (int i = 0; i < scope.length; i++) {
            out[i] = scope[i].isEmpty() ? simple : scope[i] + "::" + simple;
        }
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        if (a == null) {
            return b;
        }
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---------------------------------------------------------------- building types

    private StructType parseStruct(long ref, String name, int depth) {
        StructType cached = structByRef.get(ref);
        if (cached != null) {
            return Objects.equals(cached.name(), name) ? cached
                    : new StructType(name, cached.kind(), cached.byteSize(), cached.members(), cached.bases());
        }
        if (depth > MAX_TYPE_DEPTH) {
            throw new DwarfFormatException(file + ": types nested or derived more than " + MAX_TYPE_DEPTH
                    + " deep at DIE 0x" + Long.toHexString(ref & OFFSET_MASK));
        }
        Die d = readDieAt(ref);
        DwarfUnit u = d.unit;
        StructType.Kind kind = d.tag == Dw.TAG_UNION_TYPE ? StructType.Kind.UNION
                : d.tag == Dw.TAG_CLASS_TYPE ? StructType.Kind.CLASS : StructType.Kind.STRUCT;
        List<StructMember> members = new ArrayList<>();
        List<BaseClass> bases = new ArrayList<>();
        if (d.hasChildren) {
            DwarfCursor c = cursor(u, d.attributesEnd);
            while (c.pos < u.end) {
                int childOffset = c.pos;
                long code = c.uleb();
                if (code == 0) {
                    break;
                }
                Abbrev a = abbrev(u, code, childOffset);
                if (a.tag != Dw.TAG_MEMBER && a.tag != Dw.TAG_INHERITANCE) {
                    skipDie(u, c, a);
                    continue;
                }
                Die m = readAttributes(u, c, a, childOffset);
                if (m.hasChildren) {
                    skipSubtree(u, c, m.sibling);
                }
                if (a.tag == Dw.TAG_MEMBER) {
                    StructMember member = member(u, m, depth);
                    if (member != null) {
                        members.add(member);
                    }
                } else {
                    bases.add(base(u, m, depth));
                }
            }
        }
        StructType t = new StructType(name, kind, d.byteSize, members, bases);
        structByRef.put(ref, t);
        return t;
    }

    private StructMember member(DwarfUnit u, Die m, int depth) {
        if (m.declaration || (m.external && m.memberLocation == Die.MISSING)) {
            return null; // a static member (DWARF 4 style)
        }
        long offset = 0;
        if (m.memberLocation != Die.MISSING) {
            offset = m.memberLocation;
        } else if (m.dataBitOffset >= 0) {
            offset = m.dataBitOffset / 8;
        } else if (m.locationIsExpression) {
            offset = -1;
        }
        String name = m.hasName() ? string(u, m.nameForm, m.nameValue) : null;
        long type = m.hasType() ? reference(u, m.typeForm, m.typeValue) : -1;
        long size = type >= 0 ? typeSize(type) : -1;
        String typeName = type >= 0 ? typeName(type, 0) : "void";
        StructType anonymous = null;
        if (name == null && type >= 0) {
            long def = aggregateDefinition(type);
            if (def >= 0) {
                anonymous = parseStruct(def, null, depth + 1);
            }
        }
        return new StructMember(name, offset, size, typeName, anonymous);
    }

    private BaseClass base(DwarfUnit u, Die m, int depth) {
        boolean virtual = m.virtuality != 0 || m.locationIsExpression;
        long offset = virtual ? -1 : (m.memberLocation != Die.MISSING ? m.memberLocation : 0);
        long type = m.hasType() ? reference(u, m.typeForm, m.typeValue) : -1;
        if (type < 0) {
            return new BaseClass(null, offset, virtual, null);
        }
        long def = aggregateDefinition(type);
        if (def >= 0) {
            return new BaseClass(qualifiedNameOf(def, 0), offset, virtual,
                    parseStruct(def, qualifiedNameOf(def, 0), depth + 1));
        }
        long decl = stripToAggregate(type);
        String name = decl >= 0 ? qualifiedNameOf(decl, 0) : typeName(type, 0);
        if (name != null && active != null) {
            active.auxiliary.add(name);
            if (!active.results.containsKey(name) && !found.containsKey(name) && !missing.contains(name)) {
                active.remaining.add(name);
                active.index();
            }
        }
        return new BaseClass(name, offset, virtual, null);
    }

    /** Follows typedefs, qualifiers and type signatures to a struct/class/union DIE, or -1. */
    private long stripToAggregate(long ref) {
        for (int hops = 0; hops < MAX_HOPS && ref >= 0; hops++) {
            Die d = readDieAt(ref);
            if (d.isAggregate()) {
                if (d.hasSignature) {
                    long target = typeUnitType(d.signature);
                    if (target >= 0 && target != ref) {
                        ref = target;
                        continue;
                    }
                }
                return ref;
            }
            if (!isTransparent(d.tag) || !d.hasType()) {
                return -1;
            }
            ref = reference(d.unit, d.typeForm, d.typeValue);
        }
        return -1;
    }

    /** Like {@link #stripToAggregate} but only a complete definition. */
    private long aggregateDefinition(long ref) {
        long a = stripToAggregate(ref);
        return a >= 0 && !readDieAt(a).declaration ? a : -1;
    }

    private static boolean isTransparent(int tag) {
        switch (tag) {
            case Dw.TAG_TYPEDEF: case Dw.TAG_CONST_TYPE: case Dw.TAG_VOLATILE_TYPE: case Dw.TAG_RESTRICT_TYPE:
            case Dw.TAG_ATOMIC_TYPE: case Dw.TAG_PACKED_TYPE: case Dw.TAG_SHARED_TYPE: case Dw.TAG_IMMUTABLE_TYPE:
                return true;
            default:
                return false;
        }
    }

    /** {@code sizeof} the type at {@code ref}, or -1 if DWARF does not say. */
    private long typeSize(long ref) {
        for (int hops = 0; hops < MAX_HOPS && ref >= 0; hops++) {
            Die d = readDieAt(ref);
            switch (d.tag) {
                case Dw.TAG_POINTER_TYPE: case Dw.TAG_REFERENCE_TYPE: case Dw.TAG_RVALUE_REFERENCE_TYPE:
                    return d.byteSize >= 0 ? d.byteSize : d.unit.addrSize;
                case Dw.TAG_PTR_TO_MEMBER_TYPE:
                    if (d.byteSize >= 0) {
                        return d.byteSize;
                    }
                    long pointee = d.hasType() ? reference(d.unit, d.typeForm, d.typeValue) : -1;
                    return pointee >= 0 && readDieAt(pointee).tag == Dw.TAG_SUBROUTINE_TYPE
                            ? 2L * d.unit.addrSize : d.unit.addrSize;
                case Dw.TAG_STRUCTURE_TYPE: case Dw.TAG_CLASS_TYPE: case Dw.TAG_UNION_TYPE:
                    if (d.byteSize >= 0) {
                        return d.byteSize;
                    }
                    if (d.hasSignature) {
                        ref = typeUnitType(d.signature);
                        continue;
                    }
                    return -1;
                case Dw.TAG_ENUMERATION_TYPE:
                    if (d.byteSize >= 0) {
                        return d.byteSize;
                    }
                    if (d.hasSignature) {
                        ref = typeUnitType(d.signature);
                        continue;
                    }
                    ref = d.hasType() ? reference(d.unit, d.typeForm, d.typeValue) : -1;
                    continue;
                case Dw.TAG_ARRAY_TYPE:
                    return d.byteSize >= 0 ? d.byteSize : arraySize(d);
                default:
                    if (d.byteSize >= 0) {
                        return d.byteSize;
                    }
                    if (!isTransparent(d.tag) || !d.hasType()) {
                        return -1;
                    }
                    ref = reference(d.unit, d.typeForm, d.typeValue);
            }
        }
        return -1;
    }

    private long arraySize(Die array) {
        long element = array.hasType() ? typeSize(reference(array.unit, array.typeForm, array.typeValue)) : -1;
        if (element < 0 || !array.hasChildren) {
            return -1;
        }
        DwarfUnit u = array.unit;
        DwarfCursor c = cursor(u, array.attributesEnd);
        long total = element;
        while (c.pos < u.end) {
            int off = c.pos;
            long code = c.uleb();
            if (code == 0) {
                break;
            }
            Abbrev a = abbrev(u, code, off);
            if (a.tag != Dw.TAG_SUBRANGE_TYPE) {
                skipDie(u, c, a);
                continue;
            }
            Die s = readAttributes(u, c, a, off);
            if (s.hasChildren) {
                skipSubtree(u, c, s.sibling);
            }
            long count = s.count >= 0 ? s.count
                    : s.upperBound != Die.MISSING ? s.upperBound - s.lowerBound + 1 : 0;
            total = Math.multiplyHigh(total, Math.max(count, 0)) != 0 ? -1 : total * Math.max(count, 0);
            if (total < 0) {
                return -1;
            }
        }
        return total;
    }

    /** A readable name of the type at {@code ref}, e.g. {@code const Location*}. */
    private String typeName(long ref, int depth) {
        if (ref < 0) {
            return "void";
        }
        if (depth > 8) {
            return "?";
        }
        Die d = readDieAt(ref);
        long inner = d.hasType() ? reference(d.unit, d.typeForm, d.typeValue) : -1;
        switch (d.tag) {
            case Dw.TAG_POINTER_TYPE:
                return typeName(inner, depth + 1) + "*";
            case Dw.TAG_REFERENCE_TYPE:
                return typeName(inner, depth + 1) + "&";
            case Dw.TAG_RVALUE_REFERENCE_TYPE:
                return typeName(inner, depth + 1) + "&&";
            case Dw.TAG_CONST_TYPE:
                return "const " + typeName(inner, depth + 1);
            case Dw.TAG_VOLATILE_TYPE:
                return "volatile " + typeName(inner, depth + 1);
            case Dw.TAG_ARRAY_TYPE:
                long size = typeSize(ref);
                long element = typeSize(inner);
                return typeName(inner, depth + 1) + "[" + (size >= 0 && element > 0 ? size / element : "") + "]";
            case Dw.TAG_SUBROUTINE_TYPE:
                return "function";
            case Dw.TAG_PTR_TO_MEMBER_TYPE:
                return "member pointer";
            default:
                if (d.hasName()) {
                    String n = string(d.unit, d.nameForm, d.nameValue);
                    if (n != null) {
                        return n;
                    }
                }
                if (d.hasSignature) {
                    long target = typeUnitType(d.signature);
                    if (target >= 0 && target != ref) {
                        return typeName(target, depth + 1);
                    }
                }
                return isTransparent(d.tag) ? typeName(inner, depth + 1) : "(anonymous)";
        }
    }

    /** The full qualified name of the DIE at {@code ref}, inline namespaces included. */
    private String qualifiedNameOf(long ref, int depth) {
        return qualifiedNamesOf(ref, depth)[0];
    }

    /**
     * The qualified names of the DIE at {@code ref}, from the namespaces and types around it:
     * the full name first, then the names without inline namespaces. Found by walking down
     * from the unit's root with sibling skips.
     */
    private String[] qualifiedNamesOf(long ref, int depth) {
        String[] cached = qualifiedNamesByRef.get(ref);
        if (cached != null) {
            return cached;
        }
        if (depth > MAX_HOPS) {
            throw new DwarfFormatException(file + ": DW_AT_specification chain too long at DIE 0x"
                    + Long.toHexString(ref & OFFSET_MASK));
        }
        DwarfUnit u = unitOf(ref);
        prepare(u);
        int target = (int) (ref & OFFSET_MASK);
        DwarfCursor c = cursor(u, u.firstDie);
        long rootCode = c.uleb();
        Abbrev root = abbrev(u, rootCode, u.firstDie);
        skipAttributes(u, c, root);
        String[] scope = {""};
        String[] result = null;
        while (c.pos < u.end) {
            int off = c.pos;
            long code = c.uleb();
            if (code == 0) {
                break;
            }
            Abbrev a = abbrev(u, code, off);
            Die d = readAttributes(u, c, a, off);
            if (off == target) {
                long spec = d.hasSpecification() ? reference(u, d.specificationForm, d.specificationValue) : -1;
                if (spec >= 0 && spec != ref) {
                    result = qualifiedNamesOf(spec, depth + 1);
                } else {
                    result = qualify(scope, scopeName(d, d.hasName() ? string(u, d.nameForm, d.nameValue) : null));
                }
                break;
            }
            if (!a.hasChildren) {
                continue;
            }
            long end = d.sibling;
            if (end <= c.pos || end > u.end) {
                int save = c.pos;
                skipChildren(u, c);
                end = c.pos;
                c.pos = save;
            }
            if (target > off && target < end) {
                if (d.tag == Dw.TAG_NAMESPACE || d.isAggregate()) {
                    String[] inner = qualify(scope, scopeName(d, d.hasName() ? string(u, d.nameForm, d.nameValue) : null));
                    boolean inline = d.tag == Dw.TAG_NAMESPACE && (d.exportSymbols || inlineNamespaces.contains(inner[0]));
                    scope = inline ? concat(inner, scope) : inner;
                }
            } else {
                c.pos = (int) end;
            }
        }
        if (result == null) {
            throw new DwarfFormatException(u.where() + ": no DIE at referenced offset 0x" + Integer.toHexString(target));
        }
        qualifiedNamesByRef.put(ref, result);
        return result;
    }

    private static String scopeName(Die d, String simple) {
        if (simple != null) {
            return simple;
        }
        if (d.tag == Dw.TAG_NAMESPACE) {
            return "(anonymous namespace)";
        }
        return "(anonymous " + (d.tag == Dw.TAG_UNION_TYPE ? "union" : d.tag == Dw.TAG_CLASS_TYPE ? "class" : "struct")
                + ")";
    }

    // ---------------------------------------------------------------- units and references

    private static long ref(DwarfUnit u, int offset) {
        return ((long) u.sectionId << 40) | offset;
    }

    private DwarfCursor cursor(DwarfUnit u, int pos) {
        return new DwarfCursor(u.section.buffer(), pos, u.end);
    }

    private DwarfUnit unitStartingAt(int sectionId, int off) {
        DwarfUnit u = units[sectionId].get(off);
        if (u == null) {
            u = DwarfUnit.read(sectionId, unitSections[sectionId], off, sectionId == TYPES);
            units[sectionId].put(off, u);
            if (off == indexedEnd[sectionId]) {
                indexedEnd[sectionId] = u.end;
            }
        }
        return u;
    }

    /** The unit containing a reference, reading unit headers forward as far as needed. */
    private DwarfUnit unitOf(long ref) {
        int sectionId = (int) (ref >>> 40);
        long off = ref & OFFSET_MASK;
        SectionBytes sec = sectionId <= TYPES ? unitSections[sectionId] : null;
        if (sec == null || off >= sec.size()) {
            throw new DwarfFormatException(file + ": DIE reference 0x" + Long.toHexString(off) + " outside "
                    + (sectionId == TYPES ? ".debug_types" : ".debug_info"));
        }
        Map.Entry<Integer, DwarfUnit> e = units[sectionId].floorEntry((int) off);
        if (e != null && off < e.getValue().end) {
            return e.getValue();
        }
        while (indexedEnd[sectionId] < sec.size()) {
            DwarfUnit u = unitStartingAt(sectionId, indexedEnd[sectionId]);
            if (off >= u.start && off < u.end) {
                return u;
            }
        }
        throw new DwarfFormatException(file + ": DIE reference 0x" + Long.toHexString(off) + " is in no unit");
    }

    /** Loads the abbreviations and reads the root DIE's DW_AT_str_offsets_base. */
    private void prepare(DwarfUnit u) {
        if (u.abbrevs != null) {
            return;
        }
        String key = u.abbrevOffset + "/" + u.addrSize + "/" + u.offsetSize + "/" + (u.version <= 2 ? 2 : 3);
        AbbrevTable t = abbrevCache.get(key);
        if (t == null) {
            abbrev.ensureAll();
            t = AbbrevTable.parse(abbrev, u.abbrevOffset, u.addrSize, u.offsetSize, u.version);
            abbrevCache.put(key, t);
        }
        u.abbrevs = t;
        u.strOffsetsBase = u.offsetSize == 8 ? 16 : 8;
        DwarfCursor c = cursor(u, u.firstDie);
        try {
            long code = c.uleb();
            if (code != 0) {
                Die root = readAttributes(u, c, abbrev(u, code, u.firstDie), u.firstDie);
                if (root.strOffsetsBase >= 0) {
                    u.strOffsetsBase = root.strOffsetsBase;
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new DwarfFormatException(u.where() + ": truncated root DIE");
        }
    }

    private Die readDieAt(long ref) {
        DwarfUnit u = unitOf(ref);
        prepare(u);
        int off = (int) (ref & OFFSET_MASK);
        if (off < u.firstDie) {
            throw new DwarfFormatException(u.where() + ": reference 0x" + Integer.toHexString(off)
                    + " points into the unit header");
        }
        DwarfCursor c = cursor(u, off);
        try {
            long code = c.uleb();
            if (code == 0) {
                throw new DwarfFormatException(u.where() + ": reference 0x" + Integer.toHexString(off)
                        + " points at a null entry");
            }
            return readAttributes(u, c, abbrev(u, code, off), off);
        } catch (IndexOutOfBoundsException e) {
            throw new DwarfFormatException(u.where() + ": truncated DIE at 0x" + Integer.toHexString(off));
        }
    }

    /** Resolves a reference attribute to a global reference, or -1 if it points outside this file. */
    private long reference(DwarfUnit u, int form, long value) {
        long off;
        int sectionId = u.sectionId;
        switch (form) {
            case Dw.FORM_REF1: case Dw.FORM_REF2: case Dw.FORM_REF4: case Dw.FORM_REF8: case Dw.FORM_REF_UDATA:
                off = u.start + value;
                if (value < 0 || off >= u.end) {
                    throw new DwarfFormatException(u.where() + ": reference 0x" + Long.toHexString(value)
                            + " outside the unit");
                }
                break;
            case Dw.FORM_REF_ADDR:
                off = value;
                sectionId = INFO;
                break;
            case Dw.FORM_REF_SIG8:
                return typeUnitType(value);
            default:
                return -1; // supplementary or dwz alternate file
        }
        return ((long) sectionId << 40) | off;
    }

    /** The type DIE of the type unit with this signature, or -1. */
    private long typeUnitType(long signature) {
        if (typeUnitsBySignature == null) {
            typeUnitsBySignature = new HashMap<>();
            for (int sectionId = INFO; sectionId <= TYPES; sectionId++) {
                SectionBytes sec = unitSections[sectionId];
                if (sec == null) {
                    continue;
                }
                int off = 0;
                while (off < sec.size()) {
                    DwarfUnit u = unitStartingAt(sectionId, off);
                    if (u.unitType == Dw.UT_TYPE && u.typeOffset > 0 && u.start + u.typeOffset < u.end) {
                        typeUnitsBySignature.putIfAbsent(u.typeSignature, ref(u, (int) (u.start + u.typeOffset)));
                    }
                    off = u.end;
                }
            }
        }
        return typeUnitsBySignature.getOrDefault(signature, -1L);
    }

    private Abbrev abbrev(DwarfUnit u, long code, int dieOffset) {
        Abbrev a = u.abbrevs.get(code);
        if (a == null) {
            throw new DwarfFormatException(u.where() + ": DIE at 0x" + Integer.toHexString(dieOffset)
                    + " uses unknown abbreviation " + code);
        }
        return a;
    }

    // ---------------------------------------------------------------- attributes

    /** Skips a DIE's attributes and its children, using DW_AT_sibling where possible. */
    private void skipDie(DwarfUnit u, DwarfCursor c, Abbrev a) {
        if (a.hasChildren && a.siblingOffset >= 0) {
            int p = c.pos + a.siblingOffset;
            if (p + 8 > u.end) {
                p = -1;
            }
            long rel = -1;
            switch (a.siblingForm) {
                case Dw.FORM_REF1: rel = p < 0 ? -1 : u.section.buffer().get(p) & 0xff; break;
                case Dw.FORM_REF2: rel = p < 0 ? -1 : u.section.buffer().getShort(p) & 0xffff; break;
                case Dw.FORM_REF4: rel = p < 0 ? -1 : u.section.buffer().getInt(p) & 0xffffffffL; break;
                default: rel = p < 0 ? -1 : u.section.buffer().getLong(p); break;
            }
            long target = u.start + rel;
            if (rel > 0 && target > c.pos && target <= u.end) {
                c.pos = (int) target;
                return;
            }
        }
        long sibling = skipAttributes(u, c, a);
        if (a.hasChildren) {
            skipSubtree(u, c, sibling);
        }
    }

    /** Moves past the children of the DIE whose attributes were just read. */
    private void skipSubtree(DwarfUnit u, DwarfCursor c, long sibling) {
        if (sibling > c.pos && sibling <= u.end) {
            c.pos = (int) sibling;
        } else {
            skipChildren(u, c);
        }
    }

    /** Moves past a list of sibling DIEs and its terminating null entry. */
    private void skipChildren(DwarfUnit u, DwarfCursor c) {
        int depth = 1;
        while (depth > 0) {
            int off = c.pos;
            long code = c.uleb();
            if (code == 0) {
                depth--;
                continue;
            }
            Abbrev a = abbrev(u, code, off);
            long sibling = skipAttributes(u, c, a);
            if (a.hasChildren) {
                if (sibling > c.pos && sibling <= u.end) {
                    c.pos = (int) sibling;
                } else {
                    depth++;
                }
            }
        }
    }

    /** Moves past the attribute values; returns the absolute DW_AT_sibling offset or -1. */
    private long skipAttributes(DwarfUnit u, DwarfCursor c, Abbrev a) {
        if (a.fixedSize >= 0) {
            long sibling = -1;
            if (a.siblingOffset >= 0) {
                DwarfCursor s = new DwarfCursor(c.b, c.pos + a.siblingOffset, c.limit);
                sibling = u.start + readValue(u, s, a.siblingForm, 0);
            }
            c.skip(a.fixedSize);
            return sibling;
        }
        long sibling = -1;
        int[] forms = a.forms;
        for (int i = 0; i < forms.length; i++) {
            int form = forms[i];
            if (form == Dw.FORM_INDIRECT) {
                form = indirectForm(u, c);
            }
            if (a.attributes[i] == Dw.AT_SIBLING) {
                long v = readValue(u, c, form, 0);
                sibling = form == Dw.FORM_REF_ADDR ? v : u.start + v;
                continue;
            }
            int size = Dw.fixedSize(form, u.addrSize, u.offsetSize, u.version);
            if (size >= 0) {
                c.skip(size);
            } else {
                readValue(u, c, form, a.implicitConstants == null ? 0 : a.implicitConstants[i]);
            }
        }
        return sibling;
    }

    private int indirectForm(DwarfUnit u, DwarfCursor c) {
        int form = (int) c.uleb();
        if (form == Dw.FORM_INDIRECT || Dw.fixedSize(form, u.addrSize, u.offsetSize, u.version) == Dw.UNKNOWN) {
            throw new DwarfFormatException(u.where() + ": bad indirect form 0x" + Integer.toHexString(form)
                    + " at 0x" + Integer.toHexString(c.pos));
        }
        return form;
    }

    /** Reads the attributes this package uses; leaves the cursor after the attribute values. */
    private Die readAttributes(DwarfUnit u, DwarfCursor c, Abbrev a, int dieOffset) {
        Die d = new Die();
        d.unit = u;
        d.offset = dieOffset;
        d.tag = a.tag;
        d.hasChildren = a.hasChildren;
        int[] forms = a.forms;
        int[] attrs = a.attributes;
        for (int i = 0; i < forms.length; i++) {
            int form = forms[i];
            if (form == Dw.FORM_INDIRECT) {
                form = indirectForm(u, c);
            }
            c.blockLength = -1;
            long v = readValue(u, c, form, a.implicitConstants == null ? 0 : a.implicitConstants[i]);
            boolean constant = isConstantForm(form, u.version);
            switch (attrs[i]) {
                case Dw.AT_NAME:
                    d.nameForm = form;
                    d.nameValue = v;
                    break;
                case Dw.AT_BYTE_SIZE:
                    if (constant) {
                        d.byteSize = v;
                    }
                    break;
                case Dw.AT_DECLARATION:
                    d.declaration = v != 0;
                    break;
                case Dw.AT_EXTERNAL:
                    d.external = v != 0;
                    break;
                case Dw.AT_EXPORT_SYMBOLS:
                    d.exportSymbols = v != 0;
                    break;
                case Dw.AT_SIBLING:
                    d.sibling = form == Dw.FORM_REF_ADDR ? v : u.start + v;
                    break;
                case Dw.AT_SPECIFICATION:
                    d.specificationForm = form;
                    d.specificationValue = v;
                    break;
                case Dw.AT_TYPE:
                    d.typeForm = form;
                    d.typeValue = v;
                    break;
                case Dw.AT_SIGNATURE:
                    d.hasSignature = form == Dw.FORM_REF_SIG8;
                    d.signature = v;
                    break;
                case Dw.AT_DATA_MEMBER_LOCATION:
                    if (constant) {
                        d.memberLocation = v;
                    } else if (c.blockLength >= 0) {
                        d.memberLocation = constantExpression(c.b, (int) v, c.blockLength);
                        d.locationIsExpression = d.memberLocation == Die.MISSING;
                    } else {
                        d.locationIsExpression = true;
                    }
                    break;
                case Dw.AT_DATA_BIT_OFFSET:
                    d.dataBitOffset = v;
                    break;
                case Dw.AT_VIRTUALITY:
                    d.virtuality = v;
                    break;
                case Dw.AT_COUNT:
                    if (constant) {
                        d.count = v;
                    }
                    break;
                case Dw.AT_UPPER_BOUND:
                    if (constant) {
                        d.upperBound = v;
                    }
                    break;
                case Dw.AT_LOWER_BOUND:
                    if (constant) {
                        d.lowerBound = v;
                    }
                    break;
                case Dw.AT_STR_OFFSETS_BASE:
                    d.strOffsetsBase = v;
                    break;
                default:
                    break;
            }
        }
        d.attributesEnd = c.pos;
        return d;
    }

    private static boolean isConstantForm(int form, int version) {
        switch (form) {
            case Dw.FORM_DATA1: case Dw.FORM_DATA2: case Dw.FORM_UDATA: case Dw.FORM_SDATA:
            case Dw.FORM_IMPLICIT_CONST:
                return true;
            case Dw.FORM_DATA4: case Dw.FORM_DATA8:
                return version >= 4; // in DWARF 2 and 3 these may be section offsets
            default:
                return false;
        }
    }

    /** The value of {@code DW_OP_plus_uconst N} or {@code DW_OP_constu N}, else MISSING. */
    private static long constantExpression(ByteBuffer b, int start, int length) {
        if (length < 2) {
            return Die.MISSING;
        }
        int op = b.get(start) & 0xff;
        if (op != Dw.OP_PLUS_UCONST && op != Dw.OP_CONSTU) {
            return Die.MISSING;
        }
        DwarfCursor c = new DwarfCursor(b, start + 1, start + length);
        long v = c.uleb();
        return c.pos == start + length ? v : Die.MISSING;
    }

    /**
     * Reads one attribute value. Strings and blocks return the position of their data (blocks
     * also set {@link DwarfCursor#blockLength}); {@code DW_FORM_data16} returns 0.
     */
    private long readValue(DwarfUnit u, DwarfCursor c, int form, long implicitConstant) {
        switch (form) {
            case Dw.FORM_ADDR:
                return u.addrSize == 8 ? c.u64() : c.u32();
            case Dw.FORM_DATA1: case Dw.FORM_REF1: case Dw.FORM_FLAG: case Dw.FORM_STRX1: case Dw.FORM_ADDRX1:
                return c.u8();
            case Dw.FORM_DATA2: case Dw.FORM_REF2: case Dw.FORM_STRX2: case Dw.FORM_ADDRX2:
                return c.u16();
            case Dw.FORM_STRX3: case Dw.FORM_ADDRX3:
                return c.u24();
            case Dw.FORM_DATA4: case Dw.FORM_REF4: case Dw.FORM_STRX4: case Dw.FORM_ADDRX4: case Dw.FORM_REF_SUP4:
                return c.u32();
            case Dw.FORM_DATA8: case Dw.FORM_REF8: case Dw.FORM_REF_SIG8: case Dw.FORM_REF_SUP8:
                return c.u64();
            case Dw.FORM_DATA16:
                c.skip(16);
                return 0;
            case Dw.FORM_SDATA:
                return c.sleb();
            case Dw.FORM_UDATA: case Dw.FORM_REF_UDATA: case Dw.FORM_STRX: case Dw.FORM_ADDRX:
            case Dw.FORM_LOCLISTX: case Dw.FORM_RNGLISTX: case Dw.FORM_GNU_ADDR_INDEX: case Dw.FORM_GNU_STR_INDEX:
                return c.uleb();
            case Dw.FORM_STRP: case Dw.FORM_SEC_OFFSET: case Dw.FORM_LINE_STRP: case Dw.FORM_STRP_SUP:
            case Dw.FORM_GNU_REF_ALT: case Dw.FORM_GNU_STRP_ALT:
                return c.offset(u.offsetSize);
            case Dw.FORM_REF_ADDR:
                return u.version <= 2 ? (u.addrSize == 8 ? c.u64() : c.u32()) : c.offset(u.offsetSize);
            case Dw.FORM_FLAG_PRESENT:
                return 1;
            case Dw.FORM_IMPLICIT_CONST:
                return implicitConstant;
            case Dw.FORM_STRING: {
                int start = c.pos;
                c.skipCString();
                return start;
            }
            case Dw.FORM_BLOCK1:
                return block(c, c.u8());
            case Dw.FORM_BLOCK2:
                return block(c, c.u16());
            case Dw.FORM_BLOCK4:
                return block(c, c.u32());
            case Dw.FORM_BLOCK: case Dw.FORM_EXPRLOC:
                return block(c, c.uleb());
            default:
                throw new DwarfFormatException(u.where() + ": unknown form 0x" + Integer.toHexString(form)
                        + " at 0x" + Integer.toHexString(c.pos));
        }
    }

    private static long block(DwarfCursor c, long length) {
        int start = c.pos;
        c.skip(length);
        c.blockLength = (int) length;
        return start;
    }

    // ---------------------------------------------------------------- strings

    /** The string of a name attribute, or null if it lives in another file. */
    private String string(DwarfUnit u, int form, long value) {
        switch (form) {
            case Dw.FORM_STRING:
                return cString(u.section, value, u.end);
            case Dw.FORM_STRP:
                return cString(require(str, ".debug_str", u), value, -1);
            case Dw.FORM_LINE_STRP:
                return cString(require(lineStr, ".debug_line_str", u), value, -1);
            case Dw.FORM_STRX: case Dw.FORM_STRX1: case Dw.FORM_STRX2: case Dw.FORM_STRX3: case Dw.FORM_STRX4:
            case Dw.FORM_GNU_STR_INDEX: {
                SectionBytes offsets = require(strOffsets, ".debug_str_offsets", u);
                offsets.ensureAll();
                long at = u.strOffsetsBase + value * u.offsetSize;
                if (value < 0 || at < 0 || at + u.offsetSize > offsets.size()) {
                    throw new DwarfFormatException(u.where() + ": string index " + value + " outside .debug_str_offsets");
                }
                long off = u.offsetSize == 8 ? offsets.buffer().getLong((int) at)
                        : offsets.buffer().getInt((int) at) & 0xffffffffL;
                return cString(require(str, ".debug_str", u), off, -1);
            }
            default:
                return null;
        }
    }

    private SectionBytes require(SectionBytes s, String name, DwarfUnit u) {
        if (s == null) {
            throw new DwarfFormatException(u.where() + ": uses " + name + " but the file has none");
        }
        return s;
    }

    private String cString(SectionBytes s, long offset, int limit) {
        if (limit < 0) {
            s.ensureAll();
        }
        int end = limit < 0 ? s.size() : limit;
        if (offset < 0 || offset >= end) {
            throw new DwarfFormatException(s.description() + ": string offset 0x" + Long.toHexString(offset)
                    + " out of range");
        }
        ByteBuffer b = s.buffer();
        int start = (int) offset;
        int i = start;
        while (i < end && b.get(i) != 0) {
            i++;
        }
        if (i == end) {
            throw new DwarfFormatException(s.description() + ": unterminated string at 0x" + Long.toHexString(offset));
        }
        if (b.hasArray()) {
            return new String(b.array(), b.arrayOffset() + start, i - start, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[i - start];
        b.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
