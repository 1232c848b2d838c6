package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** {@code java -jar zeek-spy.jar record} (the jar as built) keeps C2 out of its JVM while it records. */
class RecordJitIT {
    @Test
    void theRecordingJvmHasTheDirectiveThatExcludesC2(@TempDir Path dir) throws Exception {
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "60")) {
            SpyJar spy = SpyJar.start(dir, "record", "--pid", Integer.toString(zeek.pid()), "--jfr", dir.resolve("jit.jfr").toString());
            spy.awaitRecording();
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            String directives = MiniZeek.run(List.of(jcmd, Long.toString(spy.pid()), "Compiler.directives_print"), 30);
            // The directive of zeek-spy's own, above the JVM's default: every method, C2 excluded.
            String ours = directives.substring(0, Math.max(0, directives.indexOf("Directive: (default)")));
            assertTrue(ours.contains("matching: *.*"), directives);
            assertTrue(ours.substring(ours.indexOf("c2 directives:")).contains("Exclude:true"), directives);
            MiniZeek.run(List.of("kill", "-INT", Long.toString(spy.pid())), 10);
            assertEquals(0, spy.awaitExit(60), spy.err());
        }
    }
}
