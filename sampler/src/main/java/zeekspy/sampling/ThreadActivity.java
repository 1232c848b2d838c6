package zeekspy.sampling;

import java.util.OptionalInt;
import zeekspy.memory.SyscallProbe;

/**
 * Tells "busy in C++" from "waiting" for a sample with no script running, from what the kernel
 * says about Zeek's main thread.
 */
final class ThreadActivity {
    /**
     * x86_64 system calls in which a thread waits for something to happen (packets, timers,
     * other threads) rather than works: read, poll, select, nanosleep, futex, epoll and kin.
     */
    private static final int[] WAITING_SYSCALLS = {
        0 /* read */, 7 /* poll */, 23 /* select */, 34 /* pause */, 35 /* nanosleep */, 61 /* wait4 */,
        128 /* rt_sigtimedwait */, 130 /* rt_sigsuspend */, 202 /* futex */, 230 /* clock_nanosleep */,
        232 /* epoll_wait */, 270 /* pselect6 */, 271 /* ppoll */, 281 /* epoll_pwait */, 441 /* epoll_pwait2 */,
        45 /* recvfrom */, 47 /* recvmsg */, 299 /* recvmmsg */
    };

    private ThreadActivity() {}

    /**
     * Idle if the main thread is blocked in (or was stopped inside) a waiting system call; native
     * if it runs, is runnable, or does another system call. The same test serves stopped and
     * running threads: the scheduler state alone ("S") also counts short non-waiting calls as idle.
     */
    static SampleKind of(SyscallProbe mainThread) {
        OptionalInt syscall = mainThread.current();
        return syscall.isPresent() && isWaiting(syscall.getAsInt()) ? SampleKind.IDLE : SampleKind.NATIVE;
    }

    private static boolean isWaiting(int syscall) {
        if (syscall == SyscallProbe.ASLEEP) {
            return true; // asleep in a call the probe cannot name: the scheduler state alone tells
        }
        for (int s : WAITING_SYSCALLS) {
            if (s == syscall) {
                return true;
            }
        }
        return false;
    }
}
