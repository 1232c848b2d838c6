package zeekspy.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A set of remote reads performed together, with one buffer for all their results. Sized once,
 * reused for every sample: the steady state allocates nothing.
 */
public final class ReadBatch {
    private final long[] addresses;
    private final int[] lengths;
    private final int[] offsets;
    private final boolean[] ok;
    private final byte[] data;
    private final ByteBuffer view;
    private int count;
    private int used;

    public ReadBatch(int maxRequests, int bufferBytes) {
        addresses = new long[maxRequests];
        lengths = new int[maxRequests];
        offsets = new int[maxRequests];
        ok = new boolean[maxRequests];
        data = new byte[bufferBytes];
        view = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Adds a request; returns its index, or -1 when the batch has no room left. */
    public int add(long address, int length) {
        if (count == addresses.length || length < 0 || length > data.length - used) {
            return -1;
        }
        addresses[count] = address;
        lengths[count] = length;
        offsets[count] = used;
        ok[count] = false;
        used += length;
        return count++;
    }

    public void clear() {
        count = 0;
        used = 0;
    }

    public int count() {
        return count;
    }

    public long address(int i) {
        return addresses[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /** Where request {@code i}'s bytes start in {@link #data()}. */
    public int offset(int i) {
        return offsets[i];
    }

    /** Whether request {@code i} was read completely. */
    public boolean ok(int i) {
        return ok[i];
    }

    public void setOk(int i, boolean value) {
        ok[i] = value;
    }

    /** The shared result buffer; request {@code i} occupies {@code [offset(i), offset(i)+length(i))}. */
    public byte[] data() {
        return data;
    }

    public long getLong(int i, int at) {
        return view.getLong(offsets[i] + at);
    }

    public int getInt(int i, int at) {
        return view.getInt(offsets[i] + at);
    }

    public int getByte(int i, int at) {
        return data[offsets[i] + at] & 0xff;
    }

    /** Marks every request failed (used before a batch is performed). */
    public void resetStatus() {
        Arrays.fill(ok, 0, count, false);
    }
}
