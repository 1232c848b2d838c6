package zeekspy.memory;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Direct JNA bindings to the few libc calls that zeek-spy needs. Pointers are passed as
 * {@code long} addresses (64-bit Linux only). After a call that failed, {@link #errno()} gives
 * the error number of the calling thread.
 */
public final class LibC {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ECHILD = 10;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EINVAL = 22;

    public static final int SIGTRAP = 5;
    public static final int SIGKILL = 9;
    public static final int SIGUSR1 = 10;
    public static final int SIGTERM = 15;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;
    public static final int SIGTSTP = 20;
    public static final int SIGTTIN = 21;
    public static final int SIGTTOU = 22;

    public static final long PTRACE_CONT = 7;
    public static final long PTRACE_DETACH = 17;
    public static final long PTRACE_SETOPTIONS = 0x4200;
    public static final long PTRACE_SEIZE = 0x4206;
    public static final long PTRACE_INTERRUPT = 0x4207;
    public static final long PTRACE_LISTEN = 0x4208;

    public static final long PTRACE_O_TRACEEXEC = 0x10;

    public static final int PTRACE_EVENT_EXEC = 4;
    public static final int PTRACE_EVENT_EXIT = 6;
    public static final int PTRACE_EVENT_STOP = 128;

    public static final int WNOHANG = 1;
    public static final int WSTOPPED = 2;
    public static final int WEXITED = 4;
    public static final int WNOWAIT = 0x01000000;
    public static final int P_PID = 1;
    public static final int __WALL = 0x40000000;

    /** Most iovecs one process_vm_readv call accepts (UIO_MAXIOV). */
    public static final int IOV_MAX = 1024;

    static {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            throw new UnsupportedOperationException("zeek-spy runs on 64-bit Linux only");
        }
        Native.register(LibC.class, "c");
    }

    private LibC() {}

    /** ptrace(2); {@code addr} and {@code data} are passed as raw machine words. */
    public static native long ptrace(long request, int pid, long addr, long data);

    /** waitpid(2); {@code status[0]} receives the wait status. */
    public static native int waitpid(int pid, int[] status, int options);

    /** waitid(2); {@code siginfo} receives a siginfo_t (128 bytes). */
    public static native int waitid(int idtype, int id, byte[] siginfo, int options);

    /** process_vm_readv(2); {@code localIov} and {@code remoteIov} are addresses of iovec arrays. */
    public static native long process_vm_readv(
            int pid, long localIov, long liovcnt, long remoteIov, long riovcnt, long flags);

    public static native int kill(int pid, int sig);

    public static native int getpid();

    public static native int getpagesize();

    public static native String strerror(int errnum);

    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;

    /** open(2). */
    public static native int open(String path, int flags);

    /** pread(2) into native memory at address {@code buf}. */
    public static native long pread(int fd, long buf, long count, long offset);

    /** pwrite(2) from native memory at address {@code buf}. */
    public static native long pwrite(int fd, long buf, long count, long offset);

    /** close(2). */
    public static native int close(int fd);

    public static final int SCHED_OTHER = 0;
    public static final int SCHED_FIFO = 1;
    /** Or'ed into the policy: a child forked by the thread starts with the normal policy. */
    public static final int SCHED_RESET_ON_FORK = 0x40000000;

    /** sched_setscheduler(2); {@code param} holds the one field of struct sched_param. Pid 0: the calling thread. */
    public static native int sched_setscheduler(int pid, int policy, int[] param);

    /** sched_getscheduler(2): the policy, with SCHED_RESET_ON_FORK if set. */
    public static native int sched_getscheduler(int pid);

    /** Bytes of the CPU masks passed to the affinity calls: 1024 CPUs, glibc's cpu_set_t. */
    public static final int CPU_SET_BYTES = 128;

    /** sched_getaffinity(2) of thread {@code tid} (0: the calling thread) into {@code mask}, one bit per CPU. */
    public static native int sched_getaffinity(int tid, long size, long[] mask);

    /** sched_setaffinity(2). */
    public static native int sched_setaffinity(int tid, long size, long[] mask);

    /** The errno left by the last native call of this thread. */
    public static int errno() {
        return Native.getLastError();
    }

    /** The text of an error number, e.g. "No such process". */
    public static String describe(int errnum) {
        String text = strerror(errnum);
        return text == null ? "errno " + errnum : text;
    }
}
