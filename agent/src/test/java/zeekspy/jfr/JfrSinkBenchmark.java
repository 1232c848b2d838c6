package zeekspy.jfr;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Name;
import jdk.jfr.Recording;
import jdk.jfr.StackTrace;
import zeekspy.sampling.Sample;
import zeekspy.sampling.SampleKind;
import zeekspy.stack.FunctionKind;
import zeekspy.stack.ScriptFrame;

/**
 * Cost of {@link JfrSampleSink#accept} and the commit for depth-10 stacks (CPU time of the calling
 * thread and the commit thread), of
 * the first samples of new stacks, and JFR bytes per sample at steady state. Not a test; run with
 * {@code java -cp <test classpath> zeekspy.jfr.JfrSinkBenchmark [samples]}.
 */
public final class JfrSinkBenchmark {
    private static final int STACKS = 8;
    private static final int DEPTH = 10;

    /** A plain JFR event with a stack trace and no fields: JFR's own per-event floor. */
    @Name("zeekspy.bench.Bare")
    @StackTrace(true)
    static final class BareEvent extends jdk.jfr.Event {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        JfrStackDepth.ensureAtLeast(256);
        List<Sample> samples = stacks();
        Path dir = Files.createTempDirectory("zeekspy-bench");
        for (JfrSampleSink.Fields fields : JfrSampleSink.Fields.values()) {
            JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 200, "worker-1", 10_000_000L, fields);
            record(dir.resolve("warm.jfr"), () -> run(sink, samples, 300_000));
            long classes = ZeekFrames.generatedClasses();
            long[] nanos = new long[1];
            Path file = dir.resolve("steady-" + fields + ".jfr");
            record(file, () -> nanos[0] = run(sink, samples, n));
            System.out.printf("%s fields: accept, depth %d, %d distinct stacks: %.0f ns/sample (%d samples), classes generated after warm-up: %d%n",
                    fields, DEPTH, STACKS, (double) nanos[0] / n, n, ZeekFrames.generatedClasses() - classes);
            printSizes(file, "zeek.Sample", n);
            System.out.printf("  file: %d bytes = %.1f bytes/sample overall%n", Files.size(file), (double) Files.size(file) / n);
        }

        warmUp(dir);

        ZeekFrames frames = new ZeekFrames();
        FrameChain chain = frames.newChain(200);
        long start = cpuTime();
        for (int i = 0; i < n; i++) {
            frames.prepare(chain, samples.get(i % samples.size()).frames());
        }
        System.out.printf("ZeekFrames.prepare alone: %.0f ns/sample%n", (double) (cpuTime() - start) / n);

        long[] bare = new long[1];
        Path bareFile = dir.resolve("bare.jfr");
        record(bareFile, () -> bare[0] = bare(n));
        System.out.printf("plain JFR event without fields, stack trace at depth %d: %.0f ns/event%n", DEPTH, (double) bare[0] / n);
        printSizes(bareFile, "zeekspy.bench.Bare", n);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** Cost of the first sample of new stacks: 20 files x 10 functions x 5 lines, called from one event. */
    private static void warmUp(Path dir) throws IOException {
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 200, "worker-1", 10_000_000L);
        List<Sample> samples = new ArrayList<>();
        for (int file = 0; file < 20; file++) {
            for (int function = 0; function < 10; function++) {
                for (int line = 0; line < 5; line++) {
                    samples.add(new Sample(1, 0, SampleKind.SCRIPT, List.of(
                            new ScriptFrame("F" + function, FunctionKind.FUNCTION, "/zeek/f" + file + ".zeek", 10 + line),
                            new ScriptFrame("connection_state_remove", FunctionKind.EVENT, "/zeek/main.zeek", 100 + function)), null));
                }
            }
        }
        long[] nanos = new long[1];
        long[] classes = new long[2];
        record(dir.resolve("warmup.jfr"), () -> {
            classes[0] = ZeekFrames.generatedClasses();
            nanos[0] = run(sink, samples, samples.size());
            classes[1] = ZeekFrames.generatedClasses();
        });
        long generated = classes[1] - classes[0];
        System.out.printf("warm-up: %d new stacks, %d classes generated, %.0f us per new stack, %.0f us per class%n",
                samples.size(), generated, nanos[0] / 1000.0 / samples.size(), nanos[0] / 1000.0 / generated);
    }

    /**
     * Runs {@code n} samples, queued in bursts of 10,000 (a sampler queues at its rate, this loop
     * as fast as it can); returns the CPU time of this thread and the commit threads, which the
     * machine's load does not inflate.
     */
    private static long run(JfrSampleSink sink, List<Sample> samples, int n) {
        long start = cpuTime() + commitThreadsCpuTime();
        for (int i = 0; i < n; i++) {
            sink.accept(samples.get(i % samples.size()));
            if (i % 10_000 == 9_999) {
                sink.flush();
            }
        }
        sink.flush();
        return cpuTime() + commitThreadsCpuTime() - start;
    }

    private static long cpuTime() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** CPU time of the live commit threads, whichever sink's. */
    private static long commitThreadsCpuTime() {
        var threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().equals("zeek-spy-jfr")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static long bare(int n) {
        long start = cpuTime();
        for (int i = 0; i < n; i++) {
            recurse(DEPTH);
        }
        return cpuTime() - start;
    }

    private static void recurse(int depth) {
        if (depth == 0) {
            new BareEvent().commit();
        } else {
            recurse(depth - 1);
        }
    }

    private static void record(Path file, Runnable body) throws IOException {
        try (Recording r = new Recording(ZeekRecordingSettings.configuration())) {
            r.enable(BareEvent.class).withStackTrace();
            r.start();
            body.run();
            r.stop();
            r.dump(file);
        }
    }

    /** Size per event from {@code jfr summary}, which counts each event type's bytes. */
    private static void printSizes(Path file, String event, int n) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(), "summary", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher m = Pattern.compile(Pattern.quote(event) + "\\s+(\\d+)\\s+(\\d+)").matcher(out);
        if (m.find()) {
            long count = Long.parseLong(m.group(1));
            long bytes = Long.parseLong(m.group(2));
            System.out.printf("%s: %d events, %d bytes, %.1f bytes/event%n", event, count, bytes, (double) bytes / count);
        } else {
            System.out.println(out);
        }
    }

    /**
     * Depth-10 stacks over two files, as a Zeek event handler calling functions would have; they
     * differ in the innermost line. Names are shared strings, as the sampler's caches give them.
     */
    private static List<Sample> stacks() {
        List<Sample> samples = new ArrayList<>();
        String[] names = new String[DEPTH];
        for (int d = 0; d < DEPTH; d++) {
            names[d] = d == DEPTH - 1 ? "dns_request" : "DNS::f" + d;
        }
        for (int s = 0; s < STACKS; s++) {
            List<ScriptFrame> frames = new ArrayList<>();
            for (int d = 0; d < DEPTH; d++) {
                String file = d % 2 == 0 ? "/opt/zeek/share/zeek/base/protocols/dns/main.zeek" : "/opt/zeek/share/zeek/site/slow-dns.zeek";
                FunctionKind kind = d == DEPTH - 1 ? FunctionKind.EVENT : FunctionKind.FUNCTION;
                frames.add(new ScriptFrame(names[d], kind, file, 10 + d * 3 + (d == 0 ? s : 0)));
            }
            samples.add(new Sample(4711, 0, SampleKind.SCRIPT, List.copyOf(frames), null));
        }
        return samples;
    }
}
