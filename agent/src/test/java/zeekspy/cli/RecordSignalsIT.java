package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * SIGINT, SIGTERM and SIGHUP to a running {@code zeek-spy record} (the jar as built): it stops
 * with exit code 0 and a complete recording that holds every sample its summary counts, Zeek
 * runs on untraced, and the chunk directory is gone.
 */
class RecordSignalsIT {
    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM", "HUP"})
    void aStopSignalEndsTheRecordingCompletely(String signal, @TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("signal.jfr");
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "60")) {
            SpyJar spy = SpyJar.start(dir, "record", "--pid", Integer.toString(zeek.pid()), "--rate", "200",
                    "--jfr", jfr.toString());
            spy.awaitRecording();
            String hint = spy.await("zeek-spy recover ", 10_000);
            assertTrue(hint.contains(dir.resolve("signal.jfr.part").toString()), hint);
            assertTrue(Files.isRegularFile(dir.resolve("signal.jfr.part").resolve(RecordingRepository.README)));
            Thread.sleep(2000);
            MiniZeek.run(List.of("kill", "-" + signal, Long.toString(spy.pid())), 10);
            assertEquals(0, spy.awaitExit(60), spy.err());
            assertTrue(zeek.alive(), "Zeek keeps running");
            assertEquals(0, RecordCommandTest.tracerOf(zeek.pid()), "Zeek is no longer traced");

            long summary = spy.summarySamples();
            assertTrue(summary > 50, spy.err());
            assertEquals(summary, Recordings.samples(jfr).size(), "the recording holds every sample the summary counts");
            assertEquals(summary, RecordCommandTest.jmcSampleCount(jfr), "and JMC reads them all");
            assertFalse(Files.exists(dir.resolve("signal.jfr.part")), "the chunk directory is gone");
            assertFalse(spy.err().contains("Exception"), spy.err());
        }
    }
}
