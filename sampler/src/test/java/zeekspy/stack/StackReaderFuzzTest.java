package zeekspy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutField;
import zeekspy.memory.FakeMemory;

/**
 * Hostile memory, at scale: the stack reader fed millions of mutated, self-changing and random
 * images of every layout family must never throw, never exceed its read, allocation and time
 * bounds ({@link SampleCheck}), and never report a stack that lost frames; the unmutated images
 * must still decode exactly, so the corruptions start from real paths. Deterministic: the seed
 * and sample index in a failure message reproduce it.
 *
 * <p>{@code -Dzeekspy.fuzz.samples=N} sets the total number of samples (default 2,000,000: 60%
 * mutated, 20% torn, 20% random, spread over the families); {@code -Dzeekspy.fuzz.seed=S}
 * another seed. A long run:
 * {@code mvn -pl sampler test -Dtest=StackReaderFuzzTest -Dzeekspy.fuzz.samples=100000000}.
 */
class StackReaderFuzzTest {
    static final long SAMPLES = Long.getLong("zeekspy.fuzz.samples", 2_000_000);
    static final long SEED = Long.getLong("zeekspy.fuzz.seed", 0x5eedL);
    /** Few enough samples make some error path unlikely: every family gets at least this many. */
    private static final long MIN_PER_FAMILY = 10_000;
    private static final int MAX_DEPTH = Corpus.MAX_DEPTH;
    /** Small caches: collisions and evictions on every sample, and clearing them costs nothing. */
    private static final int SMALL_CACHES = 256;
    /**
     * The mean allocation per sample over a run, amortized: half the samples decode from cold
     * caches, the worst case for allocation, yet a run averages 150-200 bytes (a few records
     * and short strings); a warm sample allocates nothing.
     */
    static final long MEAN_ALLOCATION_BOUND = 1024;

    private static final Map<String, SampleCheck> REPORT = new TreeMap<>();
    private static final long FAMILIES = Corpus.families().count();

    static Stream<Corpus.Family> families() {
        return Corpus.families();
    }

    private static long share(int percent) {
        return Math.max(MIN_PER_FAMILY, SAMPLES * percent / 100 / FAMILIES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void mutatedImages(Corpus.Family family) {
        Layout layout = family.layout();
        SplittableRandom r = new SplittableRandom(SEED ^ family.name().hashCode());
        List<Corpus.Image> images = Corpus.images(layout);
        int n = images.size();
        Mutator[] mutators = new Mutator[n];
        StackReader[] small = new StackReader[n];
        StackReader[] production = new StackReader[n];
        for (int i = 0; i < n; i++) {
            FakeZeek z = images.get(i).z();
            assertEquals(images.get(i).expected(), StackReaderTest.read(z.reader(MAX_DEPTH)), images.get(i).name());
            mutators[i] = new Mutator(z);
            small[i] = new StackReader(z.memory, layout, z.callStack, z.frameStack, MAX_DEPTH, SMALL_CACHES);
            production[i] = z.reader(MAX_DEPTH);
        }
        SampleCheck check = new SampleCheck(layout, MAX_DEPTH);
        long controls = 0;
        List<ScriptFrame> out = new ArrayList<>();
        long samples = share(60);
        for (long s = 0; s < samples; s++) {
            int i = (int) (s % n);
            Corpus.Image image = images.get(i);
            Mutator m = mutators[i];
            long sample = s;
            if ((s / n) % 64 == 0) {
                // Control: the valid image, from cold caches.
                small[i].clearCaches();
                small[i].setVerifyConsistency(r.nextBoolean());
                StackError e = check.sample(small[i], image.z().memory, out, () -> family + " control " + sample);
                assertEquals(image.expected(), e != null ? "error: " + e : StackReaderTest.render(out), image.name());
                controls++;
                continue;
            }
            m.mutate(r, 1 + r.nextInt(4));
            StackReader reader;
            if (r.nextInt(8) == 0) {
                reader = production[i];
            } else {
                reader = small[i];
                if (r.nextBoolean()) {
                    reader.clearCaches();
                }
            }
            reader.setVerifyConsistency(r.nextBoolean());
            StackError e = check.sample(reader, image.z().memory, out,
                    () -> family + " " + image.name() + " sample " + sample + ":" + m.describe());
            check.checkComplete(image.z(), e, out, reader, () -> family + " " + image.name() + " sample " + sample + ":" + m.describe());
            m.undo();
        }
        for (StackReader p : production) {
            int[] occupancy = p.cacheOccupancy();
            assertTrue(occupancy[0] <= occupancy[1]);
            assertTrue(p.cachedChars() <= StackReader.MAX_CACHED_CHARS + check.maxAllocationSeen, "cached characters");
        }
        record(family + " mutated", check);
        assertTrue(controls > 0);
        check.assertHit(StackError.UNREADABLE_CALL_STACK, StackError.BAD_VECTOR, StackError.UNREADABLE_ENTRY,
                StackError.BAD_STRING, StackError.BAD_FUNCTION, StackError.BAD_LOCATION);
        assertFractions(check);
    }

    /**
     * Memory that changes between the reads of one sample, as a running Zeek's does in
     * non-blocking mode: a changed vector header must make the sample torn, and a torn sample
     * must leave no trace in the caches.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void tornImages(Corpus.Family family) {
        Layout layout = family.layout();
        SplittableRandom r = new SplittableRandom(SEED ^ family.name().hashCode() ^ 0x7042);
        List<Corpus.Image> images = Corpus.images(layout);
        int n = images.size();
        Mutator[] mutators = new Mutator[n];
        StackReader[] readers = new StackReader[n];
        boolean[] warm = new boolean[n];
        for (int i = 0; i < n; i++) {
            FakeZeek z = images.get(i).z();
            mutators[i] = new Mutator(z);
            readers[i] = new StackReader(z.memory, layout, z.callStack, z.frameStack, MAX_DEPTH, SMALL_CACHES);
            readers[i].setVerifyConsistency(true);
        }
        SampleCheck check = new SampleCheck(layout, MAX_DEPTH);
        TornHook hook = new TornHook(r);
        long mustBeTorn = 0;
        long cleanAfterTorn = 0;
        List<ScriptFrame> out = new ArrayList<>();
        long samples = share(20);
        for (long s = 0; s < samples; s++) {
            int i = (int) (s % n);
            Corpus.Image image = images.get(i);
            FakeMemory memory = image.z().memory;
            StackReader reader = readers[i];
            if (!warm[i]) {
                // Caches that hold only the truth, so that a torn sample's leftovers show.
                reader.clearCaches();
                assertEquals(image.expected(), StackReaderTest.read(reader), image.name());
                warm[i] = true;
            }
            hook.arm(mutators[i], memory);
            long sample = s;
            StackError e = check.sample(reader, memory, out,
                    () -> family + " " + image.name() + " torn sample " + sample + ":" + mutators[i].describe());
            memory.afterEachRead(null);
            if (hook.headerChangedBeforeLastRead() && !(e == StackError.UNREADABLE_CALL_STACK && mutators[i].hasHoles())) {
                assertEquals(StackError.TORN, e, () -> family + " " + image.name() + " torn sample " + sample
                        + " read a changed header:" + mutators[i].describe());
                mustBeTorn++;
            }
            mutators[i].undo();
            if (e == StackError.TORN) {
                assertEquals(image.expected(), StackReaderTest.read(reader),
                        () -> family + " " + image.name() + " after torn sample " + sample + ": its decodes stayed cached");
                cleanAfterTorn++;
            } else {
                warm[i] = false; // a change the headers did not show may have been cached
            }
        }
        record(family + " torn", check);
        assertTrue(mustBeTorn > 0 && cleanAfterTorn > 0, "torn checks never applied");
        check.assertHit(StackError.TORN);
    }

    /** Runs after each read: corrupts the image now and then, and tracks the vector headers. */
    private static final class TornHook implements Runnable {
        private final SplittableRandom r;
        private final long[] headerValues = new long[4];
        private final boolean[] changedAfter = new boolean[(int) SampleCheck.maxRequests(MAX_DEPTH) + 1];
        private Mutator mutator;
        private FakeMemory memory;
        private int reads;

        TornHook(SplittableRandom r) {
            this.r = r;
        }

        void arm(Mutator m, FakeMemory mem) {
            mutator = m;
            memory = mem;
            reads = 0;
            long[] words = m.headerWords();
            for (int k = 0; k < words.length; k++) {
                headerValues[k] = mem.peekLong(words[k]);
            }
            mem.afterEachRead(this);
        }

        @Override
        public void run() {
            if (r.nextInt(4) == 0) {
                mutator.mutate(r, 1);
            }
            boolean changed = false;
            long[] words = mutator.headerWords();
            for (int k = 0; k < words.length; k++) {
                changed |= memory.peekLong(words[k]) != headerValues[k];
            }
            changedAfter[reads++] = changed;
        }

        /** Whether the last read (the re-read of the headers) saw headers unlike the first read's. */
        boolean headerChangedBeforeLastRead() {
            return reads >= 2 && changedAfter[reads - 2];
        }
    }

    /** Random images: regions of pointers, small numbers, text and noise, with plausible vectors on top. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void randomImages(Corpus.Family family) {
        Layout layout = family.layout();
        SplittableRandom r = new SplittableRandom(SEED ^ family.name().hashCode() ^ 0xabc);
        SampleCheck check = new SampleCheck(layout, MAX_DEPTH);
        List<ScriptFrame> out = new ArrayList<>();
        long samples = share(20);
        int perImage = 64;
        for (long s = 0; s < samples; s += perImage) {
            FakeMemory memory = new FakeMemory();
            long callStack = memory.allocate(24);
            long frameStack = layout.callInfoHasFrame() ? 0 : memory.allocate(24);
            randomRegions(memory, r, layout, callStack, frameStack);
            Mutator m = new Mutator(memory, layout, callStack, frameStack);
            StackReader reader = new StackReader(memory, layout, callStack, frameStack, MAX_DEPTH, SMALL_CACHES);
            for (int k = 0; k < perImage; k++) {
                m.mutate(r, r.nextInt(3));
                reader.setVerifyConsistency(r.nextBoolean());
                long sample = s + k;
                StackError e = check.sample(reader, memory, out, () -> family + " random sample " + sample + ":" + m.describe());
                check.checkComplete(memory, layout, callStack, e, out, reader, () -> family + " random sample " + sample);
                m.undo();
            }
        }
        record(family + " random", check);
        check.assertHit(StackError.BAD_VECTOR, StackError.UNREADABLE_ENTRY);
        assertTrue(check.stacks > 0, "no random image decoded: the images are too random to reach the decoders");
    }

    private static void randomRegions(FakeMemory memory, SplittableRandom r, Layout layout, long callStack, long frameStack) {
        int count = 24 + r.nextInt(40);
        long[] starts = new long[count];
        int[] lengths = new int[count];
        for (int i = 0; i < count; i++) {
            lengths[i] = 16 * (1 + r.nextInt(32));
            starts[i] = memory.allocate(lengths[i]);
        }
        for (int i = 0; i < count; i++) {
            for (int at = 0; at < lengths[i]; at += 8) {
                int j = r.nextInt(count);
                long word = switch (r.nextInt(10)) {
                    case 0, 1, 2 -> starts[j] + (r.nextBoolean() ? 0 : r.nextInt(lengths[j]) & (r.nextBoolean() ? -8 : -1));
                    case 3, 4, 5 -> 0;
                    case 6 -> r.nextInt(300);
                    case 7, 8 -> text(r);
                    default -> r.nextLong();
                };
                memory.putLong(starts[i] + at, word);
            }
        }
        int size = layout.offset(LayoutField.CALLINFO_SIZE);
        int vb = layout.offset(LayoutField.VECTOR_BEGIN);
        int ve = layout.offset(LayoutField.VECTOR_END);
        int j = r.nextInt(count);
        memory.putLong(callStack + vb, starts[j]);
        memory.putLong(callStack + ve, starts[j] + (long) size * r.nextInt(lengths[j] / size + 1));
        if (frameStack != 0) {
            j = r.nextInt(count);
            memory.putLong(frameStack + vb, starts[j]);
            memory.putLong(frameStack + ve, starts[j] + 8L * r.nextInt(lengths[j] / 8 + 1));
        }
    }

    /** Eight bytes of file-name-like text, NUL-terminated now and then. */
    private static long text(SplittableRandom r) {
        long word = 0;
        for (int b = 0; b < 8; b++) {
            long c = r.nextInt(12) == 0 ? 0 : 'a' + r.nextInt(26);
            word |= c << (8 * b);
        }
        return word;
    }

    /** The corruptions must neither break everything nor nothing. */
    private static void assertFractions(SampleCheck check) {
        assertTrue(check.stacks > check.samples / 20, "too few stacks: " + check);
        assertTrue(check.samples - check.stacks > check.samples / 20, "too few errors: " + check);
        assertTrue(check.allocatedTotal / check.samples <= MEAN_ALLOCATION_BOUND, "mean allocation: " + check);
    }

    private static synchronized void record(String name, SampleCheck check) {
        REPORT.put(name, check);
    }

    @AfterAll
    static void report() {
        SampleCheck total = new SampleCheck(null, MAX_DEPTH);
        StringBuilder sb = new StringBuilder("Hostile memory, reader depth " + MAX_DEPTH + ", bounds "
                + SampleCheck.maxRequests(MAX_DEPTH) + " requests, " + SampleCheck.maxAllocation(MAX_DEPTH)
                + " B allocated, " + SampleCheck.MAX_CPU_NANOS / 1_000_000 + " ms CPU per sample:\n");
        REPORT.forEach((name, check) -> {
            sb.append(String.format("  %-32s %s%n", name, check));
            total.add(check);
        });
        sb.append(String.format("  %-32s %s%n", "TOTAL", total));
        System.out.print(sb);
    }
}
