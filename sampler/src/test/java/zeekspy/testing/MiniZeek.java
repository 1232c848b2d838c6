package zeekspy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The test inferior (examples/mini-zeek): builds every variant once per checkout, finds them,
 * and runs them for their own ground truth. Shared by the tests of every module (test-jar).
 */
public final class MiniZeek {
    /** The layout families, named by the Zeek version they model. */
    public static final List<String> FAMILIES = List.of("3.0", "8.0", "9.0");

    private static Path built;

    private MiniZeek() {}

    /** The checkout's root directory. */
    public static Path root() {
        String prop = System.getProperty("zeekspy.root");
        Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isRegularFile(q.resolve("examples/mini-zeek/build.sh"))) {
                return q;
            }
        }
        throw new IllegalStateException("cannot find examples/mini-zeek above " + p);
    }

    /** The directory with every variant, built on first use (build.sh skips what is up to date). */
    public static synchronized Path binaries() {
        if (built == null) {
            Path out = root().resolve("examples/mini-zeek/build");
            run(List.of("bash", root().resolve("examples/mini-zeek/build.sh").toString(), out.toString()), 900);
            built = out;
        }
        return built;
    }

    /** A variant, e.g. {@code binary("gcc", "8.0", "")} or {@code binary("gcc", "9.0", ".stripped")}. */
    public static Path binary(String compiler, String family, String suffix) {
        return binaries().resolve(compiler).resolve("mini-zeek-" + family + suffix);
    }

    /** Whether the compiler variant was built (clang may be missing). */
    public static boolean has(String compiler) {
        return Files.isDirectory(binaries().resolve(compiler));
    }

    /** The inferior's own report of its layout: {@code key -> value} of {@code --layout}. */
    public static Map<String, String> ownLayout(Path binary) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : run(List.of(binary.toString(), "--layout"), 30).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    /** Runs a command, returns its standard output; fails the test if it fails. */
    public static String run(List<String> command, int timeoutSeconds) {
        try {
            Path log = Files.createTempFile("mini-zeek", ".log");
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectError(log.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed with exit code " + p.exitValue() + ": "
                        + Files.readString(log));
            }
            Files.deleteIfExists(log);
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
