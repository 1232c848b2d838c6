package zeekspy.symbols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import zeekspy.symbols.CompiledLayouts.Variant;

/** ELF headers, symbols, notes and compressed sections of programs compiled at test time. */
class ElfFileTest {

    @ParameterizedTest
    @EnumSource(Variant.class)
    void readsHeadersNotesAndComments(Variant v) throws Exception {
        try (ElfFile elf = ElfFile.open(CompiledLayouts.binary(v))) {
            assertEquals(v == Variant.GCC_NO_PIE ? ElfFile.ET_EXEC : ElfFile.ET_DYN, elf.type());
            assertEquals(v.buildId(), elf.buildId().orElseThrow());
            assertTrue(elf.hasDebugInfo());
            assertTrue(elf.section(".text").isPresent());
            List<String> comments = elf.comments();
            if (v.isClang()) {
                assertTrue(comments.stream().anyMatch(c -> c.contains("clang version")), comments.toString());
            } else {
                assertTrue(comments.stream().anyMatch(c -> c.startsWith("GCC: (")), comments.toString());
            }
            assertTrue(elf.debugLink().isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"GCC_DWARF5", "GCC_NO_PIE", "CLANG_DWARF5"})
    void symbolAddressesMatchTheRunningProgram(Variant v) throws Exception {
        Map<String, String> report = CompiledLayouts.report(v);
        long base = Long.parseUnsignedLong(report.get("mapping.base"));
        try (ElfFile elf = ElfFile.open(CompiledLayouts.binary(v))) {
            ElfSymbol version = elf.dynamicSymbol("version").orElseThrow();
            assertTrue(version.isDefined());
            assertEquals(ElfSymbol.STT_OBJECT, version.type());
            assertEquals(ElfSymbol.STB_GLOBAL, version.binding());
            assertEquals("9.9.9-test".length() + 1, version.size());
            assertEquals(Long.parseUnsignedLong(report.get("addr.version")), elf.runtimeAddress(version, base));

            ElfSymbol callStack = elf.symbol("_ZN4zeek6detail10call_stackE").orElseThrow();
            assertEquals(24, callStack.size(), "a std::vector");
            assertEquals(Long.parseUnsignedLong(report.get("addr.call_stack")), elf.runtimeAddress(callStack, base));
            if (v == Variant.GCC_NO_PIE) {
                assertEquals(0, elf.loadBias(base));
                assertEquals(Long.parseUnsignedLong(report.get("addr.version")), version.value());
            } else {
                assertEquals(base - (elf.lowestLoadAddress() & ~0xfffL), elf.loadBias(base));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"GCC_DWARF5", "CLANG_DWARF5"})
    void looksInDynsymThenSymtab(Variant v) throws Exception {
        try (ElfFile elf = ElfFile.open(CompiledLayouts.binary(v))) {
            assertTrue(elf.dynamicSymbol("_ZL15s_local_counter").isEmpty(), "internal linkage is not exported");
            ElfSymbol local = elf.staticSymbol("_ZL15s_local_counter").orElseThrow();
            assertEquals(ElfSymbol.STB_LOCAL, local.binding());
            assertEquals(local, elf.symbol("_ZL15s_local_counter").orElseThrow());
            assertEquals(4, local.size());

            ElfSymbol imported = elf.dynamicSymbol("__libc_start_main").orElseThrow();
            assertFalse(imported.isDefined());
            assertEquals(ElfSymbol.STT_FUNC, imported.type());
            assertTrue(elf.symbol("no_such_symbol_anywhere").isEmpty());
            assertTrue(elf.symbol("versio").isEmpty(), "exact names only");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"GCC_GZ_ZLIB", "GCC_ZDEBUG", "CLANG_GZ_ZLIB"})
    void compressedSectionsReadLikeObjcopyDecompressesThem(Variant v) throws Exception {
        Path compressed = CompiledLayouts.binary(v);
        Path plain = compressed.resolveSibling(compressed.getFileName() + ".decompressed");
        CompiledLayouts.run(List.of("objcopy", "--decompress-debug-sections", compressed.toString(), plain.toString()));
        try (ElfFile z = ElfFile.open(compressed); ElfFile p = ElfFile.open(plain)) {
            String info = v == Variant.GCC_ZDEBUG ? ".zdebug_info" : ".debug_info";
            ElfSection section = z.section(info).orElseThrow();
            assertTrue(section.isCompressed() || v == Variant.GCC_ZDEBUG);
            assertTrue(p.section(".debug_info").isPresent());
            for (String name : List.of("info", "abbrev", "str", "line")) {
                ElfSection zs = z.section(".debug_" + name).or(() -> z.section(".zdebug_" + name)).orElseThrow();
                ByteBuffer expected = p.sectionData(".debug_" + name).orElseThrow();
                ByteBuffer actual = z.sectionData(zs);
                assertEquals(expected.remaining(), actual.remaining(), name);
                assertArrayEquals(bytes(expected), bytes(actual), name);
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
