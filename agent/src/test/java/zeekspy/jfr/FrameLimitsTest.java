package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static zeekspy.jfr.ZeekRecording.events;
import static zeekspy.jfr.ZeekRecording.fn;
import static zeekspy.jfr.ZeekRecording.record;
import static zeekspy.jfr.ZeekRecording.script;
import static zeekspy.jfr.ZeekRecording.zeekStack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.sampling.Sample;

/** What happens at the bounds of the generated classes. */
class FrameLimitsTest {
    @TempDir
    Path dir;

    private List<RecordedEvent> recordAll(JfrSampleSink sink, List<Sample> samples) throws Exception {
        Path file = record(dir.resolve("limits.jfr"), r -> {
            samples.forEach(sink::accept);
            sink.flush();
        });
        List<RecordedEvent> events = events(file, ZeekJfrFormat.SAMPLE_EVENT);
        events.sort((a, b) -> a.getStartTime().compareTo(b.getStartTime()));
        assertEquals(samples.size(), events.size());
        return events;
    }

    @Test
    void linesBeyondTheSiteLimitAreReportedAsLineZero() throws Exception {
        ZeekFrames frames = new ZeekFrames(new FrameLimits(8, 100)); // 7 sites with lines, 1 for line 0
        JfrSampleSink sink = new JfrSampleSink(frames, 10, null, 1L);
        List<Sample> samples = new ArrayList<>();
        for (int line = 1; line <= 10; line++) {
            samples.add(script(1, fn("f", "a.zeek", line)));
        }
        List<RecordedEvent> events = recordAll(sink, samples);
        for (int i = 0; i < 10; i++) {
            int line = i + 1;
            assertEquals(List.of(new ZeekRecording.Frame("f", "a.zeek", line <= 7 ? line : 0)), zeekStack(events.get(i)));
            assertEquals("a.zeek:" + line, events.get(i).getString(ZeekJfrFormat.FIELD_LOCATION), "the field keeps the real line");
        }
        assertEquals(3, frames.lineFallbacks());
    }

    @Test
    void aFullBodyOrTooManyBodiesMakeErrorSamples() throws Exception {
        // The 4 synthetic bodies (<error>, <idle>, <native>, <empty_call_stack>) count too.
        ZeekFrames frames = new ZeekFrames(new FrameLimits(8, 8));
        JfrSampleSink sink = new JfrSampleSink(frames, 10, null, 1L);
        List<Sample> samples = new ArrayList<>();
        for (int line = 1; line <= 8; line++) {
            samples.add(script(1, fn("f", "a.zeek", line))); // 7 lines, then line 0 for the 8th
        }
        samples.add(script(1, fn("g", "a.zeek", 1), fn("f", "a.zeek", 3))); // f has no room for a call to g
        for (String name : new String[] {"h1", "h2", "h3", "h4"}) {
            samples.add(script(1, fn(name, "b.zeek", 1))); // bodies 7 and 8 (g was 6), then none left
        }
        List<RecordedEvent> events = recordAll(sink, samples);
        RecordedEvent fullBody = events.get(8);
        assertEquals("error", fullBody.getString(ZeekJfrFormat.FIELD_KIND));
        assertEquals(JfrSampleSink.FRAME_LIMIT_ERROR, fullBody.getString(ZeekJfrFormat.FIELD_ERROR));
        assertNull(fullBody.getString(ZeekJfrFormat.FIELD_LOCATION), "the sample's location is not the error frame's");
        assertEquals(2, fullBody.getInt(ZeekJfrFormat.FIELD_DEPTH));
        assertEquals(List.of(new ZeekRecording.Frame(ZeekJfrFormat.ERROR_FRAME, ZeekJfrFormat.SYNTHETIC_FILE, 0)), zeekStack(fullBody));
        assertEquals("script", events.get(10).getString(ZeekJfrFormat.FIELD_KIND));
        assertEquals(List.of(new ZeekRecording.Frame("h2", "b.zeek", 1)), zeekStack(events.get(10)));
        assertEquals(JfrSampleSink.FRAME_LIMIT_ERROR, events.get(11).getString(ZeekJfrFormat.FIELD_ERROR));
        assertEquals(JfrSampleSink.FRAME_LIMIT_ERROR, events.get(12).getString(ZeekJfrFormat.FIELD_ERROR));
        assertEquals(3, sink.limitErrors());
        assertEquals(8, frames.bodies());
    }

    @Test
    void linesAboveWhatAClassFileHoldsAreClamped() throws Exception {
        ZeekFrames frames = new ZeekFrames();
        JfrSampleSink sink = new JfrSampleSink(frames, 10, null, 1L);
        RecordedEvent e = recordAll(sink, List.of(script(1, fn("f", "huge.zeek", 70_000), fn("g", "huge.zeek", 65_535)))).get(0);
        assertEquals(List.of(new ZeekRecording.Frame("f", "huge.zeek", 65_535), new ZeekRecording.Frame("g", "huge.zeek", 65_535)), zeekStack(e));
        assertEquals("huge.zeek:70000", e.getString(ZeekJfrFormat.FIELD_LOCATION));
        assertEquals(1, frames.clampedLines());
    }

    @Test
    void limitsMustLeaveRoom() {
        assertThrows(IllegalArgumentException.class, () -> new FrameLimits(4, 100));
        assertThrows(IllegalArgumentException.class, () -> new ZeekFrames().newChain(0));
    }
}
