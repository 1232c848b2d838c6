package zeekspy.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProcessVmMemoryTest {
    private static Helper helper;
    private static ProcessVmMemory memory;

    @BeforeAll
    static void start() throws Exception {
        helper = Helper.start("sleep");
        memory = ProcessVmMemory.open(helper.pid);
    }

    @AfterAll
    static void stop() {
        memory.close();
        helper.close();
    }

    private static byte bufByte(int i) {
        return (byte) (i * 7 + 3);
    }

    private static byte edgeByte(int i) {
        return (byte) (255 - i % 256);
    }

    @Test
    void singleReadReturnsTheBytes() {
        byte[] dst = new byte[5000];
        assertEquals(4096, memory.read(helper.address("buf"), dst, 100, 4096));
        for (int i = 0; i < 4096; i++) {
            assertEquals(bufByte(i), dst[100 + i]);
        }
    }

    @Test
    void singleReadStopsAtUnmappedMemory() {
        long edge = helper.address("edge");
        byte[] dst = new byte[300];
        assertEquals(100, memory.read(edge + 4096 - 100, dst, 0, 300));
        assertEquals(edgeByte(4096 - 100), dst[0]);
        assertEquals(edgeByte(4095), dst[99]);
        assertEquals(-1, memory.read(helper.address("unmapped"), dst, 0, 8));
        assertEquals(-1, memory.read(0, dst, 0, 8));
        assertEquals(-1, memory.read(-256, dst, 0, 300)); // wraps around the address space
        assertEquals(0, memory.read(0, dst, 0, 0));
    }

    @Test
    void readsAreBoundedByTheCallersBuffer() {
        assertThrows(IndexOutOfBoundsException.class, () -> memory.read(helper.address("buf"), new byte[8], 4, 8));
    }

    @Test
    void batchMarksEachRequestAndUsesOneCallWhenAllAreMapped() {
        ReadBatch batch = new ReadBatch(32, 4096);
        long buf = helper.address("buf");
        for (int i = 0; i < 20; i++) {
            batch.add(buf + 16 * i, 8);
        }
        long before = memory.syscalls();
        memory.read(batch);
        assertEquals(1, memory.syscalls() - before);
        for (int i = 0; i < 20; i++) {
            assertTrue(batch.ok(i));
            assertEquals(bufByte(16 * i), (byte) batch.getByte(i, 0));
        }
    }

    @Test
    void batchContinuesAfterFailedRequests() {
        long buf = helper.address("buf");
        long edge = helper.address("edge");
        ReadBatch batch = new ReadBatch(16, 4096);
        int a = batch.add(buf, 8);
        int b = batch.add(helper.address("unmapped"), 8); // unmapped
        int c = batch.add(buf + 8, 16);
        int d = batch.add(edge + 4096 - 4, 8); // partly mapped
        int e = batch.add(edge, 0);
        int f = batch.add(edge + 10, 4);
        int g = batch.add(0, 8); // null
        int h = batch.add(buf + 4000, 96);
        long before = memory.syscalls();
        memory.read(batch);
        assertEquals(4, memory.syscalls() - before, "one call, and one more after each of the three failures");
        boolean[] expected = {true, false, true, false, true, true, false, true};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], batch.ok(i), "request " + i);
        }
        assertEquals(bufByte(0), (byte) batch.getByte(a, 0));
        assertEquals(bufByte(8 + 15), (byte) batch.getByte(c, 15));
        assertEquals(edgeByte(4092), (byte) batch.getByte(d, 0), "the readable part of a partial request is there");
        assertEquals(edgeByte(10), (byte) batch.getByte(f, 0));
        assertEquals(bufByte(4095), (byte) batch.getByte(h, 95));
        assertTrue(b > 0 && e > 0 && g > 0);
    }

    @Test
    void batchOfMoreThanIovMaxRequestsIsSplit() {
        ReadBatch batch = new ReadBatch(2500, 2500 * 8);
        long buf = helper.address("buf");
        for (int i = 0; i < 2500; i++) {
            batch.add(buf + (i % 500) * 8, 8);
        }
        long before = memory.syscalls();
        memory.read(batch);
        assertEquals(3, memory.syscalls() - before);
        for (int i = 0; i < 2500; i++) {
            assertTrue(batch.ok(i));
            assertEquals(bufByte((i % 500) * 8 + 7), (byte) batch.getByte(i, 7));
        }
        batch.clear();
        memory.read(batch);
        assertEquals(0, batch.count());
    }

    @Test
    void bigSingleReadSpansManyPages() {
        // 6 MB from the start of the helper's executable mapping onwards; stops where the mapping ends
        ProcFs.Mapping first = ProcFs.maps(helper.pid).get(0);
        byte[] dst = new byte[6 << 20];
        int n = memory.read(first.start(), dst, 0, dst.length);
        assertTrue(n > 0 && n % 4096 == 0, "read " + n);
        byte[] again = new byte[64];
        assertEquals(64, memory.read(first.start(), again, 0, 64));
        assertArrayEquals(Arrays.copyOf(dst, 64), again);
        assertEquals((byte) 0x7f, dst[0], "ELF magic");
    }

    @Test
    void readingAnExitedProcessThrowsProcessGone() throws Exception {
        Helper gone = Helper.start("sleep");
        ProcessVmMemory reader = ProcessVmMemory.open(gone.pid);
        gone.command("exit 0");
        gone.process.waitFor();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ProcFs.exists(gone.pid) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        ProcessGoneException e = assertThrows(ProcessGoneException.class, () -> reader.read(gone.address("buf"), new byte[8], 0, 8));
        assertEquals("process " + gone.pid + " has exited", e.getMessage());
        ReadBatch batch = new ReadBatch(1, 8);
        batch.add(gone.address("buf"), 8);
        assertThrows(ProcessGoneException.class, () -> reader.read(batch));
        assertFalse(batch.ok(0));
        gone.close();
    }

    @Test
    void openReportsAMissingProcess() {
        ProcessAccessException e = assertThrows(ProcessAccessException.class, () -> ProcessVmMemory.open(999_999_999));
        assertEquals(ProcessAccessException.Reason.NO_SUCH_PROCESS, e.reason());
        assertEquals("no process with pid 999999999", e.getMessage());
    }
}
