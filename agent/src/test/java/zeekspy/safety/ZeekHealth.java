package zeekspy.safety;

import zeekspy.memory.ProcFs;
import zeekspy.testing.RunningInferior;

/** Whether an inferior is well after zeek-spy left it: running, untraced, making progress. */
final class ZeekHealth {
    /** What the kernel may take to detach a tracee after its tracer died. */
    static final long GRACE_MILLIS = 2_000;

    private ZeekHealth() {}

    /**
     * Fails unless, within the grace period, the inferior is traced by nobody, neither stopped
     * ('t' or 'T') nor dead, and its progress counter advances.
     */
    static void assertRunningFree(RunningInferior zeek, InferiorCounters counters, String when) throws InterruptedException {
        int pid = zeek.pid();
        long deadline = System.currentTimeMillis() + GRACE_MILLIS;
        while (true) {
            if (!zeek.alive()) {
                throw new AssertionError(when + ": the inferior died; output " + tail(zeek));
            }
            int tracer = ProcFs.tracerPid(pid);
            char state = ProcFs.mainThreadState(pid);
            if (tracer == 0 && state != 't' && state != 'T') {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(when + ": after " + GRACE_MILLIS + " ms the inferior is still "
                        + (tracer != 0 ? "traced by " + tracer + ", " : "") + "in state " + state);
            }
            Thread.sleep(1);
        }
        long progress = counters.read("progress");
        deadline = System.currentTimeMillis() + GRACE_MILLIS;
        while (counters.read("progress") == progress) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(when + ": the inferior makes no progress (state " + ProcFs.mainThreadState(pid) + ")");
            }
            Thread.sleep(1);
        }
    }

    private static java.util.List<String> tail(RunningInferior zeek) {
        java.util.List<String> lines = zeek.lines().stream().filter(l -> !l.startsWith("truth")).toList();
        return lines.subList(Math.max(0, lines.size() - 10), lines.size());
    }
}
