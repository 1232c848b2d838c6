package zeekspy.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The bytes of one section, mapped from the file or inflated on demand.
 *
 * <p>Compressed sections are inflated into one array as far as a reader has asked with
 * {@link #ensure(long)}, so a scan that stops early never pays for the rest of the section.
 * Not thread-safe.
 */
final class SectionBytes {
    private static final int INFLATE_STEP = 4 << 20;

    private final String description;
    private final ByteBuffer buffer;
    private final int size;
    private byte[] array;
    private Inflater inflater;
    private int inflated;
    private long inflateNanos;

    private SectionBytes(String description, ByteBuffer buffer, int size) {
        this.description = description;
        this.buffer = buffer;
        this.size = size;
    }

    /** Bytes stored as they are. */
    static SectionBytes plain(String description, ByteBuffer data) {
        ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new SectionBytes(description, b, b.remaining());
    }

    /** A zlib stream in {@code compressed} that inflates to exactly {@code size} bytes. */
    static SectionBytes zlib(String description, ByteBuffer compressed, int size) {
        byte[] array = new byte[size];
        SectionBytes s = new SectionBytes(description,
                ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN), size);
        s.array = array;
        s.inflater = new Inflater();
        s.inflater.setInput(compressed.slice());
        return s;
    }

    /** The whole section, little-endian; call {@link #ensure(long)} before reading. */
    ByteBuffer buffer() {
        return buffer;
    }

    int size() {
        return size;
    }

    /** Makes bytes {@code [0, end)} readable (clamped to the section size). */
    void ensure(long end) {

        if (inflater == null || end <= inflated) {
            return;
        }
        long target = Math.min(size, Math.max(end, (long) inflated + INFLATE_STEP));
        long start = System.nanoTime();
        try {
            while (inflated < target) {
                int n = inflater.inflate(array, inflated, (int) (target - inflated));
                if (n == 0) {
                    if (inflater.finished() || inflater.needsInput()) {
                        throw new ElfFormatException(description + ": compressed data ends after "
                                + inflated + " of " + size + " bytes");
                    }
                    if (inflater.needsDictionary()) {
                        throw new ElfFormatException(description + ": zlib stream needs a dictionary");
                    }
                }
                inflated += n;
            }
        } catch (DataFormatException e) {
            throw new ElfFormatException(description + ": bad zlib data: " + e.getMessage(), e);
        } finally {
            inflateNanos += System.nanoTime() - start;
        }
        if (inflated == size) {
            inflater.end();
            inflater = null;
        }
    }

    /** Everything readable. */
    SectionBytes ensureAll() {
        ensure(size);
        return this;
    }

    /** Time spent inflating so far. */
    long inflateNanos() {
        return inflateNanos;
    }

    /** Bytes readable without further inflation. */
    long inflatedBytes() {
        return array == null ? size : inflated;
    }

    boolean isCompressed() {
        return array != null;
    }

    String description() {
        return description;
    }
}
