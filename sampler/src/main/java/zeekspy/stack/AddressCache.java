package zeekspy.stack;

/**
 * A fixed-size, direct-mapped cache from remote addresses to decoded values. A colliding entry
 * simply replaces the old one: lookups and inserts never allocate, and memory stays bounded no
 * matter what the target does.
 */
final class AddressCache<V> {
    private final long[] keys;
    private final Object[] values;
    private final int mask;

    AddressCache(int sizePowerOfTwo) {
        if (Integer.bitCount(sizePowerOfTwo) != 1) {
            throw new IllegalArgumentException("size must be a power of two");
        }
        keys = new long[sizePowerOfTwo];
        values = new Object[sizePowerOfTwo];
        mask = sizePowerOfTwo - 1;
    }

    @SuppressWarnings("unchecked")
    V get(long address) {
        int i = slot(address);
        return keys[i] == address ? (V) values[i] : null;
    }

    void put(long address, V value) {
        int i = slot(address);
        keys[i] = address;
        values[i] = value;
    }

    /** Forgets {@code address} if it is cached. */
    void remove(long address) {
        int i = slot(address);
        if (keys[i] == address) {
            keys[i] = 0;
            values[i] = null;
        }
    }

    /** Number of slots in use; never more than the size given at construction. */
    int size() {
        int n = 0;
        for (Object v : values) {
            if (v != null) {
                n++;
            }
        }
        return n;
    }

    int capacity() {
        return keys.length;
    }

    void clear() {
        java.util.Arrays.fill(keys, 0);
        java.util.Arrays.fill(values, null);
    }

    private int slot(long address) {
        long h = address * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }
}
