package zeekspy.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Inputs and outputs that cannot be converted, or only in part: one-line errors and warnings. */
class BadInputTest {
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
    void fileThatIsNoRecording(SampleSource source) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "FLR is not enough\n");
        assertEquals(text + " is not a JFR recording", error(List.of(text), "x.pb.gz", source));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void emptyFile(SampleSource source) throws Exception {
        Path empty = Files.write(dir.resolve("empty.jfr"), new byte[0]);
        assertEquals(empty + " is not a JFR recording: it is empty", error(List.of(empty), "x.pb.gz", source));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void missingFile(SampleSource source) throws Exception {
        Path missing = dir.resolve("missing.jfr");
        assertEquals(missing + ": no such file", error(List.of(missing), "x.pb.gz", source));
    }

    @ParameterizedTest
    @MethodSource("sources")
    void recordingCutInHalfHasNothingReadable(SampleSource source) throws Exception {
        byte[] whole = Files.readAllBytes(recording);
        Path half = Files.write(dir.resolve("half.jfr"), java.util.Arrays.copyOf(whole, whole.length / 2));
        String message = error(List.of(half), "x.pb.gz", source);
        assertTrue(message.startsWith(half + " is damaged: "), message);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void recordingCutInItsSecondChunkKeepsTheFirst(SampleSource source) throws Exception {
        byte[] whole = Files.readAllBytes(recording);
        byte[] cut = new byte[whole.length + whole.length / 2];
        System.arraycopy(whole, 0, cut, 0, whole.length);
        System.arraycopy(whole, 0, cut, whole.length, whole.length / 2);
        Path file = Files.write(dir.resolve("cut-" + source.getClass().getSimpleName() + ".jfr"), cut);
        Path output = dir.resolve("cut.collapsed");
        ConversionSummary summary = Converter.convert(List.of(file), output, ConvertOptions.defaults(), source);
        if (source instanceof FastJfrSource) {
            assertEquals(StandardRecording.ALL, summary.samplesRead());
            assertEquals(StandardRecording.COLLAPSED, Files.readString(output));
        } else {
            // RecordingFile reads one event ahead: the last event before the cut is lost with the exception.
            assertTrue(summary.samplesRead() >= StandardRecording.ALL - 1, summary.describe());
        }
        assertEquals(1, summary.warnings().size(), summary.warnings().toString());
        String warning = summary.warnings().get(0);
        assertTrue(warning.startsWith(file + " is cut short or damaged: converted what could be read ("), warning);
        assertFalse(warning.contains("\n"), warning);
    }

    @ParameterizedTest
    @MethodSource("sources")
    void recordingOfACrashedProcessConvertsUpToItsLastFlush(SampleSource source) throws Exception {
        Path repository = crashedRecording();
        List<Path> chunks;
        try (Stream<Path> files = Files.walk(repository)) {
            chunks = files.filter(p -> p.toString().endsWith(".jfr")).sorted().collect(Collectors.toList());
        }
        assertFalse(chunks.isEmpty(), "the crashed process left chunk files");
        Path output = dir.resolve("crashed.collapsed");
        ConversionSummary summary = Converter.convert(chunks, output, ConvertOptions.defaults(), source);
        assertTrue(summary.samplesRead() > 0, summary.describe());
        String collapsed = Files.readString(output);
        assertTrue(collapsed.matches("zeek_init \\(" + StandardRecording.LOCAL + ":10\\);Site::is_local_addr \\("
                + StandardRecording.SITE + ":42\\) " + summary.samplesWritten() + "\n"), collapsed);
    }

    @Test
    void recordingWithoutZeekSamplesNamesItsEventTypes() throws Exception {
        Path javaOnly = dir.resolve("java.jfr");
        try (Recording r = new Recording()) {
            r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10));
            r.enable("jdk.JavaMonitorWait").withThreshold(java.time.Duration.ZERO);
            r.start();
            JavaEventTest.busy(2_000);
            r.stop();
            r.dump(javaOnly);
        }
        String message = error(List.of(javaOnly), "x.pb.gz", new FastJfrSource());
        assertTrue(message.matches("no zeek\\.Sample events in java\\.jfr; event types with stack traces: "
                + ".*jdk\\.ExecutionSample \\(\\d+\\).* \\(convert one with --event NAME\\)"), message);
        assertEquals(message, error(List.of(javaOnly), "x.pb.gz", new RecordingFileSource()));
    }

    @Test
    void recordingWithoutEvents() throws Exception {
        Path none = dir.resolve("none.jfr");
        try (Recording r = new Recording()) {
            r.start();
            r.stop();
            r.dump(none);
        }
        assertEquals("no zeek.Sample events in none.jfr: the recording has no events at all",
                error(List.of(none), "x.pb.gz", new FastJfrSource()));
    }

    @Test
    void unwritableOutputs() throws Exception {
        Path subdir = Files.createDirectories(dir.resolve("out.pb.gz"));
        assertEquals("cannot write " + subdir + ": it is a directory", error(List.of(recording), subdir, new FastJfrSource()));
        Path nowhere = dir.resolve("no/such/dir/out.html");
        assertEquals("cannot write " + nowhere + ": no directory " + nowhere.getParent(),
                error(List.of(recording), nowhere, new FastJfrSource()));
        Path unknown = dir.resolve("out.svg");
        assertEquals("cannot tell the output format from the name " + unknown
                + ": use .pb.gz, .pb, .html, .collapsed or .txt, or name the format",
                error(List.of(recording), unknown, new FastJfrSource()));
    }

    @Test
    void noInputs() {
        ConversionException e = assertThrows(ConversionException.class,
                () -> Converter.convert(List.of(), dir.resolve("x.pb"), ConvertOptions.defaults()));
        assertEquals("no input recordings", e.getMessage());
    }

    private static String error(List<Path> inputs, String output, SampleSource source) {
        return error(inputs, dir.resolve(output), source);
    }

    private static String error(List<Path> inputs, Path output, SampleSource source) {
        ConversionException e = assertThrows(ConversionException.class,
                () -> Converter.convert(inputs, output, ConvertOptions.defaults(), source));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static Path crashedRepository;

    /** Runs {@link CrashingSampler} with its JFR repository in a temp dir and kills it mid-recording. */
    private static synchronized Path crashedRecording() throws Exception {
        if (crashedRepository != null) {
            return crashedRepository;
        }
        Path repository = Files.createDirectories(dir.resolve("repository"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:FlightRecorderOptions:repository=" + repository + ",stackdepth=512",
                "-cp", System.getProperty("java.class.path"), CrashingSampler.class.getName()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("sampling", out.readLine());
            // JFR flushes disk recordings about once a second: let at least one flush happen.
            Thread.sleep(2_500);
        } finally {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        }
        crashedRepository = repository;
        return repository;
    }
}
