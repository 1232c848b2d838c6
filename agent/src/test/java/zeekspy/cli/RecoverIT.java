package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.ConversionSummary;
import zeekspy.convert.ConvertOptions;
import zeekspy.convert.Converter;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * SIGKILL to {@code zeek-spy record} (the jar as built): the chunks stay in OUT.part, and
 * {@code zeek-spy recover} turns them into a recording that jdk.jfr, JMC and the converter read
 * in full, missing at most the last 1.5 s before the kill.
 */
class RecoverIT {
    static final int RATE = 200;

    @Test
    void aKilledRecordingIsRecoveredUpToAboutASecondBeforeTheKill(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("killed.jfr");
        Path part = dir.resolve("killed.jfr.part");
        Instant killed;
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "300")) {
            SpyJar spy = SpyJar.start(dir, "record", "--pid", Integer.toString(zeek.pid()), "--rate", Integer.toString(RATE),
                    "--nonblocking", "--jfr", jfr.toString());
            spy.awaitRecording();
            Thread.sleep(4000);
            killed = Instant.now();
            spy.process.destroyForcibly(); // SIGKILL
            assertTrue(spy.process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, spy.process.exitValue());
            assertTrue(zeek.alive(), "Zeek keeps running");
            assertEquals(0, RecordCommandTest.tracerOf(zeek.pid()), "Zeek is not traced");

            // The chunks are not overwritten by the next recording to the same file.
            SpyJar again = SpyJar.run(Files.createDirectory(dir.resolve("again")), "record", "--pid",
                    Integer.toString(zeek.pid()), "--duration", "1", "--jfr", jfr.toString());
            assertEquals(1, again.process.exitValue(), again.err());
            assertEquals(List.of("zeek-spy: cannot record to " + jfr + ": " + part + " holds the chunks of an earlier"
                    + " recording that did not end; 'zeek-spy recover " + part + "' rebuilds it (or remove the directory)"),
                    again.lines());
        }
        assertFalse(Files.exists(jfr));
        assertTrue(Files.isDirectory(part));

        // convert reads the chunk directory as it is (via a recovered copy), in the API and the CLI.
        ConversionSummary direct = Converter.convert(List.of(part), dir.resolve("direct.collapsed"),
                ConvertOptions.defaults().withIdle(true));
        assertTrue(direct.warnings().get(0).contains("was not finished"), direct.warnings().toString());
        SpyJar convert = SpyJar.run(Files.createDirectory(dir.resolve("convert")), "convert", "--idle", part.toString(),
                dir.resolve("cli.collapsed").toString());
        assertEquals(0, convert.process.exitValue(), convert.err());
        assertTrue(convert.err().contains(" of " + direct.samplesRead() + " zeek.Sample samples"), convert.err());

        Path recoverDir = Files.createDirectory(dir.resolve("recover"));
        SpyJar recover = SpyJar.run(recoverDir, "recover", part.toString());
        assertEquals(0, recover.process.exitValue(), recover.err());
        assertTrue(recover.err().contains("up to the last flush"), recover.err());
        assertTrue(recover.err().contains("zeek-spy: wrote " + jfr), recover.err());
        assertFalse(Files.exists(part), "recover removes the chunk directory once the recording is written");

        List<RecordedEvent> samples = Recordings.samples(jfr);
        assertTrue(recover.err().contains("recovered " + samples.size() + " zeek.Sample events"), recover.err());
        assertEquals(samples.size(), direct.samplesRead(), "convert of the directory read the same samples");
        assertEquals(samples.size(), RecordCommandTest.jmcSampleCount(jfr), "JMC reads every sample");
        List<Instant> times = new ArrayList<>();
        samples.forEach(e -> times.add(e.getStartTime()));
        times.sort(null);
        Instant first = times.get(0);
        Instant last = times.get(times.size() - 1);
        long lostMillis = killed.toEpochMilli() - last.toEpochMilli();
        assertTrue(lostMillis < 1500, "the last recovered sample is " + lostMillis + " ms before the kill");
        // No hole: the samples run on from the first to the last, as the sampler took them.
        long widestGap = 0;
        for (int i = 1; i < times.size(); i++) {
            widestGap = Math.max(widestGap, times.get(i).toEpochMilli() - times.get(i - 1).toEpochMilli());
        }
        assertTrue(widestGap < 1000, "a " + widestGap + " ms hole between samples");
        double seconds = (last.toEpochMilli() - first.toEpochMilli()) / 1000.0;
        assertTrue(seconds > 2, seconds + " s of samples");
        assertTrue(samples.size() > 0.3 * RATE * seconds, samples.size() + " samples in " + seconds + " s at " + RATE + " Hz");
        System.out.printf("RecoverIT: %d samples over %.2f s, the last %d ms before the kill%n", samples.size(), seconds, lostMillis);
    }

    @Test
    void recoverSaysWhatIsWrongInOneLine(@TempDir Path dir) throws Exception {
        SpyJar missing = SpyJar.run(dir, "recover", dir.resolve("none.jfr.part").toString());
        assertEquals(1, missing.process.exitValue());
        assertEquals(List.of("zeek-spy: " + dir.resolve("none.jfr.part") + ": no such file or directory"), missing.lines());

        Path empty = Files.createDirectory(dir.resolve("empty.jfr.part"));
        SpyJar nothing = SpyJar.run(dir, "recover", empty.toString());
        assertEquals(1, nothing.process.exitValue());
        assertEquals(List.of("zeek-spy: nothing to recover in " + empty + ": no JFR chunk with flushed data"), nothing.lines());

        Files.writeString(dir.resolve("taken.jfr"), "x");
        SpyJar exists = SpyJar.run(dir, "recover", empty.toString(), dir.resolve("taken.jfr").toString());
        assertEquals(1, exists.process.exitValue());
        assertEquals(List.of("zeek-spy: " + dir.resolve("taken.jfr") + " exists: name another output file (zeek-spy recover "
                + empty + " OUT)"), exists.lines());
    }
}
