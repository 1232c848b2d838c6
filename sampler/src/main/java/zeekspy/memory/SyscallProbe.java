package zeekspy.memory;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.OptionalInt;

/**
 * The system call a thread is in, from {@code /proc/PID/task/TID/syscall} kept open: one pread
 * per question instead of open, read and close through Java's file API (about 45 µs here, which
 * in blocking mode would be spent while Zeek is stopped).
 */
public final class SyscallProbe implements AutoCloseable {
    private static final int SIZE = 64; // the number comes first; the rest of the line is not needed
    private final Memory buffer = new Memory(SIZE);
    private final long address = Pointer.nativeValue(buffer);
    private int fd;

    private SyscallProbe(int fd) {
        this.fd = fd;
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
            throw new ProcessAccessException(ProcessAccessException.Reason.PERMISSION_DENIED, pid,
                    "cannot read " + path + ": " + LibC.describe(errno));
        }
        return new SyscallProbe(fd);
    }

    /**
     * The number of the system call the thread is in (or was stopped in); empty when it runs in
     * user space, or when the answer cannot be had (the thread is gone or the probe closed).
     */
    public synchronized OptionalInt current() {
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

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }
}
