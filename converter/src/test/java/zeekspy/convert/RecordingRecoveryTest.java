package zeekspy.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovering recordings a JVM left unfinished: killed with SIGKILL, files cut short or with junk. */
class RecordingRecoveryTest {
    @TempDir
    static Path dir;
    static Path repository;
    static Instant killed;

    /** A JVM records ticks for about 4 s into its disk repository and gets SIGKILL. */
    @BeforeAll
    static void recordAndKill() throws Exception {
        repository = dir.resolve("repository");
        Path started = dir.resolve("started");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:FlightRecorderOptions:repository=" + repository,
                "-cp", System.getProperty("java.class.path"), KilledRecorder.class.getName(), started.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("recorder.log").toFile()).start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(started)) {
            assertTrue(p.isAlive(), "the recorder ended: " + Files.readString(dir.resolve("recorder.log")));
            assertTrue(System.currentTimeMillis() < deadline, "the recorder did not start");
            Thread.sleep(20);
        }
        Thread.sleep(4000);
        killed = Instant.now();
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void theChunkBeingWrittenIsCutAtItsLastFlushpointAboutASecondBeforeTheKill() throws Exception {
        List<String> leftOut = new ArrayList<>();
        List<RecordingRecovery.Chunk> chunks = RecordingRecovery.scan(repository, leftOut);
        assertEquals(1, chunks.size(), chunks + " " + leftOut);
        assertFalse(chunks.get(0).finished(), "the killed JVM did not finish its chunk");

        Path out = dir.resolve("recovered.jfr");
        RecordingRecovery.Result r = RecordingRecovery.recover(repository, out);
        assertTrue(r.cut());
        assertTrue(RecordingRecovery.isComplete(out));
        List<RecordedEvent> ticks = ticks(out);
        assertEquals(r.events().get("test.Tick"), (long) ticks.size());
        TreeSet<Long> numbers = new TreeSet<>();
        Instant last = Instant.EPOCH;
        for (RecordedEvent e : ticks) {
            numbers.add(e.getLong("n"));
            last = e.getStartTime().isAfter(last) ? e.getStartTime() : last;
        }
        // One thread numbered the ticks: what was flushed is every tick up to some point, no gaps.
        assertEquals(0, numbers.first());
        assertEquals(numbers.size() - 1, numbers.last(), "ticks 0 to " + numbers.last() + " without gaps");
        assertTrue(numbers.size() > 200, numbers.size() + " ticks");
        long lostMillis = killed.toEpochMilli() - last.toEpochMilli();
        assertTrue(lostMillis < 1500, "the last recovered tick is " + lostMillis + " ms before the kill");
    }

    @Test
    void bothParsersConvertTheRepositoryDirectly() throws Exception {
        long ticks = ticks(RecordingRecovery.recover(repository, dir.resolve("ref.jfr")).output()).size();
        for (SampleSource source : Conversions.sources().toList()) {
            ConversionSummary s = Converter.convert(List.of(repository), dir.resolve("ticks-" + source.getClass().getSimpleName()
                    + ".collapsed"), ConvertOptions.defaults().withEvent("test.Tick"), source);
            assertEquals(ticks, s.samplesRead(), source.getClass().getSimpleName());
            assertTrue(s.warnings().get(0).contains("was not finished"), s.warnings().toString());
        }
    }

    @Test
    void aCutChunkFileIsReadUpToItsLastFlush() throws Exception {
        Path chunk = chunkFile();
        Path copy = Files.copy(chunk, dir.resolve("cut-copy.jfr"));
        assertFalse(RecordingRecovery.isComplete(copy));
        assertTrue(RecordingRecovery.isUnfinished(copy));
        Path out = dir.resolve("cut-recovered.jfr");
        RecordingRecovery.recover(copy, out);
        assertEquals(ticks(RecordingRecovery.recover(repository, dir.resolve("ref2.jfr")).output()).size(), ticks(out).size());
    }

    @Test
    void aFinishedRecordingIsCompleteAndRecoversUnchanged() throws Exception {
        Path finished = RecordingRecovery.recover(repository, dir.resolve("finished.jfr")).output();
        assertTrue(RecordingRecovery.isComplete(finished));
        assertFalse(RecordingRecovery.isUnfinished(finished));
        Path again = dir.resolve("again.jfr");
        RecordingRecovery.Result r = RecordingRecovery.recover(finished, again);
        assertFalse(r.cut());
        assertEquals(-1, Files.mismatch(finished, again), "the same bytes");
    }

    @Test
    void junkAfterTheLastChunkIsLeftOut() throws Exception {
        Path finished = RecordingRecovery.recover(repository, dir.resolve("junk-base.jfr")).output();
        Path junk = Files.copy(finished, dir.resolve("junk.jfr"));
        Files.write(junk, new byte[1000], StandardOpenOption.APPEND);
        assertFalse(RecordingRecovery.isComplete(junk));
        assertFalse(RecordingRecovery.isUnfinished(junk), "junk is for the readers to report");
        RecordingRecovery.Result r = RecordingRecovery.recover(junk, dir.resolve("junk-recovered.jfr"));
        assertEquals(-1, Files.mismatch(finished, r.output()));
        assertTrue(r.leftOut().get(0).contains("not a JFR chunk"), r.leftOut().toString());
    }

    @Test
    void chunksOfSeveralFilesGoInTimeOrder(@TempDir Path several) throws Exception {
        Path first = RecordingRecovery.recover(repository, dir.resolve("first.jfr")).output();
        Path second = Files.copy(first, several.resolve("a-second.jfr"));
        // The copy starts 10 s later and its ticks say so: the order follows the header, not the name.
        shiftStart(second, 10_000_000_000L);
        Files.copy(first, several.resolve("b-first.jfr"));
        List<RecordingRecovery.Chunk> chunks = RecordingRecovery.scan(several, new ArrayList<>());
        assertEquals(List.of("b-first.jfr", "a-second.jfr"),
                chunks.stream().map(c -> c.file().getFileName().toString()).toList());
        RecordingRecovery.Result r = RecordingRecovery.recover(several, dir.resolve("two.jfr"));
        assertEquals(2 * ticks(first).size(), ticks(r.output()).size());
    }

    @Test
    void aChunkWithNothingFlushedIsNothingToRecover(@TempDir Path empty) throws Exception {
        byte[] header = Files.readAllBytes(chunkFile());
        ByteBuffer b = ByteBuffer.wrap(java.util.Arrays.copyOf(header, 68));
        b.putLong(8, 68).putLong(16, 0).putLong(24, 0).put(64, (byte) 1);
        Files.write(empty.resolve("2026_01_01_00_00_00.jfr"), b.array());
        IOException e = assertThrows(IOException.class, () -> RecordingRecovery.recover(empty, empty.resolve("x.jfr")));
        assertTrue(e.getMessage().startsWith("nothing to recover in " + empty + ": no JFR chunk with flushed data"),
                e.getMessage());
        assertFalse(Files.exists(empty.resolve("x.jfr")));
    }

    @Test
    void aMissingSourceSaysSo() {
        Path missing = dir.resolve("missing.jfr.part");
        IOException e = assertThrows(IOException.class, () -> RecordingRecovery.recover(missing, dir.resolve("m.jfr")));
        assertEquals(missing + ": no such file or directory", e.getMessage());
    }

    private static Path chunkFile() throws IOException {
        try (Stream<Path> files = Files.walk(repository)) {
            return files.filter(f -> f.toString().endsWith(".jfr")).findFirst().orElseThrow();
        }
    }

    private static void shiftStart(Path file, long nanos) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(68);
            c.read(b, 0);
            long ticksPerSecond = b.getLong(56);
            b.putLong(32, b.getLong(32) + nanos);
            b.putLong(48, b.getLong(48) + nanos / 1_000_000_000L * ticksPerSecond);
            b.rewind();
            c.write(b, 0);
        }
    }

    private static List<RecordedEvent> ticks(Path file) throws IOException {
        List<RecordedEvent> out = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals("test.Tick")) {
                out.add(e);
            }
        }
        return out;
    }
}
