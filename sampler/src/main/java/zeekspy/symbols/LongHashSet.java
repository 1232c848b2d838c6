package zeekspy.symbols;

import java.util.Arrays;

/** A small open-addressing set of non-negative longs, without boxing. */
final class LongHashSet {
    private long[] slots = new long[16];
    private int size;

    LongHashSet() {
        Arrays.fill(slots, -1);
    }

    void add(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative value " + v);
        }
        if ((size + 1) * 2 > slots.length) {
            long[] old = slots;
            slots = new long[old.length * 2];
            Arrays.fill(slots, -1);
            size = 0;
            for (long o : old) {
                if (o >= 0) {
                    add(o);
                }
            }
        }
        int mask = slots.length - 1;
        int i = mix(v) & mask;
        while (slots[i] >= 0) {
            if (slots[i] == v) {
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = v;
        size++;
    }

    boolean contains(long v) {
        int mask = slots.length - 1;
        int i = mix(v) & mask;
        while (true) {
            long s = slots[i];
            if (s == v) {
                return true;
            }
            if (s < 0) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
