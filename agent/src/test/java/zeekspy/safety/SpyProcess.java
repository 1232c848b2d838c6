package zeekspy.safety;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A zeek-spy JVM started by a test to be killed: its standard output lines are collected as they
 * come (they tell which phase it is in), its standard error goes to a file.
 */
final class SpyProcess {
    private final Process process;
    private final Path stderr;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private final long startNanos = System.nanoTime();
    private long firstLineNanos = -1;

    private SpyProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(this::read, "spy-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static SpyProcess start(List<String> command, Path stderr) throws IOException {
        return new SpyProcess(new ProcessBuilder(command).redirectError(stderr.toFile()).start(), stderr);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (this) {
                    if (firstLineNanos < 0) {
                        firstLineNanos = System.nanoTime();
                    }
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The process was killed: its output ends here.
        }
    }

    long pid() {
        return process.pid();
    }

    /** Waits for an output line starting with {@code prefix}. */
    synchronized void await(String prefix, long millis) throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (lines.stream().noneMatch(l -> l.startsWith(prefix))) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                throw new AssertionError("zeek-spy " + process.pid() + " printed no '" + prefix + "' (alive " + process.isAlive()
                        + "), output " + lines + ", stderr: " + Files.readString(stderr));
            }
            wait(Math.min(left, 50));
        }
    }

    /** Waits for {@code text} in the standard error. */
    void awaitStderr(String text, long millis) throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + millis;
        while (!Files.readString(stderr).contains(text)) {
            if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                throw new AssertionError("zeek-spy " + process.pid() + " printed no '" + text + "' (alive " + process.isAlive()
                        + "), stderr: " + Files.readString(stderr));
            }
            Thread.sleep(5);
        }
    }

    /** Milliseconds from the start to the first output line, -1 if none yet. */
    synchronized long millisToFirstLine() {
        return firstLineNanos < 0 ? -1 : (firstLineNanos - startNanos) / 1_000_000;
    }

    /** SIGKILL, and waits until it is gone and its output is read. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("zeek-spy " + process.pid() + " survived SIGKILL");
        }
        reader.join(10_000);
    }

    /** Waits for the process to end by itself; its exit code. */
    int waitFor(long millis) throws InterruptedException {
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("zeek-spy " + process.pid() + " did not end in " + millis + " ms");
        }
        reader.join(10_000);
        return process.exitValue();
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }
}
