package zeekspy.record;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import zeekspy.sampling.Sample;
import zeekspy.sampling.SampleKind;
import zeekspy.sampling.SampleSink;

/** Counts samples by innermost function, for the summary printed when recording ends. */
final class FunctionTally implements SampleSink {
    private final Map<String, Long> counts = new HashMap<>();
    private long total;

    @Override
    public synchronized void accept(Sample s) {
        String key = s.kind() == SampleKind.SCRIPT ? s.frames().get(0).function() : "<" + s.kind().name().toLowerCase() + ">";
        counts.merge(key, 1L, Long::sum);
        total++;
    }

    synchronized long total(boolean withIdle) {
        return withIdle ? total : total - counts.getOrDefault("<idle>", 0L);
    }

    /** The {@code n} most frequent entries, most frequent first. */
    synchronized List<Map.Entry<String, Long>> top(int n, boolean withIdle) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        if (!withIdle) {
            entries.removeIf(e -> e.getKey().equals("<idle>"));
        }
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return entries.subList(0, Math.min(n, entries.size()));
    }
}
