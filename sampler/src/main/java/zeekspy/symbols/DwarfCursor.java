package zeekspy.symbols;

import java.nio.ByteBuffer;

/**
 * A read position in a little-endian section. Reads past {@code limit} throw
 * {@link IndexOutOfBoundsException}, which callers turn into {@link DwarfFormatException}.
 */
final class DwarfCursor {
    final ByteBuffer b;
    int pos;
    int limit;
    /** Length of the block or exprloc value read last, or -1. */
    int blockLength = -1;

    DwarfCursor(ByteBuffer b, int pos, int limit) {
        this.b = b;
        this.pos = pos;
        this.limit = limit;
    }

    private void need(int n) {
        if (n > limit - pos || pos < 0) {
            throw new IndexOutOfBoundsException("read of " + n + " bytes at " + pos + " past " + limit);
        }
    }

    int u8() {
        need(1);
        return b.get(pos++) & 0xff;
    }

    int u16() {
        need(2);
        int v = b.getShort(pos) & 0xffff;
        pos += 2;
        return v;
    }

    int u24() {
        need(3);
        int v = (b.getShort(pos) & 0xffff) | (b.get(pos + 2) & 0xff) << 16;
        pos += 3;
        return v;
    }

    long u32() {
        need(4);
        long v = b.getInt(pos) & 0xffffffffL;
        pos += 4;
        return v;
    }

    long u64() {
        need(8);
        long v = b.getLong(pos);
        pos += 8;
        return v;
    }

    /** An offset-sized value: 4 bytes in 32-bit DWARF, 8 in 64-bit DWARF. */
    long offset(int size) {
        return size == 4 ? u32() : u64();
    }

    long uleb() {
        long result = 0;
        int shift = 0;
        while (true) {
            need(1);
            byte x = b.get(pos++);
            if (shift < 64) {
                result |= (long) (x & 0x7f) << shift;
            }
            if (x >= 0) {
                return result;
            }
            shift += 7;
        }
    }

    long sleb() {
        long result = 0;
        int shift = 0;
        byte x;
        do {
            need(1);
            x = b.get(pos++);
            if (shift < 64) {
                result |= (long) (x & 0x7f) << shift;
            }
            shift += 7;
        } while (x < 0);
        if (shift < 64 && (x & 0x40) != 0) {
            result |= -1L << shift;
        }
        return result;
    }

    /** Moves forward {@code n} bytes, which must stay within the limit. */
    void skip(long n) {
        if (n < 0 || n > limit - pos) {
            throw new IndexOutOfBoundsException("skip of " + n + " bytes at " + pos + " past " + limit);
        }
        pos += (int) n;
    }

    /** Skips a NUL-terminated string. */
    void skipCString() {
        while (u8() != 0) {
            // scan
        }
    }
}
