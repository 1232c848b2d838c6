package zeekspy.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds {@code layouts.cpp} with real compilers at test time, once per variant and JVM, and
 * runs it for its own report of sizes, offsets and addresses.
 */
final class CompiledLayouts {
    /** A compiler and its DWARF flags; every build also gets -g -O2. */
    enum Variant {
        GCC_DWARF5("g++", "-gdwarf-5"),
        GCC_DWARF4("g++", "-gdwarf-4"),
        GCC_GZ_ZLIB("g++", "-gdwarf-5", "-gz=zlib"),
        GCC_ZDEBUG("g++", "-gdwarf-4", "-gz=zlib-gnu"),
        GCC_DWARF4_TYPE_UNITS("g++", "-gdwarf-4", "-fdebug-types-section"),
        GCC_DWARF5_TYPE_UNITS("g++", "-gdwarf-5", "-fdebug-types-section"),
        GCC_NO_PIE("g++", "-gdwarf-5", "-no-pie", "-fno-pie"),
        GCC_DWARF64("g++", "-gdwarf-5", "-gdwarf64"),
        CLANG_DWARF5("clang++", "-gdwarf-5"),
        CLANG_DWARF4("clang++", "-gdwarf-4"),
        CLANG_GZ_ZLIB("clang++", "-gdwarf-5", "-gz=zlib");

        final String compiler;
        final List<String> flags;

        Variant(String compiler, String... flags) {
            this.compiler = compiler;
            this.flags = List.of(flags);
        }

        boolean isClang() {
            return compiler.startsWith("clang");
        }

        /** The build-id linked into this variant: 20 bytes, the last one the ordinal. */
        String buildId() {
            return "0123456789abcdef0123456789abcdef012345" + String.format("%02x", ordinal());
        }
    }

    private static Path dir;
    private static final Map<Variant, Path> BINARIES = new EnumMap<>(Variant.class);
    private static final Map<Variant, Map<String, String>> REPORTS = new EnumMap<>(Variant.class);

    private CompiledLayouts() {
    }

    /** A scratch directory removed when the JVM exits. */
    static synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("zeekspy-symbols-");
            Path d = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
        }
        return dir;
    }

    /** The built program; the test is skipped if the compiler is not installed. */
    static synchronized Path binary(Variant v) throws IOException, InterruptedException {
        Path bin = BINARIES.get(v);
        if (bin != null) {
            return bin;
        }
        Assumptions.assumeTrue(onPath(v.compiler), v.compiler + " is not installed; skipping " + v);
        Path src = dir().resolve("layouts.cpp");
        if (!Files.exists(src)) {
            try (InputStream in = CompiledLayouts.class.getResourceAsStream("layouts.cpp")) {
                Files.copy(in, src);
            }
        }
        bin = dir().resolve("layouts-" + v.name().toLowerCase());
        List<String> cmd = new ArrayList<>(List.of(v.compiler, "-g", "-O2"));
        cmd.addAll(v.flags);
        cmd.addAll(List.of("-Wno-invalid-offsetof", "-rdynamic", "-Wl,--build-id=0x" + v.buildId(),
                "-o", bin.toString(), src.toString()));
        run(cmd);
        BINARIES.put(v, bin);
        return bin;
    }

    /** The program's own report: {@code T.size}, {@code T.member} ("offset size"), {@code T:Base}, addresses. */
    static synchronized Map<String, String> report(Variant v) throws IOException, InterruptedException {
        Map<String, String> r = REPORTS.get(v);
        if (r == null) {
            r = new LinkedHashMap<>();
            for (String line : run(List.of(binary(v).toString())).split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0) {
                    r.put(line.substring(0, sp), line.substring(sp + 1));
                }
            }
            REPORTS.put(v, r);
        }
        return r;
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command, fails the test if it fails, returns its standard output. */
    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + " failed:\n" + text);
        return text;
    }

    private static void deleteTree(Path d) {
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
