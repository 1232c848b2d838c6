package zeekspy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.List;
import java.util.function.Supplier;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutField;
import zeekspy.memory.FakeMemory;

/**
 * Takes one sample of a (maybe hostile) image and checks what must hold whatever the memory
 * held, and keeps the statistics of a run.
 *
 * <h2>The bounds, per sample, for a reader of depth {@code d}</h2>
 * <ul>
 *   <li>Read requests: {@code 6 + 41·d}. Four batches (headers, entries and frame pointers,
 *       frames, re-read of the headers) of at most {@code 6 + d} requests, then per entry at most
 *       one function decode (object, name, flavor, first body's statement, its location, and a
 *       file name in at most {@value StackReader#MAX_FILENAME}/{@value StackReader#FILENAME_CHUNK}
 *       = 16 chunks: 22) and one location decode (statement, location, file name: 18).</li>
 *   <li>Bytes asked for: {@code 96 + d·(entry + 8 + 4096 + 4096 + name + 17 + 2·(8 + 4096 +
 *       file))}, with 4096 the most any object span may be (the reader refuses larger layouts),
 *       name = {@value StackReader#MAX_NAME} and file = {@value StackReader#MAX_FILENAME}.</li>
 *   <li>Bytes allocated: {@value #ALLOCATION_PER_ENTRY} per entry plus
 *       {@value #ALLOCATION_FIXED}: decoding a maximal name and two maximal non-ASCII file names
 *       (the JDK's UTF-8 decoder may allocate 5 bytes per input byte) and the small records.</li>
 *   <li>CPU time: {@value #MAX_CPU_NANOS} ns, a sanity check (a healthy sample takes
 *       microseconds); the read counts above are the deterministic measure of time.</li>
 * </ul>
 */
final class SampleCheck {
    static final long ALLOCATION_PER_ENTRY = 64 * 1024;
    static final long ALLOCATION_FIXED = 4096;
    static final long MAX_CPU_NANOS = 50_000_000;
    /**
     * Wall time includes GC pauses and preemption (samples of 0.5 s were seen on 2 cores at a
     * load of 15): only a gross sanity bound.
     */
    static final long MAX_WALL_NANOS = 2_000_000_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static long maxRequests(int maxDepth) {
        return 6 + 41L * maxDepth;
    }

    static long maxBytes(Layout layout, int maxDepth) {
        long entry = layout.offset(LayoutField.CALLINFO_SIZE);
        return 96 + maxDepth * (entry + 8 + 4096 + 4096 + StackReader.MAX_NAME + 17
                + 2L * (8 + 4096 + StackReader.MAX_FILENAME));
    }

    static long maxAllocation(int maxDepth) {
        return ALLOCATION_FIXED + ALLOCATION_PER_ENTRY * maxDepth;
    }

    final EnumMap<StackError, Long> reasons = new EnumMap<>(StackError.class);
    long samples;
    long stacks;
    long maxRequestsSeen;
    long maxBytesSeen;
    long maxAllocationSeen;
    long allocatedTotal;
    long maxCpuNanos;
    long maxWallNanos;
    private final Layout layout;
    private final int maxDepth;

    SampleCheck(Layout layout, int maxDepth) {
        this.layout = layout;
        this.maxDepth = maxDepth;
    }

    /**
     * Reads one sample and checks it; {@code context} describes the image for a failure message.
     *
     * @return the reader's result
     */
    StackError sample(StackReader reader, FakeMemory memory, List<ScriptFrame> out, Supplier<String> context) {
        long requests0 = memory.requests();
        long bytes0 = memory.bytesRequested();
        long allocated0 = THREADS.getCurrentThreadAllocatedBytes();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        StackError result;
        try {
            result = reader.read(out);
        } catch (Throwable t) {
            throw new AssertionError("exception out of the reader on " + context.get(), t);
        }
        long wall = System.nanoTime() - wall0;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocated0;
        long requests = memory.requests() - requests0;
        long bytes = memory.bytesRequested() - bytes0;
        samples++;
        allocatedTotal += allocated;
        maxRequestsSeen = Math.max(maxRequestsSeen, requests);
        maxBytesSeen = Math.max(maxBytesSeen, bytes);
        maxAllocationSeen = Math.max(maxAllocationSeen, allocated);
        maxCpuNanos = Math.max(maxCpuNanos, cpu);
        maxWallNanos = Math.max(maxWallNanos, wall);
        if (result == null) {
            stacks++;
        } else {
            reasons.merge(result, 1L, Long::sum);
        }
        if (requests > maxRequests(maxDepth) || bytes > maxBytes(layout, maxDepth)
                || allocated > maxAllocation(maxDepth) || cpu > MAX_CPU_NANOS || wall > MAX_WALL_NANOS) {
            fail("sample over its bounds (" + requests + " requests, " + bytes + " bytes asked, " + allocated
                    + " bytes allocated, " + cpu + " ns CPU, " + wall + " ns) on " + context.get());
        }
        checkResult(reader, result, out, context);
        return result;
    }

    private void checkResult(StackReader reader, StackError result, List<ScriptFrame> out, Supplier<String> context) {
        if (result != null) {
            assertNotEquals(StackError.NOT_STOPPED, result, "the reader never waits");
            assertNotEquals(StackError.PROCESS_GONE, result, "the process never goes");
            assertTrue(out.isEmpty(), () -> "frames with error " + result + " on " + context.get());
            return;
        }
        assertTrue(out.size() <= maxDepth, () -> "more frames than maxDepth on " + context.get());
        assertEquals(reader.lastDepth() > maxDepth, reader.lastTruncated(), () -> "truncation flag on " + context.get());
        for (ScriptFrame f : out) {
            assertTrue(f.function().length() <= StackReader.MAX_NAME && f.file().length() < StackReader.MAX_FILENAME
                    && f.line() >= 0 && f.line() <= StackReader.MAX_LINE, () -> "implausible frame " + f + " on " + context.get());
            if (f.kind() == FunctionKind.BUILTIN) {
                assertTrue(f.file().isEmpty() && f.line() == 0 && !f.lineApproximate(),
                        () -> "built-in with a location: " + f + " on " + context.get());
            }
        }
    }

    /**
     * A success must be complete: one frame per entry with a function among the innermost
     * {@code maxDepth} entries, counted here straight from memory. Only for memory that did not
     * change during the sample.
     */
    void checkComplete(FakeZeek z, StackError result, List<ScriptFrame> out, StackReader reader, Supplier<String> context) {
        checkComplete(z.memory, z.layout, z.callStack, result, out, reader, context);
    }

    void checkComplete(FakeMemory memory, Layout l, long callStack, StackError result, List<ScriptFrame> out,
                       StackReader reader, Supplier<String> context) {
        if (result != null) {
            return;
        }
        long begin = memory.peekLong(callStack + l.offset(LayoutField.VECTOR_BEGIN));
        long end = memory.peekLong(callStack + l.offset(LayoutField.VECTOR_END));
        if (begin == end) {
            assertTrue(out.isEmpty(), context);
            return;
        }
        int size = l.offset(LayoutField.CALLINFO_SIZE);
        long n = (end - begin) / size;
        assertEquals(n, reader.lastDepth(), context);
        int count = (int) Math.min(n, maxDepth);
        int expected = 0;
        for (int i = 0; i < count; i++) {
            long entry = end - (long) (count - i) * size;
            long func;
            if (l.callInfoHasFrame()) {
                long frame = memory.peekLong(entry + l.offset(LayoutField.CALLINFO_FRAME));
                func = frame == 0 ? 0 : memory.peekLong(frame + l.offset(LayoutField.FRAME_FUNCTION));
            } else {
                func = memory.peekLong(entry + l.offset(LayoutField.CALLINFO_FUNC));
            }
            if (func != 0) {
                expected++;
            }
        }
        int want = expected;
        assertEquals(want, out.size(), () -> "a success that lost frames on " + context.get());
    }

    /** Adds another run's statistics. */
    void add(SampleCheck other) {
        samples += other.samples;
        stacks += other.stacks;
        other.reasons.forEach((k, v) -> reasons.merge(k, v, Long::sum));
        maxRequestsSeen = Math.max(maxRequestsSeen, other.maxRequestsSeen);
        maxBytesSeen = Math.max(maxBytesSeen, other.maxBytesSeen);
        maxAllocationSeen = Math.max(maxAllocationSeen, other.maxAllocationSeen);
        allocatedTotal += other.allocatedTotal;
        maxCpuNanos = Math.max(maxCpuNanos, other.maxCpuNanos);
        maxWallNanos = Math.max(maxWallNanos, other.maxWallNanos);
    }

    long count(StackError reason) {
        return reasons.getOrDefault(reason, 0L);
    }

    void assertHit(StackError... expected) {
        for (StackError e : expected) {
            assertFalse(count(e) == 0, () -> "no sample ended in " + e + ": " + this);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%,d samples, %,d stacks", samples, stacks));
        reasons.forEach((k, v) -> sb.append(String.format(", %s %,d", k, v)));
        sb.append(String.format("; max %d requests, %,d bytes asked, %,d B allocated (mean %.0f B), %.2f ms CPU, %.2f ms wall",
                maxRequestsSeen, maxBytesSeen, maxAllocationSeen, samples == 0 ? 0.0 : (double) allocatedTotal / samples,
                maxCpuNanos / 1e6, maxWallNanos / 1e6));
        return sb.toString();
    }
}
