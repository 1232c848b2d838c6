package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zeekspy.jfr.ZeekRecording.event;
import static zeekspy.jfr.ZeekRecording.fn;
import static zeekspy.jfr.ZeekRecording.record;
import static zeekspy.jfr.ZeekRecording.script;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ZeekJfrFormat;

/** The JDK's own {@code jfr} tool reads the recordings. */
class JfrToolTest {
    @TempDir
    Path dir;

    private Path recording() throws IOException {
        String site = "/opt/zeek/share/zeek/site/slow-dns.zeek";
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 50, "logger", 10_000_000L);
        return record(dir.resolve("tool.jfr"), r -> {
            for (int i = 0; i < 5; i++) {
                sink.accept(script(77, fn("SlowDNS::hashit", site, 12), event("dns_request", site, 40)));
            }
            sink.flush();
            ZeekProcessEvent.emit(new ProcessInfo(77, "logger", "/usr/bin/zeek", "6.0.4", "ab12", "GCC 12", "builtin", 100, "blocking"));
        });
    }

    private static String jfr(String... args) throws IOException, InterruptedException {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "jfr");
        List<String> command = new ArrayList<>(List.of(tool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jfr timed out");
        assertEquals(0, p.exitValue(), "jfr " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    @Test
    void jfrPrintShowsZeekFrames() throws Exception {
        Path file = recording();
        String out = jfr("print", "--events", ZeekJfrFormat.SAMPLE_EVENT, file.toString());
        assertEquals(5, count(out, "zeek.Sample \\{"), out);
        assertTrue(out.contains("zeek.opt.zeek.share.zeek.site.slow-dns_zeek.SlowDNS::hashit(FrameChain, int) line: 12"), out);
        assertTrue(out.contains("zeek.opt.zeek.share.zeek.site.slow-dns_zeek.dns_request(FrameChain, int) line: 40"), out);
        assertTrue(out.contains("zeekspy.jfr.StackCommitter.run()\n  ]"), "the root frame, and nothing below it:\n" + out);
        assertTrue(out.contains("location = \"/opt/zeek/share/zeek/site/slow-dns.zeek:12\""), out);
        Files.writeString(dir.resolve("print.txt"), out);
    }

    @Test
    void jfrSummaryCountsZeekEvents() throws Exception {
        String out = jfr("summary", recording().toString());
        Matcher samples = Pattern.compile("zeek\\.Sample\\s+(\\d+)\\s+(\\d+)").matcher(out);
        assertTrue(samples.find(), out);
        assertEquals(5, Integer.parseInt(samples.group(1)), out);
        Matcher process = Pattern.compile("zeek\\.Process\\s+(\\d+)").matcher(out);
        assertTrue(process.find(), out);
        assertEquals(1, Integer.parseInt(process.group(1)), out);
    }

    @Test
    void jfrPrintJsonShowsProcessEvent() throws Exception {
        String out = jfr("print", "--json", "--events", ZeekJfrFormat.PROCESS_EVENT, recording().toString());
        assertTrue(out.contains("\"zeekVersion\": \"6.0.4\""), out);
        assertTrue(out.contains("\"mode\": \"blocking\""), out);
    }

    private static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
