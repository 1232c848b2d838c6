package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * zeek-spy.jar as built, run the way the {@code zeek-spy} launcher runs it, in a directory of
 * its own, standard error to {@code stderr.txt} there; for integration tests that signal or
 * kill it.
 */
final class SpyJar {
    private static final Pattern TOTAL = Pattern.compile("(?m)^zeek-spy: (\\d+) samples in ");

    final Process process;
    final Path stderr;

    private SpyJar(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
    }

    /** Starts {@code java -jar zeek-spy.jar ARGS} in {@code dir}. */
    static SpyJar start(Path dir, String... args) throws IOException {
        String jar = System.getProperty("zeekspy.agent.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no zeek-spy.jar (" + jar + "): run the *IT tests with 'mvn verify'");
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:FlightRecorderOptions:stackdepth=2048", "-jar", jar));
        cmd.addAll(List.of(args));
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile());
        pb.environment().put("_JAVA_SR_SIGNUM", "39");
        return new SpyJar(pb.start(), err);
    }

    /** Runs {@code zeek-spy ARGS} to its end (at most a minute); returns its exit code. */
    static SpyJar run(Path dir, String... args) throws Exception {
        SpyJar spy = start(dir, args);
        assertTrue(spy.process.waitFor(60, TimeUnit.SECONDS), "zeek-spy " + String.join(" ", args) + " ended");
        return spy;
    }

    long pid() {
        return process.pid();
    }

    String err() throws IOException {
        return Files.readString(stderr);
    }

    /** Waits until standard error has a line containing {@code text}; fails if zeek-spy ends first. */
    String await(String text, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            for (String line : err().split("[\r\n]")) {
                if (line.contains(text)) {
                    return line;
                }
            }
            assertTrue(process.isAlive(), "zeek-spy ended before printing '" + text + "': " + err());
            assertTrue(System.currentTimeMillis() < deadline, "zeek-spy did not print '" + text + "': " + err());
            Thread.sleep(50);
        }
    }

    /** Waits until zeek-spy is recording (it said so). */
    void awaitRecording() throws Exception {
        await("Ctrl+C stops", 60_000);
    }

    int awaitExit(long seconds) throws Exception {
        assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "zeek-spy ended: " + err());
        return process.exitValue();
    }

    /** The total of the end summary's {@code zeek-spy: N samples in T s}. */
    long summarySamples() throws IOException {
        Matcher m = TOTAL.matcher(err().replace('\r', '\n'));
        assertTrue(m.find(), "no summary in " + err());
        return Long.parseLong(m.group(1));
    }

    /** Standard error without the live status line's redrawn lines. */
    List<String> lines() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : err().split("[\r\n]+")) {
            String s = line.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "").strip();
            if (!s.isEmpty() && !s.matches("zeek-spy: \\d+ s, .*")) {
                out.add(s);
            }
        }
        return out;
    }
}
