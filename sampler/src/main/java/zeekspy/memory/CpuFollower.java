package zeekspy.memory;

/**
 * Keeps the calling thread on the CPU that a traced thread is pinned to.
 *
 * <p>Why: in blocking mode every sample stops Zeek's main thread and lets it go. With the tracer
 * on another CPU both are inter-processor interrupts, and while Zeek is stopped its CPU goes
 * idle (on a virtual machine the vCPU halts until the resume wakes it); the tracer's own CPU,
 * idle between ticks, halts too. On Zeek's CPU the tracer runs in Zeek's place for the few
 * microseconds of a sample: no interrupt between CPUs, no idle CPU to wake (BENCHMARKS.md,
 * sampling). Only a pinned Zeek (zeekctl's {@code pin_cpus}, taskset) is followed: an unpinned
 * one moves away from a tracer on its CPU as soon as the other CPUs are idle, and chasing it
 * would only add migrations. The follower looks at Zeek's affinity once per {@link #CHECK_NANOS}.
 *
 * <p>Where the calling thread may not run on that CPU (a cpuset, its own affinity mask), it
 * stays where it was allowed to run. Where its timer comes late on Zeek's busy CPU (seen on a
 * virtual machine at 1 kHz: wake-ups only at the scheduler tick, every 4 ms), the loop reports
 * its late ticks ({@link #tick(boolean)}) and the follower lets go for good.
 */
public final class CpuFollower implements AutoCloseable {
    /** How often the traced thread's affinity is looked up. */
    static final long CHECK_NANOS = 1_000_000_000L;
    /** Ticks judged together, and how many of them may come late before the follower lets go. */
    static final int WINDOW_TICKS = 100;
    static final int LATE_TICKS_ALLOWED = 10;
    /** Words of a cpu_set_t as glibc defines it: 1024 CPUs. */
    private static final int MASK_WORDS = 16;

    private final int tid;
    private final long[] own;
    private final long[] traced = new long[MASK_WORDS];
    private final long[] pin = new long[MASK_WORDS];
    private int pinnedCpu = -1;
    private long nextCheck;
    private int windowTicks;
    private int windowLate;
    private boolean gaveUp;

    private CpuFollower(int tid, long[] own) {
        this.tid = tid;
        this.own = own;
    }

    /** A follower that moves the calling thread to the CPU thread {@code tid} is pinned to. */
    public static CpuFollower forCurrentThread(int tid) {
        long[] own = new long[MASK_WORDS];
        return new CpuFollower(tid, LibC.sched_getaffinity(0, MASK_WORDS * 8L, own) == 0 ? own : null);
    }

    /**
     * Looks at the traced thread's affinity when it is time to ({@code now} from
     * {@link System#nanoTime()}) and moves the calling thread accordingly; returns the CPU it is
     * pinned to, or -1.
     */
    public int follow(long now) {
        if (own == null || gaveUp || now - nextCheck < 0) {
            return pinnedCpu;
        }
        nextCheck = now + CHECK_NANOS;
        int cpu = LibC.sched_getaffinity(tid, MASK_WORDS * 8L, traced) == 0 ? onlyCpu(traced) : -1;
        if (cpu == pinnedCpu) {
            return pinnedCpu;
        }
        if (cpu >= 0 && (own[cpu / 64] & 1L << cpu) != 0) {
            java.util.Arrays.fill(pin, 0);
            pin[cpu / 64] = 1L << cpu;
            if (LibC.sched_setaffinity(0, MASK_WORDS * 8L, pin) == 0) {
                pinnedCpu = cpu;
                setSlice(SHORT_SLICE_NANOS);
            }
        } else {
            close(); // Zeek no longer pinned, or pinned where this thread may not go
        }
        return pinnedCpu;
    }

    /**
     * Reports a tick of the calling thread's loop while pinned: whether it came late. Too many late
     * ticks in a window end the following for good.
     */
    public void tick(boolean late) {
        if (pinnedCpu < 0) {
            return;
        }
        windowTicks++;
        windowLate += late ? 1 : 0;
        if (windowTicks == WINDOW_TICKS) {
            if (windowLate > LATE_TICKS_ALLOWED) {
                gaveUp = true;
                close();
            }
            windowTicks = 0;
            windowLate = 0;
        }
    }

    /** Whether late ticks made it let go for good. */
    public boolean gaveUp() {
        return gaveUp;
    }

    /** The CPU the calling thread is pinned to, or -1. */
    public int pinnedCpu() {
        return pinnedCpu;
    }

    /**
     * Linux's shortest time slice, 0.1 ms: since Linux 6.12 a waking thread with a shorter slice
     * than the running one takes the CPU at once (EEVDF's PREEMPT_SHORT), so a tick is not kept
     * waiting for the rest of Zeek's slice, up to 3 ms. Earlier kernels refuse it or ignore it.
     */
    static final long SHORT_SLICE_NANOS = 100_000;

    /** sched_setattr for the calling thread: SCHED_OTHER, its nice value kept, {@code slice} (0: the default). */
    private static void setSlice(long slice) {
        java.nio.ByteBuffer attr = java.nio.ByteBuffer.allocate(56).order(java.nio.ByteOrder.nativeOrder());
        attr.putInt(0, 56); // size; policy 0 SCHED_OTHER, flags 0
        attr.putInt(16, LibC.getpriority(0, 0)); // sched_nice
        attr.putLong(24, slice); // sched_runtime
        LibC.syscall(LibC.SYS_SCHED_SETATTR, 0, attr.array(), 0);
    }

    /** The one CPU in {@code mask}, or -1 if it has none or several. */
    static int onlyCpu(long[] mask) {
        int cpu = -1;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                if (cpu >= 0 || Long.bitCount(mask[i]) != 1) {
                    return -1;
                }
                cpu = i * 64 + Long.numberOfTrailingZeros(mask[i]);
            }
        }
        return cpu;
    }

    /** Lets the calling thread run where it was allowed to before. */
    @Override
    public void close() {
        if (pinnedCpu >= 0 && LibC.sched_setaffinity(0, MASK_WORDS * 8L, own) == 0) {
            pinnedCpu = -1;
            setSlice(0);
        }
    }
}
