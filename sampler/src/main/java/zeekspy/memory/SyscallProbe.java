package zeekspy.memory;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.OptionalInt;

/**
 * The system call a thread is in, from {@code /proc/PID/task/TID/syscall} kept open: one pread
 * per question instead of open, read and close through Java's file API (about 45 µs here, which
 * in blocking mode would be spent while Zeek is stopped).
 *
 * <p>That file is readable by the process's owner only (mode 0400), also for a tracer that has
 * CAP_SYS_PTRACE and nothing else. Without it the probe asks the thread's registers (orig_rax),
 * which tell the same while this thread holds it stopped (blocking mode); of a thread it does not
 * hold, it can only tell from the scheduler state in {@code /proc/PID/task/TID/stat} (readable by
 * anyone) whether the thread sleeps in some system call: {@link #ASLEEP}.
 */
public final class SyscallProbe implements AutoCloseable {
    private static final int SIZE = 64; // the number comes first; the rest of the line is not needed
    private static final long PTRACE_GETREGS = 12;
    /** struct user_regs_struct of x86_64: 27 registers, orig_rax the 16th. */
    private static final int REGS_SIZE = 27 * 8;
    private static final int ORIG_RAX = 15 * 8;
    private static final boolean X86_64 = System.getProperty("os.arch").equals("amd64");
    private static final int CLOSED = -1;
    private static final int REGISTERS = -2;
    /** Enough of a stat line for its state field: pid, "(comm)" of at most 16 bytes, state. */
    private static final int STAT_SIZE = 96;
    /**
     * What {@link #current()} says of a thread that sleeps in a system call it cannot name: a
     * probe without the syscall file, of a thread not stopped by this tracer.
     */
    public static final int ASLEEP = -2;
    private final Memory buffer;
    private final long address;
    private final int tid;
    private int fd;
    /** /proc/PID/task/TID/stat, kept open in registers mode; CLOSED if not. */
    private int statFd = CLOSED;

    private SyscallProbe(int fd, int tid) {
        this.fd = fd;
        this.tid = tid;
        this.buffer = new Memory(fd == REGISTERS ? REGS_SIZE : SIZE);
        this.address = Pointer.nativeValue(buffer);
    }

    /** Opens the probe for thread {@code tid} of process {@code pid}. */
    public static SyscallProbe open(int pid, int tid) {
        String path = "/proc/" + pid + "/task/" + tid + "/syscall";
        int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            int errno = LibC.errno();
            if (errno == LibC.ENOENT || errno == LibC.ESRCH) {
                throw new ProcessGoneException(pid);
            }
            if (errno == LibC.EACCES) {
                return fromRegisters(pid, tid);
            }
            throw new ProcessAccessException(ProcessAccessException.Reason.PERMISSION_DENIED, pid,
                    "cannot read " + path + ": " + LibC.describe(errno));
        }
        return new SyscallProbe(fd, tid);
    }

    /**
     * The number of the system call the thread is in (or was stopped in), or {@link #ASLEEP};
     * empty when it runs in user space, or when the answer cannot be had (the thread is gone or
     * the probe closed).
     */
    public synchronized OptionalInt current() {
        if (fd == REGISTERS) {
            return fromRegisters();
        }
        if (fd < 0) {
            return OptionalInt.empty();
        }
        long n = LibC.pread(fd, address, SIZE, 0);
        if (n <= 0) {
            return OptionalInt.empty();
        }
        int value = 0;
        int digits = 0;
        for (int i = 0; i < n; i++) {
            byte b = buffer.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            digits++;
        }
        // "running", or "-1 ..." for a thread blocked outside a system call
        return digits == 0 ? OptionalInt.empty() : OptionalInt.of(value);
    }

    /**
     * orig_rax of the thread, as /proc/PID/syscall reports it of a stopped thread: the system call
     * it was in, negative outside one. ptrace answers only the tracer thread, and only while the
     * thread is stopped (blocking mode's pause); otherwise empty.
     */
    private OptionalInt fromRegisters() {
        if (!X86_64 || LibC.ptrace(PTRACE_GETREGS, tid, 0, address) != 0) {
            return asleep() ? OptionalInt.of(ASLEEP) : OptionalInt.empty();
        }
        long nr = buffer.getLong(ORIG_RAX);
        return nr < 0 ? OptionalInt.empty() : OptionalInt.of((int) nr);
    }

    /** Whether the scheduler state of the thread is S, interruptible sleep. */
    private boolean asleep() {
        if (statFd < 0) {
            return false;
        }
        // The registers buffer is free when ptrace has not filled it.
        int state = ProcFs.stateOffset(buffer, LibC.pread(statFd, address, STAT_SIZE, 0));
        return state >= 0 && buffer.getByte(state) == 'S';
    }

    /**
     * A probe that reads the thread's registers, as when /proc/PID/task/TID/syscall cannot be
     * opened, and the scheduler state of a thread it does not hold stopped.
     */
    static SyscallProbe fromRegisters(int pid, int tid) {
        SyscallProbe probe = new SyscallProbe(REGISTERS, tid);
        probe.statFd = LibC.open("/proc/" + pid + "/task/" + tid + "/stat", LibC.O_RDONLY | LibC.O_CLOEXEC);
        return probe;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            LibC.close(fd);
        }
        if (statFd >= 0) {
            LibC.close(statFd);
        }
        fd = CLOSED;
        statFd = CLOSED;
    }
}
