package zeekspy.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.sampling.Sampler;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** The agent's entry point in this JVM, as {@code agentmain} runs it. */
class ZeekSpyAgentTest {
    /** As deep as the JFR tests in this JVM want it, so that the agent's raise does not get in their way. */
    private static final String DEPTH = ",depth=2046";
    private static final long OWN_PID = ProcessHandle.current().pid();

    @AfterEach
    void stop() {
        ZeekSpyAgent.handle("stop", false);
    }

    private static long samplerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("zeek-spy-sampler-")).count();
    }

    private static AgentStatus statusFile() throws Exception {
        return AgentStatus.parse(Files.readString(AgentFiles.statusFile(OWN_PID)));
    }

    @Test
    void oneSamplingPerJvmThenStopAndStatus() throws Exception {
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "30")) {
            String pid = "pid=" + zeek.pid();
            AgentStatus started = ZeekSpyAgent.handle(pid + ",rate=200" + DEPTH + ",reply=t1", false);
            assertTrue(started.ok(), started.message());
            assertEquals("t1", started.reply());
            assertEquals(AgentStatus.State.SAMPLING, started.state());
            assertTrue(started.message().startsWith("sampling Zeek 8.0"), started.message());
            assertTrue(started.totalSamples() > 0, "answered after the first sample");
            assertEquals(started, statusFile());
            assertTrue(Files.readString(AgentFiles.settingsFile(OWN_PID)).contains("zeek.Sample"));
            assertTrue(System.getProperty(ZeekSpyAgent.ACTIVE_PROPERTY).contains("Zeek 8.0"));

            AgentStatus twice = ZeekSpyAgent.handle(pid + ",rate=50,reply=t2", false);
            assertFalse(twice.ok());
            assertEquals("t2", twice.reply());
            assertTrue(twice.message().startsWith("already sampling Zeek 8.0"), twice.message());
            assertEquals(200, twice.rate());
            assertEquals(1, samplerThreads());

            AgentStatus status = ZeekSpyAgent.handle("status", false);
            assertTrue(status.ok());
            assertNull(status.processes().get(0).endReason());

            AgentStatus stopped = ZeekSpyAgent.handle("stop,reply=t4", false);
            assertTrue(stopped.ok(), stopped.message());
            assertEquals(AgentStatus.State.STOPPED, stopped.state());
            assertTrue(stopped.message().startsWith("stopped sampling Zeek 8.0"), stopped.message());
            assertEquals(0, samplerThreads());
            assertNull(System.getProperty(ZeekSpyAgent.ACTIVE_PROPERTY));
            AgentStatus.ProcessStatus p = ZeekSpyAgent.handle("status", false).processes().get(0);
            assertEquals(zeek.pid(), p.pid());
            assertEquals("stopped", p.endReason());
            assertTrue(p.samples() >= started.totalSamples());

            AgentStatus nothing = ZeekSpyAgent.handle("stop", false);
            assertFalse(nothing.ok());
            assertEquals("not sampling, nothing to stop", nothing.message());

            AgentStatus again = ZeekSpyAgent.handle(pid + ",nonblocking" + DEPTH, false);
            assertTrue(again.ok(), again.message());
            assertEquals("nonblocking", again.mode());
            assertTrue(zeek.alive());
        }
    }

    @Test
    void aCopyOfTheAgentInAnotherClassLoaderDoesNotSampleToo() throws Exception {
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "30")) {
            assertTrue(ZeekSpyAgent.handle("pid=" + zeek.pid() + DEPTH, false).ok());
            List<URL> path = new ArrayList<>();
            for (Class<?> c : List.of(ZeekSpyAgent.class, Sampler.class, ZeekJfrFormat.class)) {
                path.add(c.getProtectionDomain().getCodeSource().getLocation());
            }
            try (URLClassLoader isolated = new URLClassLoader(path.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
                Class<?> copy = isolated.loadClass(ZeekSpyAgent.class.getName());
                assertNotSame(ZeekSpyAgent.class, copy);
                Method handle = copy.getDeclaredMethod("handle", String.class, boolean.class);
                handle.setAccessible(true);
                handle.invoke(null, "pid=" + zeek.pid() + ",reply=t3", false);
            }
            AgentStatus answer = statusFile();
            assertEquals("t3", answer.reply());
            assertFalse(answer.ok());
            assertTrue(answer.message().startsWith("another copy of the zeek-spy agent (in another class loader) samples in"
                    + " this JVM: loader@"), answer.message());
            assertEquals(1, samplerThreads());
        }
    }

    @Test
    void samplingEndsWhenZeekExits() throws Exception {
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "30")) {
            assertTrue(ZeekSpyAgent.handle("pid=" + zeek.pid() + DEPTH, false).ok());
            zeek.signal("TERM");
            assertTrue(zeek.awaitExit(10_000));
            long deadline = System.currentTimeMillis() + 10_000;
            AgentStatus s = ZeekSpyAgent.handle("status", false);
            while (s.state() == AgentStatus.State.SAMPLING && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                s = ZeekSpyAgent.handle("status", false);
            }
            assertEquals(AgentStatus.State.ENDED, s.state());
            assertTrue(s.processes().get(0).endReason() != null);
            assertEquals(s.state(), statusFile().state(), "the status file follows the end");
            assertNull(System.getProperty(ZeekSpyAgent.ACTIVE_PROPERTY));
            assertEquals(0, samplerThreads());
        }
    }

    @Test
    void badArgumentsAreAnsweredAndNothingStarts() throws Exception {
        AgentStatus bad = ZeekSpyAgent.handle("pid=1,bogus,reply=t5", false);
        assertFalse(bad.ok());
        assertEquals("t5", bad.reply());
        assertEquals("bad agent arguments 'pid=1,bogus': unknown agent argument 'bogus' (known: pid, all, rate,"
                + " nonblocking, nocpupoll, depth, layout, stop, status, reply)", bad.message());
        assertEquals(bad, statusFile());
        assertEquals(0, samplerThreads());
        AgentStatus gone = ZeekSpyAgent.handle("pid=999999999" + DEPTH, false);
        assertFalse(gone.ok());
        assertEquals("cannot sample Zeek pid 999999999 at 100 Hz (blocking): no process with pid 999999999", gone.message());
        assertEquals(AgentStatus.State.ENDED, gone.state());
        assertNull(System.getProperty(ZeekSpyAgent.ACTIVE_PROPERTY));
    }
}
