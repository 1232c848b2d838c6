package zeekspy.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The converter's small rules: format names, periods, durations, source paths, method names. */
class SmallPartsTest {
    @Test
    void outputFormatFollowsTheFileName() throws Exception {
        assertEquals(OutputFormat.PPROF_GZ, OutputFormat.fromFileName(Path.of("a/zeek.pb.gz")));
        assertEquals(OutputFormat.PPROF, OutputFormat.fromFileName(Path.of("zeek.PB")));
        assertEquals(OutputFormat.HTML, OutputFormat.fromFileName(Path.of("zeek.html")));
        assertEquals(OutputFormat.HTML, OutputFormat.fromFileName(Path.of("zeek.htm")));
        assertEquals(OutputFormat.COLLAPSED, OutputFormat.fromFileName(Path.of("zeek.collapsed")));
        assertEquals(OutputFormat.COLLAPSED, OutputFormat.fromFileName(Path.of("zeek.folded")));
        assertEquals(OutputFormat.TOP, OutputFormat.fromFileName(Path.of("zeek.txt")));
        assertThrows(ConversionException.class, () -> OutputFormat.fromFileName(Path.of("zeek.gz")));
    }

    @Test
    void outputFormatByName() throws Exception {
        assertEquals(OutputFormat.PPROF_GZ, OutputFormat.fromName("pprof"));
        assertEquals(OutputFormat.PPROF, OutputFormat.fromName("pb"));
        assertEquals(OutputFormat.HTML, OutputFormat.fromName("HTML"));
        assertEquals(OutputFormat.COLLAPSED, OutputFormat.fromName("collapsed"));
        assertEquals(OutputFormat.TOP, OutputFormat.fromName("top"));
        ConversionException e = assertThrows(ConversionException.class, () -> OutputFormat.fromName("svg"));
        assertEquals("unknown output format svg: use pprof, pb.gz, pb, html, collapsed or top", e.getMessage());
    }

    @Test
    void periodSettings() {
        assertEquals(20_000_000L, JfrStackReader.parsePeriod("20 ms"));
        assertEquals(1_000_000_000L, JfrStackReader.parsePeriod("1 s"));
        assertEquals(500_000L, JfrStackReader.parsePeriod("500 us"));
        assertEquals(0, JfrStackReader.parsePeriod("off"));
        assertEquals(0, JfrStackReader.parsePeriod("everyChunk"));
        assertEquals(0, JfrStackReader.parsePeriod(null));
    }

    @Test
    void durationsAsPprofShowsThem() {
        assertEquals("0", TopWriter.time(0));
        assertEquals("850us", TopWriter.time(850_000));
        assertEquals("10ms", TopWriter.time(10_000_000));
        assertEquals("1.50s", TopWriter.time(1_500_000_000));
        assertEquals("1250s", TopWriter.time(1_250_000_000_000L));
    }

    @Test
    void javaSourcePaths() {
        assertEquals("java/lang/Thread.java", JfrStackReader.javaSourcePath("java.lang.Thread"));
        assertEquals("a/b/Outer.java", JfrStackReader.javaSourcePath("a.b.Outer$Inner$1"));
        assertEquals("Top.java", JfrStackReader.javaSourcePath("Top"));
    }

    @Test
    void zeekNamesSurviveTheJvmNameRules() {
        String name = "A.b;c[d]/e<f>";
        String encoded = ZeekJfrFormat.encodeMethodName(name);
        assertEquals(-1, encoded.chars().filter(c -> ".;[/<>".indexOf(c) >= 0).findAny().orElse(-1));
        assertEquals(name, ZeekJfrFormat.decodeMethodName(encoded));
    }
}
