package zeekspy.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zeekspy.cli.Main;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.memory.ProcFs;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * The target exits, crashes (SIGSEGV, SIGABRT) or executes another program while
 * {@code zeek-spy record} samples it at 10 kHz: zeek-spy ends cleanly with exit code 0 and one
 * line that says what happened, and the recording holds every sample it took.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TargetEndsTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"exit, blocking", "segv, blocking", "abort, blocking", "exec, blocking",
        "exit, nonblocking", "segv, nonblocking", "abort, nonblocking", "exec, nonblocking"})
    void recordEndsWithOneLineAndEverySample(String how, String mode, @TempDir Path dir) throws Exception {
        Path binary = MiniZeek.binary("gcc", "9.0", "");
        Path jfr = dir.resolve("out.jfr");
        // The inferior crashes on SIGUSR2, sent once zeek-spy has sampled it for a while. With a
        // heap like a real Zeek's, its exit spends milliseconds between releasing the memory and
        // the zombie, where an exit must not pass for an exec (ProgramWatchTest hits that window
        // for sure; here a sample does only by chance).
        try (RunningInferior zeek = RunningInferior.start(binary, "--run", "60", "--crash", how, "--heap", "256")) {
            int pid = zeek.pid();
            List<String> args = new ArrayList<>(List.of("record", "--pid", Integer.toString(pid), "--rate", "10000",
                    "--jfr", jfr.toString(), "--no-cache", "--duration", "60"));
            if (mode.equals("nonblocking")) {
                args.add("--nonblocking");
            }
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                    () -> Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true)));
            long deadline = System.currentTimeMillis() + 60_000;
            while (!err.toString().contains("Ctrl+C stops")) {
                assertFalse(exit.isDone(), "zeek-spy ended early: " + err);
                assertTrue(System.currentTimeMillis() < deadline, "zeek-spy did not start: " + err);
                Thread.sleep(10);
            }
            Thread.sleep(1_000);
            zeek.signal("USR2");
            int code = exit.get(30, TimeUnit.SECONDS);
            String stderr = err.toString();
            assertEquals(0, code, "exit code 0: recorded (RecordCommand's exit codes)\n" + stderr);
            assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), stderr);
            zeek.awaitLine("crash\t" + how, 10_000);

            String what = switch (how) {
                case "exit" -> mode.equals("blocking") ? "exited with code 42" : "has exited";
                case "segv" -> mode.equals("blocking") ? "was killed by signal 11 (SIGSEGV)" : "has exited";
                case "abort" -> mode.equals("blocking") ? "was killed by signal 6 (SIGABRT)" : "has exited";
                default -> "executed a new program (" + binary.toRealPath() + ")";
            };
            List<String> ends = stderr.lines().filter(l -> l.startsWith("zeek-spy: process ")).toList();
            assertEquals(List.of("zeek-spy: process " + pid + " " + what), ends, stderr);

            long counted = summarySamples(stderr, pid);
            List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
            long recorded = events.stream().filter(e -> e.getEventType().getName().equals(ZeekJfrFormat.SAMPLE_EVENT)).count();
            long lastStatistics = events.stream().filter(e -> e.getEventType().getName().equals(ZeekJfrFormat.STATISTICS_EVENT))
                    .mapToLong(e -> e.getLong("samples")).max().orElse(-1);
            assertEquals(counted, recorded, "zeek.Sample events in the recording vs samples counted: " + stderr);
            assertEquals(counted, lastStatistics, "the last zeek.Statistics event");
            assertTrue(counted >= 100, counted + " samples before the target ended: " + stderr);

            if (how.equals("exec")) {
                // The new program runs on, untraced, to its own end.
                assertEquals(0, ProcFs.tracerPid(pid), "traced after the exec");
                zeek.awaitLine("ready pid=" + pid, 10_000);
                zeek.awaitLine("truth-idle", 20_000);
            }
            assertTrue(zeek.awaitExit(20_000), "the target ended");
        }
    }

    private static final Pattern SUMMARY = Pattern.compile("zeek-spy: pid (\\d+): (\\d+) samples");

    static long summarySamples(String stderr, int pid) {
        Matcher m = SUMMARY.matcher(stderr);
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) == pid) {
                return Long.parseLong(m.group(2));
            }
        }
        throw new AssertionError("no summary for pid " + pid + ": " + stderr);
    }
}
