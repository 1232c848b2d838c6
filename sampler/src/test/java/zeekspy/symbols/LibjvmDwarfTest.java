package zeekspy.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * HotSpot class layouts from Debian's openjdk-17-dbg (a 156 MB debug file with 250 MB of
 * zlib-compressed DWARF 5 .debug_info, made by GCC 12 with -O3), against gdb's answers.
 *
 * <p>The expected numbers were taken once, offline, from build-id
 * 45183927463c526d5b9c9d456494ad816a7e3fee (openjdk-17 17.0.x, Debian 12) with
 * <pre>
 * gdb -batch -ex 'ptype /o struct JavaThread' -ex 'ptype /o struct Thread' \
 *     -ex 'ptype /o struct InstanceKlass' -ex 'ptype /o struct Klass' -ex 'ptype /o struct Method' \
 *     -ex 'ptype /o struct ConstMethod' -ex 'ptype /o struct oopDesc' -ex 'ptype /o struct CodeBlob' \
 *     -ex 'ptype /o struct nmethod' -ex 'ptype /o struct CompiledMethod' \
 *     /usr/lib/debug/.build-id/45/183927463c526d5b9c9d456494ad816a7e3fee.debug
 * </pre>
 * (about a minute). Another openjdk-17 build may legitimately differ; then run gdb again.
 */
class LibjvmDwarfTest {
    static final Path LIBJVM = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so");
    private static final Set<String> TYPES = Set.of("JavaThread", "Thread", "InstanceKlass", "Klass", "Method",
            "ConstMethod", "oopDesc", "CodeBlob", "nmethod", "CompiledMethod");

    private static Map<String, StructType> found;

    /** The libjvm debug file, or the test is skipped naming the package to install. */
    static Path libjvmDebugFile(DebugFileLocator locator) throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(LIBJVM),
                () -> LIBJVM + " is missing: install openjdk-17-jdk-headless and openjdk-17-dbg to run this test");
        try (ElfFile elf = ElfFile.open(LIBJVM)) {
            Optional<DebugFile> debug = locator.locate(elf);
            String buildId = elf.buildId().orElse("?");
            Assumptions.assumeTrue(debug.isPresent(), () -> "no debug file for " + LIBJVM + " (build-id "
                    + buildId + "): install openjdk-17-dbg to run this test");
            return debug.get().path();
        }
    }

    private static synchronized Map<String, StructType> types() throws IOException {
        if (found == null) {
            try (ElfFile elf = ElfFile.open(libjvmDebugFile(new DebugFileLocator()))) {
                found = DwarfTypes.of(elf).find(TYPES);
            }
        }
        return found;
    }

    @Test
    void skipsWithAMessageWhenTheDebugPackageIsMissing(@TempDir Path emptyRoot) {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> libjvmDebugFile(new DebugFileLocator(List.of(emptyRoot))));
        assertTrue(e.getMessage().contains("install openjdk-17-dbg"), e.getMessage());
    }

    @Test
    void locatesTheDebugFileByBuildId() throws IOException {
        Path debug = libjvmDebugFile(new DebugFileLocator());
        try (ElfFile lib = ElfFile.open(LIBJVM); ElfFile dbg = ElfFile.open(debug)) {
            assertEquals(lib.buildId(), dbg.buildId());
            assertTrue(dbg.hasDebugInfo());
            assertTrue(dbg.section(".debug_info").orElseThrow().isCompressed());
            assertEquals(DebugFile.Source.BUILD_ID, new DebugFileLocator().locate(lib).orElseThrow().source());
            assertTrue(lib.dynamicSymbol("JNI_CreateJavaVM").orElseThrow().isDefined());
        }
    }

    @Test
    void sizesAgreeWithGdb() throws IOException {
        Map<String, StructType> t = types();
        assertEquals(TYPES, t.keySet());
        List<String> wrong = new ArrayList<>();
        expect(wrong, "JavaThread", 1384, t);
        expect(wrong, "Thread", 648, t);
        expect(wrong, "InstanceKlass", 464, t);
        expect(wrong, "Klass", 208, t);
        expect(wrong, "Method", 88, t);
        expect(wrong, "ConstMethod", 48, t);
        expect(wrong, "oopDesc", 16, t);
        expect(wrong, "CodeBlob", 104, t);
        expect(wrong, "nmethod", 352, t);
        expect(wrong, "CompiledMethod", 192, t);
        assertEquals(List.of(), wrong);
    }

    @Test
    void memberOffsetsAndSizesAgreeWithGdb() throws IOException {
        Map<String, StructType> t = types();
        List<String> wrong = new ArrayList<>();
        member(wrong, t, "JavaThread", "_on_thread_list", 641, 1);
        member(wrong, t, "JavaThread", "_threadObj", 648, 8);
        member(wrong, t, "JavaThread", "_anchor", 656, 24);
        member(wrong, t, "JavaThread", "_entry_point", 680, 8);
        member(wrong, t, "JavaThread", "_vm_result", 744, 8);
        member(wrong, t, "JavaThread", "_thread_state", 824, 4);
        member(wrong, t, "JavaThread", "_osthread", 560, 8);     // in base Thread
        member(wrong, t, "JavaThread", "_stack_base", 592, 8);   // Thread's, not the nested one at 960
        member(wrong, t, "Thread", "_gc_data", 32, 152);
        member(wrong, t, "Thread", "_tlab", 256, 120);
        member(wrong, t, "InstanceKlass", "_constants", 232, 8);
        member(wrong, t, "InstanceKlass", "_init_state", 315, 1);
        member(wrong, t, "InstanceKlass", "_misc_flags", 318, 2);
        member(wrong, t, "InstanceKlass", "_init_thread", 320, 8);
        member(wrong, t, "InstanceKlass", "_name", 24, 8);       // in base Klass
        member(wrong, t, "InstanceKlass", "_super", 120, 8);
        member(wrong, t, "Klass", "_layout_helper", 8, 4);
        member(wrong, t, "Klass", "_class_loader_data", 152, 8);
        member(wrong, t, "Method", "_constMethod", 8, 8);
        member(wrong, t, "Method", "_access_flags", 40, 4);
        member(wrong, t, "Method", "_code", 72, 8);
        member(wrong, t, "Method", "_from_interpreted_entry", 80, 8);
        member(wrong, t, "ConstMethod", "_fingerprint", 0, 8);
        member(wrong, t, "ConstMethod", "_code_size", 32, 2);
        member(wrong, t, "ConstMethod", "_max_locals", 42, 2);
        member(wrong, t, "oopDesc", "_mark", 0, 8);
        member(wrong, t, "oopDesc", "_metadata", 8, 8);
        member(wrong, t, "CodeBlob", "_type", 8, 4);
        member(wrong, t, "CodeBlob", "_code_begin", 32, 8);
        member(wrong, t, "CodeBlob", "_name", 96, 8);
        member(wrong, t, "CompiledMethod", "_mark_for_deoptimization_status", 104, 4);
        member(wrong, t, "CompiledMethod", "_has_unsafe_access", 108, 4); // bit-field in a 4-byte unit
        member(wrong, t, "CompiledMethod", "_method", 112, 8);
        member(wrong, t, "nmethod", "_entry_bci", 192, 4);
        member(wrong, t, "nmethod", "_comp_level", 308, 4);
        member(wrong, t, "nmethod", "_has_flushed_dependencies", 312, 1);
        member(wrong, t, "nmethod", "_method", 112, 8);           // base CompiledMethod
        member(wrong, t, "nmethod", "_name", 96, 8);              // two bases down, CodeBlob
        assertEquals(List.of(), wrong);
    }

    @Test
    void baseClassesAreLinked() throws IOException {
        Map<String, StructType> t = types();
        assertEquals("Thread", t.get("JavaThread").bases().get(0).name());
        assertEquals(0, t.get("JavaThread").bases().get(0).offset());
        assertEquals(648, t.get("JavaThread").bases().get(0).type().byteSize());
        assertEquals("Klass", t.get("InstanceKlass").bases().get(0).name());
        assertEquals("CompiledMethod", t.get("nmethod").bases().get(0).name());
        assertEquals("CodeBlob", t.get("nmethod").bases().get(0).type().bases().get(0).name());
    }

    private static void expect(List<String> wrong, String type, long size, Map<String, StructType> t) {
        if (t.get(type).byteSize() != size) {
            wrong.add("sizeof(" + type + "): gdb " + size + ", reader " + t.get(type).byteSize());
        }
    }

    private static void member(List<String> wrong, Map<String, StructType> t, String type, String name, long offset,
            long size) {
        Optional<StructMember> m = t.get(type).findMember(name);
        if (m.isEmpty()) {
            wrong.add(type + "." + name + ": not found");
        } else if (m.get().offset() != offset || m.get().byteSize() != size) {
            wrong.add(type + "." + name + ": gdb " + offset + "/" + size + ", reader " + m.get().offset() + "/"
                    + m.get().byteSize());
        }
    }
}
