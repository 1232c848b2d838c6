package zeekspy.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.memory.ProcFs;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** {@code -javaagent:zeek-spy.jar=...}: a JVM that samples Zeek from its start. */
class PremainIT {
    @Test
    void theHostsStartupRecordingHoldsZeekSamplesWithZeekStacks(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("host.jfr");
        int depth = 100;
        int zeekPid;
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "30",
                "--workload", "deep", "--depth", Integer.toString(depth));
             HostJvm host = HostJvm.start(dir, "-javaagent:" + HostJvm.agentJar() + "=pid=" + zeek.pid() + ",rate=200",
                     "-XX:StartFlightRecording=settings=" + ZeekStacks.settings(dir) + ",filename=" + jfr)) {
            zeekPid = zeek.pid();
            Thread.sleep(3000);
            host.ping();
            assertEquals(0, host.exit());
            assertTrue(host.log().contains(ZeekSpyAgent.LOG_PREFIX + "sampling Zeek 8.0"), host.log());
            assertTrue(zeek.alive(), "the inferior outlives the host JVM's exit");
            assertEquals(0, ProcFs.tracerPid(zeek.pid()), "detached");
        }

        List<RecordedEvent> samples = ZeekStacks.events(jfr, ZeekJfrFormat.SAMPLE_EVENT);
        assertTrue(samples.size() > 100, samples.size() + " samples in ~3 s at 200 Hz");
        int deepest = 0;
        boolean hashit = false;
        for (RecordedEvent e : samples) {
            assertEquals(zeekPid, e.getInt("pid"));
            if ("script".equals(e.getString("kind"))) {
                List<ZeekStacks.Frame> stack = ZeekStacks.zeekStack(e);
                assertEquals(e.getInt("depth"), stack.size(), "whole stack kept: " + stack);
                deepest = Math.max(deepest, stack.size());
                for (ZeekStacks.Frame f : stack) {
                    assertTrue(f.file().equals(ZeekStacks.SLOW_DNS) || f.file().equals(ZeekJfrFormat.BUILTIN_FILE), stack.toString());
                }
                hashit |= stack.stream().anyMatch(f -> f.function().equals("SlowDNS::hashit") && f.file().equals(ZeekStacks.SLOW_DNS));
            }
        }
        assertTrue(hashit, "a SlowDNS::hashit frame in " + ZeekStacks.SLOW_DNS);
        // Deeper than JFR's default of 64: premain raised the stack depth before the recording started.
        assertTrue(deepest > depth, "deepest Zeek stack " + deepest);

        List<RecordedEvent> process = ZeekStacks.events(jfr, ZeekJfrFormat.PROCESS_EVENT);
        assertFalse(process.isEmpty(), "zeek.Process in the recording, although sampling started before it");
        assertEquals(zeekPid, process.get(0).getInt("pid"));
        assertEquals(200, process.get(0).getInt("rate"));
    }

    @Test
    void badArgumentsAreLoggedAndTheHostRunsOn(@TempDir Path dir) throws Exception {
        try (HostJvm host = HostJvm.start(dir, "-javaagent:" + HostJvm.agentJar() + "=pid=abc,rate=fast")) {
            host.ping();
            String log = host.log();
            assertTrue(log.contains(ZeekSpyAgent.LOG_PREFIX + "bad agent arguments 'pid=abc,rate=fast': pid=abc: 'abc' is not a"
                    + " process id"), log);
            AgentStatus status = AgentClient.lastStatus(host.pid());
            assertFalse(status.ok());
            assertEquals(AgentStatus.State.IDLE, status.state());
            assertEquals(0, host.threads("zeek-spy-"));
            assertEquals(0, host.exit());
        }
    }

    @Test
    void aProcessThatIsNotZeekIsReportedAndTheHostRunsOn(@TempDir Path dir) throws Exception {
        // The test JVM is no Zeek: the agent's start fails in the background, after premain.
        long notZeek = ProcessHandle.current().pid();
        try (HostJvm host = HostJvm.start(dir, "-javaagent:" + HostJvm.agentJar() + "=pid=" + notZeek)) {
            host.ping();
            long deadline = System.currentTimeMillis() + 20_000;
            while (!host.log().contains("cannot sample") && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            String log = host.log();
            assertTrue(log.contains(ZeekSpyAgent.LOG_PREFIX + "cannot sample Zeek pid " + notZeek + " at 100 Hz (blocking): process " + notZeek), log);
            assertTrue(log.contains("is not Zeek"), log);
            AgentStatus status = AgentClient.lastStatus(host.pid());
            assertFalse(status.ok());
            assertEquals(AgentStatus.State.ENDED, status.state());
            AttachIT.Result report = AttachIT.zeekSpy("attach", "--jvm", Integer.toString(host.pid()), "--status");
            assertEquals(0, report.exitCode(), report.err());
            assertTrue(report.out().startsWith("JVM " + host.pid() + ": zeek-spy agent sampling ended\nprocess " + notZeek + " ("),
                    report.out());
            assertTrue(report.out().contains(") is not Zeek"), report.out());
            host.ping();
            assertEquals(0, host.threads("zeek-spy-sampler"));
            assertEquals(0, host.exit());
        }
    }
}
