package zeekspy.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zeekspy.symbols.ElfFile;
import zeekspy.testing.MiniZeek;

/**
 * zeek-spy's layout of every inferior variant equals the inferior's own offsetof/sizeof report,
 * from each source: DWARF, separate debug files, the built-in table.
 */
class InferiorLayoutTest {
    private static final LayoutResolver.Options NO_CACHE = new LayoutResolver.Options(null, null, List.of());

    static Layout resolve(Path binary, LayoutResolver.Options options) throws IOException {
        try (ElfFile elf = ElfFile.open(binary)) {
            ZeekBinary zb = ZeekBinary.identify(elf, binary.toString());
            return new LayoutResolver(options).resolve(zb, binary.toString()).layout();
        }
    }

    static void assertSameAsOwnReport(Path binary, Layout layout) {
        Map<String, String> own = MiniZeek.ownLayout(binary);
        for (LayoutField f : LayoutField.values()) {
            assertEquals(Long.parseLong(own.get(f.key())), layout.get(f), binary + ": " + f.key() + " from " + layout.source());
        }
        assertEquals(own.get("symbol.call_stack"), layout.callStackSymbol());
        assertEquals(own.get("symbol.g_frame_stack"), layout.frameStackSymbol() == null ? "-" : layout.frameStackSymbol());
        assertEquals(own.get("abi.string"), layout.stringAbi().key());
    }

    @ParameterizedTest(name = "{0} {1}{2}")
    @CsvSource({
        "gcc, 3.0, ''", "gcc, 8.0, ''", "gcc, 9.0, ''",
        "gcc, 3.0, .zdebug", "gcc, 8.0, .zdebug", "gcc, 9.0, .zdebug",
        "gcc, 3.0, .dwarf4", "gcc, 8.0, .dwarf4", "gcc, 9.0, .dwarf4",
        "clang, 3.0, ''", "clang, 8.0, ''", "clang, 9.0, ''",
        "clang-libcxx, 3.0, ''", "clang-libcxx, 8.0, ''", "clang-libcxx, 9.0, ''"})
    void dwarfLayoutEqualsTheInferiorsOwnReport(String compiler, String family, String suffix) throws IOException {
        assumeTrue(MiniZeek.has(compiler), compiler + " is not installed");
        Path bin = MiniZeek.binary(compiler, family, suffix);
        Layout layout = resolve(bin, NO_CACHE);
        assertTrue(layout.source().startsWith("DWARF in " + bin), layout.source());
        assertSameAsOwnReport(bin, layout);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"3.0", "8.0", "9.0"})
    void separateDebugFilesAreFoundByDebuglinkAndByBuildId(String family) throws IOException {
        Path withDebug = MiniZeek.binary("gcc", family, "");
        Path linked = MiniZeek.binaries().resolve("gcc/debuglink/mini-zeek-" + family);
        Layout viaLink = resolve(linked, NO_CACHE);
        assertTrue(viaLink.source().contains("found by debuglink"), viaLink.source());
        assertSameAsOwnReport(withDebug, viaLink);

        Path byId = MiniZeek.binaries().resolve("gcc/buildid/mini-zeek-" + family);
        Path root = MiniZeek.binaries().resolve("gcc/buildid/debug-root");
        Layout viaId = resolve(byId, NO_CACHE.withDebugRoots(List.of(root)));
        assertTrue(viaId.source().contains("found by build-id"), viaId.source());
        assertSameAsOwnReport(withDebug, viaId);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"gcc, 3.0", "gcc, 8.0", "gcc, 9.0", "clang, 3.0", "clang, 8.0", "clang, 9.0"})
    void builtInTableEqualsTheInferiorsOwnReport(String compiler, String family) throws IOException {
        assumeTrue(MiniZeek.has(compiler), compiler + " is not installed");
        Path bin = MiniZeek.binary(compiler, family, "");
        Path stripped = MiniZeek.binary("gcc", family, ".stripped");
        Layout layout = resolve(stripped, NO_CACHE);
        assertTrue(layout.source().startsWith("built-in table"), layout.source());
        assertSameAsOwnReport(bin, layout);
    }

    @Test
    void theCacheServesTheSecondLookupAndIgnoresDamage(@TempDir Path dir) throws IOException {
        Path bin = MiniZeek.binary("gcc", "8.0", "");
        LayoutCache cache = new LayoutCache(dir);
        LayoutResolver.Options options = NO_CACHE.withCache(cache);
        Layout first = resolve(bin, options);
        assertTrue(first.source().startsWith("DWARF"), first.source());
        Layout second = resolve(bin, options);
        assertTrue(second.source().startsWith("cache "), second.source());
        assertEquals(first, second);
        try (var files = Files.list(dir)) {
            Path entry = files.filter(p -> p.toString().endsWith(".layout")).findFirst().orElseThrow();
            Files.writeString(entry, "Func.name=garbage\n");
        }
        assertTrue(resolve(bin, options).source().startsWith("DWARF"));
    }

    @Test
    void aLayoutFileFromADebugBuildServesTheStrippedBuild(@TempDir Path dir) throws IOException {
        Path debug = MiniZeek.binary("gcc", "9.0", "");
        Layout fromDwarf = resolve(debug, NO_CACHE);
        Path file = dir.resolve("zeek.layout");
        Files.writeString(file, LayoutFile.format(fromDwarf, Map.of("zeek.version", "9.0.0-rc1")));
        Layout given = resolve(MiniZeek.binary("gcc", "9.0", ".stripped"), NO_CACHE.withLayoutFile(file));
        assertEquals(fromDwarf, given);
        assertEquals("layout file " + file, given.source());
    }

    @Test
    void aStrippedBinaryOfAnUnknownVersionFailsWithAdvice(@TempDir Path dir) throws IOException {
        // The same stripped binary, its version string patched to a release no table covers.
        Path stripped = MiniZeek.binary("gcc", "8.0", ".stripped");
        byte[] bytes = Files.readAllBytes(stripped);
        byte[] from = "8.0.10\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] to = "2.6.40\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int at = indexOf(bytes, from);
        assertTrue(at > 0, "version string not found");
        System.arraycopy(to, 0, bytes, at, to.length);
        Path patched = dir.resolve("zeek");
        Files.write(patched, bytes);
        LayoutException e = assertThrows(LayoutException.class, () -> resolve(patched, NO_CACHE));
        assertTrue(e.getMessage().startsWith("no layout for " + patched + " (Zeek 2.6.40, build-id "), e.getMessage());
        assertTrue(e.getMessage().contains("install its debug symbols"), e.getMessage());
        assertTrue(e.getMessage().contains("--layout FILE"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void aProgramThatIsNotZeekIsNamedAsSuch() throws IOException {
        Path ls = Path.of("/bin/ls");
        try (ElfFile elf = ElfFile.open(ls)) {
            LayoutException e = assertThrows(LayoutException.class, () -> ZeekBinary.identify(elf, "/bin/ls"));
            assertEquals("/bin/ls is not Zeek: it has no call_stack symbol (_ZN4zeek6detail10call_stackE or call_stack)",
                    e.getMessage());
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
