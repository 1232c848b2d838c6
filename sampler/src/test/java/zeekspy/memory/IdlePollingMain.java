package zeekspy.memory;

import java.nio.file.Path;

/**
 * Test process for {@link IdlePolling}'s watchdog: holds its own main thread's CPU in the fake
 * CPU directory args[0], prints the CPU, and waits to be killed; with "close" it lets go first.
 */
public final class IdlePollingMain {
    public static void main(String[] args) throws Exception {
        int pid = LibC.getpid();
        IdlePolling polling = IdlePolling.forThread(pid, pid, Path.of(args[0]));
        polling.release(); // looks the CPU up
        polling.hold();
        System.out.println(polling.heldCpu());
        System.out.flush();
        if (args.length > 1 && args[1].equals("close")) {
            polling.close();
            System.out.println("closed");
            System.out.flush();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
