package zeekspy.sampling;

import zeekspy.memory.LibC;

/**
 * Real-time scheduling (SCHED_FIFO at its lowest priority) for the thread that takes the samples.
 * When every CPU is busy, as on a sensor that falls behind, a thread of normal priority waits for
 * a CPU when its tick comes and takes the sample only once some task gives up its CPU: many ticks
 * are missed, and the samples taken lean towards the code where Zeek yields (measured at 1 kHz
 * with the other CPU busy: three ticks in four missed, Zeek's native code at 7.9 % of the samples
 * against 15.2 % of its time). A real-time thread runs at once.
 *
 * <p>Only a thread that sleeps between ticks may have it: a real-time thread that spins holds its
 * CPU against every normal task. SCHED_RESET_ON_FORK keeps it from passing to a child.
 */
public final class RealtimePriority {
    private static final int[] LOWEST = {1};
    private static final int[] NORMAL = {0};

    private RealtimePriority() {}

    /** Gives the calling thread real-time priority; null if done, else why not (the error). */
    static String raise() {
        if (LibC.sched_setscheduler(0, LibC.SCHED_FIFO | LibC.SCHED_RESET_ON_FORK, LOWEST) == 0) {
            return null;
        }
        return "sched_setscheduler: " + LibC.describe(LibC.errno());
    }

    /** Puts the calling thread back to the normal policy. */
    static void drop() {
        LibC.sched_setscheduler(0, LibC.SCHED_OTHER, NORMAL);
    }

    /**
     * Whether this process may give a thread real-time priority (root, CAP_SYS_NICE or an
     * RLIMIT_RTPRIO above 0, and a cgroup with a real-time budget); null if so, else why not.
     * Tries it on a thread of its own.
     */
    public static String check() {
        String[] failure = new String[1];
        Thread probe = new Thread(() -> failure[0] = raise(), "zeek-spy-priority-check");
        probe.start();
        try {
            probe.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return failure[0];
    }
}
