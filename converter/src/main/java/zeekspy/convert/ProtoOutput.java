package zeekspy.convert;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, the little of it pprof needs: varints, tags, length-delimited
 * fields. Written out here rather than with protobuf-java's CodedOutputStream, whose class
 * loading (and logging set-up) costs more than writing a typical profile.
 */
final class ProtoOutput {
    static final int VARINT = 0;
    static final int LENGTH_DELIMITED = 2;

    private final OutputStream out;
    private final byte[] buffer = new byte[1 << 16];
    private int used;

    ProtoOutput(OutputStream out) {
        this.out = out;
    }

    void tag(int field, int wireType) throws IOException {
        varint(((long) field << 3) | wireType);
    }

    /** Starts a length-delimited field (message or packed values) of {@code size} bytes. */
    void startMessage(int field, int size) throws IOException {
        tag(field, LENGTH_DELIMITED);
        varint(size);
    }

    /** An int64 or uint64 field; proto3 leaves out zero, the default. */
    void int64(int field, long value) throws IOException {
        if (value != 0) {
            tag(field, VARINT);
            varint(value);
        }
    }

    void string(int field, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        startMessage(field, bytes.length);
        if (used + bytes.length > buffer.length) {
            flushBuffer();
        }
        if (bytes.length > buffer.length) {
            out.write(bytes);
        } else {
            System.arraycopy(bytes, 0, buffer, used, bytes.length);
            used += bytes.length;
        }
    }

    /** A varint without tag; negative numbers take ten bytes, as protobuf encodes int64. */
    void varint(long value) throws IOException {
        if (used + 10 > buffer.length) {
            flushBuffer();
        }
        while ((value & ~0x7fL) != 0) {
            buffer[used++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buffer[used++] = (byte) value;
    }

    void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    private void flushBuffer() throws IOException {
        out.write(buffer, 0, used);
        used = 0;
    }

    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7fL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    static int tagSize(int field) {
        return varintSize((long) field << 3);
    }

    /** The size of an int64 field, 0 for 0 as {@link #int64} leaves it out. */
    static int int64Size(int field, long value) {
        return value == 0 ? 0 : tagSize(field) + varintSize(value);
    }

    /** The size of a length-delimited field with {@code size} bytes of content. */
    static int messageSize(int field, int size) {
        return tagSize(field) + varintSize(size) + size;
    }
}
