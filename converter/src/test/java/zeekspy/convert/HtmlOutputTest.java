package zeekspy.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML flame graph: one self-contained page whose size follows the call tree, drawn by a real browser. */
class HtmlOutputTest {
    @TempDir
    static Path dir;
    static Path recording;

    @BeforeAll
    static void record() throws Exception {
        recording = StandardRecording.write(dir.resolve("standard.jfr"));
    }

    @Test
    void pageIsSelfContained() throws Exception {
        String html = convert(List.of(recording), "page.html", ConvertOptions.defaults());
        for (String external : List.of("http://", "https://", "<script src", "<link", "@import", "url(", "<iframe", "<img")) {
            assertFalse(html.contains(external), external);
        }
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("\"zeek_init (/zeek/site/local.zeek:10)\""), "labels are embedded");
        assertTrue(html.contains("\\u003cempty_call_stack\\u003e"), "'<' is escaped inside the script element");
    }

    @Test
    void pageSizeFollowsTheCallTreeNotTheSamples() throws Exception {
        String once = convert(List.of(recording), "once.html", ConvertOptions.defaults().withTitle("t"));
        String hundredTimes = convert(Collections.nCopies(100, recording), "hundred.html", ConvertOptions.defaults().withTitle("t"));
        assertTrue(hundredTimes.contains(",3000]") || hundredTimes.contains(",3000,"), "counts are multiplied");
        assertTrue(Math.abs(hundredTimes.length() - once.length()) < 100,
                once.length() + " vs " + hundredTimes.length() + " bytes");
    }

    @Test
    void titleIsEscaped() throws Exception {
        String html = convert(List.of(recording), "title.html", ConvertOptions.defaults().withTitle("<b>&\"x\"</b>"));
        assertTrue(html.contains("<title>&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;</title>"), html.substring(0, 200));
    }

    @Test
    void chromiumDrawsTheFramesWithoutErrors() throws Exception {
        Path page = dir.resolve("drawn.html");
        Converter.convert(List.of(recording), page, ConvertOptions.defaults().withIdle(true));
        String dom = dumpDom(page, "");
        assertTrue(dom.contains("id=\"status\" class=\"\">rendered 14 frames of 14, 74 samples</div>"), status(dom));
        for (String label : List.of("zeek_init (/zeek/site/local.zeek:10)", "Site::is_local_addr (/zeek/base/utils/site.zeek:42)",
                ">fmt<", "Log::write (/zeek/base/frameworks/logging/main.zeek:300)", "&lt;empty_call_stack&gt;",
                "&lt;idle&gt;", ">all<")) {
            assertTrue(dom.contains(label), label + " in " + dom);
        }
        // Flame graph: the root at the bottom, its callees above it.
        assertTrue(top(dom, ">all<") > top(dom, "zeek_init (") && top(dom, "zeek_init (") > top(dom, ">fmt<"));
    }

    @Test
    void chromiumSearchHighlightsMatchesAndShowsTheirShare() throws Exception {
        Path page = dir.resolve("search.html");
        Converter.convert(List.of(recording), page, ConvertOptions.defaults());
        String dom = dumpDom(page, "?search=Site%3A%3Ais_local");
        assertTrue(dom.contains("matched 57.97%"), "40 of 69 samples: " + dom);
        assertEquals(2, count(dom, "class=\"f m\""), "both Site::is_local_addr frames highlighted");
        assertTrue(status(dom).startsWith("rendered"), status(dom));
    }

    @Test
    void chromiumDrawsReversedStacksTopDown() throws Exception {
        Path page = dir.resolve("reverse.html");
        Converter.convert(List.of(recording), page, ConvertOptions.defaults().withReverse(true));
        String dom = dumpDom(page, "");
        assertTrue(status(dom).startsWith("rendered"), status(dom));
        assertEquals(0, top(dom, ">all<"));
        assertEquals(16, top(dom, ">fmt<"), "innermost frames right under the root");
        assertTrue(top(dom, "zeek_init (") > top(dom, ">fmt<"));
    }

    private static String convert(List<Path> inputs, String name, ConvertOptions options) throws Exception {
        Path output = dir.resolve(name);
        Converter.convert(inputs, output, options);
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** The page's DOM after its script ran, from headless Chromium; skips where Chromium is missing. */
    static String dumpDom(Path page, String query) throws Exception {
        Path chromium = PprofOutputTest.findOnPath("chromium");
        if (chromium == null) {
            chromium = PprofOutputTest.findOnPath("chromium-browser");
        }
        assumeTrue(chromium != null, "chromium is not installed");
        Path profile = Files.createTempDirectory(dir, "chromium");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1200,800", "--dump-dom", page.toUri() + query));
        Process process = new ProcessBuilder(command).redirectError(dir.resolve("chromium.log").toFile()).start();
        String dom = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("chromium.log")));
        assertFalse(dom.contains("class=\"error\""), status(dom));
        return dom;
    }

    private static String status(String dom) {
        Matcher m = Pattern.compile("<div id=\"status\"[^>]*>([^<]*)</div>").matcher(dom);
        return m.find() ? m.group(1) : "no status in " + dom;
    }

    /** The top offset of the first frame whose text contains {@code text}. */
    private static int top(String dom, String text) {
        Matcher m = Pattern.compile("<div class=\"f[^\"]*\" data-n=\"\\d+\" style=\"[^\"]*top:(\\d+)px[^\"]*\"[^>]*>([^<]*)</div>")
                .matcher(dom);
        while (m.find()) {
            if ((">" + m.group(2) + "<").contains(text)) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no frame " + text + " in " + dom);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
