package zeekspy.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.symbols.CompiledLayouts.Variant;

/** Broken files give one-line ElfFormatException / DwarfFormatException messages, never hangs or other exceptions. */
class CorruptInputTest {
    private static final Set<String> NAMES = Set.of("zeek::detail::Frame", "zeek::Func", "Location", "zeek::Multi");

    @TempDir
    Path dir;

    @Test
    void garbageIsNotElf() throws Exception {
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        ElfFormatException e = openFails(write("junk", junk));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
        assertTrue(openFails(write("empty", new byte[0])).getMessage().contains("bad magic"));
    }

    @Test
    void truncatedHeaderIsReported() throws Exception {
        byte[] elf = Arrays.copyOf(original(Variant.GCC_DWARF4), 40);
        assertTrue(openFails(write("short", elf)).getMessage().contains("truncated ELF header"));
    }

    @Test
    void truncatedFileLosesItsSectionHeaders() throws Exception {
        byte[] all = original(Variant.GCC_DWARF4);
        byte[] half = Arrays.copyOf(all, all.length / 2);
        assertTrue(openFails(write("half", half)).getMessage().contains("runs past end of file"));
    }

    @Test
    void otherClassesAndMachinesAreRejected() throws Exception {
        byte[] b32 = original(Variant.GCC_DWARF4);
        b32[4] = 1;
        assertTrue(openFails(write("elf32", b32)).getMessage().contains("not a 64-bit ELF file"));
        byte[] be = original(Variant.GCC_DWARF4);
        be[5] = 2;
        assertTrue(openFails(write("big-endian", be)).getMessage().contains("not a little-endian"));
        byte[] arm = original(Variant.GCC_DWARF4);
        le(arm).putShort(18, (short) 183);
        assertTrue(openFails(write("aarch64", arm)).getMessage().contains("not an x86-64 ELF file (e_machine 183)"));
        byte[] rel = original(Variant.GCC_DWARF4);
        le(rel).putShort(16, (short) 1);
        assertTrue(openFails(write("relocatable", rel)).getMessage().contains("unsupported ELF type 1"));
    }

    @Test
    void sectionPastEndOfFileIsReported() throws Exception {
        byte[] b = original(Variant.GCC_DWARF4);
        int header = sectionHeader(b, Variant.GCC_DWARF4, ".debug_info");
        le(b).putLong(header + 24, b.length + 100L);
        ElfFormatException e = openFails(write("bad-offset", b));
        assertTrue(e.getMessage().contains("runs past end of file"), e.getMessage());
    }

    @Test
    void absurdSectionCountIsReported() throws Exception {
        byte[] b = original(Variant.GCC_DWARF4);
        le(b).putShort(60, (short) 0xfff0);
        assertTrue(openFails(write("many-sections", b)).getMessage().contains("section header table"));
        byte[] names = original(Variant.GCC_DWARF4);
        le(names).putShort(62, (short) 0x7000);
        assertTrue(openFails(write("bad-shstrndx", names)).getMessage().contains("out of range"));
    }

    @Test
    void truncatedDebugInfoIsReported() throws Exception {
        byte[] b = original(Variant.GCC_DWARF4);
        int header = sectionHeader(b, Variant.GCC_DWARF4, ".debug_info");
        ByteBuffer h = le(b);
        h.putLong(header + 32, h.getLong(header + 32) / 2);
        DwarfFormatException e = findFails(write("short-info", b));
        assertTrue(e.getMessage().contains(".debug_info"), e.getMessage());
    }

    @Test
    void garbageDiesAreReported() throws Exception {
        byte[] b = original(Variant.GCC_DWARF4);
        long start = sectionOffset(b, Variant.GCC_DWARF4, ".debug_info");
        Arrays.fill(b, (int) start + 11, (int) start + 200, (byte) 0xff);
        DwarfFormatException e = findFails(write("garbage-dies", b));
        assertTrue(e.getMessage().contains("unit at offset 0x0"), e.getMessage());
    }

    @Test
    void badAbbreviationIsReported() throws Exception {
        byte[] b = original(Variant.GCC_DWARF4);
        int at = (int) sectionOffset(b, Variant.GCC_DWARF4, ".debug_abbrev");
        // Abbreviation 1: DW_TAG_compile_unit, children, DW_AT_name with unknown form 0x7f.
        byte[] bad = {1, 0x11, 1, 0x03, 0x7f, 0, 0};
        System.arraycopy(bad, 0, b, at, bad.length);
        DwarfFormatException e = findFails(write("bad-abbrev", b));
        assertTrue(e.getMessage().contains("unknown attribute form 0x7f"), e.getMessage());
    }

    @Test
    void corruptCompressedDataIsReported() throws Exception {
        byte[] b = original(Variant.GCC_GZ_ZLIB);
        long start = sectionOffset(b, Variant.GCC_GZ_ZLIB, ".debug_info");
        Arrays.fill(b, (int) start + 40, (int) start + 90, (byte) 0x55);
        RuntimeException e = assertThrows(RuntimeException.class, () -> find(write("bad-zlib", b)));
        assertTrue(e instanceof ElfFormatException || e instanceof DwarfFormatException, e.toString());
        assertOneLine(e);

        byte[] huge = original(Variant.GCC_GZ_ZLIB);
        le(huge).putLong((int) start + 8, 1L << 40);
        ElfFormatException big = assertThrows(ElfFormatException.class, () -> find(write("huge-zlib", huge)));
        assertTrue(big.getMessage().contains("implausible uncompressed size"), big.getMessage());
    }

    @Test
    void randomDamageNeverLeaksOtherExceptionsOrHangs() throws Exception {
        for (Variant v : new Variant[] {Variant.GCC_DWARF5, Variant.CLANG_DWARF5, Variant.GCC_DWARF4_TYPE_UNITS}) {
            byte[] pristine = original(v);
            String[] targets = {".debug_info", ".debug_abbrev", ".debug_str_offsets", ".debug_types"};
            Random random = new Random(42 + v.ordinal());
            assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
                int reported = 0;
                for (int i = 0; i < 150; i++) {
                    byte[] b = pristine.clone();
                    String target = targets[random.nextInt(targets.length)];
                    int idx = sectionIndex(v, target);
                    if (idx < 0) {
                        continue;
                    }
                    ElfSection s = sections(v)[idx];
                    for (int k = 1 + random.nextInt(8); k > 0; k--) {
                        b[(int) (s.offset() + random.nextInt((int) s.size()))] = (byte) random.nextInt(256);
                    }
                    Path p = write("fuzz", b);
                    try {
                        find(p);
                    } catch (ElfFormatException | DwarfFormatException e) {
                        assertOneLine(e);
                        reported++;
                    }
                }
                assertTrue(reported > 0, v + ": some damage must be noticed");
            });
        }
    }

    private static void assertOneLine(RuntimeException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    private ElfFormatException openFails(Path p) {
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfFile.open(p).close());
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), "names the file: " + e.getMessage());
        assertOneLine(e);
        return e;
    }

    private DwarfFormatException findFails(Path p) {
        DwarfFormatException e = assertThrows(DwarfFormatException.class, () -> find(p));
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        assertOneLine(e);
        return e;
    }

    private static void find(Path p) throws Exception {
        try (ElfFile elf = ElfFile.open(p)) {
            DwarfTypes.of(elf).find(NAMES);
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static byte[] original(Variant v) throws Exception {
        return Files.readAllBytes(CompiledLayouts.binary(v));
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ElfSection[] sections(Variant v) throws Exception {
        try (ElfFile elf = ElfFile.open(CompiledLayouts.binary(v))) {
            return elf.sections().toArray(new ElfSection[0]);
        }
    }

    private static int sectionIndex(Variant v, String name) throws Exception {
        for (ElfSection s : sections(v)) {
            if (s.name().equals(name)) {
                return s.index();
            }
        }
        return -1;
    }

    private static int sectionHeader(byte[] b, Variant v, String name) throws Exception {
        int idx = sectionIndex(v, name);
        if (idx < 0) {
            fail(name + " missing in " + v);
        }
        return (int) (le(b).getLong(40) + 64L * idx);
    }

    private static long sectionOffset(byte[] b, Variant v, String name) throws Exception {
        return sections(v)[sectionIndex(v, name)].offset();
    }
}
