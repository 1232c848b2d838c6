package zeekspy.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FakeMemoryTest {

    @Test
    void valuesAreLittleEndian() {
        FakeMemory memory = new FakeMemory().map(0x1000, 64);
        memory.putLong(0x1000, 0x1122334455667788L).putInt(0x1008, 0xcafebabe).putByte(0x100c, 0xff).putCString(0x1010, "zeek");
        ReadBatch batch = new ReadBatch(4, 64);
        batch.add(0x1000, 8);
        batch.add(0x1008, 4);
        batch.add(0x100c, 1);
        batch.add(0x1010, 5);
        memory.read(batch);
        assertEquals(0x1122334455667788L, batch.getLong(0, 0));
        assertEquals(0xcafebabe, batch.getInt(1, 0));
        assertEquals(0xff, batch.getByte(2, 0));
        assertEquals('z', batch.getByte(3, 0));
        assertEquals(0, batch.getByte(3, 4), "NUL terminated");
    }

    @Test
    void readsStopAtTheEndOfARegion() {
        FakeMemory memory = new FakeMemory().map(0x1000, new byte[] {1, 2, 3, 4});
        byte[] dst = new byte[8];
        assertEquals(2, memory.read(0x1002, dst, 0, 8));
        assertEquals(3, dst[0]);
        assertEquals(-1, memory.read(0x1004, dst, 0, 8));
        assertEquals(-1, memory.read(0x0fff, dst, 0, 1));
        assertEquals(0, memory.read(0x9999, dst, 0, 0));
        ReadBatch batch = new ReadBatch(3, 24);
        batch.add(0x1000, 4);
        batch.add(0x1002, 4);
        batch.add(0x0ffe, 4);
        memory.read(batch);
        assertTrue(batch.ok(0));
        assertFalse(batch.ok(1), "partial read is a failure");
        assertFalse(batch.ok(2));
    }

    @Test
    void adjacentRegionsReadThrough() {
        FakeMemory memory = new FakeMemory().map(0x2000, new byte[] {1, 2}).map(0x2002, new byte[] {3, 4}).map(0x2005, new byte[] {6});
        byte[] dst = new byte[8];
        assertEquals(3, memory.read(0x2001, dst, 0, 8), "stops at the gap at 0x2004");
        assertEquals(2, dst[0]);
        assertEquals(4, dst[2]);
        memory.putBytes(0x2001, new byte[] {9, 9});
        memory.read(0x2000, dst, 0, 4);
        assertEquals(9, dst[1]);
        assertEquals(9, dst[2]);
    }

    @Test
    void overlapsAndUnmappedWritesAreRefused() {
        FakeMemory memory = new FakeMemory().map(0x1000, 16);
        assertThrows(IllegalArgumentException.class, () -> memory.map(0x100f, 4));
        assertThrows(IllegalArgumentException.class, () -> memory.map(0x0ff0, 17));
        assertThrows(IllegalArgumentException.class, () -> memory.putLong(0x100c, 1));
        assertThrows(IllegalArgumentException.class, () -> memory.map(-8, 16), "wraps");
        memory.map(0x0ff0, 16).map(0x1010, 16);
        memory.unmap(0x1000);
        assertEquals(-1, memory.read(0x1000, new byte[1], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> memory.unmap(0x1000));
    }

    @Test
    void highAddressesAreOrderedUnsigned() {
        FakeMemory memory = new FakeMemory().map(0xffff_8000_0000_0000L, 8).map(0x10, 8).map(0x7fff_ffff_fff0L, 8);
        memory.putLong(0xffff_8000_0000_0000L, 42);
        byte[] dst = new byte[8];
        assertEquals(8, memory.read(0xffff_8000_0000_0000L, dst, 0, 8));
        assertEquals(42, dst[0]);
        assertEquals(8, memory.read(0x10, dst, 0, 8));
        assertEquals(-1, memory.read(0xffff_7fff_ffff_fff8L, dst, 0, 8));
    }

    @Test
    void allocationsAreSeparatedByUnmappedGaps() {
        FakeMemory memory = new FakeMemory();
        long a = memory.allocate(24);
        long b = memory.allocate(8);
        assertEquals(0, a % 16);
        assertEquals(0, b % 16);
        assertTrue(b > a + 24);
        assertEquals(24, memory.read(a, new byte[32], 0, 32));
    }

    @Test
    void oneSyscallPerBatchOrRead() {
        FakeMemory memory = new FakeMemory().map(0x1000, 64);
        ReadBatch batch = new ReadBatch(20, 400);
        for (int i = 0; i < 20; i++) {
            batch.add(0x1000 + i, 8);
        }
        memory.read(batch);
        memory.read(0x1000, new byte[4], 0, 4);
        assertEquals(2, memory.syscalls());
    }

    @Test
    void exitMakesReadsThrow() {
        FakeMemory memory = new FakeMemory(4242).map(0x1000, 8);
        memory.exit();
        ProcessGoneException e = assertThrows(ProcessGoneException.class, () -> memory.read(0x1000, new byte[8], 0, 8));
        assertEquals("process 4242 has exited", e.getMessage());
    }

    @Test
    void agreesWithABytewiseModelOnRandomReads() {
        Random random = new Random(7);
        FakeMemory memory = new FakeMemory();
        byte[] model = new byte[1 << 16];
        boolean[] mapped = new boolean[model.length];
        long base = 0x40_0000;
        for (int at = 0; at < model.length; ) {
            int size = 1 + random.nextInt(300);
            if (at + size > model.length) {
                break;
            }
            if (random.nextBoolean()) {
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                memory.map(base + at, bytes);
                for (int i = 0; i < size; i++) {
                    model[at + i] = bytes[i];
                    mapped[at + i] = true;
                }
            }
            at += size;
        }
        byte[] dst = new byte[600];
        for (int n = 0; n < 20_000; n++) {
            int at = random.nextInt(model.length - 600);
            int length = random.nextInt(600);
            int expected = 0;
            while (expected < length && mapped[at + expected]) {
                expected++;
            }
            int got = memory.read(base + at, dst, 0, length);
            assertEquals(length == 0 ? 0 : expected == 0 ? -1 : expected, got, "read at " + at + " of " + length);
            for (int i = 0; i < Math.max(got, 0); i++) {
                assertEquals(model[at + i], dst[i]);
            }
        }
    }
}
