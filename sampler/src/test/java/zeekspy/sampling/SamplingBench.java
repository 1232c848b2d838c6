package zeekspy.sampling;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import zeekspy.layout.LayoutCache;
import zeekspy.layout.LayoutResolver;
import zeekspy.memory.PtraceSession;
import zeekspy.memory.SpawnedProcess;
import zeekspy.stack.ScriptFrame;
import zeekspy.stack.StackReader;
import zeekspy.testing.Await;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * The sampling benchmark (not a test): a stack of depth 10 in the inferior, sampled blocking and
 * non-blocking. Prints Markdown for BENCHMARKS.md. Run with {@code bench/run.sh sampling}.
 */
public final class SamplingBench {
    private static final LayoutResolver.Options NO_CACHE = new LayoutResolver.Options(null, null, List.of());
    private static final int ROUNDS = 12;
    /** About 2.6 s of work: long enough that a run is mostly steady state, not the sampler's start and warm-up. */
    private static final int ITERATIONS = 600;
    private static final com.sun.management.OperatingSystemMXBean OS =
            ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);

    public static void main(String[] args) throws Exception {
        String family = args.length > 0 ? args[0] : "8.0";
        Path bin = MiniZeek.binary("gcc", family, "");
        System.out.println("### Sampling (mini-zeek " + family + ", `--workload deep --depth 9`: 10 script frames, a BiF on top 10% of the time)\n");
        slowdown(bin);
        try (RunningInferior zeek = RunningInferior.start(bin, "--run", "600", "--workload", "deep", "--depth", "9");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), NO_CACHE)) {
            System.out.println("| mode | rate | samples | missed ticks | pause p50 | pause p99 | sample time p50 | sample time p99 | memory reads (syscalls)/sample | zeek-spy CPU (% of a core) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (Sampler.Mode mode : Sampler.Mode.values()) {
                for (double rate : new double[] {100, 1000}) {
                    row(process, mode, rate, Duration.ofSeconds(5));
                }
            }
            System.out.println();
            for (Sampler.Mode mode : Sampler.Mode.values()) {
                System.out.println(missedAtRates(process, mode));
            }
            System.out.printf("- non-blocking reads back to back: %.0f samples/s%n%n", backToBack(process));
        }
    }

    private static void row(ZeekProcess process, Sampler.Mode mode, double rate, Duration d) {
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        Sampler s = new Sampler(process, new Sampler.Options(rate, d, mode, 256), sample -> { });
        s.run();
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
        SamplerStatistics.Snapshot st = s.statistics().snapshot();
        double perSample = (double) st.syscalls() / Math.max(1, st.samples());
        System.out.printf("| %s | %.0f Hz | %d | %d | %s | %s | %s | %s | %.1f | %.2f%% |%n", mode.name().toLowerCase(), rate,
                st.samples(), st.missedTicks(), us(mode == Sampler.Mode.BLOCKING ? st.pauseP50() : 0),
                us(mode == Sampler.Mode.BLOCKING ? st.pauseP99() : 0), us(st.sampleTimeP50()), us(st.sampleTimeP99()),
                perSample, 100 * cpu / wall);
    }

    private static String us(long nanos) {
        return nanos == 0 ? "-" : String.format("%.1f µs", nanos / 1000.0);
    }

    /**
     * The share of ticks missed at rising rates, each sampled for 2.5 s of which the first half
     * second, while a new sampler fills its caches, is left out, up to the first rate that misses
     * more than a tenth of them; and the highest rate below it that missed none.
     */
    private static String missedAtRates(ZeekProcess process, Sampler.Mode mode) throws InterruptedException {
        List<String> shares = new ArrayList<>();
        int sustained = 0;
        boolean noneMissed = true;
        for (int rate : new int[] {1000, 2000, 5000, 10_000, 20_000}) {
            Sampler s = new Sampler(process, new Sampler.Options(rate, Duration.ofMillis(2500), mode, 256), sample -> { });
            Thread t = new Thread(s::run, "bench-sampler");
            t.start();
            Thread.sleep(500);
            SamplerStatistics.Snapshot settled = s.statistics().snapshot();
            t.join();
            SamplerStatistics.Snapshot end = s.statistics().snapshot();
            long missedTicks = end.missedTicks() - settled.missedTicks();
            long ticks = end.samples() - settled.samples() + missedTicks;
            double missed = missedTicks / (double) Math.max(1, ticks);
            shares.add(String.format("%dk Hz %.2f%%", rate / 1000, 100 * missed));
            noneMissed &= missedTicks == 0;
            if (noneMissed) {
                sustained = rate;
            }
            if (missed > 0.1) {
                break;
            }
        }
        return "- " + mode.name().toLowerCase() + ", ticks missed at each rate (its last 2 s of 2.5): " + String.join(", ", shares)
                + "; highest rate without a missed tick: " + (sustained == 0 ? "none of these" : sustained + " Hz");
    }

    private static double backToBack(ZeekProcess process) {
        StackReader reader = process.newStackReader(256);
        reader.setVerifyConsistency(true);
        List<ScriptFrame> frames = new ArrayList<>();
        long n = 0;
        long end = System.nanoTime() + 2_000_000_000L;
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
            reader.read(frames);
            n++;
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * The inferior's own time for a fixed amount of work, unprofiled and profiled, in interleaved
     * rounds; the slowdown is the median of each round's ratio to its unprofiled run, which
     * cancels the machine's slow drifts. The layout comes from a cache, as after a first run.
     */
    private static void slowdown(Path bin) throws Exception {
        // Unprofiled first in each round: the baseline of the round's ratios.
        List<Variant> variants = List.of(new Variant(null, 0, true),
                new Variant(Sampler.Mode.BLOCKING, 100, true), new Variant(Sampler.Mode.BLOCKING, 1000, true),
                new Variant(Sampler.Mode.BLOCKING, 100, false), new Variant(Sampler.Mode.BLOCKING, 1000, false),
                new Variant(Sampler.Mode.NONBLOCKING, 100, true), new Variant(Sampler.Mode.NONBLOCKING, 1000, true));
        LayoutResolver.Options cached = NO_CACHE.withCache(new LayoutCache(Files.createTempDirectory("zeek-spy-bench")));
        workSeconds(bin, new Variant(Sampler.Mode.BLOCKING, 1000, true), cached); // warms this JVM and fills the cache
        workSeconds(bin, new Variant(Sampler.Mode.NONBLOCKING, 1000, true), cached);
        List<List<Double>> times = new ArrayList<>();
        List<List<Double>> ratios = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            times.add(new ArrayList<>());
            ratios.add(new ArrayList<>());
        }
        for (int round = 0; round < ROUNDS; round++) {
            double base = 0;
            for (int i = 0; i < variants.size(); i++) {
                double t = workSeconds(bin, variants.get(i), cached);
                base = i == 0 ? t : base;
                times.get(i).add(t);
                ratios.get(i).add(t / base);
            }
        }
        System.out.println("| inferior workload (`--iterations " + ITERATIONS + "`, its own work time, " + ROUNDS
                + " interleaved rounds) | median | slowdown (median of the rounds' ratios) | ratios' quartiles |");
        System.out.println("|---|---|---|---|");
        for (int i = 0; i < variants.size(); i++) {
            List<Double> r = ratios.get(i);
            System.out.printf("| %s | %.3f s | %+.2f%% | %+.2f%% … %+.2f%% |%n", variants.get(i),
                    quantile(times.get(i), 0.5),
                    100 * (quantile(r, 0.5) - 1), 100 * (quantile(r, 0.25) - 1), 100 * (quantile(r, 0.75) - 1));
        }
        System.out.println();
    }

    /**
     * A way to run the inferior: not sampled (mode null), or sampled at {@code rate}, in blocking
     * mode with or without {@link Sampler.Options#keepCpuPolling()}.
     */
    private record Variant(Sampler.Mode mode, double rate, boolean keepCpuPolling) {
        @Override
        public String toString() {
            return mode == null ? "unprofiled" : String.format("%s %.0f Hz%s", mode.name().toLowerCase(), rate,
                    mode == Sampler.Mode.BLOCKING && !keepCpuPolling ? ", CPU left to halt (`--no-cpu-poll`)" : "");
        }
    }

    /** The work time the inferior reports ({@code work-elapsed}) when run as {@code variant} says. */
    private static double workSeconds(Path bin, Variant variant, LayoutResolver.Options layouts) throws Exception {
        Sampler.Mode mode = variant.mode();
        // Started by posix_spawn so that it can be traced from the first instruction.
        Path out = Files.createTempFile("zeek-spy-bench", ".out");
        SpawnedProcess child = SpawnedProcess.start(List.of("sh", "-c", "exec \"$0\" --iterations " + ITERATIONS + " --workload deep"
                + " --depth 9 >\"$1\"", bin.toString(), out.toString()));
        Thread sampling = null;
        if (mode != null) {
            // The shell's exec would end a session begun before it; the exe link changes before the kernel maps the program.
            Await.until(() -> executed(child.pid(), bin.toString()), 1_000, "the shell executed the inferior");
            PtraceSession session = mode == Sampler.Mode.BLOCKING ? PtraceSession.seize(child) : null;
            ZeekProcess p = ZeekProcess.open(child.pid(), layouts);
            Sampler s = new Sampler(p, new Sampler.Options(variant.rate(), null, mode, 256, variant.keepCpuPolling()), sample -> { });
            sampling = new Thread(session == null ? s::run : () -> s.run(session));
            sampling.start();
        }
        int code = child.waitFor();
        if (sampling != null) {
            sampling.join();
        }
        if (code != 0) {
            throw new IllegalStateException("inferior failed: " + code);
        }
        String elapsed = Files.readAllLines(out).stream().filter(l -> l.startsWith("work-elapsed\t")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the inferior printed no work-elapsed line"));
        Files.delete(out);
        return Long.parseLong(elapsed.substring(elapsed.indexOf('\t') + 1).trim()) / 1e9;
    }

    /** Whether the process runs {@code bin}, mapped. */
    private static boolean executed(int pid, String bin) {
        return zeekspy.memory.ProcFs.exeTarget(pid).equals(bin)
                && zeekspy.memory.ProcFs.maps(pid).stream().anyMatch(m -> m.filePath().equals(bin));
    }

    private static double quantile(List<Double> xs, double q) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[(int) Math.round(q * (a.length - 1))];
    }
}
