package zeekspy.sampling;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
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
 */
final class ProgramWatch implements AutoCloseable {
    private final int pid;
    private final int fd;
    private final long address;
    private final Memory oneByte = new Memory(1);

    private ProgramWatch(int pid, int fd, long address) {
        this.pid = pid;
        this.fd = fd;
        this.address = address;
    }

    /**
     * Watches {@code pid}, checking with reads of one byte at {@code address}, which must be
     * mapped for as long as the program runs (a global variable).
     *
     * @throws ProcessAccessException when /proc/PID/mem cannot be opened
     */
    static ProgramWatch open(int pid, long address) {
        int fd = LibC.open("/proc/" + pid + "/mem", LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw ProcessAccessException.forErrno(pid, LibC.errno());
        }
        return new ProgramWatch(pid, fd, address);
    }

    /** Whether the address space of the opening still exists: false after an exec or the exit. */
    boolean sameProgram() {
        // An error other than end-of-file (EIO: the address unmapped in that same address space)
        // is no sign of a new program.
        return LibC.pread(fd, Pointer.nativeValue(oneByte), 1, address) != 0;
    }

    /** One line on why {@link #sameProgram()} became false. */
    String endMessage() {
        if (ProcFs.exists(pid) && !ProcFs.isZombie(pid)) {
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
        oneByte.close();
    }
}
