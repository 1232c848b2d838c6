package zeekspy.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * The CI variant of bench/soak.sh: {@code zeek-spy record} at 1 kHz for a minute after a warm-up,
 * watched from outside; its threads, file descriptors and heap after GC do not grow.
 */
class SoakIT {
    private static final int RATE = 1000;
    private static final int WARM_UP_SECONDS = 15;
    private static final int SOAK_SECONDS = 60;
    private static final int EVERY_SECONDS = 5;
    /** Far above the ~11 MiB zeek-spy keeps live at 1 kHz, far below what a per-sample leak reaches in a minute. */
    private static final long HEAP_BOUND_KIB = 48 * 1024;
    /** What heap after GC may vary between two observations without a leak (GC timing, JIT, JFR buffers). */
    private static final long HEAP_SLACK_KIB = 4 * 1024;
    private static final Pattern SUMMARY = Pattern.compile("zeek-spy: (\\d+) samples in");

    record Observation(long second, long threads, long fds, long heapAfterGcKiB, long rssKiB) {}

    @Test
    void aMinuteAt1kHzLeavesThreadsFdsAndHeapFlat(@TempDir Path dir) throws Exception {
        int duration = WARM_UP_SECONDS + SOAK_SECONDS + EVERY_SECONDS;
        Path stderr = dir.resolve("stderr.txt");
        List<Observation> seen = new ArrayList<>();
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run",
                Integer.toString(duration + 120), "--workload", "deep")) {
            Process spy = new ProcessBuilder(ZeekSpyJar.command(ZeekSpyJar.jar(), "record", "--pid", Integer.toString(zeek.pid()),
                    "--rate", Integer.toString(RATE), "--duration", Integer.toString(duration), "--jfr", dir.resolve("soak.jfr").toString()))
                    .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(stderr.toFile()).start();
            long started = System.nanoTime();
            try {
                for (long second = EVERY_SECONDS; second < duration - 2; second += EVERY_SECONDS) {
                    Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(second) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
                    assertTrue(spy.isAlive(), "zeek-spy ended early: " + Files.readString(stderr));
                    long heap = ZeekSpyJar.heapAfterGcKiB(spy.pid());
                    // Threads and fds are read after jcmd has gone: its attach connection is closed by then.
                    seen.add(new Observation(second, ProcessResources.threads(spy.pid()), ProcessResources.fds(spy.pid()).size(),
                            heap, ProcessResources.rssKiB(spy.pid())));
                }
                assertTrue(spy.waitFor(duration + 60, TimeUnit.SECONDS), "zeek-spy did not end after --duration");
            } finally {
                spy.destroyForcibly();
            }
            String log = Files.readString(stderr);
            assertEquals(0, spy.exitValue(), log);
            assertTrue(zeek.alive(), "the inferior outlives the recording");
            Matcher samples = SUMMARY.matcher(log);
            assertTrue(samples.find(), log);
            // A tenth of the nominal rate: sampling really ran at speed, also on a loaded machine.
            assertTrue(Long.parseLong(samples.group(1)) > (long) duration * RATE / 10, log);
        }

        List<Observation> soak = seen.stream().filter(o -> o.second() >= WARM_UP_SECONDS).toList();
        String table = "observations (second, threads, fds, heap after GC KiB, RSS KiB): " + seen;
        assertTrue(soak.size() >= SOAK_SECONDS / EVERY_SECONDS - 1, table);
        Observation first = soak.get(0);
        assertTrue(settled(soak, Observation::threads) <= first.threads(), "threads grow: " + table);
        assertTrue(settled(soak, Observation::fds) <= first.fds(), "file descriptors grow: " + table);
        assertTrue(settled(soak, Observation::heapAfterGcKiB) <= first.heapAfterGcKiB() + HEAP_SLACK_KIB, "heap grows: " + table);
        assertTrue(soak.stream().allMatch(o -> o.heapAfterGcKiB() < HEAP_BOUND_KIB), "heap above " + HEAP_BOUND_KIB + " KiB: " + table);
    }

    /** The least of the last three values: a transient blip (a GC worker, an attach) is not growth; a leak raises all three. */
    private static long settled(List<Observation> soak, ToLongFunction<Observation> value) {
        return soak.subList(soak.size() - 3, soak.size()).stream().mapToLong(value).min().orElseThrow();
    }
}
