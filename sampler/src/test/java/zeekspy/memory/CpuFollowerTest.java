package zeekspy.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

class CpuFollowerTest {
    @Test
    void onlyCpuIsTheSingleCpuOfAMask() {
        assertEquals(0, CpuFollower.onlyCpu(new long[] {1, 0}));
        assertEquals(67, CpuFollower.onlyCpu(new long[] {0, 1L << 3}));
        assertEquals(-1, CpuFollower.onlyCpu(new long[] {0, 0}));
        assertEquals(-1, CpuFollower.onlyCpu(new long[] {0b11, 0}));
        assertEquals(-1, CpuFollower.onlyCpu(new long[] {1, 1}));
    }

    @Test
    void followsAPinnedThreadAndLetsGoWhenItIsUnpinned() throws Exception {
        long[] all = mask(0);
        int last = 63 - Long.numberOfLeadingZeros(all[0]); // the highest CPU this JVM may use
        try (Helper helper = Helper.start("spin")) {
            setAffinity(helper.pid, single(last));
            onNewThread(() -> {
                CpuFollower follower = CpuFollower.forCurrentThread(helper.pid);
                long now = System.nanoTime();
                assertEquals(last, follower.follow(now));
                assertArrayEquals(single(last), mask(0), "this thread's affinity");

                setAffinity(helper.pid, all);
                assertEquals(last, follower.follow(now + 1000), "looks again only after a while");
                assertEquals(-1, follower.follow(now + CpuFollower.CHECK_NANOS));
                assertArrayEquals(all, mask(0), "this thread's affinity, given back");

                setAffinity(helper.pid, single(last));
                assertEquals(last, follower.follow(now + 2 * CpuFollower.CHECK_NANOS));
                follower.close();
                assertArrayEquals(all, mask(0), "this thread's affinity after close");
                return null;
            });
        }
    }

    @Test
    void staysWhereItMayRunWhenTheTracedThreadIsPinnedElsewhere() throws Exception {
        long[] all = mask(0);
        assumeTrue(Long.bitCount(all[0]) >= 2, "needs two CPUs");
        int first = Long.numberOfTrailingZeros(all[0]);
        int last = 63 - Long.numberOfLeadingZeros(all[0]);
        try (Helper helper = Helper.start("spin")) {
            setAffinity(helper.pid, single(last));
            onNewThread(() -> {
                setAffinity(0, single(first));
                CpuFollower follower = CpuFollower.forCurrentThread(helper.pid);
                assertEquals(-1, follower.follow(System.nanoTime()));
                assertArrayEquals(single(first), mask(0));
                return null;
            });
        }
    }

    @Test
    void lateTicksWhilePinnedMakeItLetGoForGood() throws Exception {
        long[] all = mask(0);
        int last = 63 - Long.numberOfLeadingZeros(all[0]);
        try (Helper helper = Helper.start("spin")) {
            setAffinity(helper.pid, single(last));
            onNewThread(() -> {
                CpuFollower follower = CpuFollower.forCurrentThread(helper.pid);
                long now = System.nanoTime();
                assertEquals(last, follower.follow(now));
                for (int i = 0; i < CpuFollower.WINDOW_TICKS; i++) {
                    follower.tick(i < CpuFollower.LATE_TICKS_ALLOWED); // as many late ticks as allowed
                }
                assertEquals(last, follower.pinnedCpu(), "still pinned");
                for (int i = 0; i < CpuFollower.WINDOW_TICKS; i++) {
                    follower.tick(i <= CpuFollower.LATE_TICKS_ALLOWED); // one more
                }
                assertTrue(follower.gaveUp());
                assertArrayEquals(all, mask(0), "this thread's affinity, given back");
                assertEquals(-1, follower.follow(now + 10 * CpuFollower.CHECK_NANOS), "for good");
                return null;
            });
        }
    }

    /** Runs {@code body} on a thread of its own, whose affinity it may change. */
    private static void onNewThread(Callable<Void> body) throws Exception {
        FutureTask<Void> task = new FutureTask<>(body);
        Thread t = new Thread(task);
        t.start();
        task.get();
    }

    private static long[] mask(int tid) {
        long[] m = new long[16];
        assertEquals(0, LibC.sched_getaffinity(tid, m.length * 8L, m));
        return m;
    }

    private static long[] single(int cpu) {
        long[] m = new long[16];
        m[cpu / 64] = 1L << cpu;
        return m;
    }

    private static void setAffinity(int tid, long[] m) {
        assertEquals(0, LibC.sched_setaffinity(tid, m.length * 8L, m), "sched_setaffinity errno " + LibC.errno());
    }
}
