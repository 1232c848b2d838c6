package zeekspy.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import jdk.jfr.Recording;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.pprof.PprofProto;

/** Converting Java events with stack traces ({@code --event jdk.ExecutionSample}). */
class JavaEventTest {
    private static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
    private static volatile long sink;

    @TempDir
    static Path dir;
    static Path recording;

    @BeforeAll
    static void record() throws Exception {
        recording = dir.resolve("java.jfr");
        try (Recording r = new Recording()) {
            r.enable(EXECUTION_SAMPLE).withPeriod(Duration.ofMillis(10));
            r.enable("jdk.ActiveSetting");
            r.start();
            busy(2_000);
            deep(700);
            r.stop();
            r.dump(recording);
        }
    }

    /** Keeps this thread on the CPU for {@code millis}. */
    static void busy(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = 1;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink += x;
    }

    /** Busy at the bottom of a stack deeper than JFR records (512 frames in these tests). */
    static void deep(int depth) {
        if (depth == 0) {
            busy(1_000);
        } else {
            deep(depth - 1);
        }
    }

    @Test
    void javaFramesNameClassMethodFileAndLine() throws Exception {
        Path output = dir.resolve("java.collapsed");
        ConversionSummary summary = Converter.convert(List.of(recording), output,
                ConvertOptions.defaults().withEvent(EXECUTION_SAMPLE));
        assertTrue(summary.samplesWritten() > 0, summary.describe());
        assertEquals(List.of(), summary.warnings(), "the period comes from jdk.ActiveSetting");
        String collapsed = Files.readString(output);
        assertTrue(collapsed.matches("(?s).*zeekspy\\.convert\\.JavaEventTest\\.record \\(zeekspy/convert/JavaEventTest\\.java:\\d+\\);"
                + "zeekspy\\.convert\\.JavaEventTest\\.busy \\(zeekspy/convert/JavaEventTest\\.java:\\d+\\) \\d+\n.*"), collapsed);
    }

    @Test
    void stacksDeeperThanJfrRecordsGetATruncatedRoot() throws Exception {
        Path output = dir.resolve("deep.collapsed");
        Converter.convert(List.of(recording), output, ConvertOptions.defaults().withEvent(EXECUTION_SAMPLE));
        String collapsed = Files.readString(output);
        assertTrue(collapsed.matches("(?s)(.*\n)?\\[truncated\\];(zeekspy\\.convert\\.JavaEventTest\\.deep \\([^)]*\\);){100,}"
                + "zeekspy\\.convert\\.JavaEventTest\\.busy \\([^)]*\\) \\d+\n.*"), "a truncated deep stack");
    }

    @Test
    void periodComesFromTheRecordingSettings() throws Exception {
        Path output = dir.resolve("java.pb.gz");
        Converter.convert(List.of(recording), output, ConvertOptions.defaults().withEvent(EXECUTION_SAMPLE));
        PprofProto.Profile profile;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(output))) {
            profile = PprofProto.Profile.parseFrom(in);
        }
        assertEquals(10_000_000L, profile.getPeriod());
        PprofOutputTest.checkWellFormed(profile);
        assertTrue(profile.getFunctionList().stream().anyMatch(f ->
                profile.getStringTable((int) f.getName()).equals("zeekspy.convert.JavaEventTest.busy")
                && profile.getStringTable((int) f.getFilename()).equals("zeekspy/convert/JavaEventTest.java")));
    }

    @Test
    void bothParsersAgreeOnJavaEvents() throws Exception {
        ConvertOptions options = ConvertOptions.defaults().withEvent(EXECUTION_SAMPLE);
        assertEquals(Conversions.collapsed(recording, options, new RecordingFileSource(), dir),
                Conversions.collapsed(recording, options, new FastJfrSource(), dir));
    }

    @Test
    void missingPeriodSettingIsAssumedAndReported() throws Exception {
        Path file = dir.resolve("no-settings.jfr");
        try (Recording r = new Recording()) {
            r.enable(EXECUTION_SAMPLE).withPeriod(Duration.ofMillis(10));
            r.start();
            busy(1_000);
            r.stop();
            r.dump(file);
        }
        ConversionSummary summary = Converter.convert(List.of(file), dir.resolve("no-settings.collapsed"),
                ConvertOptions.defaults().withEvent(EXECUTION_SAMPLE));
        assertEquals(List.of("the recordings do not say how often jdk.ExecutionSample was sampled: assumed every 20 ms"),
                summary.warnings());
    }
}
