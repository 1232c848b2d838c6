package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** The original Go zeek-spy's habit: one command to a pprof file, read with the real pprof. */
class GoZeekSpyWorkflowTest {
    static boolean hasGo() {
        return Files.isExecutable(Path.of("/usr/bin/go")) || Files.isExecutable(Path.of("/usr/local/go/bin/go"));
    }

    static String pprof(Path dir, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("env", "HOME=" + dir, "GOCACHE=" + dir.resolve("gocache"),
                "GOPATH=" + dir.resolve("gopath"), "GOFLAGS=", "GOTOOLCHAIN=local", "go", "tool", "pprof"));
        cmd.addAll(List.of(args));
        return MiniZeek.run(cmd, 120);
    }

    /** The table rows of pprof -top output (the header also names the filters). */
    static String rows(String top) {
        return top.substring(top.indexOf("flat%"));
    }

    @Test
    void oneStepPprofEqualsRecordThenConvertAndHzIsRate(@TempDir Path dir) throws Exception {
        assumeTrue(hasGo(), "go is not installed (Debian: golang-go)");
        Path oneStep = dir.resolve("zeek.pb.gz");
        Path jfr = dir.resolve("zeek.jfr");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "20")) {
            Cli.Result r = Cli.run("record", "--pid", Integer.toString(zeek.pid()), "--hz", "250", "--duration", "3",
                    "--pprof", oneStep.toString(), "--jfr", jfr.toString(), "--quiet");
            assertEquals(0, r.exitCode(), r.err());
        }
        Path converted = dir.resolve("converted.pb.gz");
        assertEquals(0, Cli.run("convert", jfr.toString(), converted.toString()).exitCode());
        assertEquals(pprof(dir, "-raw", converted.toString()), pprof(dir, "-raw", oneStep.toString()));

        // --hz is --rate: the recording says 250 Hz.
        RecordedEvent process = RecordingFile.readAllEvents(jfr).stream()
                .filter(e -> e.getEventType().getName().equals("zeek.Process")).findFirst().orElseThrow();
        assertEquals(250, process.getInt("rate"));

        // The original tool's reading: -ignore=empty_call_stack leaves script frames only.
        String top = rows(pprof(dir, "-ignore=empty_call_stack", "-trim=false", "-top", "-lines", oneStep.toString()));
        assertTrue(top.contains("SlowDNS::hashit /opt/zeek/share/zeek/site/slow-dns.zeek:2"), top);
        assertFalse(top.contains("<native>"), top);
        assertFalse(top.contains("<idle>"), top);
        assertFalse(top.contains("empty_call_stack"), top);
        String all = pprof(dir, "-trim=false", "-top", "-lines", oneStep.toString());
        assertTrue(all.contains("<native>"), all);
        String files = pprof(dir, "-files", "-top", oneStep.toString());
        assertTrue(files.contains("/opt/zeek/share/zeek/site/slow-dns.zeek"), files);
        String fileFunctions = pprof(dir, "-filefunctions", "-top", oneStep.toString());
        assertTrue(fileFunctions.contains("SlowDNS::hashit /opt/zeek/share/zeek/site/slow-dns.zeek"), fileFunctions);
    }
}
