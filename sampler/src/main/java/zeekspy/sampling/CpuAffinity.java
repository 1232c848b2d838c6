package zeekspy.sampling;

import zeekspy.memory.LibC;

/**
 * Keeps the sampling thread off the CPU that Zeek's main thread is pinned to (Zeek clusters pin
 * their workers, one per CPU). A real-time sampler on Zeek's own CPU takes that CPU from Zeek
 * for every sample, and its samples were measured to lean: Zeek's native code at 13.5-14.0 % of
 * the samples against 15.2 % of its time, where a sampler on another CPU saw 15.5-15.8 %.
 */
final class CpuAffinity {
    private CpuAffinity() {}

    /**
     * If thread {@code tid} may run on one CPU only, and the calling thread on others too, takes
     * that CPU out of the calling thread's set. Returns the set it had, for {@link #restore}, or
     * null if it left the set alone.
     */
    static long[] avoidPinnedCpuOf(int tid) {
        long[] zeek = new long[LibC.CPU_SET_BYTES / Long.BYTES];
        long[] own = new long[zeek.length];
        if (LibC.sched_getaffinity(tid, LibC.CPU_SET_BYTES, zeek) < 0
                || LibC.sched_getaffinity(0, LibC.CPU_SET_BYTES, own) < 0 || cpus(zeek) != 1) {
            return null;
        }
        long[] rest = new long[own.length];
        for (int i = 0; i < own.length; i++) {
            rest[i] = own[i] & ~zeek[i];
        }
        return cpus(rest) > 0 && LibC.sched_setaffinity(0, LibC.CPU_SET_BYTES, rest) == 0 ? own : null;
    }

    /** Gives the calling thread back the set {@link #avoidPinnedCpuOf} returned. */
    static void restore(long[] cpus) {
        LibC.sched_setaffinity(0, LibC.CPU_SET_BYTES, cpus);
    }

    private static int cpus(long[] mask) {
        int n = 0;
        for (long word : mask) {
            n += Long.bitCount(word);
        }
        return n;
    }
}
