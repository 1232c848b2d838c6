package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zeekspy.jfr.ZeekRecording.event;
import static zeekspy.jfr.ZeekRecording.fn;
import static zeekspy.jfr.ZeekRecording.script;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;

class ZeekRecordingSettingsTest {
    @Test
    void jfcFileParsesWithConfigurationCreate() throws Exception {
        Path jfc = Path.of(ZeekRecordingSettings.class.getResource(ZeekRecordingSettings.RESOURCE).toURI());
        Configuration c = Configuration.create(jfc);
        assertEquals("zeek-spy", c.getLabel());
        Map<String, String> s = c.getSettings();
        assertEquals("true", s.get("zeek.Sample#enabled"));
        assertEquals("true", s.get("zeek.Sample#stackTrace"));
        assertEquals("0 ns", s.get("zeek.Sample#threshold"));
        assertEquals("true", s.get("zeek.Process#enabled"));
        assertEquals("true", s.get("zeek.Statistics#enabled"));
        assertEquals("1 s", s.get("zeek.Statistics#period"));
        assertEquals("false", s.get("jdk.ExecutionSample#enabled"));
        assertEquals(s, ZeekRecordingSettings.configuration().getSettings());
    }

    @Test
    void recordingWithTheSettingsRecordsSamplesWithStackTraces(@TempDir Path dir) throws Exception {
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 50, null, 1_000_000L);
        Path file = dir.resolve("settings.jfr");
        try (Recording r = new Recording(Configuration.create(Path.of(ZeekRecordingSettings.class.getResource(ZeekRecordingSettings.RESOURCE).toURI())))) {
            r.start();
            sink.accept(script(5, fn("f", "a.zeek", 2), event("e", "a.zeek", 9)));
            sink.flush();
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = ZeekRecording.events(file, ZeekJfrFormat.SAMPLE_EVENT);
        assertEquals(1, events.size());
        assertEquals(List.of(new ZeekRecording.Frame("f", "a.zeek", 2), new ZeekRecording.Frame("e", "a.zeek", 9)), ZeekRecording.zeekStack(events.get(0)));
        assertEquals(null, events.get(0).getString(ZeekJfrFormat.FIELD_NODE));
    }

    @Test
    void nothingIsCommittedWithoutARecording() {
        Assumptions.assumeFalse(new ZeekSampleEvent().isEnabled(), "a recording of another test is running");
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 50, null, 1_000_000L);
        sink.accept(script(5, fn("f", "a.zeek", 2)));
        sink.flush();
        assertEquals(0, sink.committed());
    }
}
