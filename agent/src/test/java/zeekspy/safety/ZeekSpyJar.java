package zeekspy.safety;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The shaded zeek-spy.jar that mvn package built (failsafe passes its path), run as users run it. */
final class ZeekSpyJar {
    private static final String JAR_PROPERTY = "zeekspy.agent.jar";

    private ZeekSpyJar() {}

    static Path jar() {
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no zeek-spy.jar (" + jar + "): run these tests with 'mvn verify', which builds"
                    + " it first and sets -D" + JAR_PROPERTY);
        }
        return Path.of(jar);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java -jar JAR args...}, as the launcher runs it. */
    static List<String> command(Path jar, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:FlightRecorderOptions:stackdepth=2048", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code jcmd PID args...}; returns its output, failing unless it succeeds. */
    static String jcmd(long pid, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError("jcmd " + pid + " " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    /** The heap in use after a full GC of JVM {@code pid}, in KiB (jcmd GC.run, then GC.heap_info). */
    static long heapAfterGcKiB(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        for (String line : info.split("\n")) {
            int used = line.indexOf(" used ");
            if (line.contains(" heap ") && used > 0) {
                String value = line.substring(used + 6).trim();
                return Long.parseLong(value.substring(0, value.indexOf('K')));
            }
        }
        throw new AssertionError("no heap usage in jcmd GC.heap_info: " + info);
    }
}
