package zeekspy.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zeekspy.symbols.CompiledLayouts.Variant;

/** Layouts read from DWARF against the compiled program's own sizeof/offsetof report. */
class DwarfTypesTest {

    @ParameterizedTest
    @EnumSource(Variant.class)
    void layoutsMatchTheProgramsOwnReport(Variant v) throws Exception {
        Map<String, String> report = CompiledLayouts.report(v);
        Set<String> typeNames = new LinkedHashSet<>();
        for (String key : report.keySet()) {
            if (key.startsWith("sizeof(")) {
                typeNames.add(key.substring("sizeof(".length(), key.length() - 1));
            }
        }
        assertTrue(typeNames.size() >= 14, "report has the types: " + typeNames);
        try (ElfFile elf = ElfFile.open(CompiledLayouts.binary(v))) {
            Map<String, StructType> types = DwarfTypes.of(elf).find(typeNames);
            assertEquals(typeNames, types.keySet(), v + ": every type found");
            List<String> mismatches = new ArrayList<>();
            int checked = 0;
            for (Map.Entry<String, String> e : report.entrySet()) {
                String key = e.getKey();
                String[] expected = e.getValue().split(" ");
                if (key.startsWith("sizeof(")) {
                    long actual = types.get(key.substring("sizeof(".length(), key.length() - 1)).byteSize();
                    check(mismatches, key, Long.parseLong(expected[0]), actual);
                    checked++;
                } else if (baseKey(key, typeNames) != null) {
                    String[] tb = baseKey(key, typeNames);
                    Optional<BaseClass> base = types.get(tb[0]).bases().stream()
                            .filter(b -> tb[1].equals(b.name())).findFirst();
                    check(mismatches, key, Long.parseLong(expected[0]), base.map(BaseClass::offset).orElse(-99L));
                    checked++;
                } else if (memberKey(key, typeNames) != null) {
                    String[] tm = memberKey(key, typeNames);
                    Optional<StructMember> m = types.get(tm[0]).findMember(tm[1]);
                    check(mismatches, key + " offset", Long.parseLong(expected[0]), m.map(StructMember::offset).orElse(-99L));
                    check(mismatches, key + " size", Long.parseLong(expected[1]), m.map(StructMember::byteSize).orElse(-99L));
                    checked++;
                }
            }
            assertTrue(checked > 50, "checked " + checked + " numbers");
            assertEquals(List.of(), mismatches, v + ": DWARF disagrees with the program");
        }
    }

    private static void check(List<String> mismatches, String what, long expected, long actual) {
        if (expected != actual) {
            mismatches.add(what + ": program says " + expected + ", DWARF reader says " + actual);
        }
    }

    /** "zeek::Multi:zeek::Mixin" -> {"zeek::Multi", "zeek::Mixin"}. */
    private static String[] baseKey(String key, Set<String> types) {
        for (String t : types) {
            if (key.startsWith(t + ":") && !key.startsWith(t + "::") && types.contains(key.substring(t.length() + 1))) {
                return new String[] {t, key.substring(t.length() + 1)};
            }
        }
        return null;
    }

    /** "zeek::Func::Body.stmts" -> {"zeek::Func::Body", "stmts"}. */
    private static String[] memberKey(String key, Set<String> types) {
        int dot = key.lastIndexOf('.');
        if (dot > 0 && types.contains(key.substring(0, dot))) {
            return new String[] {key.substring(0, dot), key.substring(dot + 1)};
        }
        return null;
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"GCC_DWARF5", "GCC_DWARF4", "CLANG_DWARF5", "GCC_DWARF4_TYPE_UNITS"})
    void namesAreQualifiedByTheirScopes(Variant v) throws Exception {
        try (ElfFile elf = ElfFile.open(CompiledLayouts.binary(v))) {
            DwarfTypes dwarf = DwarfTypes.of(elf);
            Map<String, StructType> t = dwarf.find(Set.of("Frame", "detail::Frame", "zeek::Versioned",
                    "zeek::v1::Versioned", "zeek::Func::Body", "Body", "zeek::detail::Frame"));
            assertFalse(t.containsKey("Frame"), "Frame only exists inside zeek::detail");
            assertFalse(t.containsKey("detail::Frame"), "names are fully qualified");
            assertFalse(t.containsKey("Body"), "Body is nested in zeek::Func");
            assertTrue(t.containsKey("zeek::Versioned"), "inline namespace may be left out");
            assertTrue(t.containsKey("zeek::v1::Versioned"), "inline namespace may be named");
            assertEquals("zeek::detail::Frame", t.get("zeek::detail::Frame").name());
            assertEquals(StructType.Kind.CLASS, t.get("zeek::detail::Frame").kind());
            assertEquals(StructType.Kind.STRUCT, t.get("zeek::Func::Body").kind());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"GCC_DWARF5", "CLANG_DWARF5", "GCC_DWARF5_TYPE_UNITS"})
    void membersKnowTheirTypesAndBases(Variant v) throws Exception {
        try (ElfFile elf = ElfFile.open(CompiledLayouts.binary(v))) {
            DwarfTypes dwarf = DwarfTypes.of(elf);
            StructType frame = dwarf.find("zeek::detail::Frame").orElseThrow();
            assertEquals(1, frame.bases().size());
            BaseClass obj = frame.bases().get(0);
            assertEquals("zeek::Obj", obj.name());
            assertNotNull(obj.type(), "base definition linked");
            assertEquals(obj.type().member("location").orElseThrow().offset(), frame.memberOffset("location").getAsLong());
            assertTrue(frame.member("location").isEmpty(), "member() does not look into bases");
            assertEquals("Stmt*", frame.member("next_stmt").orElseThrow().typeName());
            assertEquals("char[24]", frame.member("scratch").orElseThrow().typeName());

            StructType func = dwarf.find("zeek::Func").orElseThrow();
            StructMember kind = func.member("kind").orElseThrow();
            assertEquals(1, kind.byteSize(), "enum Kind : uint8_t through const volatile typedef");
            assertTrue(kind.typeName().contains("KindAlias"), kind.typeName());
            StructMember anonymousUnion = func.members().stream()
                    .filter(m -> m.name() == null && m.anonymous() != null
                            && m.anonymous().kind() == StructType.Kind.UNION)
                    .findFirst().orElseThrow();
            assertEquals(anonymousUnion.offset(), func.member("double_value").orElseThrow().offset());
            assertNull(anonymousUnion.anonymous().name());
            assertTrue(func.findMember("instances").isEmpty(), "static members are not data members");
            assertTrue(func.findMember("no_such_member").isEmpty());
        }
    }

    @Test
    void repeatedLookupsComeFromTheCache() throws Exception {
        try (ElfFile elf = ElfFile.open(CompiledLayouts.binary(Variant.GCC_DWARF5))) {
            DwarfTypes dwarf = DwarfTypes.of(elf);
            StructType first = dwarf.find("zeek::Func").orElseThrow();
            long units = dwarf.stats().unitsScanned();
            assertTrue(dwarf.find("zeek::Func").orElseThrow() == first);
            assertTrue(dwarf.find("NoSuchType").isEmpty());
            long afterMiss = dwarf.stats().unitsScanned();
            assertTrue(dwarf.find("NoSuchType").isEmpty());
            assertEquals(afterMiss, dwarf.stats().unitsScanned(), "misses are remembered too");
            assertTrue(afterMiss > units);
        }
    }

    @Test
    void splitDwarfSkeletonsAreSkippedSafely() throws Exception {
        Path bin = CompiledLayouts.dir().resolve("layouts-split");
        Path src = CompiledLayouts.binary(Variant.GCC_DWARF5).resolveSibling("layouts.cpp");
        CompiledLayouts.run(List.of("g++", "-g", "-O2", "-gsplit-dwarf", "-Wno-invalid-offsetof", "-o",
                bin.toString(), src.toString()));
        try (ElfFile elf = ElfFile.open(bin)) {
            assertTrue(elf.hasDebugInfo());
            Map<String, StructType> t = DwarfTypes.of(elf).find(Set.of("zeek::Func", "Location"));
            assertEquals(Map.of(), t, "types live in the .dwo file, not in skeleton units");
        }
    }

    @Test
    void splitsQualifiedNamesOutsideTemplateArguments() {
        assertEquals(List.of("zeek", "IntrusivePtr<zeek::FuncType>", "x"),
                DwarfTypes.splitQualified("zeek::IntrusivePtr<zeek::FuncType>::x"));
        assertEquals(List.of("(anonymous namespace)", "A"), DwarfTypes.splitQualified("(anonymous namespace)::A"));
        assertEquals(List.of("Frame"), DwarfTypes.splitQualified("Frame"));
    }
}
