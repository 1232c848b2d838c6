package zeekspy.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zeekspy.convert.StandardRecording.CONN;
import static zeekspy.convert.StandardRecording.LOCAL;
import static zeekspy.convert.StandardRecording.LOG;
import static zeekspy.convert.StandardRecording.SITE;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Converting zeek-format recordings: frames, labels and every sample filter, with both parsers. */
class ZeekConversionTest {
    @TempDir
    static Path dir;
    static Path recording;

    @BeforeAll
    static void record() throws Exception {
        recording = StandardRecording.write(dir.resolve("standard.jfr"));
    }

    static List<SampleSource> sources() {
        return Conversions.sources().collect(Collectors.toList());
    }

    @ParameterizedTest
    @MethodSource("sources")
    void collapsedShowsZeekFramesOutermostFirstWithoutIdle(SampleSource source) throws Exception {
        assertEquals(StandardRecording.COLLAPSED, Conversions.collapsed(recording, ConvertOptions.defaults(), source, dir));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void idleSamplesAreKeptOnRequest(SampleSource source) throws Exception {
        String out = Conversions.collapsed(recording, ConvertOptions.defaults().withIdle(true), source, dir);
        assertTrue(out.contains("<empty_call_stack>;<idle> 5\n"), out);
        assertEquals(StandardRecording.ALL, total(out));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void functionGranularityMergesLines(SampleSource source) throws Exception {
        String out = Conversions.collapsed(recording,
                ConvertOptions.defaults().withGranularity(Granularity.FUNCTIONS), source, dir);
        assertTrue(out.contains("zeek_init (" + LOCAL + ");Site::is_local_addr (" + SITE + ") 10\n"), out);
        assertTrue(out.contains("zeek_init (" + LOCAL + ");Site::is_local_addr (" + SITE + ");fmt 30\n"), out);
        assertTrue(out.contains("connection_state_remove (" + CONN + ");Log::write (" + LOG + ") 20\n"), out);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void perNodePutsANodeOrPidRootFrame(SampleSource source) throws Exception {
        String out = Conversions.collapsed(recording, ConvertOptions.defaults().withPerNode(true), source, dir);
        assertTrue(out.contains("worker-1;zeek_init (" + LOCAL + ":10);Site::is_local_addr (" + SITE + ":43) 10\n"), out);
        assertTrue(out.contains("worker-2;connection_state_remove (" + CONN + ":120);Log::write (" + LOG + ":300) 20\n"), out);
        assertTrue(out.contains("pid 300;Odd.name\u037ewith<chars>[x]/y (/zeek/odd dir/x.zeek:7) 3\n"), out);
        assertTrue(out.contains("worker-1;<empty_call_stack>;<native> 4\n"), out);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void includeKeepsStacksWithAMatchingFrame(SampleSource source) throws Exception {
        String out = Conversions.collapsed(recording,
                ConvertOptions.defaults().withInclude(Pattern.compile("site\\.zeek:4[23]")), source, dir);
        assertEquals(String.join("\n",
                "zeek_init (" + LOCAL + ":10);Site::is_local_addr (" + SITE + ":42);fmt 30",
                "zeek_init (" + LOCAL + ":10);Site::is_local_addr (" + SITE + ":43) 10") + "\n", out);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void excludeDropsStacksWithAMatchingFrame(SampleSource source) throws Exception {
        String out = Conversions.collapsed(recording,
                ConvertOptions.defaults().withExclude(Pattern.compile("^(fmt|Log::write)")), source, dir);
        assertEquals(StandardRecording.ALL - 30 - 20 - 2 - StandardRecording.IDLE, total(out));
        assertTrue(!out.contains("fmt") && !out.contains("Log::write"), out);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void stacksCutByTheSamplerGetATruncatedRoot(SampleSource source) throws Exception {
        String out = Conversions.collapsed(recording, ConvertOptions.defaults(), source, dir);
        assertTrue(out.contains("[truncated];connection_state_remove (" + CONN + ":120);Log::write (" + LOG + ":300) 2\n"), out);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void summaryCountsSamplesStacksAndEventTypes(SampleSource source) throws Exception {
        ConversionSummary summary = Converter.convert(List.of(recording), dir.resolve("summary.collapsed"),
                ConvertOptions.defaults(), source);
        assertEquals(StandardRecording.ALL, summary.samplesRead());
        assertEquals(StandardRecording.ALL - StandardRecording.IDLE, summary.samplesWritten());
        assertEquals(6, summary.distinctStacks());
        assertEquals(Long.valueOf(StandardRecording.ALL), summary.eventTypes().get(ZeekJfrFormat.SAMPLE_EVENT));
        assertEquals(OutputFormat.COLLAPSED, summary.format());
        assertEquals(List.of(), summary.warnings());
    }

    @ParameterizedTest
    @MethodSource("sources")
    void severalInputsAreMerged(SampleSource source) throws Exception {
        Path copy = java.nio.file.Files.copy(recording, dir.resolve("copy-" + System.nanoTime() + ".jfr"));
        Path output = dir.resolve("merged-" + System.nanoTime() + ".collapsed");
        ConversionSummary summary = Converter.convert(List.of(recording, copy), output, ConvertOptions.defaults(), source);
        assertEquals(2L * StandardRecording.ALL, summary.samplesRead());
        String doubled = Arrays.stream(StandardRecording.COLLAPSED.split("\n"))
                .map(line -> line.substring(0, line.lastIndexOf(' ') + 1)
                        + 2 * Long.parseLong(line.substring(line.lastIndexOf(' ') + 1)))
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(doubled, java.nio.file.Files.readString(output));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void fromAndToKeepSamplesThatStartInTheirRange(SampleSource source) throws Exception {
        java.time.Instant[] between = new java.time.Instant[1];
        Path timed = ZeekRecordingGenerator.record(dir.resolve("timed-" + System.nanoTime() + ".jfr"), g -> {
            int before = g.frame(LOCAL, "before", 1);
            int after = g.frame(LOCAL, "after", 2);
            for (int i = 0; i < 5; i++) {
                g.sample(1, "n", 1_000_000, before);
            }
            Thread.sleep(300);
            between[0] = java.time.Instant.now();
            Thread.sleep(300);
            for (int i = 0; i < 7; i++) {
                g.sample(1, "n", 1_000_000, after);
            }
        });
        String prefix = " (" + LOCAL + ":";
        assertEquals("before" + prefix + "1) 5\n",
                Conversions.collapsed(timed, ConvertOptions.defaults().withTo(between[0]), source, dir));
        assertEquals("after" + prefix + "2) 7\n",
                Conversions.collapsed(timed, ConvertOptions.defaults().withFrom(between[0]), source, dir));
        ConversionSummary none = Converter.convert(List.of(timed), dir.resolve("none-" + System.nanoTime() + ".collapsed"),
                ConvertOptions.defaults().withFrom(between[0]).withTo(between[0]), source);
        assertEquals(12, none.samplesRead());
        assertEquals(0, none.samplesWritten());
    }

    @Test
    void topTableListsFlatAndCumulativeTimes() throws Exception {
        String top = Conversions.text(recording, ConvertOptions.defaults(), new FastJfrSource(), dir, "top.txt");
        String[] lines = top.split("\n");
        assertEquals("zeek.Sample: 69 samples, 690ms total", lines[0]);
        assertTrue(lines[1].matches("\\s+flat\\s+flat%\\s+sum%\\s+cum\\s+cum%\\s+frame"), lines[1]);
        assertTrue(lines[2].matches("\\s+300ms\\s+43\\.48%\\s+43\\.48%\\s+300ms\\s+43\\.48%  fmt"), lines[2]);
        assertTrue(lines[3].matches("\\s+220ms\\s+31\\.88%\\s+75\\.36%\\s+220ms\\s+31\\.88%  Log::write \\(" + LOG + ":300\\)"), lines[3]);
        assertTrue(top.matches("(?s).*\n\\s+0\\s+0\\.00%\\s+100\\.00%\\s+400ms\\s+57\\.97%  zeek_init \\(" + LOCAL + ":10\\)\n.*"), top);
    }

    @Test
    void bothParsersWriteTheSameOutputs() throws Exception {
        for (String name : List.of("same.collapsed", "same.txt", "same.html")) {
            ConvertOptions options = ConvertOptions.defaults().withIdle(true).withPerNode(true);
            assertEquals(Conversions.text(recording, options, new RecordingFileSource(), dir, "jdk-" + name),
                    Conversions.text(recording, options, new FastJfrSource(), dir, "fast-" + name), name);
        }
    }

    private static long total(String collapsed) {
        return Arrays.stream(collapsed.split("\n")).filter(l -> !l.isEmpty())
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
