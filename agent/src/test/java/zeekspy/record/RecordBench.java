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
 * and bytes per sample, sampling the inferior's depth-10 workload. Prints Markdown.
 */
public final class RecordBench {
    public static void main(String[] args) throws Exception {
        JfrStackDepth.ensureAtLeast(1026);
        var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        var memory = ManagementFactory.getMemoryMXBean();
        System.out.println("### Recording to JFR (blocking, default fields, mini-zeek 8.0 `--workload deep --depth 9`, 20 s per row after 5 s)\n");
        System.out.println("| rate | samples | zeek-spy CPU (% of one core) | heap used after GC | recording bytes per sample | busiest threads |");
        System.out.println("|---|---|---|---|---|---|");
        boolean warm = false;
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "600", "--workload", "deep",
                "--depth", "9");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), new LayoutResolver.Options(null, null, List.of()))) {
            baseline(os);
            // JIT warm-up at 1 kHz first: at 100 Hz the compilers would still be busy in the window.
            for (double rate : new double[] {1000, 100, 1000}) {
                Path file = Files.createTempFile("record-bench", ".jfr");
                try (Recording recording = new Recording(ZeekRecordingSettings.configuration())) {
                    recording.setToDisk(true);
                    recording.setDestination(file);
                    recording.start();
                    SamplingSession session = new SamplingSession(List.of(process),
                            new Sampler.Options(rate, null, Sampler.Mode.BLOCKING, 1024), JfrSampleSink.Fields.STANDARD, null);
                    session.start();
                    Thread.sleep(5000);
                    long samples0 = session.samplers().get(0).statistics().snapshot().samples();
                    long cpu0 = os.getProcessCpuTime();
                    ThreadCpu threads0 = ThreadCpu.now();
                    long t0 = System.nanoTime();
                    Thread.sleep(20_000);
                    long wall = System.nanoTime() - t0;
                    double cpu = (os.getProcessCpuTime() - cpu0) / (double) wall;
                    String busiest = ThreadCpu.now().busiestSince(threads0, wall, 5);
                    long samples = session.samplers().get(0).statistics().snapshot().samples() - samples0;
                    System.gc();
                    long heap = memory.getHeapMemoryUsage().getUsed();
                    session.stop();
                    recording.stop();
                    long total = session.samplers().get(0).statistics().snapshot().samples();
                    System.out.printf("| %.0f Hz%s | %d | %.2f%% | %.1f MB | %.1f | %s |%n", rate, warm ? "" : " (JIT warm-up)", samples,
                            100 * cpu, heap / 1e6, (double) Files.size(file) / total, busiest);
                    warm = true;
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
            System.out.printf("| none (recording only) | 0 | %.2f%% | | | %s |%n", 100 * cpu, ThreadCpu.now().busiestSince(threads0, wall, 5));
        }
    }
}
