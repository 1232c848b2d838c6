package zeekspy.stack;

/**
 * Rule 2 of {@link StackReader} in linear time: walking the call stack down from the top, each
 * script entry takes the highest frame at or below a falling limit whose function is its own.
 * A linear scan per entry would be quadratic when many entries have no frame (built-in
 * functions), which hostile or merely deep stacks make seconds long. Allocates nothing after
 * construction.
 */
final class FrameMatcher {
    private static final int NONE = -1;

    private final long[] keys;
    private final int[] heads;
    private final boolean[] full;
    private final int[] usedSlots;
    private final int[] below;
    private final int mask;
    private int used;

    /** @param maxFrames the most frames {@link #index} is given */
    FrameMatcher(int maxFrames) {
        int size = Integer.highestOneBit(Math.max(maxFrames, 1)) * 4;
        keys = new long[size];
        heads = new int[size];
        full = new boolean[size];
        usedSlots = new int[maxFrames];
        below = new int[maxFrames];
        mask = size - 1;
    }

    /** Indexes {@code frameFuncs[0..count)} by function; forgets the previous index. */
    void index(long[] frameFuncs, int count) {
        for (int u = 0; u < used; u++) {
            full[usedSlots[u]] = false;
        }
        used = 0;
        for (int k = 0; k < count; k++) {
            int s = find(frameFuncs[k]);
            if (!full[s]) {
                full[s] = true;
                keys[s] = frameFuncs[k];
                heads[s] = NONE;
                usedSlots[used++] = s;
            }
            below[k] = heads[s];
            heads[s] = k;
        }
    }

    /**
     * The highest indexed frame at or below {@code limit} that runs {@code func}, or -1. Frames
     * of {@code func} above {@code limit} are dropped: callers only ever lower the limit.
     */
    int match(long func, int limit) {
        int s = find(func);
        if (!full[s]) {
            return NONE;
        }
        int k = heads[s];
        while (k > limit) {
            k = below[k];
        }
        heads[s] = k;
        return k;
    }

    /** The slot of {@code key}, or the empty slot where it would go. */
    private int find(long key) {
        int s = (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        while (full[s] && keys[s] != key) {
            s = (s + 1) & mask;
        }
        return s;
    }
}
