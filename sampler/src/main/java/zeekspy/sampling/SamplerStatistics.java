package zeekspy.sampling;

import java.util.EnumMap;
import java.util.Map;
import zeekspy.stack.StackError;

/**
 * What a sampler has done so far. Written by the sampler thread; {@link #snapshot()} may be
 * called from any thread.
 */
public final class SamplerStatistics {
    private long samples;
    private long scriptSamples;
    private long nativeSamples;
    private long idleSamples;
    private long missedTicks;
    private long syscalls;
    private final EnumMap<StackError, Long> errors = new EnumMap<>(StackError.class);
    private final LatencyHistogram pauses = new LatencyHistogram();
    private final LatencyHistogram sampleTimes = new LatencyHistogram();

    /** An immutable copy of the statistics; pause and sample times in nanoseconds. */
    public record Snapshot(long samples, long scriptSamples, long nativeSamples, long idleSamples,
                           Map<StackError, Long> errors, long missedTicks, long syscalls,
                           long pauseP50, long pauseP99, long pauseMax,
                           long sampleTimeP50, long sampleTimeP99) {
        public long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        public long torn() {
            return errors.getOrDefault(StackError.TORN, 0L);
        }

        /** Errors as {@code reason=count} pairs, e.g. {@code torn=3, unreadable stack entry=1}. */
        public String errorsByReason() {
            StringBuilder sb = new StringBuilder();
            errors.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k.description()).append('=').append(v));
            return sb.toString();
        }
    }

    synchronized void sample(SampleKind kind, StackError error) {
        samples++;
        switch (kind) {
            case SCRIPT -> scriptSamples++;
            case NATIVE -> nativeSamples++;
            case IDLE -> idleSamples++;
            case ERROR -> errors.merge(error, 1L, Long::sum);
        }
    }

    synchronized void pause(long nanos) {
        pauses.record(nanos);
    }

    synchronized void sampleTime(long nanos) {
        sampleTimes.record(nanos);
    }

    synchronized void missed(long ticks) {
        missedTicks += ticks;
    }

    synchronized void syscalls(long total) {
        syscalls = total;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(samples, scriptSamples, nativeSamples, idleSamples, java.util.Collections.unmodifiableMap(new EnumMap<>(errors)), missedTicks,
                syscalls, pauses.percentile(0.5), pauses.percentile(0.99), pauses.max(),
                sampleTimes.percentile(0.5), sampleTimes.percentile(0.99));
    }
}
