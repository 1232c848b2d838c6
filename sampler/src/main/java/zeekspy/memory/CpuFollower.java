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
 * stays where it was allowed to run.
 */
public final class CpuFollower implements AutoCloseable {
    /** How often the traced thread's affinity is looked up. */
    static final long CHECK_NANOS = 1_000_000_000L;
    /** Words of a cpu_set_t as glibc defines it: 1024 CPUs. */
    private static final int MASK_WORDS = 16;

    private final int tid;
    private final long[] own;
    private final long[] traced = new long[MASK_WORDS];
    private final long[] pin = new long[MASK_WORDS];
    private int pinnedCpu = -1;
    private long nextCheck;

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
        if (own == null || now - nextCheck < 0) {
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
            }
        } else {
            close(); // Zeek no longer pinned, or pinned where this thread may not go
        }
        return pinnedCpu;
    }

    /** The CPU the calling thread is pinned to, or -1. */
    public int pinnedCpu() {
        return pinnedCpu;
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
        }
    }
}
