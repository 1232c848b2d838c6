package zeekspy.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import zeekspy.layout.LayoutResolver;
import zeekspy.testing.CpuLimits;
import zeekspy.testing.GroundTruth;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * Sampling a Zeek on a machine whose every CPU is busy, as on a sensor that falls behind: Zeek
 * pinned to one CPU, as clusters pin their workers, and a busy loop pinned to each other CPU.
 * Without real-time priority the sampler missed three ticks in four and its shares leaned (Zeek's
 * native code at 7.9 % against 15.2 %); on Zeek's own CPU they leaned too (13.5 %).
 */
class BusyMachineTest {
    private static final LayoutResolver.Options NO_CACHE = new LayoutResolver.Options(null, null, List.of());

    @Test
    void ticksAreTakenAndSharesHoldWhenEveryCpuIsBusy() throws Exception {
        String denied = RealtimePriority.check();
        assumeTrue(denied == null, "no real-time priority here: " + denied);
        List<Integer> cpus = CpuLimits.cpuNumbers();
        assumeTrue(cpus.size() >= 2, "one CPU");
        SampledRunTest.Tally tally = new SampledRunTest.Tally();
        List<Process> loops = new ArrayList<>();
        GroundTruth truth;
        SamplerStatistics.Snapshot stats;
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "14");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), NO_CACHE)) {
            CpuLimits.pin(zeek.pid(), cpus.get(0));
            for (int cpu : cpus.subList(1, cpus.size())) {
                Process loop = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
                loops.add(loop);
                CpuLimits.pin(loop.pid(), cpu);
            }
            Sampler sampler = new Sampler(process, new Sampler.Options(1000, Duration.ofSeconds(12), Sampler.Mode.BLOCKING, 256),
                    tally);
            assertEquals("duration reached", sampler.run());
            stats = sampler.statistics().snapshot();
            assertTrue(zeek.awaitExit(10_000));
            truth = GroundTruth.parse(zeek.lines());
        } finally {
            loops.forEach(Process::destroyForcibly);
        }
        assertTrue(stats.samples() >= 10_800, stats.samples() + " samples of 12,000 ticks, " + stats.missedTicks() + " missed");
        tally.assertBusySharesMatch(truth);
    }
}
