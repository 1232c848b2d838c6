package zeekspy.memory;

/**
 * Read access to another process's memory. Every read is bounded by its caller's buffer and
 * reports failure as a value: a bad pointer is an ordinary event when reading a live process.
 */
public interface ProcessMemory extends AutoCloseable {

    /**
     * Reads {@code length} bytes at {@code address} into {@code dst[offset..]}.
     *
     * @return the number of bytes read, which is less than {@code length} when the range runs
     *     into unmapped memory, or -1 when nothing could be read
     */
    int read(long address, byte[] dst, int offset, int length);

    /**
     * Performs every request of the batch, as few system calls as possible. Each request's
     * success is then in {@link ReadBatch#ok(int)}.
     */
    void read(ReadBatch batch);

    /** Number of system calls made so far (for statistics and benchmarks). */
    long syscalls();

    @Override
    default void close() {}
}
