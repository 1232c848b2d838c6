package zeekspy.stack;

import java.util.Arrays;
import java.util.SplittableRandom;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutField;
import zeekspy.memory.FakeMemory;

/**
 * Corrupts a memory image in the ways real and hostile memory goes wrong, and undoes it. Every
 * write is logged, so {@link #undo} restores the valid image exactly and {@link #describe} tells
 * what a failing sample saw.
 */
final class Mutator {
    private static final long[] INTEGERS = {0, 1, -1, 22, 23, 255, 1023, 1024, 1025, 4095, 4096, 100_000_000,
        100_000_001, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final long[] ADDRESSES = {1, 8, 4095, 4096, 0x7fff_ffff_f000L, 0x7fff_ffff_fff8L, 0x8000_0000_0000L,
        0xffff_8000_0000_0000L, -1, -8, Long.MIN_VALUE, Long.MAX_VALUE};

    private final FakeMemory memory;
    private final long[] regionStarts;
    private final int[] regionLengths;
    private final long[] pointerSlots;
    private final long[] headerWords;
    private final int entrySize;

    private long[] undoAddress = new long[16];
    private long[] undoOld = new long[16];
    private long[] undoNew = new long[16];
    private int[] undoWidth = new int[16];
    private int writes;
    private boolean holes;
    private final StringBuilder holeLog = new StringBuilder();

    Mutator(FakeZeek z) {
        this(z.memory, z.layout, z.callStack, z.frameStack);
    }

    /** @param frameStack 0 if none */
    Mutator(FakeMemory memory, Layout layout, long callStack, long frameStack) {
        this.memory = memory;
        int n = memory.regionCount();
        regionStarts = new long[n];
        regionLengths = new int[n];
        long[] slots = new long[1024];
        int slotCount = 0;
        for (int i = 0; i < n; i++) {
            regionStarts[i] = memory.regionStart(i);
            regionLengths[i] = memory.regionLength(i);
            for (long a = regionStarts[i]; a + 8 <= regionStarts[i] + regionLengths[i]; a += 8) {
                if (memory.isMapped(memory.peekLong(a), 1)) {
                    if (slotCount == slots.length) {
                        slots = Arrays.copyOf(slots, slotCount * 2);
                    }
                    slots[slotCount++] = a;
                }
            }
        }
        pointerSlots = Arrays.copyOf(slots, slotCount);
        int vb = layout.offset(LayoutField.VECTOR_BEGIN);
        int ve = layout.offset(LayoutField.VECTOR_END);
        headerWords = frameStack == 0 ? new long[] {callStack + vb, callStack + ve}
                : new long[] {callStack + vb, callStack + ve, frameStack + vb, frameStack + ve};
        entrySize = layout.offset(LayoutField.CALLINFO_SIZE);
    }

    /** Whether some range was made unreadable since the last undo. */
    boolean hasHoles() {
        return holes;
    }

    long[] headerWords() {
        return headerWords;
    }

    /** Applies {@code count} random corruptions. */
    void mutate(SplittableRandom r, int count) {
        for (int i = 0; i < count; i++) {
            mutateOnce(r);
        }
    }

    private void mutateOnce(SplittableRandom r) {
        switch (r.nextInt(16)) {
            case 0, 1 -> {
                long a = randomByte(r);
                write(a, r.nextInt(256), 1);
            }
            case 2, 3 -> {
                long a = randomByte(r);
                write(a, memory.peek(a, 1) ^ (1 << r.nextInt(8)), 1);
            }
            case 4, 5, 6 -> {
                long s1 = slot(r);
                long s2 = slot(r);
                long v1 = memory.peekLong(s1);
                write(s1, memory.peekLong(s2), 8);
                write(s2, v1, 8);
            }
            case 7, 8, 9 -> {
                long s = slot(r);
                write(s, hostilePointer(r, s), 8);
            }
            case 10, 11 -> {
                int width = r.nextBoolean() ? 4 : 8;
                int region = r.nextInt(regionStarts.length);
                if (regionLengths[region] >= width) {
                    long a = regionStarts[region] + (r.nextInt(regionLengths[region] - width + 1) & -4);
                    write(a, r.nextInt(4) == 0 ? r.nextLong() : INTEGERS[r.nextInt(INTEGERS.length)], width);
                }
            }
            case 12, 13 -> {
                long w = headerWords[r.nextInt(headerWords.length)];
                write(w, hostileHeaderValue(r, w), 8);
            }
            case 14 -> {
                int region = r.nextInt(regionStarts.length);
                int from = r.nextInt(regionLengths[region]);
                long length = r.nextBoolean() ? regionLengths[region] - from : 1 + r.nextInt(16);
                memory.makeUnreadable(regionStarts[region] + from, length);
                holes = true;
                holeLog.append(String.format(" unreadable[0x%x,+%d)", regionStarts[region] + from, length));
            }
            default -> {
                // Structure confusion: one object's bytes over another's.
                int from = r.nextInt(regionStarts.length);
                int to = r.nextInt(regionStarts.length);
                int length = Math.min(8 + r.nextInt(57), Math.min(regionLengths[from], regionLengths[to]));
                long src = regionStarts[from] + r.nextInt(regionLengths[from] - length + 1);
                long dst = regionStarts[to] + r.nextInt(regionLengths[to] - length + 1);
                for (int k = 0; k + 8 <= length; k += 8) {
                    write(dst + k, memory.peekLong(src + k), 8);
                }
            }
        }
    }

    private long randomByte(SplittableRandom r) {
        int region = r.nextInt(regionStarts.length);
        return regionStarts[region] + r.nextInt(regionLengths[region]);
    }

    private long slot(SplittableRandom r) {
        return pointerSlots[r.nextInt(pointerSlots.length)];
    }

    /** A pointer that leads somewhere it should not. */
    long hostilePointer(SplittableRandom r, long slot) {
        int region = r.nextInt(regionStarts.length);
        long start = regionStarts[region];
        long end = start + regionLengths[region];
        return switch (r.nextInt(10)) {
            case 0 -> slot; // a cycle: points to itself
            case 1 -> slot(r); // to a pointer: one level of indirection off
            case 2 -> start; // the wrong kind of object
            case 3 -> start + r.nextInt(regionLengths[region]); // misaligned, mid-object
            case 4 -> end - 1 - r.nextInt(16); // the read crosses the end of the mapping
            case 5 -> end + 8 + r.nextInt(64); // into the unmapped gap
            case 6 -> 0;
            case 7 -> memory.peekLong(slot) + (r.nextBoolean() ? 8 : 1) * (r.nextBoolean() ? 1 : -1);
            default -> ADDRESSES[r.nextInt(ADDRESSES.length)];
        };
    }

    /** A vector begin or end that makes no sense, or almost. */
    long hostileHeaderValue(SplittableRandom r, long word) {
        long v = memory.peekLong(word);
        long other = memory.peekLong(headerWords[r.nextInt(headerWords.length)]);
        return switch (r.nextInt(9)) {
            case 0 -> other; // begin == end, or the other vector's
            case 1 -> v + (long) entrySize * (r.nextInt(7) - 3); // a few entries more or fewer
            case 2 -> v + (r.nextBoolean() ? 1 : -1); // misaligned
            case 3 -> v + (1L << (20 + r.nextInt(24))); // megabytes to terabytes
            case 4 -> v - (1L << (20 + r.nextInt(24))); // end far before begin
            case 5 -> regionStarts[r.nextInt(regionStarts.length)];
            case 6 -> Long.MIN_VALUE + r.nextInt(64);
            case 7 -> 0;
            default -> ADDRESSES[r.nextInt(ADDRESSES.length)];
        };
    }

    /** Writes {@code width} bytes, logged for {@link #undo}; skipped where the range is not mapped. */
    void write(long address, long value, int width) {
        if (!memory.isMapped(address, width)) {
            return;
        }
        if (writes == undoAddress.length) {
            undoAddress = Arrays.copyOf(undoAddress, writes * 2);
            undoOld = Arrays.copyOf(undoOld, writes * 2);
            undoNew = Arrays.copyOf(undoNew, writes * 2);
            undoWidth = Arrays.copyOf(undoWidth, writes * 2);
        }
        undoAddress[writes] = address;
        undoOld[writes] = memory.peek(address, width);
        undoNew[writes] = value;
        undoWidth[writes] = width;
        writes++;
        memory.putLittleEndian(address, value, width);
    }

    /** Restores the image as it was before the first corruption since the last undo. */
    void undo() {
        for (int i = writes - 1; i >= 0; i--) {
            memory.putLittleEndian(undoAddress[i], undoOld[i], undoWidth[i]);
        }
        writes = 0;
        if (holes) {
            memory.makeAllReadable();
            holes = false;
            holeLog.setLength(0);
        }
    }

    /** The corruptions in force, for a failure message. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < writes; i++) {
            sb.append(String.format(" [0x%x]:%d 0x%x->0x%x", undoAddress[i], undoWidth[i], undoOld[i], undoNew[i]));
        }
        return sb.append(holeLog).toString();
    }
}
