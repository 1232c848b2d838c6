package zeekspy.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.agent.HostApp;
import zeekspy.memory.ProcFs;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * zeek-spy opens no network port: neither {@code record} nor the agent in a host JVM holds a TCP,
 * UDP or raw socket, and a JVM with the agent has the sockets the same JVM has without it. The
 * one socket that {@code zeek-spy attach} brings is the JVM's own attach listener
 * ({@code /tmp/.java_pidPID}, a unix socket that jcmd creates just the same).
 *
 * <p>Not counted: the JDK's NIO "pre-close" socket, an unnamed unix socket whose other end is
 * closed at once (sun.nio.ch.FileDispatcherImpl makes it with socketpair when file channels are
 * first used, to dup2 over descriptors closed under a blocked thread); it reaches nothing.
 */
class NoNetworkPortIT {
    private static final long SETTLE_MILLIS = 3000;
    private static final ProcessResources.Socket PRE_CLOSE = new ProcessResources.Socket("unix", false, ProcessResources.UNNAMED);

    @Test
    void recordHoldsNoSocket(@TempDir Path dir) throws Exception {
        try (RunningInferior zeek = zeek()) {
            Process spy = new ProcessBuilder(ZeekSpyJar.command(ZeekSpyJar.jar(), "record", "--pid", Integer.toString(zeek.pid()),
                    "--rate", "1000", "--duration", "8", "--jfr", dir.resolve("r.jfr").toString()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("stderr.txt").toFile()).start();
            try {
                awaitTracedBy(zeek, spy.pid());
                Thread.sleep(SETTLE_MILLIS);
                assertEquals(List.of(), kinds(spy.pid()), "sockets of zeek-spy record");
                assertTrue(spy.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, spy.exitValue(), Files.readString(dir.resolve("stderr.txt")));
            } finally {
                spy.destroyForcibly();
            }
        }
    }

    @Test
    void theAgentAddsNoSocketToItsHost(@TempDir Path dir) throws Exception {
        try (RunningInferior zeek = zeek();
             IdleJvm bare = IdleJvm.start(dir.resolve("bare"));
             IdleJvm host = IdleJvm.start(dir.resolve("host"), "-javaagent:" + ZeekSpyJar.jar() + "=pid=" + zeek.pid() + ",rate=1000")) {
            awaitTracedBy(zeek, host.pid());
            Thread.sleep(SETTLE_MILLIS);
            assertEquals(List.of(), ProcessResources.networkSockets(host.pid()), "network sockets of the agent's host");
            assertEquals(kinds(bare.pid()), kinds(host.pid()), "the host's sockets, without and with the agent");
            host.ping();
        }
    }

    @Test
    void attachAddsOnlyTheJvmsOwnAttachListener(@TempDir Path dir) throws Exception {
        try (RunningInferior zeek = zeek();
             IdleJvm bare = IdleJvm.start(dir.resolve("bare"));
             IdleJvm host = IdleJvm.start(dir.resolve("host"))) {
            ZeekSpyJar.jcmd(bare.pid(), "VM.version"); // the JDK's attach mechanism, without zeek-spy
            Process attach = new ProcessBuilder(ZeekSpyJar.command(ZeekSpyJar.jar(), "attach", "--jvm", Long.toString(host.pid()),
                    "--zeek", Integer.toString(zeek.pid()), "--rate", "1000")).redirectErrorStream(true).start();
            String said = new String(attach.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, attach.exitValue(), said);
            awaitTracedBy(zeek, host.pid());
            Thread.sleep(SETTLE_MILLIS);
            assertEquals(List.of(), ProcessResources.networkSockets(host.pid()), "network sockets of the agent's host");
            List<String> withAgent = kinds(host.pid());
            assertEquals(kinds(bare.pid()), withAgent, "the host's sockets, after jcmd and after zeek-spy attach");
            // The JVM binds /tmp/.java_pidPID.tmp, then renames it; /proc/net/unix keeps the bound name.
            assertTrue(withAgent.size() == 1 && withAgent.get(0).matches("unix listening /tmp/\\.java_pidPID(\\.tmp)?"), withAgent.toString());
            host.ping();
        }
    }

    private static RunningInferior zeek() {
        return RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "600", "--workload", "deep");
    }

    /** Sockets of a JVM but NIO's pre-close socket, with its own pid written as PID, sorted: comparable between two JVMs. */
    private static List<String> kinds(long pid) {
        List<ProcessResources.Socket> sockets = new ArrayList<>(ProcessResources.sockets(pid));
        sockets.remove(PRE_CLOSE);
        return sockets.stream().map(s -> s.toString().replace(Long.toString(pid), "PID")).sorted().toList();
    }

    /** Waits until the process {@code tracer} traces the inferior: blocking sampling has started. */
    private static void awaitTracedBy(RunningInferior zeek, long tracer) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000; // a JVM starts slowly on a loaded machine
        while (ProcFs.tracerProcess(zeek.pid()) != tracer) {
            assertTrue(System.currentTimeMillis() < deadline, "process " + tracer + " does not trace the inferior");
            Thread.sleep(50);
        }
    }

    /** A JVM that idles ({@link HostApp}) with the given options; its stderr goes to {@code dir/stderr.txt}. */
    private static final class IdleJvm implements AutoCloseable {
        private final Process process;
        private final BufferedReader stdout;
        private final OutputStream stdin;

        private IdleJvm(Process process) {
            this.process = process;
            this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.stdin = process.getOutputStream();
        }

        static IdleJvm start(Path dir, String... options) throws IOException, URISyntaxException {
            Files.createDirectories(dir);
            List<String> cmd = new ArrayList<>(List.of(ZeekSpyJar.java()));
            cmd.addAll(List.of(options));
            Path classes = Path.of(HostApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            cmd.addAll(List.of("-cp", classes.toString(), HostApp.class.getName()));
            IdleJvm jvm = new IdleJvm(new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectError(dir.resolve("stderr.txt").toFile()).start());
            jvm.expect("ready");
            return jvm;
        }

        long pid() {
            return process.pid();
        }

        void ping() throws IOException {
            stdin.write("ping\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            expect("pong");
        }

        private void expect(String line) throws IOException {
            String got = stdout.readLine();
            assertEquals(line, got, "JVM " + pid() + " (alive: " + process.isAlive() + ")");
        }

        @Override
        public void close() throws IOException, InterruptedException {
            try {
                stdin.write("exit\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            } catch (IOException gone) {
                // Killed below.
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(Path.of("/tmp/zeek-spy-agent-" + process.pid() + ".status"));
            Files.deleteIfExists(Path.of("/tmp/zeek-spy-agent-" + process.pid() + ".jfc"));
        }
    }
}
