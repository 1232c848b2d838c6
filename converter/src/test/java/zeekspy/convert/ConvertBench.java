package zeekspy.convert;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Conversion benchmark: zeek-format recordings of 10^5 and 10^6 samples, and jdk.ExecutionSample
 * recordings of the same sizes, converted to pprof and HTML in this JVM (median of 3 after a
 * warm-up, peak heap) and as fresh processes next to async-profiler's jfrconv.
 *
 * <pre>
 * java -cp CLASSPATH zeekspy.convert.ConvertBench WORKDIR [jfr-converter.jar]
 * </pre>
 */
public final class ConvertBench {
    private static final int RUNS = 3;

    private ConvertBench() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target-bench"));
        Path jfrconv = args.length > 1 ? Path.of(args[1]) : null;
        Path zeek100k = zeekRecording(work.resolve("zeek-100k.jfr"), 100_000);
        Path zeek1m = zeekRecording(work.resolve("zeek-1m.jfr"), 1_000_000);
        Path execBase = work.resolve("exec-base.jfr");
        if (!Files.exists(execBase)) {
            JavaWorkloadRecorder.record(execBase, 6, Duration.ofSeconds(30), Duration.ofMillis(1));
        }
        Path exec100k = amplified(execBase, work.resolve("exec-100k.jfr"), 100_000);
        Path exec1m = amplified(execBase, work.resolve("exec-1m.jfr"), 1_000_000);

        System.out.printf(Locale.ROOT, "machine: %d cores, load average %.2f, java %s%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.version"));
        System.out.println("| input | samples | output | zeek-spy in-process: median ms | samples/s | peak heap MB "
                + "| jfrconv in-process: median ms | zeek-spy process: wall ms, CPU ms, max RSS MB "
                + "| jfrconv process: wall ms, CPU ms, max RSS MB |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Path input : List.of(zeek100k, zeek1m)) {
            for (String extension : List.of("pb.gz", "html")) {
                row(input, ZeekJfrFormat.SAMPLE_EVENT, Granularity.LINES, extension, work, null);
            }
        }
        for (Path input : List.of(exec100k, exec1m)) {
            for (String extension : List.of("pb.gz", "html")) {
                row(input, "jdk.ExecutionSample", Granularity.FUNCTIONS, extension, work, jfrconv);
            }
        }
        row(exec1m, "jdk.ExecutionSample", Granularity.LINES, "pb.gz", work, jfrconv);
    }

    private static void row(Path input, String event, Granularity granularity, String extension, Path work, Path jfrconv)
            throws Exception {
        Path output = work.resolve(input.getFileName() + "-" + granularity.name().toLowerCase(Locale.ROOT) + "." + extension);
        ConvertOptions options = ConvertOptions.defaults().withEvent(event).withGranularity(granularity);
        Converter.convert(List.of(input), output, options); // warm-up
        long[] millis = new long[RUNS];
        long peak = 0;
        long samples = 0;
        for (int i = 0; i < RUNS; i++) {
            System.gc();
            List<MemoryPoolMXBean> heap = new ArrayList<>();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pool.resetPeakUsage();
                    heap.add(pool);
                }
            }
            long start = System.nanoTime();
            samples = Converter.convert(List.of(input), output, options).samplesRead();
            millis[i] = (System.nanoTime() - start) / 1_000_000;
            long used = 0;
            for (MemoryPoolMXBean pool : heap) {
                used += pool.getPeakUsage().getUsed();
            }
            peak = Math.max(peak, used);
        }
        long median = median(millis);
        List<String> ours = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"),
                ConvertMain.class.getName(), "--event", event));
        if (granularity == Granularity.FUNCTIONS) {
            ours.add("--functions");
        }
        ours.addAll(List.of(input.toString(), work.resolve("process-" + output.getFileName()).toString()));
        String oursProcess = process(ours);
        String theirs = "n/a (no zeek.Sample support)";
        String theirsInProcess = "n/a";
        if (jfrconv != null && !event.equals(ZeekJfrFormat.SAMPLE_EVENT)) {
            List<String> arguments = new ArrayList<>(List.of("-o", extension));
            if (granularity == Granularity.LINES) {
                arguments.add("--lines");
            }
            arguments.addAll(List.of(input.toString(), work.resolve("jfrconv-" + output.getFileName()).toString()));
            theirsInProcess = inProcess(jfrconv, arguments) + "";
            List<String> command = new ArrayList<>(List.of(java(), "-jar", jfrconv.toString()));
            command.addAll(arguments);
            theirs = process(command);
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %s %s | %d | %.0f | %.0f | %s | %s | %s |%n", input.getFileName(), samples,
                extension, granularity.name().toLowerCase(Locale.ROOT), median, samples * 1000.0 / Math.max(1, median),
                peak / 1e6, theirsInProcess, oursProcess, theirs);
    }

    /** jfrconv's main in this JVM, after a warm-up: the median ms of 3 runs. */
    private static long inProcess(Path jar, List<String> arguments) throws Exception {
        java.net.URLClassLoader loader = JFRCONV_LOADERS.computeIfAbsent(jar, j -> {
            try {
                return new java.net.URLClassLoader(new java.net.URL[] {j.toUri().toURL()}, null);
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        });
        java.lang.reflect.Method main = loader.loadClass("one.convert.Main").getMethod("main", String[].class);
        java.io.PrintStream stdout = System.out;
        long[] millis = new long[RUNS];
        try {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            main.invoke(null, (Object) arguments.toArray(new String[0]));
            for (int i = 0; i < RUNS; i++) {
                System.gc();
                long start = System.nanoTime();
                main.invoke(null, (Object) arguments.toArray(new String[0]));
                millis[i] = (System.nanoTime() - start) / 1_000_000;
            }
        } finally {
            System.setOut(stdout);
        }
        return median(millis);
    }

    private static final java.util.Map<Path, java.net.URLClassLoader> JFRCONV_LOADERS = new java.util.HashMap<>();

    /** Runs a command 3 times under /usr/bin/time: "median wall ms, median CPU ms, max RSS MB"; prints the command once. */
    private static String process(List<String> command) throws IOException, InterruptedException {
        long[] millis = new long[RUNS];
        long[] cpu = new long[RUNS];
        long rss = 0;
        for (int i = 0; i < RUNS; i++) {
            Path times = Files.createTempFile("bench", ".time");
            List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%e %M %U %S"));
            timed.addAll(command);
            Process process = new ProcessBuilder(timed).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IOException("failed: " + String.join(" ", command) + "\n" + out);
            }
            String[] parts = Files.readString(times).trim().split("\\s+");
            Files.delete(times);
            millis[i] = Math.round(Double.parseDouble(parts[0]) * 1000);
            rss = Math.max(rss, Long.parseLong(parts[1]));
            cpu[i] = Math.round((Double.parseDouble(parts[2]) + Double.parseDouble(parts[3])) * 1000);
        }
        System.err.println("$ " + String.join(" ", command).replace(System.getProperty("java.class.path"), "$CP"));
        return median(millis) + ", " + median(cpu) + ", " + rss / 1024;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path amplified(Path base, Path output, long samples) throws IOException {
        if (!Files.exists(output)) {
            JfrAmplifier.amplify(base, "jdk.ExecutionSample", samples, output);
        }
        return output;
    }

    /**
     * A zeek-format recording shaped like a busy Zeek: 300 functions in 60 scripts, 3000 call
     * paths of depth 2 to 14 from 20 event handlers, hot paths much more frequent than cold
     * ones, four worker processes, some idle and native samples.
     */
    static Path zeekRecording(Path file, int samples) throws IOException {
        if (Files.exists(file)) {
            return file;
        }
        return ZeekRecordingGenerator.record(file, g -> {
            Random random = new Random(42);
            int[][] lines = new int[300][];
            for (int f = 0; f < lines.length; f++) {
                lines[f] = new int[1 + random.nextInt(5)];
                for (int l = 0; l < lines[f].length; l++) {
                    lines[f][l] = g.frame("/usr/share/zeek/base/script" + f % 60 + ".zeek", "Module" + f % 17 + "::function_" + f,
                            10 + 10 * f + l);
                }
            }
            int[][] paths = new int[3000][];
            for (int p = 0; p < paths.length; p++) {
                paths[p] = new int[2 + random.nextInt(13)];
                for (int d = 0; d < paths[p].length; d++) {
                    int function = d == 0 ? random.nextInt(20) : 20 + random.nextInt(280);
                    paths[p][d] = lines[function][random.nextInt(lines[function].length)];
                }
            }
            int empty = g.frame(ZeekJfrFormat.SYNTHETIC_FILE, ZeekJfrFormat.EMPTY_CALL_STACK, 0);
            int idle = g.frame(ZeekJfrFormat.SYNTHETIC_FILE, ZeekJfrFormat.IDLE_FRAME, 0);
            int nat = g.frame(ZeekJfrFormat.SYNTHETIC_FILE, ZeekJfrFormat.NATIVE_FRAME, 0);
            String[] nodes = {"worker-1", "worker-2", "worker-3", "worker-4"};
            for (int i = 0; i < samples; i++) {
                int worker = random.nextInt(nodes.length);
                double u = random.nextDouble();
                if (u < 0.07) {
                    g.sample(1001 + worker, nodes[worker], "idle", 1_000_000, empty, idle);
                } else if (u < 0.10) {
                    g.sample(1001 + worker, nodes[worker], "native", 1_000_000, empty, nat);
                } else {
                    double v = random.nextDouble();
                    g.sample(1001 + worker, nodes[worker], 1_000_000, paths[(int) (paths.length * v * v * v)]);
                }
            }
        });
    }
}
