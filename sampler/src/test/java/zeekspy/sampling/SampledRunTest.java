package zeekspy.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zeekspy.layout.LayoutResolver;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** Long sampled runs of the inferior, checked against its own ground truth. */
class SampledRunTest {
    private static final LayoutResolver.Options NO_CACHE = new LayoutResolver.Options(null, null, List.of());

    /** Counts samples by innermost function (or by kind when no script ran). */
    static final class Tally implements SampleSink {
        final Map<String, Long> counts = new HashMap<>();
        long total;

        @Override
        public synchronized void accept(Sample s) {
            String key = switch (s.kind()) {
                case SCRIPT -> s.frames().get(0).function();
                case NATIVE -> GroundTruth.NATIVE;
                case IDLE -> GroundTruth.IDLE;
                case ERROR -> "<error>";
            };
            counts.merge(key, 1L, Long::sum);
            total++;
        }

        /** Percent of the non-idle samples. */
        double busyShare(String key) {
            return 100.0 * counts.getOrDefault(key, 0L) / (total - counts.getOrDefault(GroundTruth.IDLE, 0L));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"3.0, BLOCKING", "8.0, NONBLOCKING", "9.0, BLOCKING"})
    void functionSharesMatchTheGroundTruthWithinTwoPoints(String family, Sampler.Mode mode) throws Exception {
        Tally tally = new Tally();
        GroundTruth truth;
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", family, ""), "--run", "18");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), NO_CACHE)) {
            Sampler sampler = new Sampler(process, new Sampler.Options(2000, Duration.ofSeconds(16), mode, 256), tally);
            assertEquals("duration reached", sampler.run());
            assertTrue(zeek.awaitExit(10_000));
            truth = GroundTruth.parse(zeek.lines());
            SamplerStatistics.Snapshot stats = sampler.statistics().snapshot();
            assertTrue(stats.samples() >= 20_000, "only " + stats.samples() + " samples");
            assertTrue(stats.errorCount() < stats.samples() / 100, "errors: " + stats.errorsByReason());
        }
        // Compared as shares of busy time: a sampler competing with Zeek for a loaded machine's
        // cores runs more easily while Zeek sleeps, which inflates idle time alone.
        Map<String, Double> busyTruth = truth.busyShares();
        StringBuilder report = new StringBuilder();
        busyTruth.forEach((k, v) -> report.append(String.format("%s truth %.2f sampled %.2f%n", k, v, tally.busyShare(k))));
        for (Map.Entry<String, Double> e : busyTruth.entrySet()) {
            assertEquals(e.getValue(), tally.busyShare(e.getKey()), 2.0, e.getKey() + "\n" + report);
        }
        assertTrue(busyTruth.getOrDefault("SlowDNS::hashit", 0.0) > 20, "the workload ran: " + report);
        assertTrue(tally.counts.getOrDefault(GroundTruth.IDLE, 0L) > 0, "idle samples were taken");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"3.0", "9.0"})
    void everySignalArrivesWhileSampledAtOneKilohertz(String family) throws Exception {
        int sent = 2000;
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", family, ""), "--run", "6");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), NO_CACHE)) {
            AtomicLong samples = new AtomicLong();
            Sampler sampler = new Sampler(process, new Sampler.Options(1000, Duration.ofSeconds(5), Sampler.Mode.BLOCKING, 256),
                    s -> samples.incrementAndGet());
            Thread signaller = new Thread(() -> {
                for (int i = 0; i < sent; i++) {
                    zeekspy.memory.LibC.kill(zeek.pid(), 10 /* SIGUSR1 */);
                    try {
                        Thread.sleep(1, 500_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            signaller.start();
            sampler.run();
            signaller.join();
            assertTrue(zeek.awaitExit(10_000));
            GroundTruth truth = GroundTruth.parse(zeek.lines());
            assertEquals(sent, truth.signals(), "signals counted by the inferior");
            assertTrue(samples.get() > 4000, samples + " samples");
        }
    }
}
