package zeekspy.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.convert.pprof.PprofProto;

/** The pprof output: read back with the generated classes, and by {@code go tool pprof}. */
class PprofOutputTest {
    @TempDir
    static Path dir;
    static Path recording;

    @BeforeAll
    static void record() throws Exception {
        recording = StandardRecording.write(dir.resolve("standard.jfr"));
    }

    @Test
    void gzippedProfileIsWellFormed() throws Exception {
        PprofProto.Profile profile = convert("out.pb.gz", ConvertOptions.defaults());
        checkWellFormed(profile);
        List<String> strings = profile.getStringTableList();
        assertEquals("samples", strings.get((int) profile.getSampleType(0).getType()));
        assertEquals("count", strings.get((int) profile.getSampleType(0).getUnit()));
        assertEquals("cpu", strings.get((int) profile.getSampleType(1).getType()));
        assertEquals("nanoseconds", strings.get((int) profile.getSampleType(1).getUnit()));
        assertEquals("cpu", strings.get((int) profile.getPeriodType().getType()));
        assertEquals(StandardRecording.PERIOD, profile.getPeriod());
        assertTrue(strings.get((int) profile.getComment(0)).contains("zeek-spy"));
        long now = System.currentTimeMillis() * 1_000_000L;
        assertTrue(profile.getTimeNanos() > now - 600_000_000_000L && profile.getTimeNanos() <= now, "time_nanos");
        assertTrue(profile.getDurationNanos() > 0 && profile.getDurationNanos() < 600_000_000_000L, "duration_nanos");
    }

    @Test
    void samplesCarryStacksValuesAndLabels() throws Exception {
        PprofProto.Profile profile = convert("labels.pb", ConvertOptions.defaults());
        Map<String, long[]> byStack = new HashMap<>();
        for (PprofProto.Sample sample : profile.getSampleList()) {
            byStack.merge(stack(profile, sample) + " " + labels(profile, sample),
                    new long[] {sample.getValue(0), sample.getValue(1)},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
        assertArrayEquals(new long[] {30, 300_000_000L},
                byStack.get("fmt <- Site::is_local_addr@42 <- zeek_init@10 {kind=script, node=worker-1, pid=100}"));
        assertArrayEquals(new long[] {20, 200_000_000L},
                byStack.get("Log::write@300 <- connection_state_remove@120 {kind=script, node=worker-2, pid=200}"));
        assertArrayEquals(new long[] {4, 40_000_000L},
                byStack.get("<native> <- <empty_call_stack> {kind=native, node=worker-1, pid=100}"));
        assertArrayEquals(new long[] {3, 30_000_000L},
                byStack.get(StandardRecording.ODD_NAME + "@7 {kind=script, pid=300}"));
        assertEquals(6, byStack.size(), byStack.keySet().toString());
    }

    @Test
    void functionGranularityHasOneLocationPerFunction() throws Exception {
        PprofProto.Profile profile = convert("functions.pb", ConvertOptions.defaults().withGranularity(Granularity.FUNCTIONS));
        checkWellFormed(profile);
        Set<Long> functionsWithLocation = new HashSet<>();
        for (PprofProto.Location location : profile.getLocationList()) {
            assertEquals(0, location.getLine(0).getLine());
            assertTrue(functionsWithLocation.add(location.getLine(0).getFunctionId()), "one location per function");
        }
        PprofProto.Function site = function(profile, "Site::is_local_addr");
        assertEquals(42, site.getStartLine(), "lowest line seen");
        assertEquals(StandardRecording.SITE, profile.getStringTable((int) site.getFilename()));
        assertEquals("", profile.getStringTable((int) function(profile, "fmt").getFilename()), "built-ins have no file");
    }

    @Test
    void lineGranularityHasOneLocationPerFunctionAndLine() throws Exception {
        PprofProto.Profile profile = convert("lines.pb", ConvertOptions.defaults());
        long siteId = function(profile, "Site::is_local_addr").getId();
        Set<Long> siteLines = new HashSet<>();
        for (PprofProto.Location location : profile.getLocationList()) {
            if (location.getLine(0).getFunctionId() == siteId) {
                assertTrue(siteLines.add(location.getLine(0).getLine()));
            }
        }
        assertEquals(Set.of(42L, 43L), siteLines);
    }

    @Test
    void goToolPprofListsTheFunctionsFilesAndLines() throws Exception {
        Path profile = dir.resolve("go.pb.gz");
        Converter.convert(List.of(recording), profile, ConvertOptions.defaults());
        String raw = goPprof("-raw", profile.toString());
        assertTrue(raw.contains("PeriodType: cpu nanoseconds"), raw);
        assertTrue(raw.contains("Period: 10000000"), raw);
        assertTrue(raw.matches("(?s).*\\n\\s+30\\s+300000000: \\d+ \\d+ \\d+ \\n.*"), raw);
        assertTrue(raw.matches("(?s).*\\d+: 0x0 (M=\\d+ )?Site::is_local_addr " + StandardRecording.SITE + ":42 s=42\\n.*"), raw);
        assertTrue(raw.matches("(?s).*\\d+: 0x0 (M=\\d+ )?Log::write " + StandardRecording.LOG + ":300 s=300\\n.*"), raw);
        assertTrue(raw.contains("node:[worker-1]") && raw.contains("pid:[100]") && raw.contains("kind:[native]"), raw);

        String top = goPprof("-top", "-lines", profile.toString());
        assertTrue(top.matches("(?s).*\\n\\s+300ms\\s+43\\.48%\\s+43\\.48%\\s+300ms\\s+43\\.48%\\s+fmt\\n.*"), top);
        assertTrue(top.matches("(?s).*\\n\\s+220ms\\s+31\\.88%\\s+75\\.36%\\s+220ms\\s+31\\.88%\\s+Log::write "
                + StandardRecording.LOG + ":300\\n.*"), top);
        assertTrue(top.matches("(?s).*\\n\\s+0\\s+0%\\s+100%\\s+400ms\\s+57\\.97%\\s+zeek_init " + StandardRecording.LOCAL + ":10\\n.*"), top);
        assertTrue(top.contains("Showing nodes accounting for 690ms, 100% of 690ms total"), top);
    }

    /** Checks what the pprof format requires: ids non-zero and unique, every reference resolves. */
    static void checkWellFormed(PprofProto.Profile profile) {
        List<String> strings = profile.getStringTableList();
        assertEquals("", strings.get(0), "string_table[0]");
        Set<Long> functionIds = new HashSet<>();
        for (PprofProto.Function function : profile.getFunctionList()) {
            assertNotEquals(0, function.getId());
            assertTrue(functionIds.add(function.getId()), "unique function id");
            assertString(strings, function.getName());
            assertString(strings, function.getSystemName());
            assertString(strings, function.getFilename());
            assertFalse(strings.get((int) function.getName()).isEmpty(), "function name");
        }
        Set<Long> locationIds = new HashSet<>();
        for (PprofProto.Location location : profile.getLocationList()) {
            assertNotEquals(0, location.getId());
            assertTrue(locationIds.add(location.getId()), "unique location id");
            assertEquals(1, location.getLineCount());
            assertTrue(functionIds.contains(location.getLine(0).getFunctionId()), "location's function exists");
            assertEquals(0, location.getMappingId());
        }
        Set<Long> usedLocations = new HashSet<>();
        Set<Long> usedFunctions = new HashSet<>();
        for (PprofProto.Sample sample : profile.getSampleList()) {
            assertEquals(profile.getSampleTypeCount(), sample.getValueCount());
            assertTrue(sample.getValue(0) > 0);
            assertEquals(sample.getValue(0) * profile.getPeriod(), sample.getValue(1), "cpu = count x period");
            assertTrue(sample.getLocationIdCount() > 0);
            for (long id : sample.getLocationIdList()) {
                assertTrue(locationIds.contains(id), "sample's location exists");
                usedLocations.add(id);
            }
            for (PprofProto.Label label : sample.getLabelList()) {
                assertString(strings, label.getKey());
                assertString(strings, label.getStr());
            }
        }
        for (PprofProto.Location location : profile.getLocationList()) {
            usedFunctions.add(location.getLine(0).getFunctionId());
        }
        assertEquals(locationIds, usedLocations, "every location is used");
        assertEquals(functionIds, usedFunctions, "every function is used");
        for (PprofProto.ValueType type : profile.getSampleTypeList()) {
            assertString(strings, type.getType());
            assertString(strings, type.getUnit());
        }
        for (long comment : profile.getCommentList()) {
            assertString(strings, comment);
        }
        assertEquals(strings.size(), new HashSet<>(strings).size(), "strings are unique");
    }

    private static void assertString(List<String> strings, long index) {
        assertTrue(index >= 0 && index < strings.size(), "string index " + index);
    }

    private static PprofProto.Profile convert(String name, ConvertOptions options) throws Exception {
        Path output = dir.resolve(name);
        Converter.convert(List.of(recording), output, options);
        try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(output)) : Files.newInputStream(output)) {
            return PprofProto.Profile.parseFrom(in);
        }
    }

    private static PprofProto.Function function(PprofProto.Profile profile, String name) {
        return profile.getFunctionList().stream()
                .filter(f -> profile.getStringTable((int) f.getName()).equals(name)).findFirst().orElseThrow();
    }

    /** Innermost first: {@code function@line <- caller@line}. */
    private static String stack(PprofProto.Profile profile, PprofProto.Sample sample) {
        List<String> frames = new ArrayList<>();
        for (long id : sample.getLocationIdList()) {
            PprofProto.Location location = profile.getLocationList().stream().filter(l -> l.getId() == id).findFirst().orElseThrow();
            PprofProto.Line line = location.getLine(0);
            PprofProto.Function function = profile.getFunctionList().stream()
                    .filter(f -> f.getId() == line.getFunctionId()).findFirst().orElseThrow();
            frames.add(profile.getStringTable((int) function.getName()) + (line.getLine() > 0 ? "@" + line.getLine() : ""));
        }
        return String.join(" <- ", frames);
    }

    private static String labels(PprofProto.Profile profile, PprofProto.Sample sample) {
        java.util.TreeMap<String, String> labels = new java.util.TreeMap<>();
        for (PprofProto.Label label : sample.getLabelList()) {
            labels.put(profile.getStringTable((int) label.getKey()),
                    label.getStr() != 0 ? profile.getStringTable((int) label.getStr()) : String.valueOf(label.getNum()));
        }
        return labels.toString();
    }

    /** Runs {@code go tool pprof} offline in a scratch home; skips the test where Go is missing. */
    static String goPprof(String... args) throws IOException, InterruptedException {
        Path go = findOnPath("go");
        assumeTrue(go != null, "go is not installed");
        Path home = Files.createTempDirectory(dir, "go-home");
        List<String> command = new ArrayList<>(List.of(go.toString(), "tool", "pprof"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("GOPATH", home.resolve("gopath").toString());
        env.put("GOCACHE", home.resolve("cache").toString());
        env.put("PPROF_TMPDIR", home.toString());
        env.put("GOFLAGS", "-mod=mod");
        env.put("GOPROXY", "off");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "go tool pprof finished");
        assertEquals(0, process.exitValue(), out);
        return out;
    }

    static Path findOnPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
