package zeekspy.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.cli.Main;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.memory.ProcFs;
import zeekspy.sampling.Sampler;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** {@code zeek-spy attach}: the agent loaded into a running JVM, recorded there with jcmd. */
class AttachIT {
    private static final Pattern SETTINGS = Pattern.compile("settings=(\\S+\\.jfc)");
    private static final Pattern SAMPLES = Pattern.compile("(\\d+) samples");

    record Result(int exitCode, String out, String err) {}

    static Result zeekSpy(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static RunningInferior zeek() {
        return RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "30");
    }

    private static long samples(Result status) {
        Matcher m = SAMPLES.matcher(status.out());
        assertTrue(m.find(), status.out());
        return Long.parseLong(m.group(1));
    }

    @Test
    void attachThenRecordWithJcmdThenStatusAndStop(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("dump.jfr");
        try (RunningInferior zeek = zeek(); HostJvm host = HostJvm.start(dir)) {
            String jvm = Integer.toString(host.pid());
            Result attach = zeekSpy("attach", "--jvm", jvm, "--zeek", Integer.toString(zeek.pid()), "--rate", "200");
            assertEquals(0, attach.exitCode(), attach.err());
            assertTrue(attach.out().contains("sampling Zeek 8.0"), attach.out());
            Matcher settings = SETTINGS.matcher(attach.out());
            assertTrue(settings.find(), attach.out());

            host.jcmd("JFR.start", "settings=" + settings.group(1), "name=z");
            Thread.sleep(2000);
            host.jcmd("JFR.dump", "name=z", "filename=" + jfr);

            Result status = zeekSpy("attach", "--jvm", jvm, "--status");
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.out().contains("zeek-spy agent sampling at 200 Hz (blocking)"), status.out());
            assertTrue(samples(status) > 0, status.out());
            // Daemon threads only; ptrace belongs to the sampler's tracer thread.
            String sampler = host.threadLine("zeek-spy-sampler-" + zeek.pid());
            assertTrue(sampler.contains(" daemon "), sampler);
            String tracer = host.threadWithNid(ProcFs.tracerPid(zeek.pid()));
            assertTrue(tracer.startsWith("\"zeek-spy-ptrace\" ") && tracer.contains(" daemon "), tracer);

            Result stop = zeekSpy("attach", "--jvm", jvm, "--stop");
            assertEquals(0, stop.exitCode(), stop.err());
            assertTrue(stop.out().contains("stopped sampling Zeek 8.0"), stop.out());
            long stopped = samples(zeekSpy("attach", "--jvm", jvm, "--status"));
            Thread.sleep(300);
            Result after = zeekSpy("attach", "--jvm", jvm, "--status");
            assertTrue(after.out().contains("zeek-spy agent stopped"), after.out());
            assertEquals(stopped, samples(after), "no samples after --stop");
            assertEquals(0, host.threads("zeek-spy-sampler"));
            assertEquals(0, ProcFs.tracerPid(zeek.pid()), "detached");
            Result again = zeekSpy("attach", "--jvm", jvm, "--stop");
            assertEquals(Main.EXIT_ERROR, again.exitCode());
            assertEquals("zeek-spy: not sampling, nothing to stop", again.err().strip());
            host.ping();
            assertTrue(zeek.alive());
        }

        List<RecordedEvent> samples = ZeekStacks.events(jfr, ZeekJfrFormat.SAMPLE_EVENT);
        assertTrue(samples.size() > 50, samples.size() + " samples in ~2 s at 200 Hz");
        boolean hashit = false;
        for (RecordedEvent e : samples) {
            if ("script".equals(e.getString("kind"))) {
                List<ZeekStacks.Frame> stack = ZeekStacks.zeekStack(e);
                assertFalse(stack.isEmpty());
                hashit |= stack.get(0).function().equals("SlowDNS::hashit") && stack.get(0).file().equals(ZeekStacks.SLOW_DNS);
            }
        }
        assertTrue(hashit, "SlowDNS::hashit on top of some stacks");
        assertFalse(ZeekStacks.events(jfr, ZeekJfrFormat.PROCESS_EVENT).isEmpty(),
                "zeek.Process in a recording started after the attach");
    }

    @Test
    void attachingTwiceKeepsOneSampler(@TempDir Path dir) throws Exception {
        try (RunningInferior zeek = zeek(); HostJvm host = HostJvm.start(dir)) {
            String jvm = Integer.toString(host.pid());
            String zpid = Integer.toString(zeek.pid());
            assertEquals(0, zeekSpy("attach", "--jvm", jvm, "--zeek", zpid).exitCode());

            Result twice = zeekSpy("attach", "--jvm", jvm, "--zeek", zpid, "--rate", "50");
            assertEquals(Main.EXIT_ERROR, twice.exitCode());
            assertEquals(1, twice.err().lines().count(), twice.err());
            assertTrue(twice.err().startsWith("zeek-spy: already sampling Zeek 8.0"), twice.err());

            // The same agent from another jar file: the system class loader still has the first.
            Path copy = Files.copy(HostJvm.agentJar(), dir.resolve("copy-of-zeek-spy.jar"));
            AgentStatus third = AgentClient.request(host.pid(),
                    AgentArguments.start(List.of(zeek.pid()), false, 100, Sampler.Mode.NONBLOCKING, true, 64, null), copy);
            assertFalse(third.ok());
            assertTrue(third.message().startsWith("already sampling"), third.message());

            assertEquals(1, host.threads("zeek-spy-sampler-"));
            assertTrue(host.log().contains(ZeekSpyAgent.LOG_PREFIX + "not started again: already sampling"), host.log());
            Result status = zeekSpy("attach", "--jvm", jvm, "--status");
            assertTrue(status.out().contains("at 100 Hz (blocking)"), "the first sampler's settings: " + status.out());
            host.ping();
        }
    }

    @Test
    void badAgentArgumentsReachTheCallerAndTheHostLog(@TempDir Path dir) throws Exception {
        try (RunningInferior zeek = zeek(); HostJvm host = HostJvm.start(dir)) {
            AgentStatus bad = AgentClient.send(host.pid(), "pid=1,rate=fast", HostJvm.agentJar());
            assertFalse(bad.ok());
            assertEquals("bad agent arguments 'pid=1,rate=fast': rate=fast is not a number of samples per second", bad.message());
            assertTrue(host.log().contains(ZeekSpyAgent.LOG_PREFIX + bad.message() + "; the agent does nothing"), host.log());
            host.ping();

            // A process that is not Zeek: the agent cannot open it and says why.
            String notZeek = Integer.toString(host.pid());
            Result r = zeekSpy("attach", "--jvm", Integer.toString(host.pid()), "--zeek", notZeek);
            assertEquals(Main.EXIT_ERROR, r.exitCode());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("zeek-spy: cannot sample Zeek pid " + notZeek + " at 100 Hz (blocking): process " + notZeek), r.err());
            assertTrue(r.err().contains("is not Zeek"), r.err());
            assertTrue(host.log().contains(ZeekSpyAgent.LOG_PREFIX + "cannot sample Zeek pid " + notZeek), host.log());
            host.ping();
            assertEquals(0, host.threads("zeek-spy-sampler"));

            // The host is unharmed and the agent usable.
            Result good = zeekSpy("attach", "--jvm", Integer.toString(host.pid()), "--zeek", Integer.toString(zeek.pid()));
            assertEquals(0, good.exitCode(), good.err());
            assertEquals(0, zeekSpy("attach", "--jvm", Integer.toString(host.pid()), "--stop").exitCode());
            host.ping();
        }
    }

    @Test
    void aProcessThatIsNotAJvmIsLeftAlone() throws Exception {
        try (RunningInferior zeek = zeek()) {
            String zpid = Integer.toString(zeek.pid());
            Result r = zeekSpy("attach", "--jvm", zpid, "--zeek", zpid);
            assertEquals(Main.EXIT_ERROR, r.exitCode());
            assertEquals("zeek-spy: process " + zpid + " (mini-zeek-8.0) is not a Java virtual machine (no libjvm.so in its"
                    + " memory)", r.err().strip());
            Thread.sleep(200);
            assertTrue(zeek.alive(), "no SIGQUIT was sent");
        }
    }

    @Test
    void statusOfAJvmWithoutTheAgentLoadsNothing(@TempDir Path dir) throws Exception {
        try (HostJvm host = HostJvm.start(dir)) {
            Result r = zeekSpy("attach", "--jvm", Integer.toString(host.pid()), "--status");
            assertEquals(Main.EXIT_ERROR, r.exitCode());
            assertTrue(r.err().startsWith("zeek-spy: no zeek-spy agent has run in JVM " + host.pid()), r.err());
            assertFalse(host.jcmd("VM.system_properties").contains(ZeekSpyAgent.ACTIVE_PROPERTY));
            assertEquals(0, host.threads("zeek-spy-"));
        }
    }
}
