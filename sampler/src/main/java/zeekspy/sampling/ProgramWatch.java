package zeekspy.sampling;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.Arrays;
import zeekspy.memory.LibC;
import zeekspy.memory.ProcFs;
import zeekspy.memory.ProcessAccessException;

/**
 * Tells whether a process still runs the program it ran when the watch was opened, for a
 * sampler that does not trace it (a tracer learns of an exec from ptrace). process_vm_readv
 * reads whatever the pid runs now: after an exec, the new program; after an exit and the pid's
 * reuse, another process. A descriptor of /proc/PID/mem, by contrast, stays bound to the address
 * space the process had when it was opened: once an exec or the exit has released that, reads
 * return end-of-file.
 *
 * <p>/proc/PID/mem is readable by the process's owner only (mode 0600), also for a sampler that
 * has CAP_SYS_PTRACE and nothing else. Such a sampler compares what /proc/PID/stat (readable by
 * anyone, its address fields by a tracer) says of the address space instead: the start time
 * (another process on a reused pid) and where the stack, the program's arguments and environment
 * and the heap begin, which an exec places anew at random (ASLR; with ASLR off, an exec of the
 * same program with the same arguments would go unnoticed).
 */
final class ProgramWatch implements AutoCloseable {
    /** Fields of /proc/PID/stat, counted from 1 like proc(5): starttime, startstack, start_brk, arg_start, env_start. */
    private static final int[] STAT_FIELDS = {22, 28, 47, 48, 50};
    private static final int STAT_SIZE = 1024;
    private final int pid;
    private final int fd;
    private final long address;
    private final boolean byStat;
    private final Memory buffer;
    private final long[] opened;
    private final long[] now = new long[STAT_FIELDS.length];

    private ProgramWatch(int pid, int fd, long address, boolean byStat) {
        this.pid = pid;
        this.fd = fd;
        this.address = address;
        this.byStat = byStat;
        this.buffer = new Memory(byStat ? STAT_SIZE : 1);
        this.opened = new long[STAT_FIELDS.length];
    }

    /**
     * Watches {@code pid}, checking with reads of one byte at {@code address}, which must be
     * mapped for as long as the program runs (a global variable), or else with its stat file.
     *
     * @throws ProcessAccessException when neither /proc/PID/mem nor /proc/PID/stat tells
     */
    static ProgramWatch open(int pid, long address) {
        int fd = LibC.open("/proc/" + pid + "/mem", LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd >= 0) {
            return new ProgramWatch(pid, fd, address, false);
        }
        int errno = LibC.errno();
        ProgramWatch byStat = errno == LibC.EACCES ? byStat(pid) : null;
        if (byStat == null) {
            throw ProcessAccessException.forErrno(pid, errno);
        }
        return byStat;
    }

    /** A watch by /proc/PID/stat alone; null if that cannot tell (the process gone, its addresses hidden). */
    static ProgramWatch byStat(int pid) {
        int stat = LibC.open("/proc/" + pid + "/stat", LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (stat < 0) {
            return null;
        }
        ProgramWatch watch = new ProgramWatch(pid, stat, 0, true);
        if (watch.readStat(watch.opened) && watch.opened[1] != 0) {
            return watch;
        }
        watch.close(); // startstack reads 0 for a reader without ptrace access
        return null;
    }

    /** Whether the address space of the opening still exists: false after an exec or the exit. */
    boolean sameProgram() {
        if (byStat) {
            return readStat(now) && Arrays.equals(now, opened);
        }
        // An error other than end-of-file (EIO: the address unmapped in that same address space)
        // is no sign of a new program.
        return LibC.pread(fd, Pointer.nativeValue(buffer), 1, address) != 0;
    }

    /** Reads {@link #STAT_FIELDS} into {@code values}; false if the process is gone or a zombie. */
    private boolean readStat(long[] values) {
        long n = LibC.pread(fd, Pointer.nativeValue(buffer), STAT_SIZE, 0);
        int state = ProcFs.stateOffset(buffer, n);
        if (state < 0 || buffer.getByte(state) == 'Z') {
            return false;
        }
        int field = 3; // the state is field 3
        int next = 0;
        long value = 0;
        for (int i = state; i < n && next < STAT_FIELDS.length; i++) {
            byte b = buffer.getByte(i);
            if (b == ' ' || b == '\n') {
                if (field == STAT_FIELDS[next]) {
                    values[next++] = value;
                }
                field++;
                value = 0;
            } else if (b >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
            }
        }
        return next == STAT_FIELDS.length;
    }

    /** One line on why {@link #sameProgram()} became false. */
    String endMessage() {
        if (!ProcFs.isExiting(pid)) {
            String program;
            try {
                program = ProcFs.exeTarget(pid);
            } catch (RuntimeException e) {
                program = "unknown";
            }
            return "process " + pid + " executed a new program (" + program + ")";
        }
        return "process " + pid + " has exited";
    }

    @Override
    public void close() {
        LibC.close(fd);
        buffer.close();
    }
}
