package zeekspy.memory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory process image for tests and fuzzing: mapped regions of bytes, everything else
 * unmapped. Reads behave as {@link ProcessVmMemory}: they stop at the first unmapped byte, and
 * one batch counts as one system call. Values are stored little-endian.
 *
 * <p>For hostile-memory tests it also counts every read request and byte asked for, can make
 * ranges unreadable without unmapping them (a mapping that ends mid-object), and can run an
 * action after each read (memory that changes while it is being read).
 */
public final class FakeMemory implements ProcessMemory {
    private static final long ALLOCATION_GAP = 4096;

    private long[] starts = new long[0];
    private byte[][] regions = new byte[0][];
    private long nextAllocation = 0x10_0000L;
    private long syscalls;
    private long requests;
    private long bytesRequested;
    private long[] holeStarts = new long[0];
    private long[] holeEnds = new long[0];
    private Runnable afterRead;
    private boolean gone;
    private final int pid;

    public FakeMemory() {
        this(-1);
    }

    /** @param pid the pid reported by {@link ProcessGoneException} after {@link #exit()} */
    public FakeMemory(int pid) {
        this.pid = pid;
    }

    /** Maps {@code size} zero bytes at {@code address}. */
    public FakeMemory map(long address, int size) {
        return map(address, new byte[size], false);
    }

    /** Maps a copy of {@code contents} at {@code address}. */
    public FakeMemory map(long address, byte[] contents) {
        return map(address, contents.clone(), false);
    }

    private FakeMemory map(long address, byte[] region, boolean owned) {
        if (region.length == 0) {
            throw new IllegalArgumentException("empty region");
        }
        if (Long.compareUnsigned(address + region.length, address) <= 0) {
            throw new IllegalArgumentException("region wraps around the address space");
        }
        int at = insertionPoint(address);
        if (at > 0 && Long.compareUnsigned(address, end(at - 1)) < 0
                || at < starts.length && Long.compareUnsigned(starts[at], address + region.length) < 0) {
            throw new IllegalArgumentException("region at 0x" + Long.toHexString(address) + " overlaps another");
        }
        long[] newStarts = new long[starts.length + 1];
        byte[][] newRegions = new byte[regions.length + 1][];
        System.arraycopy(starts, 0, newStarts, 0, at);
        System.arraycopy(regions, 0, newRegions, 0, at);
        newStarts[at] = address;
        newRegions[at] = region;
        System.arraycopy(starts, at, newStarts, at + 1, starts.length - at);
        System.arraycopy(regions, at, newRegions, at + 1, regions.length - at);
        starts = newStarts;
        regions = newRegions;
        return this;
    }

    /** Removes the region that starts at {@code address}. */
    public FakeMemory unmap(long address) {
        int i = insertionPoint(address);
        if (i == starts.length || starts[i] != address) {
            throw new IllegalArgumentException("no region starts at 0x" + Long.toHexString(address));
        }
        long[] newStarts = new long[starts.length - 1];
        byte[][] newRegions = new byte[regions.length - 1][];
        System.arraycopy(starts, 0, newStarts, 0, i);
        System.arraycopy(regions, 0, newRegions, 0, i);
        System.arraycopy(starts, i + 1, newStarts, i, starts.length - i - 1);
        System.arraycopy(regions, i + 1, newRegions, i, regions.length - i - 1);
        starts = newStarts;
        regions = newRegions;
        return this;
    }

    /** Maps a fresh zeroed region of {@code size} bytes, 16-aligned, with unmapped gaps around it; returns its address. */
    public long allocate(int size) {
        long address = nextAllocation;
        map(address, Math.max(size, 1));
        nextAllocation = (address + size + ALLOCATION_GAP + 15) & ~15L;
        return address;
    }

    public FakeMemory putLong(long address, long value) {
        return putLittleEndian(address, value, 8);
    }

    public FakeMemory putInt(long address, int value) {
        return putLittleEndian(address, value, 4);
    }

    public FakeMemory putByte(long address, int value) {
        return putLittleEndian(address, value, 1);
    }

    /** Writes the low {@code width} bytes of {@code value} little-endian, allocating nothing. */
    public FakeMemory putLittleEndian(long address, long value, int width) {
        checkMapped(address, width);
        for (int k = 0; k < width; k++) {
            int i = regionIndex(address + k);
            regions[i][(int) (address + k - starts[i])] = (byte) (value >>> (8 * k));
        }
        return this;
    }

    /**
     * The {@code width} bytes at {@code address} as a little-endian number, ignoring unreadable
     * ranges and counting nothing: for test oracles. The range must be mapped.
     */
    public long peek(long address, int width) {
        checkMapped(address, width);
        long value = 0;
        for (int k = 0; k < width; k++) {
            int i = regionIndex(address + k);
            value |= (regions[i][(int) (address + k - starts[i])] & 0xffL) << (8 * k);
        }
        return value;
    }

    /** {@link #peek} of 8 bytes. */
    public long peekLong(long address) {
        return peek(address, 8);
    }

    /** Whether all of {@code [address, address+length)} is mapped (readable or not). */
    public boolean isMapped(long address, long length) {
        for (long k = 0; k < length; ) {
            int i = regionIndex(address + k);
            if (i < 0) {
                return false;
            }
            k = end(i) - address;
        }
        return true;
    }

    private void checkMapped(long address, int width) {
        if (!isMapped(address, width)) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(address) + " is not mapped");
        }
    }

    /** Writes UTF-8 bytes of {@code value} and a terminating NUL. */
    public FakeMemory putCString(long address, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return putBytes(address, Arrays.copyOf(utf8, utf8.length + 1));
    }

    /** Overwrites mapped bytes; the whole range must be mapped. */
    public FakeMemory putBytes(long address, byte[] bytes) {
        int done = 0;
        while (done < bytes.length) {
            int i = regionIndex(address + done);
            if (i < 0) {
                throw new IllegalArgumentException("address 0x" + Long.toHexString(address + done) + " is not mapped");
            }
            int at = (int) (address + done - starts[i]);
            int n = Math.min(bytes.length - done, regions[i].length - at);
            System.arraycopy(bytes, done, regions[i], at, n);
            done += n;
        }
        return this;
    }

    /** Number of mapped regions. */
    public int regionCount() {
        return starts.length;
    }

    /** Start of region {@code i}, in address order. */
    public long regionStart(int i) {
        return starts[i];
    }

    /** Length in bytes of region {@code i}. */
    public int regionLength(int i) {
        return regions[i].length;
    }

    /**
     * Makes {@code [address, address+length)} unreadable while it stays mapped for writes and
     * {@link #peek}: reads stop at its first byte, as at the end of a real mapping.
     */
    public FakeMemory makeUnreadable(long address, long length) {
        holeStarts = Arrays.copyOf(holeStarts, holeStarts.length + 1);
        holeEnds = Arrays.copyOf(holeEnds, holeEnds.length + 1);
        holeStarts[holeStarts.length - 1] = address;
        holeEnds[holeEnds.length - 1] = address + length;
        return this;
    }

    /** Undoes every {@link #makeUnreadable}. */
    public FakeMemory makeAllReadable() {
        holeStarts = new long[0];
        holeEnds = new long[0];
        return this;
    }

    /**
     * Runs {@code action} after each read or batch (null: none), as a target that keeps running
     * while it is read. The action may write but must not read this memory.
     */
    public void afterEachRead(Runnable action) {
        afterRead = action;
    }

    /** Number of read requests so far: one per single read, one per request of a batch. */
    public long requests() {
        return requests;
    }

    /** Number of bytes asked for so far, read or not. */
    public long bytesRequested() {
        return bytesRequested;
    }

    /** Makes every later read throw {@link ProcessGoneException}, as if the process had exited. */
    public void exit() {
        gone = true;
    }

    @Override
    public int read(long address, byte[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        syscalls++;
        requests++;
        bytesRequested += length;
        if (length == 0) {
            return 0;
        }
        int n = copy(address, dst, offset, length);
        runAfterRead();
        return n == 0 ? -1 : n;
    }

    @Override
    public void read(ReadBatch batch) {
        batch.resetStatus();
        syscalls++;
        byte[] data = batch.data();
        for (int i = 0; i < batch.count(); i++) {
            int length = batch.length(i);
            requests++;
            bytesRequested += length;
            batch.setOk(i, length == 0 || copy(batch.address(i), data, batch.offset(i), length) == length);
        }
        runAfterRead();
    }

    private void runAfterRead() {
        if (afterRead != null) {
            afterRead.run();
        }
    }

    /** Copies up to {@code length} mapped bytes, crossing into directly adjacent regions. */
    private int copy(long address, byte[] dst, int offset, int length) {
        if (gone) {
            throw new ProcessGoneException(pid, false);
        }
        length = (int) Math.min(length, readableBeforeHole(address));
        int done = 0;
        int i = regionIndex(address);
        while (i >= 0 && done < length) {
            long at = address + done - starts[i];
            int n = (int) Math.min(length - done, regions[i].length - at);
            System.arraycopy(regions[i], (int) at, dst, offset + done, n);
            done += n;
            if (done < length && i + 1 < starts.length && starts[i + 1] == starts[i] + regions[i].length) {
                i++;
            } else {
                break;
            }
        }
        return done;
    }

    /** How many bytes from {@code address} on precede the first unreadable byte of a hole. */
    private long readableBeforeHole(long address) {
        long limit = Long.MAX_VALUE;
        for (int h = 0; h < holeStarts.length; h++) {
            if (Long.compareUnsigned(address - holeStarts[h], holeEnds[h] - holeStarts[h]) < 0) {
                return 0;
            }
            if (Long.compareUnsigned(holeStarts[h], address) > 0) {
                limit = Math.min(limit, holeStarts[h] - address);
            }
        }
        return limit;
    }

    /** Index of the region containing {@code address}, or -1. */
    private int regionIndex(long address) {
        int lo = 0;
        int hi = starts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], address) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        int i = lo - 1;
        return i >= 0 && Long.compareUnsigned(address - starts[i], regions[i].length) < 0 ? i : -1;
    }

    private int insertionPoint(long address) {
        int i = 0;
        while (i < starts.length && Long.compareUnsigned(starts[i], address) < 0) {
            i++;
        }
        return i;
    }

    private long end(int i) {
        return starts[i] + regions[i].length;
    }

    @Override
    public long syscalls() {
        return syscalls;
    }
}
