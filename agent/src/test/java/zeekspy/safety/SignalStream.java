package zeekspy.safety;

import java.util.concurrent.locks.LockSupport;
import zeekspy.memory.LibC;

/**
 * SIGUSR1 to an inferior, one after the other for as long as it runs: each is sent once the
 * inferior has counted the last one (so none can merge with a pending one), and one not counted
 * within the timeout is a lost signal.
 */
final class SignalStream extends Thread {
    private final int pid;
    private final InferiorCounters counters;
    private final long timeoutNanos;
    private volatile boolean done;
    private volatile long sent;
    private volatile String failure;

    SignalStream(int pid, InferiorCounters counters, long timeoutMillis) {
        super("sigusr1-stream");
        this.pid = pid;
        this.counters = counters;
        this.timeoutNanos = timeoutMillis * 1_000_000;
        setDaemon(true);
    }

    @Override
    public void run() {
        try {
            long base = counters.read("sigusr1");
            while (!done) {
                LibC.kill(pid, LibC.SIGUSR1);
                sent++;
                long deadline = System.nanoTime() + timeoutNanos;
                while (counters.read("sigusr1") - base < sent) {
                    if (System.nanoTime() > deadline) {
                        failure = "SIGUSR1 number " + sent + " was not handled within " + timeoutNanos / 1_000_000 + " ms";
                        return;
                    }
                    LockSupport.parkNanos(20_000);
                }
                LockSupport.parkNanos(200_000);
            }
        } catch (RuntimeException e) {
            if (!done) {
                failure = "SIGUSR1 stream: " + e;
            }
        }
    }

    /** Ends the stream (waits for the last signal). */
    void end() throws InterruptedException {
        done = true;
        join(timeoutNanos / 1_000_000 + 5_000);
    }

    /** Ends the stream; returns the signals sent, all of them counted, or fails. */
    long finish() throws InterruptedException {
        end();
        if (failure != null) {
            throw new AssertionError(failure);
        }
        return sent;
    }

    /** A failure so far, or null. */
    String failure() {
        return failure;
    }
}
