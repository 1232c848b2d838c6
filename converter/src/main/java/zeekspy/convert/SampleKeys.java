package zeekspy.convert;

import java.util.Arrays;

/**
 * The samples of one chunk by the bytes of their events after the time fields: events whose
 * bytes repeat (same thread, stack trace id, labels, depth, period) count in the same profile
 * sample, so only the first of them is decoded, and the others are only counted here until
 * {@link #flush}. Holds at most {@value #MAX_ENTRIES} keys of at most {@value #MAX_KEY} bytes.
 */
final class SampleKeys {
    static final int MAX_ENTRIES = 1 << 16;
    static final int MAX_KEY = 255;
    private static final int MAX_PERIODS = 1 << 15;
    // An entry is four ints in records: where its key is in the pool, its length and period
    // index, its profile sample, and its count; together, so a lookup touches few cache lines.
    private static final int OFFSET = 0;
    private static final int LENGTH_PERIOD = 1;
    private static final int SAMPLE = 2;
    private static final int COUNT = 3;

    private byte[] pool = new byte[4096];
    private int poolSize;
    private int[] records = new int[4 * 256];
    private int count;
    /** Per slot: the key's hash in the high half, its entry + 1 in the low half; 0 if free. */
    private long[] slots = new long[512];
    private long[] periods = new long[4];
    private int periodCount;

    /** The hash of {@code b[from..to)}, for {@link #count} and {@link #add}. */
    static int hash(byte[] b, int from, int to) {
        int h = to - from;
        int i = from;
        // Four bytes a step: fewer dependent multiplications.
        for (; i + 4 <= to; i += 4) {
            h = h * 0x9E3779B1 + ((b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | b[i + 3] << 24);
        }
        for (; i < to; i++) {
            h = h * 31 + b[i];
        }
        return h ^ (h >>> 15);
    }

    /** Counts one more event of key {@code b[from..to)} with this hash; false if the key is new. */
    boolean count(int hash, byte[] b, int from, int to) {
        long[] slots = this.slots;
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long slot = slots[i];
            if (slot == 0) {
                return false;
            }
            if ((int) (slot >>> 32) == hash) {
                int record = 4 * ((int) slot - 1);
                if (same(record, b, from, to)) {
                    records[record + COUNT]++;
                    return true;
                }
            }
        }
    }

    /**
     * Adds a new key with one event of profile sample {@code sample} (-1: left out) worth
     * {@code period} ns (0: not known); false when the table is full or the key too long.
     */
    boolean add(int hash, byte[] b, int from, int to, int sample, long period) {
        int length = to - from;
        int periodIndex = periodIndex(period);
        if (count == MAX_ENTRIES || length > MAX_KEY || periodIndex < 0) {
            return false;
        }
        if (poolSize + length > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(2 * pool.length, poolSize + length));
        }
        System.arraycopy(b, from, pool, poolSize, length);
        if (4 * (count + 1) > records.length) {
            records = Arrays.copyOf(records, 2 * records.length);
        }
        int record = 4 * count;
        records[record + OFFSET] = poolSize;
        records[record + LENGTH_PERIOD] = length | periodIndex << 16;
        records[record + SAMPLE] = sample;
        records[record + COUNT] = 1;
        poolSize += length;
        count++;
        if (2 * count > slots.length) {
            rehash();
        } else {
            place(hash, count - 1);
        }
        return true;
    }

    /** Where {@link #flush} hands the counts: {@link JfrStackReader#count(int, long, long)}. */
    interface Counts {
        void count(int sample, long period, long events);
    }

    /** Hands the counted events over and forgets them (the keys stay). */
    void flush(Counts counts) {
        for (int record = 0; record < 4 * count; record += 4) {
            int events = records[record + COUNT];
            if (events > 0) {
                counts.count(records[record + SAMPLE], periods[records[record + LENGTH_PERIOD] >>> 16], events);
                records[record + COUNT] = 0;
            }
        }
    }

    private int periodIndex(long period) {
        for (int i = 0; i < periodCount; i++) {
            if (periods[i] == period) {
                return i;
            }
        }
        if (periodCount == MAX_PERIODS) {
            return -1;
        }
        if (periodCount == periods.length) {
            periods = Arrays.copyOf(periods, 2 * periodCount);
        }
        periods[periodCount] = period;
        return periodCount++;
    }

    private boolean same(int record, byte[] b, int from, int to) {
        if ((records[record + LENGTH_PERIOD] & 0xffff) != to - from) {
            return false;
        }
        // A plain loop: keys are short, shorter than where Arrays.equals pays off.
        byte[] pool = this.pool;
        for (int i = from, k = records[record + OFFSET]; i < to; i++, k++) {
            if (pool[k] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private void place(int hash, int entry) {
        int mask = slots.length - 1;
        int i = hash & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = (long) hash << 32 | (entry + 1L);
    }

    private void rehash() {
        long[] old = slots;
        slots = new long[2 * old.length];
        for (long slot : old) {
            if (slot != 0) {
                place((int) (slot >>> 32), (int) slot - 1);
            }
        }
    }
}
