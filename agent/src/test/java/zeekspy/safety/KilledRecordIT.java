package zeekspy.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * The shaded jar's {@code record} (what users run) killed by SIGKILL at random moments: starting,
 * sampling at 10 kHz, writing the recording; and ending by itself when Zeek crashes. The many
 * kills of {@link KilledSamplerTest} use a lean JVM; these use the real thing.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KilledRecordIT {

    static List<String> record(Path dir, int pid, String... more) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of(System.getProperty("zeekspy.agent.jar")).toString(), "record", "--pid", Integer.toString(pid),
                "--rate", "10000", "--no-cache"));
        cmd.addAll(List.of(more));
        return cmd;
    }

    @Test
    void zeekRunsOnUntracedAfterEveryKillOfTheJar(@TempDir Path dir) throws Exception {
        int kills = Integer.getInteger("zeekspy.safety.jarKills", 8);
        long seed = Long.getLong("zeekspy.safety.seed", System.nanoTime());
        Random random = new Random(seed);
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "3600", "--counters");
             InferiorCounters counters = InferiorCounters.of(zeek)) {
            SignalStream usr1 = new SignalStream(zeek.pid(), counters, 5_000);
            usr1.start();
            for (int i = 0; i < kills; i++) {
                long durationMillis = 500 + random.nextInt(1_000);
                SpyProcess spy = SpyProcess.start(record(dir, zeek.pid(), "--duration", durationMillis + "ms",
                        "--jfr", dir.resolve(i + ".jfr").toString()), dir.resolve("stderr-" + i));
                String aim = switch (i % 3) {
                    case 0 -> "start";
                    case 1 -> "sampling";
                    default -> "shutdown";
                };
                if (aim.equals("start")) {
                    Thread.sleep(random.nextInt(1_500));
                } else {
                    spy.awaitStderr("Ctrl+C stops", 60_000);
                    Thread.sleep(aim.equals("sampling") ? random.nextLong(durationMillis) : durationMillis + random.nextInt(300));
                }
                spy.kill();
                ZeekHealth.assertRunningFree(zeek, counters, "kill " + (i + 1) + " of the jar, aimed at " + aim + " (seed " + seed
                        + "), stderr: " + spy.stderr());
                if (usr1.failure() != null) {
                    throw new AssertionError(usr1.failure());
                }
            }
            long signals = usr1.finish();
            System.out.printf("jar kill test: %d kills (seed %d), %d SIGUSR1 all handled%n", kills, seed, signals);
        }
    }

    @Test
    void theJarEndsCleanlyWhenZeekCrashes(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("crash.jfr");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "9.0", ""), "--run", "60", "--crash", "segv")) {
            SpyProcess spy = SpyProcess.start(record(dir, zeek.pid(), "--jfr", jfr.toString()), dir.resolve("stderr"));
            spy.awaitStderr("Ctrl+C stops", 60_000);
            Thread.sleep(1_000);
            zeek.signal("USR2");
            assertEquals(0, spy.waitFor(60_000), spy.stderr());
            String stderr = spy.stderr();
            assertTrue(stderr.contains("zeek-spy: process " + zeek.pid() + " was killed by signal 11 (SIGSEGV)\n"), stderr);
            long recorded = RecordingFile.readAllEvents(jfr).stream()
                    .filter(e -> e.getEventType().getName().equals(ZeekJfrFormat.SAMPLE_EVENT)).count();
            assertEquals(TargetEndsTest.summarySamples(stderr, zeek.pid()), recorded, stderr);
            assertTrue(recorded > 0, stderr);
            assertTrue(Files.size(jfr) > 0);
        }
    }
}
