package zeekspy.convert;

import java.util.Arrays;

/** Distinct stacks, each an array of frame ids (outermost first), stored in one pool and numbered from 0. */
final class StackTable {
    private int[] pool = new int[1024];
    private int poolSize;
    private int[] offsets = new int[256];
    private int[] lengths = new int[256];
    private int count;
    private int[] slots = new int[512];

    /** The id of the stack {@code frames[from..to)}, added if new. */
    int intern(int[] frames, int from, int to) {
        int hash = hash(frames, from, to);
        int mask = slots.length - 1;
        int i = hash & mask;
        for (int slot; (slot = slots[i]) != 0; i = (i + 1) & mask) {
            int id = slot - 1;
            if (Arrays.equals(pool, offsets[id], offsets[id] + lengths[id], frames, from, to)) {
                return id;
            }
        }
        int id = add(frames, from, to);
        slots[i] = id + 1;
        if (2 * count > slots.length) {
            rehash();
        }
        return id;
    }

    int count() {
        return count;
    }

    int length(int stack) {
        return lengths[stack];
    }

    /** Frame {@code index} of {@code stack}; index 0 is the outermost frame. */
    int frame(int stack, int index) {
        return pool[offsets[stack] + index];
    }

    /** A copy of the frames of {@code stack}, outermost first. */
    int[] frames(int stack) {
        return Arrays.copyOfRange(pool, offsets[stack], offsets[stack] + lengths[stack]);
    }

    private int add(int[] frames, int from, int to) {
        int length = to - from;
        if (poolSize + length > pool.length) {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + length));
        }
        System.arraycopy(frames, from, pool, poolSize, length);
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        offsets[count] = poolSize;
        lengths[count] = length;
        poolSize += length;
        return count++;
    }

    private void rehash() {
        slots = new int[slots.length * 2];
        int mask = slots.length - 1;
        for (int id = 0; id < count; id++) {
            int i = hash(pool, offsets[id], offsets[id] + lengths[id]) & mask;
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = id + 1;
        }
    }

    private static int hash(int[] frames, int from, int to) {
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + frames[i];
        }
        return h ^ (h >>> 16);
    }
}
