package zeekspy.stack;

import zeekspy.memory.ReadBatch;

/**
 * Where a vector's innermost elements were at the last sample. Zeek's call stack vectors keep
 * their storage for a long time, so reading that window together with the vector headers
 * usually saves the separate read of the elements: one system call less while Zeek is stopped.
 * The window is read in the same call as the headers, so it is exactly as consistent as they are.
 */
final class VectorGuess {
    private final int elementSize;
    private final int windowBytes;
    private long storageBegin;
    private long windowStart;
    private long windowEnd;
    // The window of the batch being read, while remember() already sets the next one.
    private int slot = -1;
    private long readBegin;
    private long readStart;
    private long readEnd;

    /** @param windowElements the most elements read on the guess */
    VectorGuess(int elementSize, int windowElements) {
        this.elementSize = elementSize;
        this.windowBytes = elementSize * windowElements;
    }

    /**
     * Remembers a vector just read: the next window reaches a quarter of itself beyond the
     * current end, within the capacity, and the rest below, within the storage.
     */
    void remember(long begin, long end, long capacityEnd) {
        if (begin == 0 || end < begin || capacityEnd < end || Long.compareUnsigned(capacityEnd - begin, 1L << 32) > 0
                || (end - begin) % elementSize != 0) {
            forget();
            return;
        }
        long high = Math.min(capacityEnd, end + windowBytes / 4);
        long aligned = begin + (high - begin) / elementSize * elementSize;
        storageBegin = begin;
        windowEnd = aligned;
        windowStart = Math.max(begin, aligned - windowBytes);
    }

    void forget() {
        storageBegin = 0;
        windowStart = 0;
        windowEnd = 0;
    }

    /** Adds the window to {@code batch}; no-op without a guess or room. */
    void addTo(ReadBatch batch) {
        slot = windowEnd > windowStart ? batch.add(windowStart, (int) (windowEnd - windowStart)) : -1;
        readBegin = storageBegin;
        readStart = windowStart;
        readEnd = windowEnd;
    }

    /** The batch request of the window, or -1. */
    int slot() {
        return slot;
    }

    /**
     * Where in the window's request the bytes {@code [from, to)} of the vector starting at
     * {@code begin} are, or -1 when the guessed window missed them or was not readable.
     */
    int find(ReadBatch batch, long begin, long from, long to) {
        if (slot < 0 || !batch.ok(slot) || begin != readBegin || from < readStart || to > readEnd) {
            return -1;
        }
        return (int) (from - readStart);
    }
}
