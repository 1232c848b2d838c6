package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zeekspy.jfr.ZeekRecording.event;
import static zeekspy.jfr.ZeekRecording.events;
import static zeekspy.jfr.ZeekRecording.fn;
import static zeekspy.jfr.ZeekRecording.record;
import static zeekspy.jfr.ZeekRecording.script;
import static zeekspy.jfr.ZeekRecording.zeekStack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.sampling.Sample;

/** The commit thread: samples keep their time, and every stack has the single root frame below it. */
class CommitLoopTest {
    @TempDir
    Path dir;

    private static List<RecordedEvent> sorted(List<RecordedEvent> events) {
        events.sort((a, b) -> a.getStartTime().compareTo(b.getStartTime()));
        return events;
    }

    @Test
    void anEventsTimeIsWhenTheSampleWasTakenNotWhenItWasCommitted() throws Exception {
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 50, null, 1_000_000L);
        Path file = record(dir.resolve("time.jfr"), r -> {
            sink.accept(script(1, fn("f", "a.zeek", 1)));
            try {
                Thread.sleep(400); // the commit thread sleeps meanwhile
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            sink.accept(script(1, fn("g", "a.zeek", 2)));
            sink.flush();
        });
        List<RecordedEvent> events = sorted(events(file, ZeekJfrFormat.SAMPLE_EVENT));
        assertEquals(2, events.size());
        Duration apart = Duration.between(events.get(0).getStartTime(), events.get(1).getStartTime());
        assertTrue(apart.toMillis() >= 400 && apart.toMillis() < 1000, "samples taken 400 ms apart were recorded " + apart + " apart");
        for (RecordedEvent e : events) {
            assertTrue(e.getDuration().toNanos() < 1_000_000, "a sample is an instant, not " + e.getDuration());
            assertEquals("zeek-spy-jfr", e.getThread().getJavaName());
        }
    }

    @Test
    void eachNewOutermostFunctionGetsInAndEveryStackEndsInTheRootFrame() throws Exception {
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 50, null, 1_000_000L);
        List<Sample> samples = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 40; i++) {
                samples.add(script(1, fn("inner" + (i % 7), "b.zeek", 10 + i), event("event_" + i, "a.zeek", 100 + i)));
            }
        }
        Path file = record(dir.resolve("roots.jfr"), r -> {
            samples.forEach(sink::accept);
            sink.flush();
        });
        List<RecordedEvent> events = sorted(events(file, ZeekJfrFormat.SAMPLE_EVENT));
        assertEquals(samples.size(), events.size());
        for (int i = 0; i < samples.size(); i++) {
            int k = i % 40;
            assertEquals(List.of(new ZeekRecording.Frame("inner" + (k % 7), "b.zeek", 10 + k), new ZeekRecording.Frame("event_" + k, "a.zeek", 100 + k)),
                    zeekStack(events.get(i)), "sample " + i); // zeekStack checks that the root frame is the last
        }
        assertEquals(0, sink.limitErrors());
    }

    @Test
    void outermostFunctionsBeyondTheLimitMakeErrorSamples() throws Exception {
        // Two slots go to the synthetic stacks (<error>, and <empty_call_stack> under <idle> and <native>).
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(new FrameLimits(1024, 1000, 6)), 50, null, 1_000_000L);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            samples.add(script(1, fn("e" + i, "a.zeek", 1)));
        }
        Path file = record(dir.resolve("limit.jfr"), r -> {
            samples.forEach(sink::accept);
            sink.flush();
        });
        List<RecordedEvent> events = sorted(events(file, ZeekJfrFormat.SAMPLE_EVENT));
        assertEquals(7, events.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(List.of(new ZeekRecording.Frame("e" + i, "a.zeek", 1)), zeekStack(events.get(i)));
        }
        for (int i = 4; i < 7; i++) {
            assertEquals(JfrSampleSink.FRAME_LIMIT_ERROR, events.get(i).getString(ZeekJfrFormat.FIELD_ERROR));
            assertEquals(List.of(new ZeekRecording.Frame(ZeekJfrFormat.ERROR_FRAME, ZeekJfrFormat.SYNTHETIC_FILE, 0)), zeekStack(events.get(i)));
        }
        assertEquals(3, sink.limitErrors());
    }

    @Test
    void samplesAfterTheLoopClosedAreCountedAsDropped() throws Exception {
        ZeekFrames frames = new ZeekFrames();
        JfrSampleSink sink = new JfrSampleSink(frames, 50, null, 1_000_000L);
        Path file = record(dir.resolve("closed.jfr"), r -> {
            sink.accept(script(1, fn("f", "a.zeek", 1)));
            frames.close();
            sink.accept(script(1, fn("f", "a.zeek", 2)));
        });
        assertEquals(1, events(file, ZeekJfrFormat.SAMPLE_EVENT).size());
        assertEquals(1, sink.committed());
        assertEquals(1, sink.dropped());
    }

    @Test
    void aCommitThreadHasRoomForTheMostOutermostFunctionsALimitAllows() {
        List<FunctionType> roots = new ArrayList<>();
        for (int i = 0; i < FrameLimits.MAX_ROOTS; i++) {
            roots.add(FunctionTypes.of("a_rather_long_zeek_event_name_number_" + i));
        }
        CommitThread t = FrameClassGenerator.commitThread(new ZeekFrames().commits(), roots);
        assertEquals(FrameLimits.MAX_ROOTS, t.roots());
        assertEquals(ZeekJfrFormat.ROOT_CLASS, t.getClass().getName());
    }
}
