package zeekspy.safety;

import zeekspy.memory.LibC;
import zeekspy.memory.PtraceSession;

/**
 * A tracer, in a JVM of its own, that holds a signal of its tracee when it is killed: it makes
 * the tracee stop for a SIGUSR1 (signal-delivery-stop), takes that stop as a pause, prints
 * {@code holding} and waits inside the pause to be killed. Argument: PID.
 */
public final class HeldSignalTracer {
    private HeldSignalTracer() {}

    public static void main(String[] args) throws Exception {
        int pid = Integer.parseInt(args[0]);
        PtraceSession session = PtraceSession.seize(pid);
        session.drive(() -> {
            // Sent while the tracee is stopped, the signal is the first thing it meets on the resume.
            if (session.interrupt() != PtraceSession.Result.STOPPED) {
                throw new IllegalStateException("the tracee did not stop");
            }
            LibC.kill(pid, LibC.SIGUSR1);
            session.resume();
            // Not serving the session meanwhile: the signal-delivery-stop waits for the pause.
            Thread.sleep(300);
            session.pause(() -> {
                System.out.println("holding");
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return null;
        });
    }
}
