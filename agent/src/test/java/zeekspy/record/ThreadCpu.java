package zeekspy.record;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import zeekspy.testing.JvmThreads;

/**
 * CPU time of every thread of this JVM, the JIT compilers and GC included (which ThreadMXBean
 * does not see), from /proc/self/task/TID/schedstat; for telling where a benchmark's CPU went.
 */
final class ThreadCpu {
    private final Map<String, Long> nanosByThread;

    private ThreadCpu(Map<String, Long> nanosByThread) {
        this.nanosByThread = nanosByThread;
    }

    static ThreadCpu now() throws IOException {
        Map<String, Long> m = new HashMap<>();
        for (JvmThreads.Entry t : JvmThreads.read("schedstat")) {
            m.put(t.name() + " [" + t.tid() + "]", Long.parseLong(t.text().split(" ")[0]));
        }
        return new ThreadCpu(m);
    }

    /** The {@code top} threads by CPU since {@code before}, as "name 1.23%" of {@code wallNanos}, busiest first. */
    String busiestSince(ThreadCpu before, long wallNanos, int top) {
        Map<String, Long> used = new HashMap<>();
        nanosByThread.forEach((thread, nanos) -> {
            long d = nanos - before.nanosByThread.getOrDefault(thread, 0L);
            if (d > 0) {
                used.merge(thread.substring(0, thread.indexOf(" [")), d, Long::sum);
            }
        });
        return used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .map(e -> String.format("%s %.2f%%", e.getKey(), 100.0 * e.getValue() / wallNanos))
                .collect(Collectors.joining(", "));
    }
}
