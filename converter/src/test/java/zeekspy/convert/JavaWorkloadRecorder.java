package zeekspy.convert;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;

/**
 * Records jdk.ExecutionSample events of a busy Java workload: threads that recurse through a
 * few methods in data-dependent patterns, so the recording has many distinct, deep stacks.
 */
public final class JavaWorkloadRecorder {
    private static volatile boolean running;
    private static volatile long sink;

    private JavaWorkloadRecorder() {}

    /** Runs {@code threads} busy threads for {@code duration}, sampling every {@code period}; dumps to {@code file}. */
    public static Path record(Path file, int threads, Duration duration, Duration period) throws IOException, InterruptedException {
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(period);
            recording.start();
            running = true;
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int seed = i;
                Thread worker = new Thread(() -> work(seed), "workload-" + i);
                worker.setDaemon(true);
                worker.start();
                workers.add(worker);
            }
            Thread.sleep(duration.toMillis());
            running = false;
            for (Thread worker : workers) {
                worker.join();
            }
            recording.stop();
            recording.dump(file);
        }
        return file;
    }

    /** The work of one thread until {@link #record} stops it. */
    static void work(long seed) {
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        while (running) {
            x = alpha(x, 12);
        }
        sink += x;
    }

    static long alpha(long x, int depth) {
        x = mix(x);
        if (depth == 0) {
            return spin(x, 2000);
        }
        return (x & 3) == 0 ? beta(x, depth - 1) : (x & 3) == 1 ? gamma(x, depth - 1) : alpha(x, depth - 1) + spin(x, 200);
    }

    static long beta(long x, int depth) {
        x = mix(x);
        if (depth == 0) {
            return spin(x, 3000);
        }
        return (x & 1) == 0 ? alpha(x, depth - 1) : gamma(x, depth - 1);
    }

    static long gamma(long x, int depth) {
        x = mix(x);
        if (depth == 0 || (x & 7) == 7) {
            return spin(x, 1000);
        }
        return (x & 2) == 0 ? beta(x, depth - 1) : delta(x, depth - 1);
    }

    static long delta(long x, int depth) {
        x = mix(x);
        return depth == 0 ? spin(x, 500) : alpha(x, depth - 1) ^ spin(x, 100);
    }

    static long spin(long x, int n) {
        for (int i = 0; i < n; i++) {
            x = mix(x);
        }
        return x;
    }

    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        return x ^ (x >>> 29);
    }

    public static void main(String[] args) throws Exception {
        record(Path.of(args[0]), Integer.parseInt(args[1]), Duration.ofSeconds(Long.parseLong(args[2])), Duration.ofMillis(1));
    }
}
