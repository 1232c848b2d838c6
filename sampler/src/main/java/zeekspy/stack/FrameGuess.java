package zeekspy.stack;

import zeekspy.memory.ReadBatch;

/**
 * The frames of the last sample. Zeek allocates a frame per call, and the allocator hands the
 * same few addresses out again while a workload repeats, so reading the last sample's frames
 * together with the vector headers usually saves the separate read of the frames: one system
 * call less while Zeek is stopped. They are read in the same call as the headers, so they are
 * exactly as consistent as they are; a frame not among them is read as before.
 */
final class FrameGuess {
    private final long[] remembered;
    private int rememberedCount;
    // The frames of the batch being read, while remember() already sets the next ones.
    private final long[] read;
    private final int[] slots;
    private int readCount;

    /** @param capacity the most frames read on the guess; a deeper stack is not guessed */
    FrameGuess(int capacity) {
        remembered = new long[capacity];
        read = new long[capacity];
        slots = new int[capacity];
    }

    /** Remembers the frames just read (0 for none). */
    void remember(long[] frames, int count) {
        if (count > remembered.length) {
            rememberedCount = 0;
            return;
        }
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (frames[i] != 0) {
                remembered[n++] = frames[i];
            }
        }
        rememberedCount = n;
    }

    /** Adds a request per remembered frame to {@code batch}: {@code span} bytes from {@code spanStart} into it. */
    void addTo(ReadBatch batch, int spanStart, int span) {
        readCount = 0;
        for (int i = 0; i < rememberedCount; i++) {
            int slot = batch.add(remembered[i] + spanStart, span);
            if (slot < 0) {
                return;
            }
            read[readCount] = remembered[i];
            slots[readCount++] = slot;
        }
    }

    /** The request in {@code batch} that read {@code frame}, or -1 when the guess missed it or it was not readable. */
    int find(ReadBatch batch, long frame) {
        for (int i = 0; i < readCount; i++) {
            if (read[i] == frame) {
                return batch.ok(slots[i]) ? slots[i] : -1;
            }
        }
        return -1;
    }
}
