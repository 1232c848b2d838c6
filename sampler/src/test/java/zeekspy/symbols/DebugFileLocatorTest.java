package zeekspy.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.symbols.CompiledLayouts.Variant;

/**
 * Separate debug files made the way distributions make them: objcopy --only-keep-debug,
 * strip, --add-gnu-debuglink, and a build-id tree.
 */
class DebugFileLocatorTest {
    private static Path binary;
    private static Path debug;
    private static Path stripped;
    private static Path linked;
    private static Map<String, String> report;

    @BeforeAll
    static void makeDebugFiles() throws Exception {
        binary = CompiledLayouts.binary(Variant.GCC_DWARF5);
        report = CompiledLayouts.report(Variant.GCC_DWARF5);
        Path d = CompiledLayouts.dir().resolve("locator");
        Files.createDirectories(d);
        debug = d.resolve("layouts.debug");
        stripped = d.resolve("layouts-stripped");
        linked = d.resolve("layouts-linked");
        CompiledLayouts.run(List.of("objcopy", "--only-keep-debug", binary.toString(), debug.toString()));
        CompiledLayouts.run(List.of("objcopy", "--strip-debug", binary.toString(), stripped.toString()));
        CompiledLayouts.run(List.of("objcopy", "--add-gnu-debuglink=" + debug, stripped.toString(), linked.toString()));
    }

    @Test
    void aBinaryWithDwarfIsItsOwnDebugFile() throws Exception {
        try (ElfFile elf = ElfFile.open(binary)) {
            DebugFile found = new DebugFileLocator(List.of()).locate(elf).orElseThrow();
            assertEquals(new DebugFile(binary, DebugFile.Source.SELF), found);
        }
    }

    @Test
    void findsTheDebugFileByBuildId(@TempDir Path root) throws Exception {
        String id = Variant.GCC_DWARF5.buildId();
        Path target = root.resolve(".build-id").resolve(id.substring(0, 2)).resolve(id.substring(2) + ".debug");
        Files.createDirectories(target.getParent());
        Files.copy(debug, target);
        try (ElfFile elf = ElfFile.open(stripped)) {
            assertFalse(elf.hasDebugInfo());
            DebugFile found = new DebugFileLocator(List.of(root.resolve("nonexistent"), root)).locate(elf).orElseThrow();
            assertEquals(new DebugFile(target, DebugFile.Source.BUILD_ID), found);
            assertLayoutsAsReported(found.path());
        }
    }

    @Test
    void findsTheDebugFileByDebuglinkInTheBinarysDirectory(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("zeek");
        Files.copy(linked, bin);
        Files.copy(debug, dir.resolve("layouts.debug"));
        try (ElfFile elf = ElfFile.open(bin)) {
            DebugLink link = elf.debugLink().orElseThrow();
            assertEquals("layouts.debug", link.fileName());
            assertEquals(DebugFileLocator.crc32(debug), link.crc32(), "CRC as objcopy recorded it");
            DebugFile found = new DebugFileLocator(List.of(dir.resolve("no-root"))).locate(elf).orElseThrow();
            assertEquals(DebugFile.Source.DEBUGLINK_SAME_DIR, found.source());
            assertTrue(Files.isSameFile(dir.resolve("layouts.debug"), found.path()));
            assertLayoutsAsReported(found.path());
        }
    }

    @Test
    void findsTheDebugFileByDebuglinkInDotDebug(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("zeek");
        Files.copy(linked, bin);
        Files.createDirectories(dir.resolve(".debug"));
        Files.copy(debug, dir.resolve(".debug/layouts.debug"));
        try (ElfFile elf = ElfFile.open(bin)) {
            DebugFile found = new DebugFileLocator(List.of(dir.resolve("no-root"))).locate(elf).orElseThrow();
            assertEquals(DebugFile.Source.DEBUGLINK_DOT_DEBUG, found.source());
        }
    }

    @Test
    void findsTheDebugFileByDebuglinkUnderARoot(@TempDir Path dir) throws Exception {
        Path binDir = dir.resolve("opt/zeek/bin");
        Files.createDirectories(binDir);
        Path bin = binDir.resolve("zeek");
        Files.copy(linked, bin);
        Path root = dir.resolve("debugroot");
        Path target = root.resolve(binDir.toRealPath().toString().substring(1)).resolve("layouts.debug");
        Files.createDirectories(target.getParent());
        Files.copy(debug, target);
        try (ElfFile elf = ElfFile.open(bin)) {
            DebugFileLocator locator = new DebugFileLocator(List.of(root));
            DebugFile found = locator.locate(elf).orElseThrow();
            assertEquals(new DebugFile(target, DebugFile.Source.DEBUGLINK_ROOT), found);
            assertTrue(locator.candidates(elf).contains(target));
        }
    }

    @Test
    void skipsADebuglinkCandidateWithTheWrongCrc(@TempDir Path dir) throws Exception {
        Path bin = dir.resolve("zeek");
        Files.copy(linked, bin);
        // Same name, other contents: a debug file from another build.
        Files.copy(CompiledLayouts.binary(Variant.GCC_DWARF4), dir.resolve("layouts.debug"));
        Files.createDirectories(dir.resolve(".debug"));
        Files.copy(debug, dir.resolve(".debug/layouts.debug"));
        try (ElfFile elf = ElfFile.open(bin)) {
            DebugFile found = new DebugFileLocator(List.of()).locate(elf).orElseThrow();
            assertEquals(DebugFile.Source.DEBUGLINK_DOT_DEBUG, found.source(), "the wrong-CRC file was skipped");
        }
        Files.delete(dir.resolve(".debug/layouts.debug"));
        try (ElfFile elf = ElfFile.open(bin)) {
            assertEquals(Optional.empty(), new DebugFileLocator(List.of()).locate(elf));
        }
    }

    @Test
    void skipsABuildIdCandidateWithAnotherBuildId(@TempDir Path root) throws Exception {
        String id = Variant.GCC_DWARF5.buildId();
        Path target = root.resolve(".build-id").resolve(id.substring(0, 2)).resolve(id.substring(2) + ".debug");
        Files.createDirectories(target.getParent());
        Files.copy(CompiledLayouts.binary(Variant.GCC_DWARF4), target);
        try (ElfFile elf = ElfFile.open(stripped)) {
            assertEquals(Optional.empty(), new DebugFileLocator(List.of(root)).locate(elf));
            assertTrue(new DebugFileLocator(List.of(root)).candidates(elf).contains(target));
        }
    }

    private static void assertLayoutsAsReported(Path debugFile) throws Exception {
        try (ElfFile elf = ElfFile.open(debugFile)) {
            StructType frame = DwarfTypes.of(elf).find("zeek::detail::Frame").orElseThrow();
            assertEquals(Long.parseLong(report.get("sizeof(zeek::detail::Frame)")), frame.byteSize());
            assertEquals(Long.parseLong(report.get("zeek::detail::Frame.next_stmt").split(" ")[0]),
                    frame.memberOffset("next_stmt").getAsLong());
            assertEquals(Long.parseLong(report.get("zeek::detail::Frame.location").split(" ")[0]),
                    frame.memberOffset("location").getAsLong());
        }
    }
}
