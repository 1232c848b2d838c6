package zeekspy.testing;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A mini-zeek started so that it is NOT a child of this JVM (a shell starts it in the
 * background and exits): zeek-spy may trace it as it would trace a real Zeek, and no JDK
 * thread waits for it. Standard output goes to a file read line by line; standard input comes
 * from a FIFO this object writes.
 */
public final class RunningInferior implements AutoCloseable {
    private final int pid;
    private final Path dir;
    private final Path stdout;
    private final OutputStream stdin;
    private int consumed;

    private RunningInferior(int pid, Path dir, Path stdout, OutputStream stdin) {
        this.pid = pid;
        this.dir = dir;
        this.stdout = stdout;
        this.stdin = stdin;
    }

    public static RunningInferior start(Path binary, String... args) {
        try {
            Path dir = Files.createTempDirectory("mini-zeek-run");
            Path fifo = dir.resolve("stdin");
            Path out = dir.resolve("stdout");
            Path pidFile = dir.resolve("pid");
            MiniZeek.run(List.of("mkfifo", fifo.toString()), 10);
            StringBuilder cmd = new StringBuilder("exec ").append(quote(binary.toString()));
            for (String a : args) {
                cmd.append(' ').append(quote(a));
            }
            String script = "(" + cmd + " <" + quote(fifo.toString()) + " >" + quote(out.toString()) + " 2>&1) & echo $! >"
                    + quote(pidFile.toString());
            List<String> sh = new ArrayList<>(List.of("sh", "-c", script));
            Process p = new ProcessBuilder(sh).start();
            OutputStream stdin = new FileOutputStream(fifo.toFile()); // meets the inferior's open of the FIFO
            p.waitFor();
            int pid = Integer.parseInt(Files.readString(pidFile).strip());
            RunningInferior r = new RunningInferior(pid, dir, out, stdin);
            r.awaitLine("ready ", 30_000);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    public int pid() {
        return pid;
    }

    /** Waits for the next output line starting with {@code prefix} (others are skipped). */
    public String awaitLine(String prefix, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            List<String> lines = lines();
            while (consumed < lines.size()) {
                String line = lines.get(consumed++);
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("mini-zeek " + pid + " printed no '" + prefix + "' line; output: " + lines);
            }
            if (!alive() && consumed >= lines().size()) {
                throw new AssertionError("mini-zeek " + pid + " ended without a '" + prefix + "' line; output: " + lines);
            }
            sleep(5);
        }
    }

    /** Every complete line printed so far. */
    public List<String> lines() {
        try {
            if (!Files.exists(stdout)) {
                return List.of(); // the shell has not redirected yet
            }
            String text = Files.readString(stdout, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one line to the inferior's standard input. */
    public void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean alive() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits for the process to end (it is not our child: polls /proc). */
    public boolean awaitExit(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (alive()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            sleep(10);
        }
        return true;
    }

    public void signal(String name) {
        MiniZeek.run(List.of("kill", "-" + name, Integer.toString(pid)), 10);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // The inferior may be gone already.
        }
        if (alive()) {
            MiniZeek.run(List.of("sh", "-c", "kill -9 " + pid + " 2>/dev/null; true"), 10);
            awaitExit(5000);
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // Temporary files only.
        }
    }
}
