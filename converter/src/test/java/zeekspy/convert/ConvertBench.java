package zeekspy.convert;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Conversion benchmark: zeek-format recordings of 10^5 and 10^6 samples and jdk.ExecutionSample
 * recordings of the same sizes, converted to pprof and HTML, next to async-profiler's jfrconv on
 * the jdk.ExecutionSample ones. Both run in this JVM after a warm-up (wall and thread CPU time,
 * peak heap) and as fresh processes (wall, CPU, max RSS), each with the JVM's default flags and
 * with {@code -XX:TieredStopAtLevel=1}. The runs of the two converters alternate, so that a
 * shared machine's changing load hits both alike: compare the ratios. Medians of {@value #RUNS}.
 *
 * <pre>
 * java -cp CLASSPATH zeekspy.convert.ConvertBench WORKDIR [jfr-converter.jar [zeek-spy.jar]]
 * </pre>
 * Without zeek-spy.jar, the fresh processes of zeek-spy run {@link ConvertMain} from the class
 * path; with it, {@code java -jar zeek-spy.jar convert} as users run it, and ConvertMain too.
 */
public final class ConvertBench {
    private static final int RUNS = 5;
    private static final String C1 = "-XX:TieredStopAtLevel=1";
    private static final String EXEC = "jdk.ExecutionSample";

    private final Path work;
    private final Path jfrconv;
    private final Path zeekSpyJar;
    private final List<String> warm = new ArrayList<>();
    private final List<String> fresh = new ArrayList<>();
    private URLClassLoader jfrconvLoader;

    private ConvertBench(Path work, Path jfrconv, Path zeekSpyJar) {
        this.work = work;
        this.jfrconv = jfrconv;
        this.zeekSpyJar = zeekSpyJar;
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target-bench"));
        Path jfrconv = args.length > 1 ? Path.of(args[1]) : null;
        Path jar = args.length > 2 ? Path.of(args[2]) : null;
        Path zeek100k = zeekRecording(work.resolve("zeek-100k.jfr"), 100_000);
        Path zeek1m = zeekRecording(work.resolve("zeek-1m.jfr"), 1_000_000);
        Path execBase = work.resolve("exec-base.jfr");
        if (!Files.exists(execBase)) {
            JavaWorkloadRecorder.record(execBase, 6, Duration.ofSeconds(30), Duration.ofMillis(1));
        }
        Path exec100k = amplified(execBase, work.resolve("exec-100k.jfr"), 100_000);
        Path exec1m = amplified(execBase, work.resolve("exec-1m.jfr"), 1_000_000);

        ConvertBench bench = new ConvertBench(work, jfrconv, jar);
        String before = load();
        for (Path input : List.of(zeek100k, zeek1m, exec100k, exec1m)) {
            for (String extension : List.of("pb.gz", "html")) {
                bench.row(input, extension);
            }
        }
        System.out.printf(Locale.ROOT, "machine: %d cores, java %s, load average %s before, %s after%n%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), before, load());
        System.out.println("In this JVM, after a warm-up (medians; peak heap = most heap in use during a run):\n");
        System.out.println("| input | samples | output | zeek-spy: wall ms, CPU ms | samples/s (CPU) | peak heap MB "
                + "| jfrconv: wall ms, CPU ms | peak heap MB | jfrconv CPU / zeek-spy CPU |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        bench.warm.forEach(System.out::println);
        System.out.println("\nFresh processes (medians: wall ms, CPU ms (user+sys), max RSS MB; samples/s = samples / wall):\n");
        System.out.println("| input | output | converter | JVM flags | wall ms | CPU ms | RSS MB | samples/s (wall) | samples/s (CPU) "
                + "| jfrconv CPU / this CPU |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        bench.fresh.forEach(System.out::println);
    }

    private void row(Path input, String extension) throws Exception {
        boolean zeek = !input.getFileName().toString().startsWith("exec");
        String event = zeek ? ZeekJfrFormat.SAMPLE_EVENT : EXEC;
        Granularity granularity = zeek ? Granularity.LINES : Granularity.FUNCTIONS;
        ConvertOptions options = ConvertOptions.defaults().withEvent(event).withGranularity(granularity);
        String name = input.getFileName() + "." + extension;
        Path ours = work.resolve("zeek-spy-" + name);
        Path theirs = work.resolve("jfrconv-" + name);
        List<String> theirArguments = List.of("-o", extension, input.toString(), theirs.toString());
        boolean compare = jfrconv != null && !zeek;

        // In this JVM: a warm-up of each, then alternating runs.
        Converter.convert(List.of(input), ours, options);
        if (compare) {
            jfrconvMain(theirArguments);
        }
        Run[] oursWarm = new Run[RUNS];
        Run[] theirsWarm = new Run[RUNS];
        long samples = 0;
        for (int i = 0; i < RUNS; i++) {
            for (int k = 0; k < 2; k++) {
                if ((i + k) % 2 == 0) {
                    long[] read = new long[1];
                    oursWarm[i] = inProcess(() -> read[0] = Converter.convert(List.of(input), ours, options).samplesRead());
                    samples = read[0];
                } else if (compare) {
                    theirsWarm[i] = inProcess(() -> jfrconvMain(theirArguments));
                }
            }
        }
        long oursCpu = median(oursWarm, r -> r.cpuMillis);
        String theirCells = "— | — | —";
        if (compare) {
            long theirCpu = median(theirsWarm, r -> r.cpuMillis);
            theirCells = median(theirsWarm, r -> r.wallMillis) + ", " + theirCpu + " | "
                    + median(theirsWarm, r -> r.peakHeapMb) + " | " + ratio(theirCpu, oursCpu);
        }
        warm.add(String.format(Locale.ROOT, "| %s | %d | %s | %d, %d | %s | %d | %s |", input.getFileName(), samples,
                extension, median(oursWarm, r -> r.wallMillis), oursCpu, perSecond(samples, oursCpu),
                median(oursWarm, r -> r.peakHeapMb), theirCells));

        // Fresh processes, alternating command by command.
        Map<String, List<String>> commands = new LinkedHashMap<>();
        for (String flags : List.of("", C1)) {
            String label = flags.isEmpty() ? "default" : flags;
            if (zeekSpyJar != null) {
                List<String> jar = java(flags, "-jar", zeekSpyJar.toString(), "convert", "--event", event);
                if (!zeek) {
                    jar.add("--functions");
                }
                jar.addAll(List.of(input.toString(), work.resolve("process-" + name).toString()));
                commands.put("zeek-spy convert (jar)|" + label, jar);
            }
            List<String> main = java(flags, "-cp", System.getProperty("java.class.path"), ConvertMain.class.getName(),
                    "--event", event);
            if (!zeek) {
                main.add("--functions");
            }
            main.addAll(List.of(input.toString(), work.resolve("main-" + name).toString()));
            commands.put("ConvertMain (no CLI)|" + label, main);
            if (compare) {
                List<String> command = java(flags, "-jar", jfrconv.toString());
                command.addAll(theirArguments);
                commands.put("jfrconv|" + label, command);
            }
        }
        Map<String, Run[]> runs = new LinkedHashMap<>();
        for (String key : commands.keySet()) {
            runs.put(key, new Run[RUNS]);
        }
        List<String> keys = new ArrayList<>(commands.keySet());
        for (int i = 0; i < RUNS; i++) {
            for (int k = 0; k < keys.size(); k++) {
                String key = keys.get(i % 2 == 0 ? k : keys.size() - 1 - k);
                runs.get(key)[i] = process(commands.get(key));
            }
        }
        for (String key : keys) {
            String[] parts = key.split("\\|");
            Run[] r = runs.get(key);
            long wall = median(r, x -> x.wallMillis);
            long cpu = median(r, x -> x.cpuMillis);
            Run[] their = runs.get("jfrconv|" + parts[1]);
            String versus = their == null || parts[0].equals("jfrconv") ? "—" : ratio(median(their, x -> x.cpuMillis), cpu);
            fresh.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %d | %d | %s | %s | %s |", input.getFileName(),
                    extension, parts[0], parts[1], wall, cpu, median(r, x -> x.peakHeapMb), perSecond(samples, wall),
                    perSecond(samples, cpu), versus));
        }
    }

    /** One run: wall and CPU milliseconds; peak heap (in this JVM) or max RSS (a process) in MB. */
    private static final class Run {
        long wallMillis;
        long cpuMillis;
        long peakHeapMb;
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Run inProcess(Body body) throws Exception {
        System.gc();
        List<MemoryPoolMXBean> heap = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
                heap.add(pool);
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        body.run();
        Run run = new Run();
        run.wallMillis = (System.nanoTime() - start) / 1_000_000;
        run.cpuMillis = (threads.getCurrentThreadCpuTime() - cpu) / 1_000_000;
        long used = 0;
        for (MemoryPoolMXBean pool : heap) {
            used += pool.getPeakUsage().getUsed();
        }
        run.peakHeapMb = used / 1_000_000;
        return run;
    }

    /** jfrconv's main in this JVM, in a class loader of its own, its standard output discarded. */
    private void jfrconvMain(List<String> arguments) throws Exception {
        if (jfrconvLoader == null) {
            jfrconvLoader = new URLClassLoader(new URL[] {jfrconv.toUri().toURL()}, null);
        }
        Method main = jfrconvLoader.loadClass("one.convert.Main").getMethod("main", String[].class);
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            main.invoke(null, (Object) arguments.toArray(new String[0]));
        } finally {
            System.setOut(stdout);
        }
    }

    /** Runs a command under /usr/bin/time; prints it to standard error the first time. */
    private static Run process(List<String> command) throws IOException, InterruptedException {
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
        if (PRINTED.add(String.join(" ", command))) {
            System.err.println("$ " + String.join(" ", command).replace(System.getProperty("java.class.path"), "$CP"));
        }
        Run run = new Run();
        run.wallMillis = Math.round(Double.parseDouble(parts[0]) * 1000);
        run.peakHeapMb = Long.parseLong(parts[1]) / 1024;
        run.cpuMillis = Math.round((Double.parseDouble(parts[2]) + Double.parseDouble(parts[3])) * 1000);
        return run;
    }

    private static final java.util.Set<String> PRINTED = new java.util.HashSet<>();

    private static List<String> java(String flags, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!flags.isEmpty()) {
            command.add(flags);
        }
        command.addAll(Arrays.asList(arguments));
        return command;
    }

    private static long median(Run[] runs, java.util.function.ToLongFunction<Run> value) {
        long[] values = Arrays.stream(runs).mapToLong(value).sorted().toArray();
        return values[values.length / 2];
    }

    private static String ratio(long theirs, long ours) {
        return String.format(Locale.ROOT, "%.2f", theirs / (double) Math.max(1, ours));
    }

    private static String perSecond(long samples, long millis) {
        return String.format(Locale.ROOT, "%.2f M", samples / 1000.0 / Math.max(1, millis));
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static Path amplified(Path base, Path output, long samples) throws IOException {
        if (!Files.exists(output)) {
            JfrAmplifier.amplify(base, EXEC, samples, output);
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
