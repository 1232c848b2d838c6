package zeekspy.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zeekspy.layout.LayoutResolver;
import zeekspy.memory.LibC;
import zeekspy.testing.CpuLimits;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * The sampling thread runs real-time while it sleeps between ticks (not at rates where it spins)
 * and off the CPU Zeek is pinned to; a caller's thread that sampled gets both back afterwards.
 */
class SamplingThreadSchedulingTest {
    private static final LayoutResolver.Options NO_CACHE = new LayoutResolver.Options(null, null, List.of());

    private record Seen(int policy, long[] cpus) {}

    private static long[] cpusOfThisThread() {
        long[] mask = new long[LibC.CPU_SET_BYTES / Long.BYTES];
        assertEquals(0, LibC.sched_getaffinity(0, LibC.CPU_SET_BYTES, mask));
        return mask;
    }

    @ParameterizedTest(name = "{0} Hz")
    @CsvSource({"100, true", "2000, false"})
    void realTimeWhileSleepingBetweenTicksAndOffZeeksCpu(double rate, boolean realtime) throws Exception {
        assumeTrue(RealtimePriority.check() == null, "no real-time priority here");
        List<Integer> cpus = CpuLimits.cpuNumbers();
        assumeTrue(cpus.size() >= 2, "one CPU");
        int zeekCpu = cpus.get(cpus.size() - 1);
        long[] before = cpusOfThisThread();
        int policyBefore = LibC.sched_getscheduler(0);
        AtomicReference<Seen> seen = new AtomicReference<>();
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "30");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), NO_CACHE)) {
            CpuLimits.pin(zeek.pid(), zeekCpu);
            // Non-blocking mode samples on the calling thread, and calls the sink there.
            Sampler sampler = new Sampler(process, new Sampler.Options(rate, Duration.ofMillis(300), Sampler.Mode.NONBLOCKING, 256),
                    s -> seen.compareAndSet(null, new Seen(LibC.sched_getscheduler(0), cpusOfThisThread())));
            assertEquals("duration reached", sampler.run());
        }
        Seen during = seen.get();
        assertEquals(realtime ? LibC.SCHED_FIFO | LibC.SCHED_RESET_ON_FORK : LibC.SCHED_OTHER, during.policy(), "the policy while sampling");
        assertFalse((during.cpus()[zeekCpu / 64] & (1L << (zeekCpu % 64))) != 0, "the sampler may run on Zeek's CPU " + zeekCpu);
        assertEquals(policyBefore, LibC.sched_getscheduler(0), "the caller's policy back");
        assertArrayEquals(before, cpusOfThisThread(), "the caller's CPUs back");
    }
}
