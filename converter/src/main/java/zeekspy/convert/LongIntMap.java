package zeekspy.convert;

import java.util.Arrays;

/** An open-addressing map from long keys to non-negative int values, without boxing. */
final class LongIntMap {
    private static final int ABSENT = -1;
    private long[] keys;
    private int[] values;
    private int size;

    LongIntMap() {
        keys = new long[64];
        values = new int[64];
        Arrays.fill(values, ABSENT);
    }

    /** The value of {@code key}, or -1. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            int value = values[i];
            if (value == ABSENT || keys[i] == key) {
                return value;
            }
        }
    }

    /** Sets the value of a key that is not in the map yet. */
    void putNew(long key, int value) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (values[i] != ABSENT) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        size++;
    }

    int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, ABSENT);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != ABSENT) {
                putNew(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
