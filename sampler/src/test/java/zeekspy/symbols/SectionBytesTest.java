package zeekspy.symbols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** On-demand and background inflation of compressed sections. */
class SectionBytesTest {
    private static final int SIZE = 3 * SectionBytes.LOOKAHEAD + 12345;

    private static byte[] data;
    private static ByteBuffer deflated;

    private static synchronized byte[] data() {
        if (data == null) {
            byte[] noise = new byte[1 << 16];
            new Random(5).nextBytes(noise);
            data = new byte[SIZE];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ((noise[i & 0xffff] & 0x0f) + (i >>> 20)); // compressible, position dependent
            }
            deflated = deflate(data);
        }
        return data;
    }

    private static ByteBuffer deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        d.setInput(data);
        d.finish();
        byte[] out = new byte[data.length];
        int n = 0;
        while (!d.finished()) {
            n += d.deflate(out, n, out.length - n);
        }
        d.end();
        return ByteBuffer.wrap(Arrays.copyOf(out, n));
    }

    @Test
    void inflatesOnlyAsFarAsAsked() {
        byte[] data = data();
        SectionBytes s = SectionBytes.zlib("test", deflated.duplicate(), data.length);
        s.ensure(100);
        assertTrue(s.inflatedBytes() >= 100 && s.inflatedBytes() < data.length, "partial: " + s.inflatedBytes());
        s.ensureAll();
        assertEquals(data.length, s.inflatedBytes());
        assertArrayEquals(data, s.buffer().array());
    }

    @Test
    void backgroundInflationStaysABoundedDistanceAheadAndGetsEverythingRight() {
        byte[] data = data();
        SectionBytes s = SectionBytes.zlib("test", deflated.duplicate(), data.length);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            s.inflateAhead();
            s.ensure(10);
            Thread.sleep(300);
            assertTrue(s.inflatedBytes() <= 10 + 2L * SectionBytes.LOOKAHEAD, "bounded: " + s.inflatedBytes());
            for (int end = 1000; end < data.length; end += 7_000_001) {
                s.ensure(end);
                assertTrue(s.inflatedBytes() >= end);
                assertEquals(data[end - 1], s.buffer().get(end - 1));
            }
            s.ensureAll();
        });
        assertArrayEquals(data, s.buffer().array());
        assertTrue(s.inflateNanos() > 0);
    }

    @Test
    void backgroundFailuresReachTheReader() {
        byte[] data = data();
        byte[] broken = Arrays.copyOf(deflated.array(), deflated.remaining() / 2); // stream cut in the middle
        SectionBytes s = SectionBytes.zlib("cut", ByteBuffer.wrap(broken), data.length);
        s.inflateAhead();
        ElfFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> assertThrows(ElfFormatException.class, s::ensureAll));
        assertTrue(e.getMessage().startsWith("cut: compressed data ends after"), e.getMessage());
    }
}
