package zeekspy.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import zeekspy.layout.LayoutResolver;
import zeekspy.memory.LibC;
import zeekspy.memory.ProcFs;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.SamplerStatistics;
import zeekspy.sampling.ZeekProcess;
import zeekspy.testing.Await;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * Signals reach a Zeek sampled at the highest blocking rate, every one of them: SIGUSR1 and
 * SIGTERM sent to it (handled, counted), and SIGCHLD of the children it forks. Standard signals
 * merge while pending, traced or not, so each count is made exact: a signal is sent only once
 * the inferior has counted the one before, and the inferior forks its next child only once it
 * has counted the last one's SIGCHLD (a lost one shows as a child reaped without it).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignalsWhileSampledTest {
    static final LayoutResolver.Options NO_CACHE = new LayoutResolver.Options(null, null, List.of());
    /** The highest rate of {@code zeek-spy record --rate}. */
    static final double MAX_RATE = 10_000;
    static final int SIGNALS = 3_000;
    static final int CHILDREN = 3_000;

    @Test
    void everySigusr1SigtermAndSigchldArrivesWhileSampledAtTenKilohertz() throws Exception {
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "9.0", ""), "--run", "150", "--counters",
                "--count-sigterm", "--children", "0.2");
             InferiorCounters counters = InferiorCounters.of(zeek);
             ZeekProcess process = ZeekProcess.open(zeek.pid(), NO_CACHE)) {
            AtomicLong samples = new AtomicLong();
            Sampler sampler = new Sampler(process, new Sampler.Options(MAX_RATE, null, Sampler.Mode.BLOCKING, 256),
                    s -> samples.incrementAndGet());
            AtomicReference<String> endReason = new AtomicReference<>();
            Thread sampling = new Thread(() -> endReason.set(sampler.run()), "sampler");
            sampling.start();
            Sender usr1 = new Sender(zeek.pid(), LibC.SIGUSR1, "sigusr1", counters);
            Sender term = new Sender(zeek.pid(), LibC.SIGTERM, "sigterm", counters);
            try {
                Await.until(() -> samples.get() >= 100, 30_000, "sampling started");
                long sigchldBefore = counters.read("sigchld");
                usr1.start();
                term.start();
                while (usr1.isAlive() || term.isAlive()) {
                    assertEquals(LibC.getpid(), ProcFs.tracerProcess(zeek.pid()), "the inferior is traced by this JVM while the signals go");
                    usr1.join(200);
                    term.join(200);
                }
                usr1.check();
                term.check();
                Await.until(() -> counters.read("sigchld") - sigchldBefore >= CHILDREN, 120_000,
                        CHILDREN + " children ended while sampled");
            } finally {
                usr1.interrupt();
                term.interrupt();
                usr1.join(15_000);
                term.join(15_000);
                sampler.stop();
                sampling.join(30_000);
            }
            SamplerStatistics.Snapshot stats = sampler.statistics().snapshot();
            assertEquals("stopped", endReason.get());

            zeek.signal("INT"); // ends the run; SIGTERM is counted instead
            assertTrue(zeek.awaitExit(20_000), "the inferior ended on SIGINT");
            List<String> lines = zeek.lines();
            assertEquals(SIGNALS, zeekspy.testing.GroundTruth.parse(lines).signals(), "SIGUSR1 counted by the inferior");
            assertEquals(SIGNALS, InferiorReport.number(lines, "sigterm"), "SIGTERM counted by the inferior");
            Map<String, Long> children = InferiorReport.fields(lines, "children");
            assertEquals(0, children.get("lost"), "children reaped without their SIGCHLD: " + children);
            assertEquals(children.get("forked"), children.get("sigchld"), "one SIGCHLD per child: " + children);
            assertEquals(children.get("forked"), children.get("reaped"), children.toString());
            assertEquals(0, children.get("fork-failures"), children.toString());
            assertTrue(children.get("forked") >= CHILDREN, children.toString());
            // Sampling really ran at a high rate all along: blocking samples stop the inferior.
            assertTrue(stats.samples() >= 2_000, stats.samples() + " samples, " + stats.missedTicks() + " missed");
            assertEquals(stats.samples(), samples.get());
            System.out.printf("signals test: %d SIGUSR1, %d SIGTERM, %s; %d samples (%d missed ticks), pause p99 %d us%n",
                    SIGNALS, SIGNALS, children, stats.samples(), stats.missedTicks(), stats.pauseP99() / 1000);
        }
    }

    /** Sends {@link #SIGNALS} signals, each once the inferior has counted the one before. */
    static final class Sender extends Thread {
        private final int pid;
        private final int signal;
        private final String counter;
        private final InferiorCounters counters;
        private volatile Throwable failure;

        Sender(int pid, int signal, String counter, InferiorCounters counters) {
            super("send-" + counter);
            this.pid = pid;
            this.signal = signal;
            this.counter = counter;
            this.counters = counters;
        }

        @Override
        public void run() {
            try {
                long base = counters.read(counter);
                for (int i = 1; i <= SIGNALS; i++) {
                    if (LibC.kill(pid, signal) != 0) {
                        throw new AssertionError("kill " + counter + " failed: " + LibC.describe(LibC.errno()));
                    }
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (counters.read(counter) - base < i) {
                        if (isInterrupted()) {
                            return; // the test failed elsewhere
                        }
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError(counter + " signal " + i + " was not handled within 10 s (counted "
                                    + (counters.read(counter) - base) + ")");
                        }
                        LockSupport.parkNanos(20_000);
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        void check() {
            if (failure != null) {
                throw new AssertionError(failure.getMessage(), failure);
            }
        }
    }
}
