package zeekspy.sampling;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor under any sampler's CPU use on this machine (not a test): a thread that only wakes at
 * 100 Hz and 1 kHz and does nothing, 10 s each. On a virtual machine an idle vCPU halts between
 * wake-ups, and a wake-up costs far more than the same on bare metal. Prints Markdown.
 */
public final class WakeUpFloor {
    public static void main(String[] args) throws Exception {
        System.out.println("| empty thread waking at | wake-ups | CPU per wake-up | % of a core |");
        System.out.println("|---|---|---|---|");
        for (int rate : new int[] {100, 1000}) {
            Thread t = new Thread(() -> wake(rate));
            t.start();
            t.join();
        }
        System.out.println();
    }

    private static void wake(int rate) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long period = 1_000_000_000L / rate;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long next = t0;
        int n = 0;
        while (System.nanoTime() - t0 < 10_000_000_000L) {
            next += period;
            for (long left; (left = next - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(left);
            }
            n++;
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        System.out.printf("| %d Hz | %d | %.1f µs | %.2f%% |%n", rate, n, cpu / 1e3 / n, 100.0 * cpu / (System.nanoTime() - t0));
    }
}
