package zeekspy.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link HostApp} JVM for the agent tests: JVM options, its stdin and stdout lines, its stderr log. */
final class HostJvm implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private HostJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // The JVM has gone.
            }
        }, "host-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a host JVM with {@code jvmOptions}, its standard error going to {@code dir/stderr.txt}; waits until it is ready. */
    static HostJvm start(Path dir, String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", testClasses().toString(), HostApp.class.getName()));
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).start();
        HostJvm jvm = new HostJvm(p, err);
        jvm.expect("ready", 30);
        return jvm;
    }

    /** The agent jar built by mvn package (failsafe passes its path). */
    static Path agentJar() {
        String jar = System.getProperty(AgentClient.JAR_PROPERTY);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("no agent jar (" + jar + "): run these tests with 'mvn verify', which builds"
                    + " zeek-spy.jar first and sets -D" + AgentClient.JAR_PROPERTY);
        }
        return Path.of(jar);
    }

    /** Only the directory of the test classes: the host must not see zeek-spy except through the agent jar. */
    private static Path testClasses() {
        try {
            return Path.of(HostApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    int pid() {
        return (int) process.pid();
    }

    /** Waits for the next stdout line equal to {@code expected}. */
    void expect(String expected, int timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (expected.equals(line)) {
                    return;
                }
                if (line == null && !process.isAlive()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("host JVM " + pid() + " did not print '" + expected + "' (alive: " + process.isAlive()
                + "); its stderr: " + log());
    }

    /** Asserts that the JVM is alive and answers. */
    void ping() {
        send("ping");
        expect("pong", 10);
    }

    void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("host JVM " + pid() + " is gone: " + log(), e);
        }
    }

    /** Asks the JVM to exit normally and waits; returns its exit code. */
    int exit() throws InterruptedException {
        send("exit");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("host JVM " + pid() + " did not exit");
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** What the JVM wrote to standard error so far. */
    String log() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code jcmd PID args...}; returns its output, failing unless it succeeds. */
    String jcmd(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Integer.toString(pid())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("jcmd " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    /** The jcmd Thread.print header line of the thread named {@code name}, e.g. {@code "name" #18 daemon ... nid=0x4f2a ...}. */
    String threadLine(String name) throws IOException, InterruptedException {
        return jcmd("Thread.print").lines().filter(l -> l.startsWith("\"" + name + "\" ")).findFirst()
                .orElseThrow(() -> new AssertionError("no thread " + name + " in host JVM " + pid()));
    }

    /** The jcmd Thread.print header line of the thread with kernel thread id {@code tid}. */
    String threadWithNid(int tid) throws IOException, InterruptedException {
        String nid = " nid=0x" + Integer.toHexString(tid) + " ";
        return jcmd("Thread.print").lines().filter(l -> l.startsWith("\"") && l.contains(nid)).findFirst()
                .orElseThrow(() -> new AssertionError("no thread with id " + tid + " in host JVM " + pid()));
    }

    /** How many threads of the JVM have names starting with {@code prefix} (from jcmd Thread.print). */
    long threads(String prefix) throws IOException, InterruptedException {
        return jcmd("Thread.print").lines().filter(l -> l.startsWith("\"" + prefix)).count();
    }

    /** Ends the JVM, normally if it still listens, and removes the agent's files. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                try {
                    send("exit");
                } catch (UncheckedIOException gone) {
                    // Killed below.
                }
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            Files.deleteIfExists(AgentFiles.statusFile(process.pid()));
            Files.deleteIfExists(AgentFiles.settingsFile(process.pid()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
