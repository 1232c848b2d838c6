package zeekspy.memory;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Reads a live process with process_vm_readv(2), many requests per system call. The tracee does
 * not have to be stopped, nor does the calling thread have to be its tracer: the kernel only
 * checks PTRACE_MODE_ATTACH_REALCREDS permission.
 *
 * <p>A bad address is an ordinary failed read. Only two conditions throw: the process is gone
 * (ESRCH, {@link ProcessGoneException}) and permission was lost ({@link ProcessAccessException}).
 * Not thread-safe: it reuses its native buffers; use one instance per thread.
 *
 * <p>The native buffers are filled and read through direct {@link ByteBuffer} views, whose
 * accesses the JIT compiles to plain loads and stores: {@link Memory}'s own accessors are one JNI
 * call each, and a cold sample paid for several.
 */
public final class ProcessVmMemory implements ProcessMemory {
    private static final int IOVEC_BYTES = 16;

    private final int pid;
    private final long pageSize;
    private final Memory localIov = new Memory(IOVEC_BYTES);
    private final ByteBuffer localIovs = view(localIov);
    private final Memory remoteIov = new Memory((long) LibC.IOV_MAX * IOVEC_BYTES);
    private final ByteBuffer remoteIovs = view(remoteIov);
    private Memory buffer = new Memory(4096);
    private ByteBuffer bufferView = view(buffer);
    private long syscalls;

    /** A reader for {@code pid} without any check; see {@link #open(int)}. */
    public ProcessVmMemory(int pid) {
        this.pid = pid;
        this.pageSize = LibC.getpagesize();
    }

    /**
     * A reader for {@code pid}, after checking that the process exists and may be read.
     *
     * @throws ProcessAccessException when it does not exist, is a zombie or may not be read
     */
    public static ProcessVmMemory open(int pid) {
        if (!ProcFs.exists(pid)) {
            throw ProcessAccessException.noSuchProcess(pid);
        }
        ProcessVmMemory memory = new ProcessVmMemory(pid);
        for (ProcFs.Mapping mapping : ProcFs.maps(pid)) {
            if (mapping.readable() && !mapping.path().startsWith("[v")) {
                memory.read(mapping.start(), new byte[1], 0, 1);
                return memory;
            }
        }
        if (ProcFs.isZombie(pid)) {
            throw ProcessAccessException.forErrno(pid, LibC.ESRCH);
        }
        throw new ProcessAccessException(ProcessAccessException.Reason.NO_SUCH_PROCESS, pid,
                "process " + pid + " has no readable memory (a kernel thread?)");
    }

    public int pid() {
        return pid;
    }

    @Override
    public int read(long address, byte[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        if (length == 0) {
            return 0;
        }
        ensureBuffer(Math.min(length, LibC.IOV_MAX * pageSize));
        int done = 0;
        while (done < length) {
            long at = address + done;
            int count = 0;
            long total = 0;
            while (count < LibC.IOV_MAX && done + total < length) {
                long toPageEnd = pageSize - (at & (pageSize - 1));
                long piece = Math.min(length - done - total, toPageEnd);
                remoteIov(count, at, piece);
                at += piece;
                total += piece;
                count++;
            }
            long got = readv(Pointer.nativeValue(buffer), total, count);
            if (got > 0) {
                bufferView.get(0, dst, offset + done, (int) got);
                done += (int) got;
            }
            if (got < total) {
                break;
            }
        }
        return done == 0 ? -1 : done;
    }

    @Override
    public void read(ReadBatch batch) {
        int n = batch.count();
        batch.resetStatus();
        if (n == 0) {
            return;
        }
        int used = batch.offset(n - 1) + batch.length(n - 1);
        ensureBuffer(used);
        long base = Pointer.nativeValue(buffer);
        int next = 0;
        while (next < n) {
            int first = next;
            int count = Math.min(n - first, LibC.IOV_MAX);
            long total = 0;
            for (int j = 0; j < count; j++) {
                remoteIov(j, batch.address(first + j), batch.length(first + j));
                total += batch.length(first + j);
            }
            long got = total == 0 ? 0 : readv(base + batch.offset(first), total, count);
            // The kernel stops at the first remote range it cannot read: every request before
            // it was read completely, that one failed (maybe partly read), the rest is untried.
            int j = first;
            long remaining = got;
            while (j < first + count && batch.length(j) <= remaining) {
                batch.setOk(j, true);
                remaining -= batch.length(j);
                j++;
            }
            next = j == first + count ? j : j + 1;
        }
        bufferView.get(0, batch.data(), 0, used);
    }

    private void remoteIov(int i, long address, long length) {
        remoteIovs.putLong(i * IOVEC_BYTES, address);
        remoteIovs.putLong(i * IOVEC_BYTES + 8, length);
    }

    /** One process_vm_readv of {@code count} prepared remote iovecs into {@code local}; 0 on EFAULT. */
    private long readv(long local, long total, int count) {
        localIovs.putLong(0, local);
        localIovs.putLong(8, total);
        syscalls++;
        long got = LibC.process_vm_readv(pid, Pointer.nativeValue(localIov), 1, Pointer.nativeValue(remoteIov), count, 0);
        if (got >= 0) {
            return got;
        }
        int errno = LibC.errno();
        if (errno == LibC.EFAULT) {
            return 0;
        }
        if (errno == LibC.ESRCH) {
            throw new ProcessGoneException(pid);
        }
        if (errno == LibC.EPERM) {
            throw ProcessAccessException.forErrno(pid, errno);
        }
        throw new IllegalStateException("process_vm_readv of process " + pid + " failed: " + LibC.describe(errno));
    }

    private void ensureBuffer(long size) {
        if (buffer.size() < size) {
            buffer.close();
            buffer = new Memory(Math.max(size, buffer.size() * 2));
            bufferView = view(buffer);
        }
    }

    private static ByteBuffer view(Memory memory) {
        return memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
    }

    @Override
    public long syscalls() {
        return syscalls;
    }

    @Override
    public void close() {
        buffer.close();
        localIov.close();
        remoteIov.close();
    }
}
