package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.sampling.SamplerStatistics;
import zeekspy.stack.StackError;

class OtherEventsTest {
    @TempDir
    Path dir;

    @Test
    void processEventHasAllFields() throws Exception {
        Path file = ZeekRecording.record(dir.resolve("p.jfr"), r -> ZeekProcessEvent.emit(
                new ProcessInfo(31, "manager", "/opt/zeek/bin/zeek", "7.0.1", "0a1b2c", "GCC: (Debian 12.2.0-14) 12.2.0", "dwarf", 99, "nonblocking")));
        List<RecordedEvent> events = ZeekRecording.events(file, ZeekJfrFormat.PROCESS_EVENT);
        assertEquals(1, events.size());
        RecordedEvent e = events.get(0);
        assertEquals(31, e.getInt("pid"));
        assertEquals("manager", e.getString("node"));
        assertEquals("/opt/zeek/bin/zeek", e.getString("exe"));
        assertEquals("7.0.1", e.getString("zeekVersion"));
        assertEquals("0a1b2c", e.getString("buildId"));
        assertEquals("GCC: (Debian 12.2.0-14) 12.2.0", e.getString("compiler"));
        assertEquals("dwarf", e.getString("layoutSource"));
        assertEquals(99, e.getInt("rate"));
        assertEquals("nonblocking", e.getString("mode"));
        assertTrue(e.getStackTrace() == null, "no stack trace");
    }

    @Test
    void statisticsEventHasAllFields() throws Exception {
        var snapshot = new SamplerStatistics.Snapshot(1000, 900, 50, 40, Map.of(StackError.TORN, 7L, StackError.BAD_STRING, 3L),
                12, 3000, 20_000, 90_000, 150_000, 10_000, 30_000);
        Path file = ZeekRecording.record(dir.resolve("s.jfr"), r -> ZeekStatisticsEvent.emit(31, snapshot, 123_456_789L));
        RecordedEvent e = ZeekRecording.events(file, ZeekJfrFormat.STATISTICS_EVENT).get(0);
        assertEquals(31, e.getInt("pid"));
        assertEquals(1000, e.getLong("samples"));
        assertEquals(10, e.getLong("errors"));
        assertEquals(snapshot.errorsByReason(), e.getString("errorsByReason"));
        assertTrue(e.getString("errorsByReason").contains("=7"), e.getString("errorsByReason"));
        assertEquals(7, e.getLong("torn"));
        assertEquals(12, e.getLong("missedTicks"));
        assertEquals(Duration.ofNanos(20_000), e.getDuration("pauseP50"));
        assertEquals(Duration.ofNanos(90_000), e.getDuration("pauseP99"));
        assertEquals(Duration.ofNanos(150_000), e.getDuration("pauseMax"));
        assertEquals(Duration.ofNanos(123_456_789L), e.getDuration("cpuTime"));
    }

    @Test
    void statisticsAreEmittedPeriodicallyUntilClosed() throws Exception {
        SamplerStatistics stats = new SamplerStatistics();
        Path file = dir.resolve("periodic.jfr");
        // JDK 17 schedules a hook added during a recording only at its next periodic pass (up to a second).
        try (AutoCloseable hook = ZeekStatisticsEvent.periodic(55, stats); Recording r = new Recording()) {
            r.enable(ZeekStatisticsEvent.class).withPeriod(Duration.ofMillis(20));
            r.start();
            Thread.sleep(300);
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = ZeekRecording.events(file, ZeekJfrFormat.STATISTICS_EVENT);
        assertFalse(events.isEmpty(), "no periodic statistics");
        assertTrue(events.stream().allMatch(e -> e.getInt("pid") == 55));
        assertTrue(events.stream().allMatch(e -> e.getDuration("cpuTime").toNanos() > 0), "zeek-spy's CPU time");
    }
}
