package zeekspy.sampling;

/**
 * Counts durations in log-linear buckets (32 per power of two, so within about 3%), from
 * nanoseconds to seconds, in fixed memory. Percentiles without keeping every value.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    private final long[] counts = new long[64 * SUB];
    private long total;
    private long max;

    public void record(long nanos) {
        if (nanos < 0) {
            nanos = 0;
        }
        counts[bucket(nanos)]++;
        total++;
        if (nanos > max) {
            max = nanos;
        }
    }

    public long count() {
        return total;
    }

    public long max() {
        return max;
    }

    /** The value at {@code fraction} (0..1) of the recorded values, as the bucket's upper bound; 0 if empty. */
    public long percentile(double fraction) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * total);
        if (rank < 1) {
            rank = 1;
        }
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }

    public void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    static int bucket(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v); // >= SUB_BITS
        int sub = (int) (v >>> (exp - SUB_BITS)) & (SUB - 1);
        return (exp - SUB_BITS + 1) * SUB + sub;
    }

    static long upperBound(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int exp = bucket / SUB + SUB_BITS - 1;
        long sub = bucket % SUB;
        return ((SUB + sub + 1) << (exp - SUB_BITS)) - 1;
    }
}
