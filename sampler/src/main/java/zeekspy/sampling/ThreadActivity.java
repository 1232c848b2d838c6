package zeekspy.sampling;

import java.util.OptionalInt;
import zeekspy.memory.ProcFs;

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

    /** For a stopped main thread: idle if it was stopped inside a waiting system call. */
    static SampleKind ofStopped(int pid) {
        try {
            OptionalInt syscall = ProcFs.currentSyscall(pid, pid);
            return syscall.isPresent() && isWaiting(syscall.getAsInt()) ? SampleKind.IDLE : SampleKind.NATIVE;
        } catch (RuntimeException e) {
            return SampleKind.NATIVE;
        }
    }

    /** For a running main thread (non-blocking mode): idle if the kernel has it sleeping. */
    static SampleKind ofRunning(int pid) {
        try {
            char state = ProcFs.mainThreadState(pid);
            return state == 'S' || state == 'D' || state == 'I' ? SampleKind.IDLE : SampleKind.NATIVE;
        } catch (RuntimeException e) {
            return SampleKind.NATIVE;
        }
    }

    private static boolean isWaiting(int syscall) {
        for (int s : WAITING_SYSCALLS) {
            if (s == syscall) {
                return true;
            }
        }
        return false;
    }
}
