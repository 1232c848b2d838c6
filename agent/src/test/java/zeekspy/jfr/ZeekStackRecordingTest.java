package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static zeekspy.jfr.ZeekRecording.bif;
import static zeekspy.jfr.ZeekRecording.event;
import static zeekspy.jfr.ZeekRecording.events;
import static zeekspy.jfr.ZeekRecording.expected;
import static zeekspy.jfr.ZeekRecording.fn;
import static zeekspy.jfr.ZeekRecording.record;
import static zeekspy.jfr.ZeekRecording.script;
import static zeekspy.jfr.ZeekRecording.zeekStack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.sampling.Sample;
import zeekspy.sampling.SampleKind;
import zeekspy.stack.FunctionKind;
import zeekspy.stack.ScriptFrame;

/** Samples committed by {@link JfrSampleSink} read back with the JDK's parser: the stacks and fields. */
class ZeekStackRecordingTest {
    static final String SITE = "/opt/zeek/share/zeek/site/slow-dns.zeek";
    static final String BASE = "/opt/zeek/share/zeek/base/init-bare.zeek";
    static final String OTHER = "/opt/zeek/share/zeek/site/other.zeek";
    static final long PERIOD = 10_000_000L;

    @TempDir
    Path dir;

    @BeforeAll
    static void deepJfrStacks() {
        JfrTestSupport.ensureStackDepth();
    }

    /** Records {@code samples} through a fresh sink keeping at most {@code maxDepth} frames; returns the zeek.Sample events. */
    private List<RecordedEvent> recordSamples(int maxDepth, List<Sample> samples) throws Exception {
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), maxDepth, "worker-1", PERIOD);
        Path file = record(dir.resolve("samples.jfr"), r -> {
            samples.forEach(sink::accept);
            sink.flush();
        });
        List<RecordedEvent> events = events(file, ZeekJfrFormat.SAMPLE_EVENT);
        assertEquals(samples.size(), events.size(), "zeek.Sample events");
        events.sort((a, b) -> a.getStartTime().compareTo(b.getStartTime()));
        return events;
    }

    private List<RecordedEvent> recordSamples(List<Sample> samples) throws Exception {
        return recordSamples(200, samples);
    }

    @Test
    void stacksOfDepthOneAndFiveReadBackExactly() throws Exception {
        Sample one = script(7, event("zeek_init", SITE, 3));
        Sample five = script(7, fn("SlowDNS::hashit", SITE, 12), fn("SlowDNS::lookup", SITE, 25),
                event("dns_request", SITE, 40), fn("Conn::set_conn", BASE, 700), event("new_connection", BASE, 90));
        List<RecordedEvent> events = recordSamples(List.of(one, five));
        assertEquals(expected(one.frames()), zeekStack(events.get(0)));
        assertEquals(expected(five.frames()), zeekStack(events.get(1)));
    }

    @Test
    void fieldsOfScriptSamples() throws Exception {
        Sample s = script(4242, fn("SlowDNS::hashit", SITE, 12), event("dns_request", SITE, 40));
        RecordedEvent e = recordSamples(List.of(s)).get(0);
        assertEquals(4242, e.getInt(ZeekJfrFormat.FIELD_PID));
        assertEquals("worker-1", e.getString(ZeekJfrFormat.FIELD_NODE));
        assertEquals("script", e.getString(ZeekJfrFormat.FIELD_KIND));
        assertEquals(2, e.getInt(ZeekJfrFormat.FIELD_DEPTH));
        assertEquals("SlowDNS::hashit", e.getString(ZeekJfrFormat.FIELD_FUNCTION));
        assertEquals(SITE + ":12", e.getString(ZeekJfrFormat.FIELD_LOCATION));
        assertNull(e.getString(ZeekJfrFormat.FIELD_ERROR));
        assertEquals(PERIOD, e.getDuration(ZeekJfrFormat.FIELD_PERIOD).toNanos());
        assertEquals(PERIOD, e.getLong(ZeekJfrFormat.FIELD_PERIOD));
    }

    @Test
    void compactFieldsLeaveWhatTheStackTellsNull() throws Exception {
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 50, "worker-1", PERIOD, JfrSampleSink.Fields.COMPACT);
        Sample s = script(4242, fn("SlowDNS::hashit", SITE, 12), event("dns_request", SITE, 40));
        Sample error = new Sample(4242, 0, SampleKind.ERROR, List.of(), "process gone");
        Path file = record(dir.resolve("compact.jfr"), r -> {
            sink.accept(s);
            sink.accept(error);
            sink.flush();
        });
        List<RecordedEvent> events = events(file, ZeekJfrFormat.SAMPLE_EVENT);
        events.sort((a, b) -> a.getStartTime().compareTo(b.getStartTime()));
        RecordedEvent e = events.get(0);
        assertEquals(expected(s.frames()), zeekStack(e));
        assertEquals(4242, e.getInt(ZeekJfrFormat.FIELD_PID));
        assertEquals(2, e.getInt(ZeekJfrFormat.FIELD_DEPTH));
        for (String field : List.of(ZeekJfrFormat.FIELD_NODE, ZeekJfrFormat.FIELD_KIND, ZeekJfrFormat.FIELD_FUNCTION, ZeekJfrFormat.FIELD_LOCATION, ZeekJfrFormat.FIELD_ERROR)) {
            assertNull(e.getString(field), field);
        }
        assertEquals(0, e.getLong(ZeekJfrFormat.FIELD_PERIOD));
        assertEquals("process gone", events.get(1).getString(ZeekJfrFormat.FIELD_ERROR));
    }

    @Test
    void recursionFiftyDeepOfOneFunction() throws Exception {
        List<ScriptFrame> frames = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            frames.add(fn("Fib::fib", SITE, i == 0 ? 5 : 7));
        }
        frames.add(event("zeek_init", SITE, 100));
        Sample s = new Sample(1, 0, SampleKind.SCRIPT, frames, null);
        RecordedEvent e = recordSamples(List.of(s)).get(0);
        assertEquals(expected(frames), zeekStack(e));
        assertEquals(51, e.getInt(ZeekJfrFormat.FIELD_DEPTH));
    }

    @Test
    void builtinFunctionOnTop() throws Exception {
        Sample s = script(1, bif("fmt"), fn("SlowDNS::hashit", SITE, 13), event("dns_request", SITE, 40));
        RecordedEvent e = recordSamples(List.of(s)).get(0);
        List<ZeekRecording.Frame> stack = zeekStack(e);
        assertEquals(expected(s.frames()), stack);
        assertEquals(ZeekJfrFormat.BUILTIN_FILE, stack.get(0).file());
        assertEquals("fmt", e.getString(ZeekJfrFormat.FIELD_FUNCTION));
        assertEquals(ZeekJfrFormat.BUILTIN_FILE, e.getString(ZeekJfrFormat.FIELD_LOCATION));
    }

    @Test
    void sameFunctionAtDifferentLines() throws Exception {
        List<Sample> samples = new ArrayList<>();
        // The leaf line changes, then the line of the call in the middle, then both; and back.
        for (int[] lines : new int[][] {{12, 25}, {13, 25}, {12, 26}, {14, 27}, {12, 25}}) {
            samples.add(script(1, fn("SlowDNS::hashit", SITE, lines[0]), fn("SlowDNS::lookup", SITE, lines[1]), event("dns_request", SITE, 40)));
        }
        List<RecordedEvent> events = recordSamples(samples);
        for (int i = 0; i < samples.size(); i++) {
            assertEquals(expected(samples.get(i).frames()), zeekStack(events.get(i)), "sample " + i);
        }
    }

    @Test
    void eventWithBodiesInTwoFiles() throws Exception {
        Sample a = script(1, fn("SlowDNS::hashit", SITE, 12), event("dns_request", SITE, 40));
        Sample b = script(1, fn("Other::count", OTHER, 8), event("dns_request", OTHER, 11));
        List<RecordedEvent> events = recordSamples(List.of(a, b, a));
        assertEquals(expected(a.frames()), zeekStack(events.get(0)));
        assertEquals(expected(b.frames()), zeekStack(events.get(1)));
        assertEquals(expected(a.frames()), zeekStack(events.get(2)));
        RecordedFrame outerA = events.get(0).getStackTrace().getFrames().get(1);
        RecordedFrame outerB = events.get(1).getStackTrace().getFrames().get(1);
        assertEquals(outerA.getMethod().getName(), outerB.getMethod().getName());
        assertNotEquals(outerA.getMethod().getType().getName(), outerB.getMethod().getType().getName());
    }

    @Test
    void functionNamesWithCharactersTheJvmForbids() throws Exception {
        Sample s = script(1, fn("lambda_<4711>", SITE, 3), fn("a.b/c", SITE, 4), fn("x;y[0]", OTHER, 5),
                fn("Ns::Sub::fn", BASE, 6), event("Ns::<ev>.x", BASE, 7));
        RecordedEvent e = recordSamples(List.of(s)).get(0);
        assertEquals(expected(s.frames()), zeekStack(e));
        assertEquals("lambda_\u2039" + "4711\u203a", e.getStackTrace().getFrames().get(0).getMethod().getName());
    }

    @Test
    void emptyOrMissingNamesGetPlaceholders() throws Exception {
        Sample s = new Sample(1, 0, SampleKind.SCRIPT, List.of(fn("", SITE, 3), new ScriptFrame(null, FunctionKind.FUNCTION, null, 4)), null);
        RecordedEvent e = recordSamples(List.of(s)).get(0);
        assertEquals(List.of(new ZeekRecording.Frame("<unnamed>", SITE, 3), new ZeekRecording.Frame("<unnamed>", ZeekJfrFormat.BUILTIN_FILE, 4)), zeekStack(e));
    }

    @Test
    void framesAreMethodsOfReadableClassesPerFile() throws Exception {
        Sample s = script(1, bif("fmt"), fn("SlowDNS::hashit", SITE, 12), event("dns_request", "local.zeek", 2));
        List<RecordedFrame> frames = recordSamples(List.of(s)).get(0).getStackTrace().getFrames();
        assertEquals("zeek.builtin", frames.get(0).getMethod().getType().getName());
        assertEquals("zeek.opt.zeek.share.zeek.site.slow-dns_zeek", frames.get(1).getMethod().getType().getName());
        assertEquals("zeek.local_zeek", frames.get(2).getMethod().getType().getName());
        assertEquals(ZeekJfrFormat.SCRIPT_LOADER_TYPE, frames.get(1).getMethod().getType().getClassLoader().getType().getName());
    }

    @Test
    void idleNativeAndErrorSamplesHaveSyntheticStacks() throws Exception {
        List<Sample> samples = List.of(
                new Sample(3, 0, SampleKind.IDLE, List.of(), null),
                new Sample(3, 0, SampleKind.NATIVE, List.of(), null),
                new Sample(3, 0, SampleKind.ERROR, List.of(), "torn (stack changed while read)"));
        List<RecordedEvent> events = recordSamples(samples);
        String z = ZeekJfrFormat.SYNTHETIC_FILE;
        assertEquals(List.of(new ZeekRecording.Frame(ZeekJfrFormat.IDLE_FRAME, z, 0), new ZeekRecording.Frame(ZeekJfrFormat.EMPTY_CALL_STACK, z, 0)), zeekStack(events.get(0)));
        assertEquals(List.of(new ZeekRecording.Frame(ZeekJfrFormat.NATIVE_FRAME, z, 0), new ZeekRecording.Frame(ZeekJfrFormat.EMPTY_CALL_STACK, z, 0)), zeekStack(events.get(1)));
        assertEquals(List.of(new ZeekRecording.Frame(ZeekJfrFormat.ERROR_FRAME, z, 0)), zeekStack(events.get(2)));
        String[] kinds = {"idle", "native", "error"};
        for (int i = 0; i < 3; i++) {
            RecordedEvent e = events.get(i);
            assertEquals(kinds[i], e.getString(ZeekJfrFormat.FIELD_KIND));
            assertEquals(0, e.getInt(ZeekJfrFormat.FIELD_DEPTH));
            assertNull(e.getString(ZeekJfrFormat.FIELD_LOCATION));
            assertEquals(3, e.getInt(ZeekJfrFormat.FIELD_PID));
        }
        assertNull(events.get(0).getString(ZeekJfrFormat.FIELD_ERROR));
        assertEquals("torn (stack changed while read)", events.get(2).getString(ZeekJfrFormat.FIELD_ERROR));
        assertEquals(ZeekJfrFormat.ERROR_FRAME, events.get(2).getString(ZeekJfrFormat.FIELD_FUNCTION));
    }

    @Test
    void scriptSampleWithoutFramesIsAnErrorSample() throws Exception {
        RecordedEvent e = recordSamples(List.of(new Sample(3, 0, SampleKind.SCRIPT, List.of(), null))).get(0);
        assertEquals("error", e.getString(ZeekJfrFormat.FIELD_KIND));
        assertEquals(JfrSampleSink.EMPTY_STACK_ERROR, e.getString(ZeekJfrFormat.FIELD_ERROR));
        assertEquals(List.of(new ZeekRecording.Frame(ZeekJfrFormat.ERROR_FRAME, ZeekJfrFormat.SYNTHETIC_FILE, 0)), zeekStack(e));
    }

    @Test
    void deepStackIsTruncatedToTheInnermostFramesAndKeepsItsRealDepth() throws Exception {
        List<ScriptFrame> frames = IntStream.range(0, 30).mapToObj(i -> fn("f" + i, SITE, 100 + i)).toList();
        RecordedEvent e = recordSamples(20, List.of(new Sample(1, 0, SampleKind.SCRIPT, frames, null))).get(0);
        assertEquals(expected(frames.subList(0, 20)), zeekStack(e));
        assertEquals(30, e.getInt(ZeekJfrFormat.FIELD_DEPTH));
        assertEquals("f0", e.getString(ZeekJfrFormat.FIELD_FUNCTION));
    }

    @Test
    void stackOfAThousandFramesWhenJfrKeepsThem() throws Exception {
        JfrTestSupport.assumeStackDepth(1001);
        List<ScriptFrame> frames = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            frames.add(fn("R::r" + (i % 7), i % 2 == 0 ? SITE : OTHER, i + 1));
        }
        RecordedEvent e = recordSamples(1000, List.of(new Sample(1, 0, SampleKind.SCRIPT, frames, null))).get(0);
        assertEquals(expected(frames), zeekStack(e));
    }

    @Test
    void manyStacksInRandomOrderAllReadBackRight() throws Exception {
        List<Sample> samples = new ArrayList<>();
        java.util.Random random = new java.util.Random(5);
        String[] files = {SITE, BASE, OTHER};
        String[] names = {"a", "b", "c", "Mod::d", "e<1>"};
        for (int i = 0; i < 300; i++) {
            int depth = 1 + random.nextInt(8);
            List<ScriptFrame> frames = new ArrayList<>();
            for (int d = 0; d < depth; d++) {
                frames.add(random.nextInt(10) == 0 ? bif("bif" + random.nextInt(3))
                        : fn(names[random.nextInt(names.length)], files[random.nextInt(files.length)], 1 + random.nextInt(40)));
            }
            samples.add(new Sample(1, 0, SampleKind.SCRIPT, Collections.unmodifiableList(frames), null));
        }
        List<RecordedEvent> events = recordSamples(samples);
        for (int i = 0; i < samples.size(); i++) {
            assertEquals(expected(samples.get(i).frames()), zeekStack(events.get(i)), "sample " + i);
        }
    }
}
