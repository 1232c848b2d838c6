package zeekspy.record;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import zeekspy.jfr.JfrSampleSink;
import zeekspy.jfr.JfrStackDepth;
import zeekspy.jfr.ZeekRecordingSettings;
import zeekspy.layout.LayoutResolver;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.ZeekProcess;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * zeek-spy's own cost while recording to JFR (not a test): CPU and heap at 100 Hz and 1 kHz,
 * and bytes per sample, sampling the inferior's depth-10 workload. At 100 Hz the JIT needs about
 * a minute to compile the sample path (its thresholds count calls), so that session runs in
 * consecutive windows from a JVM that has not sampled yet: the first minute, then the steady
 * state. Prints Markdown. {@code -Dzeekspy.bench.noCpuPoll=true} samples as {@code record
 * --no-cpu-poll} does.
 */
public final class RecordBench {
    /** Each session's consecutive measurement windows: 100 Hz from a JVM that has not sampled yet, until its JIT is done; then 1 kHz. */
    private static final double[] RATES = {100, 1000};
    private static final int[] WINDOWS = {5, 1};
    private static final long SETTLE_MILLIS = 5_000;
    private static final long WINDOW_MILLIS = 20_000;
    private static final boolean KEEP_CPU_POLLING = !Boolean.getBoolean("zeekspy.bench.noCpuPoll");

    public static void main(String[] args) throws Exception {
        JfrStackDepth.ensureAtLeast(1026);
        var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        var memory = ManagementFactory.getMemoryMXBean();
        System.out.println("### Recording to JFR (blocking, default fields, mini-zeek 8.0 `--workload deep --depth 9`;"
                + " consecutive 20 s windows of one session per rate, from 5 s after its start)\n");
        System.out.println("| rate | window | samples | zeek-spy CPU (% of one core) | heap used after GC | recording bytes per sample | busiest threads |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "900", "--workload", "deep",
                "--depth", "9");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), new LayoutResolver.Options(null, null, List.of()))) {
            baseline(os);
            for (int r = 0; r < RATES.length; r++) {
                double rate = RATES[r];
                Path file = Files.createTempFile("record-bench", ".jfr");
                try (Recording recording = new Recording(ZeekRecordingSettings.configuration())) {
                    recording.setToDisk(true);
                    recording.setDestination(file);
                    recording.start();
                    SamplingSession session = new SamplingSession(List.of(process),
                            new Sampler.Options(rate, null, Sampler.Mode.BLOCKING, 1024, KEEP_CPU_POLLING), JfrSampleSink.Fields.STANDARD, null);
                    session.start();
                    Thread.sleep(SETTLE_MILLIS);
                    for (int w = 0; w < WINDOWS[r]; w++) {
                        long samples0 = session.samplers().get(0).statistics().snapshot().samples();
                        long cpu0 = os.getProcessCpuTime();
                        ThreadCpu threads0 = ThreadCpu.now();
                        long t0 = System.nanoTime();
                        Thread.sleep(WINDOW_MILLIS);
                        long wall = System.nanoTime() - t0;
                        double cpu = (os.getProcessCpuTime() - cpu0) / (double) wall;
                        String busiest = ThreadCpu.now().busiestSince(threads0, wall, 5);
                        long samples = session.samplers().get(0).statistics().snapshot().samples() - samples0;
                        String heap = "";
                        String bytes = "";
                        if (w == WINDOWS[r] - 1) {
                            System.gc();
                            heap = String.format("%.1f MB", memory.getHeapMemoryUsage().getUsed() / 1e6);
                            session.stop();
                            recording.stop();
                            long total = session.samplers().get(0).statistics().snapshot().samples();
                            bytes = String.format("%.1f", (double) Files.size(file) / total);
                        }
                        long from = (SETTLE_MILLIS + w * WINDOW_MILLIS) / 1000;
                        System.out.printf("| %.0f Hz | %d–%d s | %d | %.2f%% | %s | %s | %s |%n", rate, from, from + WINDOW_MILLIS / 1000,
                                samples, 100 * cpu, heap, bytes, busiest);
                    }
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        }
        System.out.println();
    }

    /** The same JVM with a recording running but no sampling: what JFR and the JVM cost alone. */
    private static void baseline(com.sun.management.OperatingSystemMXBean os) throws Exception {
        try (Recording recording = new Recording(ZeekRecordingSettings.configuration())) {
            recording.setToDisk(true);
            recording.start();
            Thread.sleep(5000);
            long cpu0 = os.getProcessCpuTime();
            ThreadCpu threads0 = ThreadCpu.now();
            long t0 = System.nanoTime();
            Thread.sleep(20_000);
            long wall = System.nanoTime() - t0;
            double cpu = (os.getProcessCpuTime() - cpu0) / (double) wall;
            System.out.printf("| none (recording only) | | 0 | %.2f%% | | | %s |%n", 100 * cpu, ThreadCpu.now().busiestSince(threads0, wall, 5));
        }
    }
}
