package zeekspy.memory;

/** Test tracer in a separate JVM: seizes and pauses the pid in args[0], prints the result, waits to be killed. */
public final class TracerMain {
    public static void main(String[] args) throws Exception {
        int pid = Integer.parseInt(args[0]);
        try {
            PtraceSession session = PtraceSession.seize(pid);
            System.out.println(session.interrupt());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        } catch (ProcessAccessException e) {
            System.out.println(e.reason() + " " + e.getMessage());
        }
    }
}
