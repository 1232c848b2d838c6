package zeekspy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zeekspy.stack.StackReaderTest.SLOW;
import static zeekspy.stack.StackReaderTest.layout;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutField;
import zeekspy.layout.LayoutFile;
import zeekspy.layout.StringAbi;
import zeekspy.memory.FakeMemory;

/**
 * Hostile memory, case by case: each adversarial shape of memory the fuzzer
 * ({@link StackReaderFuzzTest}) throws at random, built on purpose, with the outcome it must
 * have; and the minimal image of each bug the fuzzer found. Every sample also goes through
 * {@link SampleCheck}: no exception, reads, allocation and time within bounds.
 */
class HostileMemoryTest {
    private static final int DEPTH = Corpus.MAX_DEPTH;

    static java.util.stream.Stream<Corpus.Family> families() {
        return Corpus.families();
    }

    private static int off(FakeZeek z, LayoutField f) {
        return z.layout.offset(f);
    }

    /** One checked sample: the rendered stack or "error: reason". */
    private static String sample(StackReader reader, FakeZeek z) {
        return sample(reader, z.memory, z.layout);
    }

    private static String sample(StackReader reader, FakeMemory memory, Layout layout) {
        List<ScriptFrame> out = new ArrayList<>();
        StackError e = new SampleCheck(layout, DEPTH).sample(reader, memory, out, () -> "the image");
        return e != null ? "error: " + e.description() : StackReaderTest.render(out);
    }

    private static String sample(FakeZeek z) {
        return sample(z.reader(DEPTH), z);
    }

    private static long nextStmt(FakeZeek z, long frame) {
        return z.memory.peekLong(frame + off(z, LayoutField.FRAME_NEXT_STMT));
    }

    private static long locationOf(FakeZeek z, long object) {
        return z.memory.peekLong(object + off(z, LayoutField.OBJ_LOCATION));
    }

    private static long header(FakeZeek z, LayoutField f) {
        return z.callStack + off(z, f);
    }

    /** The frame of the innermost script entry of a {@link StackReaderTest.DnsScenario}. */
    private static final String DNS_STACK = "SlowDNS::hashit;function;" + SLOW + ";7 | SlowDNS::hashit;function;" + SLOW
            + ";8 | SlowDNS::hashit;function;" + SLOW + ";8 | dns_request;event;" + SLOW + ";22";

    // ---- Cycles: nothing is followed twice, so nothing can loop. ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void frameWhoseFunctionIsTheFrameItself(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        long frame = s.innermost;
        if (!z.layout.callInfoHasFrame()) {
            // Up to 8.0 the entry names the function: make it the frame.
            long entry = z.memory.peekLong(header(z, LayoutField.VECTOR_END)) - off(z, LayoutField.CALLINFO_SIZE);
            z.memory.putLong(entry + off(z, LayoutField.CALLINFO_FUNC), frame);
        }
        z.memory.putLong(frame + off(z, LayoutField.FRAME_FUNCTION), frame);
        // Read as a Func, a frame's words are a kind and flavor of 0 and, in libc++'s string
        // layout, a short name: empty (a function no reader could tell from a real one) or of
        // control bytes (no name).
        String result = sample(z);
        assertTrue(result.startsWith("error: ") || result.startsWith(";function;"), result);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void callStackWhoseBufferIsItsOwnHeader(Corpus.Family family) {
        FakeZeek z = new FakeZeek(family.layout());
        z.sync();
        int size = off(z, LayoutField.CALLINFO_SIZE);
        z.memory.putLong(header(z, LayoutField.VECTOR_BEGIN), z.callStack);
        z.memory.putLong(header(z, LayoutField.VECTOR_END), z.callStack + size);
        // The one entry is the header: its pointers point back into the header.
        assertEquals("error: unreadable stack entry", sample(z));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "5.0.10", "8.0.10"})
    void frameStackWhoseBufferIsItsOwnHeader(String version) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(layout(version));
        FakeZeek z = s.z;
        z.memory.putLong(z.frameStack + off(z, LayoutField.VECTOR_BEGIN), z.frameStack);
        z.memory.putLong(z.frameStack + off(z, LayoutField.VECTOR_END), z.frameStack + 16);
        // The "frames" are the header's own words: the vector buffer is no frame.
        assertEquals("error: unreadable stack entry", sample(z));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void statementWhoseLocationIsTheStatementItself(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        long stmt = nextStmt(z, s.innermost);
        z.memory.putLong(stmt + off(z, LayoutField.OBJ_LOCATION), stmt);
        // Read as a Location, the statement's words are a file name pointer of 0 (the words
        // before its location pointer) or the statement again, and lines of 0 or its halves.
        String result = sample(z);
        assertTrue(result.startsWith("error: ") || result.endsWith("dns_request;event;" + SLOW + ";22"), result);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void everyEntryRunningOneFrame(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        long begin = z.memory.peekLong(header(z, LayoutField.VECTOR_BEGIN));
        long end = z.memory.peekLong(header(z, LayoutField.VECTOR_END));
        int size = off(z, LayoutField.CALLINFO_SIZE);
        int target = off(z, z.layout.callInfoHasFrame() ? LayoutField.CALLINFO_FRAME : LayoutField.CALLINFO_FUNC);
        long innermost = z.memory.peekLong(end - size + target);
        for (long e = begin; e < end; e += size) {
            z.memory.putLong(e + target, innermost);
            z.memory.putLong(e + off(z, LayoutField.CALLINFO_CALL), 0);
        }
        if (!z.layout.callInfoHasFrame()) {
            long fs = z.memory.peekLong(z.frameStack + off(z, LayoutField.VECTOR_END));
            for (int k = 1; k <= 4; k++) {
                z.memory.putLong(fs - 8L * k, s.innermost);
            }
        }
        String one = "SlowDNS::hashit;function;" + SLOW + ";7";
        assertEquals(String.join(" | ", one, one, one, one), sample(z));
    }

    // ---- Huge, negative and inconsistent sizes. ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void callStackSpanningTerabytes(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        long begin = z.memory.peekLong(header(z, LayoutField.VECTOR_BEGIN));
        z.memory.putLong(header(z, LayoutField.VECTOR_END), begin + (long) off(z, LayoutField.CALLINFO_SIZE) * (1L << 36));
        assertEquals("error: implausible call_stack vector", sample(z));
        z.memory.putLong(header(z, LayoutField.VECTOR_END), begin + (long) off(z, LayoutField.CALLINFO_SIZE) * (1L << 42));
        assertEquals("error: implausible call_stack vector", sample(z));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void callStackEndingBeforeItBegins(Corpus.Family family) {
        FakeZeek z = new StackReaderTest.DnsScenario(family.layout()).z;
        long begin = z.memory.peekLong(header(z, LayoutField.VECTOR_BEGIN));
        long end = z.memory.peekLong(header(z, LayoutField.VECTOR_END));
        z.memory.putLong(header(z, LayoutField.VECTOR_BEGIN), end);
        z.memory.putLong(header(z, LayoutField.VECTOR_END), begin);
        assertEquals("error: implausible call_stack vector", sample(z));
        z.memory.putLong(header(z, LayoutField.VECTOR_BEGIN), Long.MIN_VALUE + 16);
        z.memory.putLong(header(z, LayoutField.VECTOR_END), end);
        assertEquals("error: implausible call_stack vector", sample(z), "a negative begin wraps the size");
    }

    /**
     * Bug found: a g_frame_stack whose begin is far below zero made end - begin wrap to a
     * negative size that passed every check; its int cast asked for 131,073 frame pointers and
     * the reader threw ArrayIndexOutOfBoundsException.
     */
    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "4.2.2", "8.0.10"})
    void frameStackWithAWrappedSize(String version) {
        FakeZeek z = new StackReaderTest.DnsScenario(layout(version)).z;
        long fsHeader = z.frameStack;
        z.memory.putLong(fsHeader + off(z, LayoutField.VECTOR_BEGIN), Long.MIN_VALUE + 8);
        z.memory.putLong(fsHeader + off(z, LayoutField.VECTOR_END), 0x10_0010L);
        assertEquals("error: implausible call_stack vector", sample(z));
        z.memory.putLong(fsHeader + off(z, LayoutField.VECTOR_END), 48);
        assertEquals("error: implausible call_stack vector", sample(z), "an end in the first page");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void nameLengthsOfTwoToTheSixtyThreeAndJustOverTheLimit(Corpus.Family family) {
        FakeZeek z = new FakeZeek(family.layout());
        long f = z.cString(SLOW);
        long func = z.func("SlowDNS::a_long_name_beyond_inline", 0, 0, z.node(f, 1, 2));
        long frame = z.push(0, func, true);
        z.setNextStmt(frame, z.node(f, 2, 2));
        assertEquals("SlowDNS::a_long_name_beyond_inline;function;" + SLOW + ";2", sample(z));
        long name = func + off(z, LayoutField.FUNC_NAME);
        long lengthWord = z.layout.stringAbi() == StringAbi.LIBCXX ? name + 8 : name + off(z, LayoutField.STRING_SIZE);
        for (long length : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1, StackReader.MAX_NAME + 1}) {
            z.memory.putLong(lengthWord, length);
            assertEquals("error: implausible string", sample(z), "length " + length);
        }
        // Exactly the limit, in a buffer that long, is a name.
        long chars = z.memory.allocate(StackReader.MAX_NAME);
        z.memory.putBytes(chars, "n".repeat(StackReader.MAX_NAME).getBytes(StandardCharsets.US_ASCII));
        z.memory.putLong(z.layout.stringAbi() == StringAbi.LIBCXX ? name + 16 : name + off(z, LayoutField.STRING_DATA), chars);
        z.memory.putLong(lengthWord, StackReader.MAX_NAME);
        assertEquals("n".repeat(StackReader.MAX_NAME) + ";function;" + SLOW + ";2", sample(z));
    }

    /** Bug found: an inline (SSO) std::string longer than its 15-byte buffer was read as a name. */
    @Test
    void inlineStringLongerThanItsBuffer() {
        FakeZeek z = new FakeZeek(layout("8.0.10"));
        long f = z.cString(SLOW);
        long func = z.func("short", 0, 0, z.node(f, 1, 2));
        z.setNextStmt(z.push(0, func, true), z.node(f, 2, 2));
        assertEquals("short;function;" + SLOW + ";2", sample(z));
        // 40 bytes from the inline buffer on are still inside the function object.
        z.memory.putLong(func + off(z, LayoutField.FUNC_NAME) + off(z, LayoutField.STRING_SIZE), 40);
        assertEquals("error: implausible string", sample(z));
    }

    /** Bug found: a name of control bytes (another object's words read as a name) was taken for one. */
    @ParameterizedTest
    @ValueSource(strings = {"3.2.4", "8.0.10", "4.0.7+libc++", "9.0.0-rc1+libc++"})
    void nameWithControlCharactersIsNoName(String version) {
        FakeZeek z = new FakeZeek(layout(version));
        long f = z.cString(SLOW);
        long func = z.func("ab\u0012", 0, 0, z.node(f, 1, 2));
        z.setNextStmt(z.push(0, func, true), z.node(f, 2, 2));
        assertEquals("error: implausible string", sample(z));
    }

    @Test
    void libcxxShortStringLongerThanItsBufferAndLongStringOfHugeLength() {
        FakeZeek z = new FakeZeek(layout("8.0.10+libc++"));
        long f = z.cString(SLOW);
        long shortName = z.func("short", 0, 0, z.node(f, 1, 2));
        z.setNextStmt(z.push(0, shortName, true), z.node(f, 2, 2));
        z.memory.putByte(shortName + off(z, LayoutField.FUNC_NAME), 23 << 1);
        assertEquals("error: implausible string", sample(z));
        z.memory.putByte(shortName + off(z, LayoutField.FUNC_NAME), 1); // long mode: length at +8, pointer at +16
        z.memory.putLong(shortName + off(z, LayoutField.FUNC_NAME) + 8, 1L << 62);
        assertEquals("error: implausible string", sample(z));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void bodiesVectorOfTerabytesOrBackwards(Corpus.Family family) {
        FakeZeek z = new FakeZeek(family.layout());
        long f = z.cString(SLOW);
        long func = z.func("SlowDNS::zam", 0, 0, z.node(f, 30, 39));
        z.push(0, func, true); // no next_stmt: the first body's line
        assertEquals("SlowDNS::zam;function;" + SLOW + ";30~", sample(z));
        long bodies = func + off(z, LayoutField.FUNC_BODIES);
        long begin = z.memory.peekLong(bodies + off(z, LayoutField.VECTOR_BEGIN));
        z.memory.putLong(bodies + off(z, LayoutField.VECTOR_END), begin + (1L << 40));
        assertEquals("error: implausible function", sample(z));
        z.memory.putLong(bodies + off(z, LayoutField.VECTOR_BEGIN), Long.MIN_VALUE);
        assertEquals("error: implausible function", sample(z));
        z.memory.putLong(bodies + off(z, LayoutField.VECTOR_BEGIN), begin + (1L << 41));
        assertEquals("SlowDNS::zam;function;;0~", sample(z), "end before begin: no bodies");
    }

    // ---- Unterminated C strings. ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void fileNameWithoutANulForMegabytes(Corpus.Family family) {
        FakeZeek z = new FakeZeek(family.layout());
        byte[] text = new byte[4 << 20];
        Arrays.fill(text, (byte) 'a');
        long file = z.memory.allocate(text.length);
        z.memory.putBytes(file, text);
        long func = z.func("f", 0, 0);
        z.setNextStmt(z.push(0, func, true), z.node(file, 1, 1));
        StackReader reader = z.reader(DEPTH);
        long requests = z.memory.requests();
        long bytes = z.memory.bytesRequested();
        assertEquals("error: implausible string", sample(reader, z));
        assertTrue(z.memory.bytesRequested() - bytes < 2 * StackReader.MAX_FILENAME, "megabytes read");
        assertTrue(z.memory.requests() - requests < 32, "reads");
        // One byte short of the limit, it is a file name.
        z.memory.putByte(file + StackReader.MAX_FILENAME - 1, 0);
        assertEquals("f;function;" + "a".repeat(StackReader.MAX_FILENAME - 1) + ";1", sample(z));
    }

    // ---- Unmapped pages and reads crossing the end of a mapping. ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void pointersIntoUnmappedPages(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        long unmapped = 0x6000_0000_0000L;
        long stmt = nextStmt(z, s.innermost);
        z.memory.putLong(stmt + off(z, LayoutField.OBJ_LOCATION), unmapped);
        assertEquals("error: unreadable stack entry", sample(z), "location");
        z.setNextStmt(s.innermost, unmapped);
        assertEquals("error: unreadable stack entry", sample(z), "statement");
        z.memory.putLong(s.innermost + off(z, LayoutField.FRAME_FUNCTION), unmapped);
        if (!z.layout.callInfoHasFrame()) {
            long entry = z.memory.peekLong(header(z, LayoutField.VECTOR_END)) - off(z, LayoutField.CALLINFO_SIZE);
            z.memory.putLong(entry + off(z, LayoutField.CALLINFO_FUNC), unmapped);
        }
        assertEquals("error: unreadable stack entry", sample(z), "function");
        z.memory.putLong(header(z, LayoutField.VECTOR_BEGIN), unmapped);
        z.memory.putLong(header(z, LayoutField.VECTOR_END), unmapped + 4L * off(z, LayoutField.CALLINFO_SIZE));
        assertEquals("error: unreadable stack entry", sample(z), "entries");
        StackReader nowhere = new StackReader(z.memory, z.layout, unmapped, z.frameStack, DEPTH);
        assertEquals("error: unreadable call_stack", sample(nowhere, z), "call_stack");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void objectsCrossingTheEndOfTheirMapping(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        assertEquals(DNS_STACK, sample(z));
        // The function object's last bytes, then the file name's NUL, then one entry, unreadable.
        z.memory.makeUnreadable(s.hashit + off(z, LayoutField.FUNC_NAME) + 8, 1 << 12);
        assertEquals("error: unreadable stack entry", sample(z), "function");
        z.memory.makeAllReadable();
        z.memory.makeUnreadable(s.slow + SLOW.length(), 1);
        assertEquals("error: implausible string", sample(z), "file name");
        z.memory.makeAllReadable();
        long end = z.memory.peekLong(header(z, LayoutField.VECTOR_END));
        z.memory.makeUnreadable(end - 4, 4);
        assertEquals("error: unreadable stack entry", sample(z), "entries");
        z.memory.makeAllReadable();
        assertEquals(DNS_STACK, sample(z));
    }

    @Test
    void fileNameEndingExactlyAtTheEndOfItsMapping() {
        FakeZeek z = new FakeZeek(layout("9.0.0-rc1"));
        long file = z.memory.allocate(5);
        z.memory.putCString(file, "a.ze");
        long func = z.func("f", 0, 0);
        z.setNextStmt(z.push(0, func, true), z.node(file, 3, 3));
        StackReader reader = z.reader(DEPTH);
        assertEquals("f;function;a.ze;3", sample(reader, z));
        z.memory.putByte(file + 4, 'k');
        assertEquals("f;function;a.ze;3", sample(reader, z), "cached by address");
        StackReader cold = z.reader(DEPTH);
        long before = z.memory.requests();
        assertEquals("error: implausible string", sample(cold, z));
        // The short read of the file name shows where readable memory ends: no read after it.
        assertEquals(8, z.memory.requests() - before, "header, entries, frames, function, flavor, statement, location, file");
    }

    // ---- Misaligned pointers. ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void misalignedObjectsAreReadByteForByte(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        // Copy the innermost statement and its location to odd addresses.
        long stmt = nextStmt(z, s.innermost);
        long loc = locationOf(z, stmt);
        long odd = z.memory.allocate(256) + 3;
        for (int k = 0; k < 48; k += 8) {
            z.memory.putLong(odd + k, z.memory.peekLong(stmt + k));
            z.memory.putLong(odd + 101 + k, z.memory.peekLong(loc + k));
        }
        z.memory.putLong(odd + off(z, LayoutField.OBJ_LOCATION), odd + 101);
        z.setNextStmt(s.innermost, odd);
        assertEquals(DNS_STACK, sample(z));
        long begin = z.memory.peekLong(header(z, LayoutField.VECTOR_BEGIN));
        z.memory.putLong(header(z, LayoutField.VECTOR_BEGIN), begin + 1);
        assertEquals("error: implausible call_stack vector", sample(z), "begin and end apart by no whole entries");
    }

    // ---- Null everywhere. ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void nullEverywhere(Corpus.Family family) {
        FakeZeek z = new FakeZeek(family.layout());
        assertEquals("", sample(z), "all-zero vector headers: an empty stack");
        Corpus.Image nulls = Corpus.nulls(family.layout());
        assertEquals(nulls.expected(), sample(nulls.z()));
        // Entries of nothing but zeros.
        FakeZeek zeros = new FakeZeek(family.layout());
        for (int i = 0; i < 5; i++) {
            zeros.push(0, 0, false);
        }
        StackReader reader = zeros.reader(DEPTH);
        assertEquals("", sample(reader, zeros));
        assertEquals(5, reader.lastDepth());
    }

    // ---- Locations with absurd lines. ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void locationsWithAbsurdLines(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        long loc = locationOf(z, nextStmt(z, s.innermost));
        for (int line : new int[] {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, StackReader.MAX_LINE + 1}) {
            z.memory.putInt(loc + off(z, LayoutField.LOCATION_FIRST_LINE), line);
            assertEquals("error: implausible location", sample(z), "first line " + line);
            z.memory.putInt(loc + off(z, LayoutField.LOCATION_FIRST_LINE), 7);
            z.memory.putInt(loc + off(z, LayoutField.LOCATION_LAST_LINE), line);
            assertEquals("error: implausible location", sample(z), "last line " + line);
            z.memory.putInt(loc + off(z, LayoutField.LOCATION_LAST_LINE), 7);
        }
        z.memory.putInt(loc + off(z, LayoutField.LOCATION_FIRST_LINE), StackReader.MAX_LINE);
        assertTrue(sample(z).startsWith("SlowDNS::hashit;function;" + SLOW + ";" + StackReader.MAX_LINE + " | "));
    }

    // ---- Memory that changes between reads (non-blocking mode). ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void headerChangedAfterEachRoundOfReads(Corpus.Family family) {
        for (int round = 1; round <= 3; round++) {
            StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
            FakeZeek z = s.z;
            StackReader reader = z.reader(DEPTH);
            reader.setVerifyConsistency(true);
            int[] reads = {0};
            int changeAfter = round;
            z.memory.afterEachRead(() -> {
                if (++reads[0] == changeAfter) {
                    long end = header(z, LayoutField.VECTOR_END);
                    z.memory.putLong(end, z.memory.peekLong(end) - off(z, LayoutField.CALLINFO_SIZE));
                }
            });
            assertEquals("error: torn (stack changed while read)", sample(reader, z), "after round " + round);
        }
    }

    /**
     * Bug found: a torn sample cached what it decoded from objects caught changing, and later
     * samples kept the garbage. Now a torn sample takes back its cache insertions.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void aTornSampleTeachesTheCachesNothing(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        StackReader reader = z.reader(DEPTH);
        reader.setVerifyConsistency(true);
        long stmt = nextStmt(z, s.innermost);
        long loc = locationOf(z, stmt);
        long lineAddress = loc + off(z, LayoutField.LOCATION_FIRST_LINE);
        long end = header(z, LayoutField.VECTOR_END);
        long endValue = z.memory.peekLong(end);
        z.memory.afterEachRead(() -> {
            // Zeek moves on: the innermost call returns and its statement is freed and reused.
            z.memory.putInt(lineAddress, 9999);
            z.memory.putLong(end, endValue - off(z, LayoutField.CALLINFO_SIZE));
        });
        assertEquals("error: torn (stack changed while read)", sample(reader, z));
        z.memory.afterEachRead(null);
        z.memory.putInt(lineAddress, 7);
        z.memory.putLong(end, endValue);
        assertEquals(DNS_STACK, sample(reader, z));
    }

    // ---- Deep stacks. ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void stacksFarDeeperThanTheMaxDepth(Corpus.Family family) {
        FakeZeek z = new FakeZeek(family.layout());
        long f = z.cString(SLOW);
        long rec = z.func("SlowDNS::recurse", 0, 0, z.node(f, 10, 20));
        long call = z.node(f, 15, 15);
        // 10,000 recursive calls, built in place: every entry and frame alike.
        long frame = z.frame(rec, call);
        int size = off(z, LayoutField.CALLINFO_SIZE);
        int depth = 10_000;
        long entries = z.memory.allocate(size * depth);
        for (int i = 0; i < depth; i++) {
            long e = entries + (long) i * size;
            z.memory.putLong(e + off(z, LayoutField.CALLINFO_CALL), call);
            z.memory.putLong(e + off(z, z.layout.callInfoHasFrame() ? LayoutField.CALLINFO_FRAME : LayoutField.CALLINFO_FUNC),
                    z.layout.callInfoHasFrame() ? frame : rec);
        }
        z.memory.putLong(header(z, LayoutField.VECTOR_BEGIN), entries);
        z.memory.putLong(header(z, LayoutField.VECTOR_END), entries + (long) size * depth);
        if (!z.layout.callInfoHasFrame()) {
            long frames = z.memory.allocate(8 * depth);
            for (int i = 0; i < depth; i++) {
                z.memory.putLong(frames + 8L * i, frame);
            }
            z.memory.putLong(z.frameStack + off(z, LayoutField.VECTOR_BEGIN), frames);
            z.memory.putLong(z.frameStack + off(z, LayoutField.VECTOR_END), frames + 8L * depth);
        }
        StackReader reader = z.reader(DEPTH);
        long requests = z.memory.requests();
        String stack = sample(reader, z);
        assertEquals(String.join(" | ", java.util.Collections.nCopies(DEPTH, "SlowDNS::recurse;function;" + SLOW + ";15")), stack);
        assertEquals(10_000, reader.lastDepth());
        assertTrue(reader.lastTruncated());
        assertTrue(z.memory.requests() - requests < 3 * DEPTH, "reads grow with the stack, not the depth read");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "9.0.0-rc1"})
    void aMillionEntriesIsTheMost(String version) {
        FakeZeek z = new FakeZeek(layout(version));
        long f = z.cString(SLOW);
        long rec = z.func("SlowDNS::recurse", 0, 0, z.node(f, 10, 20));
        z.setNextStmt(z.push(0, rec, true), z.node(f, 12, 12));
        // The innermost entry, moved high; the vector claims a million entries below it.
        int size = off(z, LayoutField.CALLINFO_SIZE);
        long high = 0x7000_0000_0000L;
        z.memory.map(high, size * DEPTH); // the entries read; all but the innermost are empty
        long entry = high + (long) size * (DEPTH - 1);
        long begin = z.memory.peekLong(header(z, LayoutField.VECTOR_BEGIN));
        for (int k = 0; k < size; k += 8) {
            z.memory.putLong(entry + k, z.memory.peekLong(begin + k));
        }
        long end = entry + size;
        z.memory.putLong(header(z, LayoutField.VECTOR_END), end);
        z.memory.putLong(header(z, LayoutField.VECTOR_BEGIN), end - size * StackReader.MAX_ENTRIES);
        StackReader reader = z.reader(DEPTH);
        assertEquals("SlowDNS::recurse;function;" + SLOW + ";12", sample(reader, z));
        assertEquals(StackReader.MAX_ENTRIES, reader.lastDepth());
        z.memory.putLong(header(z, LayoutField.VECTOR_BEGIN), end - size * (StackReader.MAX_ENTRIES + 1));
        assertEquals("error: implausible call_stack vector", sample(reader, z));
    }

    /**
     * Bug found: pairing entries with g_frame_stack frames scanned all lower frames for every
     * entry without one (built-in functions), quadratic in the depth: 50,000 built-in entries
     * over 50,000 frames of another function took seconds per sample.
     */
    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "8.0.10"})
    void builtinEntriesOverManyFramesTakeLinearTime(String version) {
        FakeZeek z = new FakeZeek(layout(version));
        int depth = 50_000;
        long bif = z.func("bif", 1, 0);
        long other = z.func("other", 0, 0);
        long frame = z.frame(other, 0);
        int size = off(z, LayoutField.CALLINFO_SIZE);
        long entries = z.memory.allocate(size * depth);
        for (int i = 0; i < depth; i++) {
            z.memory.putLong(entries + (long) i * size + off(z, LayoutField.CALLINFO_FUNC), bif);
        }
        z.memory.putLong(header(z, LayoutField.VECTOR_BEGIN), entries);
        z.memory.putLong(header(z, LayoutField.VECTOR_END), entries + (long) size * depth);
        long frames = z.memory.allocate(8 * depth);
        for (int i = 0; i < depth; i++) {
            z.memory.putLong(frames + 8L * i, frame);
        }
        z.memory.putLong(z.frameStack + off(z, LayoutField.VECTOR_BEGIN), frames);
        z.memory.putLong(z.frameStack + off(z, LayoutField.VECTOR_END), frames + 8L * depth);
        StackReader reader = z.reader(depth);
        List<ScriptFrame> out = new ArrayList<>();
        assertNull(reader.read(out)); // warm: the one function decoded
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        assertNull(reader.read(out));
        long nanos = threads.getCurrentThreadCpuTime() - cpu;
        assertEquals(depth, out.size());
        assertTrue(nanos < 500_000_000L, "a sample of " + depth + " entries took " + nanos / 1_000_000 + " ms CPU");
    }

    // ---- The bounds, approached: maximal strings everywhere. ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void maximalStringsEverywhereStayWithinTheBounds(Corpus.Family family) {
        FakeZeek z = new FakeZeek(family.layout());
        byte[] fileBytes = new byte[StackReader.MAX_FILENAME];
        byte[] nameBytes = new byte[StackReader.MAX_NAME];
        for (int i = 0; i < DEPTH; i++) {
            fillNonAscii(fileBytes, i);
            fileBytes[fileBytes.length - 1] = 0;
            long bodyFile = z.memory.allocate(fileBytes.length);
            z.memory.putBytes(bodyFile, fileBytes);
            fillNonAscii(fileBytes, i + 1000);
            fileBytes[fileBytes.length - 1] = 0;
            long stmtFile = z.memory.allocate(fileBytes.length);
            z.memory.putBytes(stmtFile, fileBytes);
            fillNonAscii(nameBytes, i + 2000);
            long func = z.func("x".repeat(nameBytes.length), 0, 0, z.node(bodyFile, 1, 1));
            long nameAt = func + off(z, LayoutField.FUNC_NAME);
            long chars = z.layout.stringAbi() == StringAbi.LIBCXX ? z.memory.peekLong(nameAt + 16)
                    : z.memory.peekLong(nameAt + off(z, LayoutField.STRING_DATA));
            z.memory.putBytes(chars, nameBytes);
            z.setNextStmt(z.push(0, func, true), z.node(stmtFile, 2, 2));
        }
        SampleCheck check = new SampleCheck(z.layout, DEPTH);
        List<ScriptFrame> out = new ArrayList<>();
        assertNull(check.sample(z.reader(DEPTH), z.memory, out, () -> "maximal strings"));
        assertEquals(DEPTH, out.size());
        assertTrue(check.maxRequestsSeen > SampleCheck.maxRequests(DEPTH) * 9 / 10,
                "the request bound is tight: " + check.maxRequestsSeen + " of " + SampleCheck.maxRequests(DEPTH));
        System.out.println("maximal strings, " + family + ": " + check);
    }

    /** Bytes of mixed ASCII and invalid UTF-8, different per {@code seed}. */
    private static void fillNonAscii(byte[] bytes, int seed) {
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ((i * 31 + seed * 17) % 3 == 0 ? 0x80 + (i + seed) % 0x7f : 'a' + (i + seed) % 26);
        }
    }

    // ---- Bounded caches. ----

    /**
     * Bug found: cached decodes were bounded in number but not in size: 65,536 statement
     * locations could each keep a different 4 KB file name alive, a quarter of a gigabyte.
     */
    @Test
    void cachesHoldABoundedNumberOfCharacters() {
        FakeZeek z = new FakeZeek(layout("9.0.0-rc1"));
        // 1 MB of text with a NUL every 4000 bytes: every address in it starts another file name.
        byte[] text = new byte[1 << 20];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) (i % 4000 == 3999 ? 0 : 'a' + i % 26);
        }
        long files = z.memory.allocate(text.length);
        z.memory.putBytes(files, text);
        int stmts = 1 << 17;
        long locations = z.memory.allocate(16 * stmts);
        long objects = z.memory.allocate(16 * stmts + 16);
        for (int i = 0; i < stmts; i++) {
            z.memory.putLong(locations + 16L * i, files + (i * 7919L) % (text.length - 4000) / 4000 * 4000 + i % 2000);
            z.memory.putInt(locations + 16L * i + 8, 1);
            z.memory.putInt(locations + 16L * i + 12, 1);
            z.memory.putLong(objects + 16L * i + off(z, LayoutField.OBJ_LOCATION), locations + 16L * i);
        }
        long func = z.func("f", 0, 0);
        long[] frames = new long[DEPTH];
        for (int k = 0; k < DEPTH; k++) {
            frames[k] = z.push(0, func, true);
        }
        StackReader reader = z.reader(DEPTH);
        long heap0 = usedHeap();
        long maxCached = 0;
        List<ScriptFrame> out = new ArrayList<>();
        for (int s = 0; s < stmts / DEPTH; s++) {
            for (int k = 0; k < DEPTH; k++) {
                z.setNextStmt(frames[k], objects + 16L * (s * DEPTH + k));
            }
            assertNull(reader.read(out));
            maxCached = Math.max(maxCached, reader.cachedChars());
        }
        long retained = usedHeap() - heap0;
        assertTrue(maxCached <= StackReader.MAX_CACHED_CHARS + (long) DEPTH * StackReader.MAX_FILENAME, "cached " + maxCached);
        assertTrue(reader.cacheResets() > 0, "the caches never started over");
        assertTrue(retained < 64L << 20, "the reader keeps " + (retained >> 20) + " MB");
        int[] occupancy = reader.cacheOccupancy();
        assertTrue(occupancy[0] <= occupancy[1]);
        System.out.println("caches: " + reader.cacheResets() + " resets, " + (retained >> 20) + " MB retained at most "
                + maxCached + " characters");
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ---- Layouts that would make the reader read outside what it asked for. ----

    /** Bug found: a layout with Body.size=0 threw ArithmeticException at the first function with bodies. */
    @Test
    void layoutsThatWouldReadOutsideTheirObjectsAreRefused() {
        Layout good = layout("8.0.10");
        for (String change : new String[] {"Body.size=0", "CallInfo.call=20", "vector.end=24"}) {
            String key = change.substring(0, change.indexOf('='));
            String text = LayoutFile.format(good, null).replaceAll("(?m)^" + java.util.regex.Pattern.quote(key) + "=.*$", change);
            Layout bad = LayoutFile.parse(text, change).layout();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new StackReader(new FakeMemory(), bad, 0x1000, 0x2000, DEPTH), change);
            assertEquals("implausible layout: " + change, e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new StackReader(new FakeMemory(), good, 0x1000, 0x2000, 0));
    }

    /**
     * Bug found: a statement whose location pointer reads as all ones (or a body whose statement
     * pointer does) was taken for a failed read without a reason: the sample ended as a success
     * with the frames decoded so far, an innermost one making it an empty stack ("no script").
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void pointersOfAllOnesAreErrorsNotSilentlyShorterStacks(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        long stmt = nextStmt(z, s.innermost);
        z.memory.putLong(stmt + off(z, LayoutField.OBJ_LOCATION), -1);
        assertEquals("error: unreadable stack entry", sample(z));
        z.memory.putLong(stmt + off(z, LayoutField.OBJ_LOCATION), 0);
        FakeZeek zam = new FakeZeek(family.layout());
        long f = zam.cString(SLOW);
        long func = zam.func("SlowDNS::zam", 0, 0, zam.node(f, 30, 39));
        zam.push(0, func, true);
        long bodies = zam.memory.peekLong(func + off(zam, LayoutField.FUNC_BODIES) + off(zam, LayoutField.VECTOR_BEGIN));
        zam.memory.putLong(bodies + off(zam, LayoutField.BODY_STMTS), -1);
        assertEquals("error: unreadable stack entry", sample(zam));
    }

    /** Bug found: a sample that failed part-way left the frames decoded before the failure in its list. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void aFailedSampleHasNoFrames(Corpus.Family family) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(family.layout());
        FakeZeek z = s.z;
        // The outermost function, decoded last, has a name of impossible length.
        long name = s.event + off(z, LayoutField.FUNC_NAME);
        if (z.layout.stringAbi() == StringAbi.LIBCXX) {
            z.memory.putByte(name, 23 << 1);
        } else {
            z.memory.putLong(name + off(z, LayoutField.STRING_SIZE), Long.MAX_VALUE);
        }
        List<ScriptFrame> out = new ArrayList<>();
        assertEquals(StackError.BAD_STRING, z.reader(DEPTH).read(out));
        assertEquals(List.of(), out);
    }
}
