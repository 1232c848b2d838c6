package zeekspy.stack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile memory: mutated and random images must never make the reader throw, loop, or allocate
 * without bound. Deterministic seeds, so a failure reproduces.
 */
class StackReaderFuzzTest {
    private static final int IMAGES = 200;
    private static final int SAMPLES_PER_IMAGE = 500;
    /** Generous bounds: a healthy sample takes microseconds and a few hundred bytes. */
    private static final long MAX_NANOS_PER_SAMPLE = 50_000_000;
    private static final long MAX_BYTES_PER_SAMPLE = 256 * 1024;

    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "5.0.10", "8.0.10", "9.0.0-rc1", "8.0.10+libc++"})
    void mutatedImagesNeverThrowLoopOrBlowUp(String version) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        SplittableRandom random = new SplittableRandom(version.hashCode());
        List<ScriptFrame> out = new ArrayList<>();
        long samples = 0;
        long errors = 0;
        long worstNanos = 0;
        long worstBytes = 0;
        for (int image = 0; image < IMAGES; image++) {
            StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(StackReaderTest.layout(version));
            StackReader reader = s.z.reader(64);
            reader.setVerifyConsistency(image % 2 == 0);
            long low = s.z.callStack;
            long high = s.innermost + 256;
            for (int k = 0; k < SAMPLES_PER_IMAGE; k++) {
                mutate(s.z, random, low, high);
                long bytes0 = threads.getThreadAllocatedBytes(thread);
                long t0 = System.nanoTime();
                StackError e = reader.read(out);
                long t = System.nanoTime() - t0;
                long bytes = threads.getThreadAllocatedBytes(thread) - bytes0;
                worstNanos = Math.max(worstNanos, t);
                worstBytes = Math.max(worstBytes, bytes);
                samples++;
                if (e != null) {
                    errors++;
                }
                assertTrue(out.size() <= 64, "frames beyond maxDepth");
            }
        }
        assertTrue(worstNanos < MAX_NANOS_PER_SAMPLE, "slowest sample took " + worstNanos + " ns");
        assertTrue(worstBytes < MAX_BYTES_PER_SAMPLE, "a sample allocated " + worstBytes + " bytes");
        // The mutations must really hit: a fuzzer that never produces errors tests nothing.
        assertTrue(errors > samples / 20, "only " + errors + " of " + samples + " samples were errors");
    }

    /** One random corruption: a random byte, a huge or tiny number, a pointer to elsewhere or to itself. */
    private static void mutate(FakeZeek z, SplittableRandom r, long low, long high) {
        long at = (low + r.nextLong(high - low)) & ~7L;
        try {
            switch (r.nextInt(6)) {
                case 0 -> z.memory.putByte(at + r.nextInt(8), r.nextInt(256));
                case 1 -> z.memory.putLong(at, r.nextLong());
                case 2 -> z.memory.putLong(at, low + r.nextLong(high - low));
                case 3 -> z.memory.putLong(at, at);
                case 4 -> z.memory.putLong(at, r.nextBoolean() ? Long.MAX_VALUE : 0x7fff_ffff);
                default -> z.memory.putInt(at, -r.nextInt(1000));
            }
        } catch (IllegalArgumentException unmapped) {
            // Landed in a gap between allocations: nothing to corrupt there.
        }
    }
}
