package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.testing.CpuLimits;
import zeekspy.testing.GroundTruth;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** {@code zeek-spy record} against the inferior, read back with the JDK's and JMC's parsers. */
class RecordCommandTest {
    static final String SLOW = "/opt/zeek/share/zeek/site/slow-dns.zeek";

    @Test
    void recordingHoldsTheZeekStacksWithTheGroundTruthShares(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("out.jfr");
        Map<String, Double> truth;
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "15")) {
            // Enough samples for 2-point shares: non-blocking at 1999 Hz (a rate not commensurate
            // with the workload's 100 Hz loop, which would sample the same phases over and over).
            Cli.Result r = Cli.run("record", "--pid", Integer.toString(zeek.pid()), "--duration", "12", "--rate", "1999",
                    "--nonblocking",
                    "--jfr", jfr.toString(), "--no-cache");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.err().contains("top functions"), r.err());
            assertTrue(zeek.awaitExit(15_000));
            truth = GroundTruth.parse(zeek.lines()).busyShares();
        }
        List<RecordedEvent> samples = Recordings.samples(jfr);
        assertTrue(samples.size() > 15_000, samples.size() + " samples");
        boolean sawRecursion = false;
        for (RecordedEvent e : samples) {
            String kind = e.getString("kind");
            List<Recordings.Frame> stack = Recordings.zeekStack(e);
            if ("script".equals(kind)) {
                assertEquals(e.getInt("depth"), stack.size(), "depth field");
                Recordings.Frame outer = stack.get(stack.size() - 1);
                assertTrue(List.of("dns_request", "connection_state_remove", "SlowDNS::init_salts").contains(outer.function()),
                        "outermost frame " + outer);
                if (stack.size() == 4 && stack.get(0).function().equals("SlowDNS::hashit")) {
                    // The innermost runs one of its body's statements, slow-dns.zeek:19 to 22.
                    assertTrue(List.of(19, 20, 21, 22).contains(stack.get(0).line()), stack.toString());
                    assertEquals(List.of(new Recordings.Frame("SlowDNS::hashit", SLOW, 20), new Recordings.Frame("SlowDNS::hashit", SLOW, 20),
                            new Recordings.Frame("dns_request", SLOW, 36)), stack.subList(1, 4));
                    sawRecursion = true;
                }
            } else {
                assertEquals("<" + kind + ">", stack.get(0).function());
            }
        }
        assertTrue(sawRecursion, "the recursion stack was recorded exactly");
        // Shares of busy time: a sampler that competes with Zeek for a loaded machine's cores gets
        // the CPU more easily while Zeek sleeps, which inflates idle time alone.
        Map<String, Double> sampled = Recordings.busyShares(samples);
        StringBuilder report = new StringBuilder();
        truth.forEach((k, v) -> report.append(String.format("%s truth %.1f sampled %.1f%n", k, v, sampled.getOrDefault(k, 0.0))));
        for (Map.Entry<String, Double> e : truth.entrySet()) {
            assertEquals(e.getValue(), sampled.getOrDefault(e.getKey(), 0.0), 2.0, e.getKey() + "\n" + report);
        }
    }

    /**
     * By default a blocking pause holds Zeek's CPU polling (PM QoS "n/a" in sysfs, seen by
     * reading the file while recording at 1 kHz); {@code --no-cpu-poll} never does. Needs root.
     */
    @Test
    void pausesKeepZeeksCpuPollingUnlessAskedNotTo(@TempDir Path dir) throws Exception {
        int cpu = CpuLimits.lastCpu();
        Path limit = CpuLimits.limitFile(CpuLimits.CPUS, cpu);
        assumeTrue(CpuLimits.writableAndUnset(limit), "no writable, unset " + limit);
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "20")) {
            CpuLimits.pin(zeek.pid(), cpu);
            for (boolean poll : new boolean[] {true, false}) {
                List<String> args = new ArrayList<>(List.of("record", "--pid", Integer.toString(zeek.pid()), "--duration", "2",
                        "--rate", "1000", "--quiet", "--jfr", dir.resolve(poll + ".jfr").toString()));
                if (!poll) {
                    args.add("--no-cpu-poll");
                }
                AtomicInteger held = new AtomicInteger();
                AtomicBoolean done = new AtomicBoolean();
                Thread watcher = new Thread(() -> {
                    while (!done.get()) {
                        try {
                            if (Files.readString(limit).strip().equals("n/a")) {
                                held.incrementAndGet();
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                watcher.start();
                Cli.Result r = Cli.run(args.toArray(String[]::new));
                done.set(true);
                watcher.join();
                assertEquals(0, r.exitCode(), r.err());
                assertEquals("0", Files.readString(limit).strip(), "let go after recording");
                if (poll) {
                    assertTrue(held.get() > 0, "Zeek's CPU was held polling in some pauses");
                } else {
                    assertEquals(0, held.get(), "--no-cpu-poll");
                }
            }
        }
    }

    /** {@code record -- sh -c '...; exec zeek ...'}: the wrapper executes Zeek after zeek-spy has seized it. */
    @Test
    void aCommandThatExecutesZeekLaterIsFollowedToIt(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("wrapped.jfr");
        String zeek = MiniZeek.binary("gcc", "8.0", "").toString();
        Cli.Result r = Cli.run("record", "--duration", "2", "--rate", "200", "--jfr", jfr.toString(), "--",
                "sh", "-c", "sleep 0.5; exec \"$0\" --run 4 >/dev/null", zeek);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("duration reached"), r.err());
        assertTrue(Recordings.samples(jfr).size() > 100, r.err());
    }

    @Test
    void theJdkJfrToolAndJmcReadTheRecording(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("tool.jfr");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "9.0", ""), "--run", "4")) {
            assertEquals(0, Cli.run("record", "--pid", Integer.toString(zeek.pid()), "--duration", "2", "--jfr", jfr.toString(),
                    "--quiet").exitCode());
        }
        Path tool = Path.of(System.getProperty("java.home"), "bin", "jfr");
        String summary = MiniZeek.run(List.of(tool.toString(), "summary", jfr.toString()), 60);
        assertTrue(summary.contains("zeek.Sample"), summary);
        assertTrue(summary.contains("zeek.Process"), summary);
        String print = MiniZeek.run(List.of(tool.toString(), "print", "--events", "zeek.Sample", jfr.toString()), 60);
        assertTrue(print.contains("pid = "), print.substring(0, Math.min(2000, print.length())));
        assertEquals(Recordings.samples(jfr).size(), jmcSampleCount(jfr), "JMC's parser reads every zeek.Sample");
    }

    @Test
    void aProcessThatDiesMidRunKeepsEverySampleTakenBefore(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("dies.jfr");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "5")) {
            Cli.Result r = Cli.run("record", "--pid", Integer.toString(zeek.pid()), "--duration", "30", "--rate", "200",
                    "--jfr", jfr.toString());
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.err().contains("process " + zeek.pid() + " exited with code 0"), r.err());
        }
        List<RecordedEvent> samples = Recordings.samples(jfr);
        // However late sampling started on a loaded machine, it ran until the process exited.
        assertTrue(samples.size() > 50, samples.size() + " samples");
        assertTrue(samples.size() <= 200 * 5 + 10, samples.size() + " samples: more than the process lived for");
    }

    @Test
    void continuousModeWritesTheRecentPastOnSigusr2AndOnExit(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("final.jfr");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "9.0", ""), "--run", "30")) {
            Process spy = Cli.start(dir, "record", "--pid", Integer.toString(zeek.pid()), "--continuous", "--max-age", "1m",
                    "--jfr", jfr.toString());
            awaitSamples(spy, dir);
            // zeek-spy says which process takes SIGUSR2 (a JVM it started with SIGUSR2 free, see SrSignal).
            String started = awaitStderr(dir, "'kill -USR2 ", 1000);
            String usr2Pid = started.substring(started.indexOf("'kill -USR2 ") + 12, started.indexOf("' writes"));
            MiniZeek.run(List.of("kill", "-USR2", usr2Pid), 10);
            String wrote = awaitStderr(dir, "SIGUSR2: wrote the last 60 s to ", 20_000);
            Path dump = Path.of(wrote.substring(wrote.indexOf(" to ") + 4).strip());
            assertTrue(Recordings.samples(dump).size() > 10, "samples in the SIGUSR2 dump");
            MiniZeek.run(List.of("kill", "-TERM", Long.toString(spy.pid())), 10);
            assertTrue(spy.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(Recordings.samples(jfr).size() > 10, "samples in the final recording");
    }

    @Test
    void allFindsEveryProcessWhoseExecutableIsNamedZeek(@TempDir Path dir) throws Exception {
        Path zeekBinary = dir.resolve("zeek");
        Files.copy(MiniZeek.binary("gcc", "9.0", ""), zeekBinary);
        zeekBinary.toFile().setExecutable(true);
        Path jfr = dir.resolve("all.jfr");
        try (RunningInferior a = RunningInferior.start(zeekBinary, "--run", "20");
             RunningInferior b = RunningInferior.start(zeekBinary, "--run", "20")) {
            Cli.Result r = Cli.run("record", "--all", "--duration", "2", "--jfr", jfr.toString(), "--no-cache");
            assertEquals(0, r.exitCode(), r.err());
            java.util.Set<Integer> pids = new java.util.HashSet<>();
            for (RecordedEvent e : Recordings.samples(jfr)) {
                pids.add(e.getInt("pid"));
            }
            assertTrue(pids.contains(a.pid()) && pids.contains(b.pid()), "samples of both: " + pids);
        }
    }

    @Test
    void badInputGivesOneLineAndANonZeroExit(@TempDir Path dir) throws Exception {
        assertOneLineError(Cli.run("record", "--pid", "999999", "--jfr", dir.resolve("x.jfr").toString()), 1,
                "zeek-spy: no process with pid 999999");
        assertOneLineError(Cli.run("record", "--pid", "1", "--rate", "0"), 2, "zeek-spy: --rate must be above 0");
        assertOneLineError(Cli.run("record", "--pid", "1", "--rate", "abc"), 2, "zeek-spy: Invalid value for option '--rate'");
        assertOneLineError(Cli.run("record", "--pid", "1", "--duration", "soon"), 2, "zeek-spy: Invalid value for option '--duration'");
        assertOneLineError(Cli.run("record", "--pid", "1", "--jfr", "/nonexistent-dir/x.jfr"), 1,
                "zeek-spy: cannot write /nonexistent-dir/x.jfr: no such directory");
        assertOneLineError(Cli.run("record"), 2, "zeek-spy: give exactly one of --pid PID, --all, or -- ZEEK-COMMAND");
        assertOneLineError(Cli.run("record", "--pid", Long.toString(ProcessHandle.current().pid()), "--jfr",
                dir.resolve("y.jfr").toString()), 1, "zeek-spy: process " + ProcessHandle.current().pid());
    }

    /** The zeek.Sample events JDK Mission Control's own parser finds, with a Zeek frame on top. */
    static long jmcSampleCount(Path jfr) throws Exception {
        var items = org.openjdk.jmc.flightrecorder.JfrLoaderToolkit.loadEvents(jfr.toFile())
                .apply(org.openjdk.jmc.common.item.ItemFilters.type(zeekspy.convert.ZeekJfrFormat.SAMPLE_EVENT));
        long n = 0;
        for (var iterable : items) {
            var stack = org.openjdk.jmc.flightrecorder.JfrAttributes.EVENT_STACKTRACE.getAccessor(iterable.getType());
            for (var item : iterable) {
                var top = stack.getMember(item).getFrames().get(0).getMethod();
                assertTrue(top.getType().getFullName().startsWith("zeek."), top.getType().getFullName());
                n++;
            }
        }
        return n;
    }

    @Test
    void allWithNoZeekRunningSaysSo() {
        org.junit.jupiter.api.Assumptions.assumeTrue(zeekspy.memory.ProcFs.findByExeName("zeek").isEmpty(),
                "a process named zeek runs on this machine");
        assertOneLineError(Cli.run("record", "--all", "--duration", "1"), 1,
                "zeek-spy: no Zeek process is running (no process whose executable is named zeek)");
    }

    static void assertOneLineError(Cli.Result r, int code, String prefix) {
        assertEquals(code, r.exitCode(), r.err());
        assertTrue(r.err().startsWith(prefix), r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
    }

    private static void awaitSamples(Process spy, Path dir) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.readString(dir.resolve("stderr.txt")).contains("Ctrl+C stops")) {
            assertTrue(spy.isAlive(), "zeek-spy ended early: " + Files.readString(dir.resolve("stderr.txt")));
            assertTrue(System.currentTimeMillis() < deadline, "zeek-spy did not start");
            Thread.sleep(50);
        }
        Thread.sleep(2000);
    }

    private static String awaitStderr(Path dir, String text, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            for (String line : Files.readAllLines(dir.resolve("stderr.txt"))) {
                if (line.contains(text)) {
                    return line;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("zeek-spy did not print '" + text + "': " + Files.readString(dir.resolve("stderr.txt")));
    }

    static int tracerOf(int pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("TracerPid:")) {
                return Integer.parseInt(line.substring(10).strip());
            }
        }
        return -1;
    }
}
