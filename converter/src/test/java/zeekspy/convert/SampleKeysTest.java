package zeekspy.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table that counts a chunk's events by their bytes. */
class SampleKeysTest {
    private final SampleKeys keys = new SampleKeys();
    private final List<String> flushed = new ArrayList<>();

    @Test
    void eventsWithTheSameBytesCountTogetherWhereverTheBytesAre() {
        byte[] chunk = "..worker-1|17..worker-2|17..worker-1|17".getBytes(StandardCharsets.ISO_8859_1);
        assertFalse(count(chunk, 2, 13));
        assertTrue(keys.add(SampleKeys.hash(chunk, 2, 13), chunk, 2, 13, 5, 1_000_000));
        assertFalse(count(chunk, 15, 26));
        assertTrue(keys.add(SampleKeys.hash(chunk, 15, 26), chunk, 15, 26, 6, 0));
        assertTrue(count(chunk, 28, 39));
        assertTrue(count(chunk.clone(), 2, 13));
        assertFalse(count(chunk, 2, 12), "a prefix is another key");
        flush();
        assertEquals(List.of("5 1000000 3", "6 0 1"), flushed);
        flushed.clear();
        flush();
        assertEquals(List.of(), flushed, "a flush forgets the counts");
        assertTrue(count(chunk, 15, 26), "but not the keys");
        flush();
        assertEquals(List.of("6 0 1"), flushed);
    }

    @Test
    void droppedEventsKeepTheirSampleOfMinusOne() {
        byte[] event = {1, 2, 3};
        keys.add(SampleKeys.hash(event, 0, 3), event, 0, 3, -1, 10);
        count(event, 0, 3);
        flush();
        assertEquals(List.of("-1 10 2"), flushed);
    }

    @Test
    void keysTooLongOrTooManyAreNotKept() {
        byte[] long_ = new byte[SampleKeys.MAX_KEY + 1];
        assertFalse(keys.add(SampleKeys.hash(long_, 0, long_.length), long_, 0, long_.length, 1, 0));
        assertFalse(count(long_, 0, long_.length));
        byte[] key = new byte[4];
        for (int i = 0; i < SampleKeys.MAX_ENTRIES; i++) {
            set(key, i);
            assertTrue(keys.add(SampleKeys.hash(key, 0, 4), key, 0, 4, i, 0));
        }
        set(key, SampleKeys.MAX_ENTRIES);
        assertFalse(keys.add(SampleKeys.hash(key, 0, 4), key, 0, 4, 0, 0), "full");
        assertFalse(count(key, 0, 4));
        for (int i = 0; i < SampleKeys.MAX_ENTRIES; i += 997) {
            set(key, i);
            assertTrue(count(key, 0, 4), "key " + i);
        }
        flush();
        assertEquals(SampleKeys.MAX_ENTRIES, flushed.size());
        assertEquals("997 0 2", flushed.get(997));
        assertEquals("998 0 1", flushed.get(998));
    }

    private boolean count(byte[] b, int from, int to) {
        return keys.count(SampleKeys.hash(b, from, to), b, from, to);
    }

    private void flush() {
        keys.flush((sample, period, events) -> flushed.add(sample + " " + period + " " + events));
    }

    private static void set(byte[] key, int value) {
        for (int k = 0; k < 4; k++) {
            key[k] = (byte) (value >>> (8 * k));
        }
    }
}
