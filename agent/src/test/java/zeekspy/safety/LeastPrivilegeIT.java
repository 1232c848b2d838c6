package zeekspy.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.memory.ProcFs;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * Least privilege: zeek-spy run as user nobody with CAP_SYS_PTRACE and no other privilege
 * records a Zeek that root runs; without the capability it fails with one line; as Zeek's own
 * user it needs no capability where Yama's ptrace_scope allows it. The test switches users with
 * setpriv, so it runs only as root.
 */
class LeastPrivilegeIT {
    private static final String USER = "nobody";
    /** CAP_SYS_PTRACE is capability 19. */
    private static final String ONLY_CAP_SYS_PTRACE = "0000000000080000";
    private static final String NO_CAPS = "0000000000000000";

    private static Path dir;
    private static Path jar;
    private static Path inferior;
    private static Path out;
    private static String group;

    @BeforeAll
    static void copyFilesForNobody() throws Exception {
        assumeTrue("0".equals(run("id", "-u").strip()), "switching users needs root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        group = run("id", "-gn", USER).strip();
        // Files under the checkout or a @TempDir (mode 700) may be out of nobody's reach: copies in a 755 directory.
        // Not named zeek: tests of record --all look for every executable of that name.
        dir = Files.createTempDirectory("zeek-spy-least-privilege");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.copy(ZeekSpyJar.jar(), dir.resolve("zeek-spy.jar"));
        inferior = Files.copy(MiniZeek.binary("gcc", "8.0", ""), dir.resolve("mini-zeek-8.0"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(inferior, PosixFilePermissions.fromString("rwxr-xr-x"));
        out = Files.createDirectory(dir.resolve("out"));
        UserPrincipalLookupService users = out.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(out, users.lookupPrincipalByName(USER));
    }

    @AfterAll
    static void removeFiles() throws IOException {
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void nobodyWithOnlyCapSysPtraceRecordsARootOwnedZeek() throws Exception {
        try (RunningInferior zeek = RunningInferior.start(Path.of("/usr/bin/env"), "CLUSTER_NODE=worker-lp", inferior.toString(),
                "--run", "600", "--workload", "mixed")) {
            assertEquals("0", ProcessResources.statusField(zeek.pid(), "Uid:").split("\\s+")[0], "the inferior runs as root");
            Path jfr = out.resolve("capability.jfr");
            Result r = record(true, zeek.pid(), jfr);
            assertEquals(0, r.exitCode(), r.stderr());
            assertEquals(USER, Files.getOwner(jfr).getName());
            // The JVM's environment node name is in /proc/PID/environ, which only root may read: it comes from memory.
            assertTrue(r.stderr().contains("pid " + zeek.pid() + " (worker-lp)"), r.stderr());
            // Real-time priority needs CAP_SYS_NICE: it samples without, and says what that costs.
            assertTrue(r.stderr().contains("zeek-spy: no real-time priority for sampling (sched_setscheduler: Operation not"
                    + " permitted): when every CPU is busy, samples come late"), r.stderr());

            List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
            RecordedEvent process = only(events, ZeekJfrFormat.PROCESS_EVENT);
            assertEquals("worker-lp", process.getString("node"));
            List<RecordedEvent> samples = of(events, ZeekJfrFormat.SAMPLE_EVENT);
            assertTrue(samples.size() > 100, samples.size() + " samples in 4 s at 200 Hz (a loaded machine misses many)");
            Map<String, Long> kinds = samples.stream().collect(Collectors.groupingBy(e -> e.getString("kind"), Collectors.counting()));
            // A missing permission fails every read; stacks changing under the reader fail a few (other tests count those).
            assertTrue(kinds.getOrDefault("error", 0L) < samples.size() / 4, "few error samples: " + kinds);
            assertTrue(kinds.getOrDefault("script", 0L) > samples.size() / 3, "script samples (67 % nominal): " + kinds);
        }
    }

    /**
     * With the mixed workload 15 % of wall time is idle (blocked in ppoll). Telling idle from busy
     * in C++ must not need more than CAP_SYS_PTRACE: /proc/PID/syscall is readable by the
     * process's owner only. Blocking mode reads the stopped thread's registers instead, and
     * non-blocking mode, which holds no stopped thread, its scheduler state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"blocking", "nonblocking"})
    void nobodyWithOnlyCapSysPtraceTellsIdleFromBusyInCpp(String mode) throws Exception {
        try (RunningInferior zeek = RunningInferior.start(inferior, "--run", "600", "--workload", "mixed")) {
            Path jfr = out.resolve("idle-" + mode + ".jfr");
            Result r = mode.equals("blocking") ? record(true, zeek.pid(), jfr) : record(true, zeek.pid(), jfr, "--nonblocking");
            assertEquals(0, r.exitCode(), r.stderr());
            List<RecordedEvent> samples = of(RecordingFile.readAllEvents(jfr), ZeekJfrFormat.SAMPLE_EVENT);
            Map<String, Long> kinds = samples.stream().collect(Collectors.groupingBy(e -> e.getString("kind"), Collectors.counting()));
            long idle = kinds.getOrDefault("idle", 0L);
            assertTrue(idle > samples.size() / 20, "idle samples (15 % nominal) among " + kinds);
            assertTrue(kinds.getOrDefault("native", 0L) < samples.size() / 2, "busy in C++ (13 % nominal) among " + kinds);
        }
    }

    @Test
    void nobodyWithoutTheCapabilityIsToldSoInOneLine() throws Exception {
        try (RunningInferior zeek = RunningInferior.start(inferior, "--run", "600")) {
            Path jfr = out.resolve("denied.jfr");
            Result r = record(false, zeek.pid(), jfr);
            assertEquals(1, r.exitCode(), r.stderr());
            List<String> lines = r.stderr().lines().toList();
            assertEquals(1, lines.size(), r.stderr());
            assertTrue(lines.get(0).startsWith("zeek-spy: permission denied reading process " + zeek.pid()
                    + ": zeek-spy needs root or CAP_SYS_PTRACE (ptrace and process_vm_readv need PTRACE_MODE_ATTACH)"), lines.get(0));
            assertFalse(Files.exists(jfr), "no recording");
            assertEquals(0, ProcFs.tracerPid(zeek.pid()), "never attached");
        }
    }

    /** Without any capability zeek-spy may trace a Zeek of its own user where Yama is absent or its ptrace_scope is 0. */
    @Test
    void zeeksOwnUserNeedsNoCapabilityWhereYamaAllows() throws Exception {
        List<String> asNobody = new ArrayList<>(setpriv(false));
        asNobody.addAll(List.of(inferior.toString(), "--run", "600"));
        try (RunningInferior zeek = RunningInferior.start(Path.of(asNobody.get(0)), asNobody.subList(1, asNobody.size()).toArray(String[]::new))) {
            assertEquals(run("id", "-u", USER).strip(), ProcessResources.statusField(zeek.pid(), "Uid:").split("\\s+")[0]);
            Path jfr = out.resolve("same-user.jfr");
            Result r = record(false, zeek.pid(), jfr);
            OptionalInt scope = ProcFs.yamaPtraceScope();
            if (scope.isEmpty() || scope.getAsInt() == 0) {
                assertEquals(0, r.exitCode(), "Yama " + (scope.isEmpty() ? "absent" : "ptrace_scope 0") + ": " + r.stderr());
                assertTrue(of(RecordingFile.readAllEvents(jfr), ZeekJfrFormat.SAMPLE_EVENT).size() > 100, r.stderr());
            } else {
                assertNotEquals(0, r.exitCode(), r.stderr());
                assertTrue(r.stderr().contains("kernel.yama.ptrace_scope is " + scope.getAsInt()), r.stderr());
            }
        }
    }

    private record Result(int exitCode, String stderr) {}

    /** {@code zeek-spy record} for 4 s at 200 Hz as nobody, with CAP_SYS_PTRACE or with no capability. */
    private static Result record(boolean capSysPtrace, int pid, Path jfr, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(setpriv(capSysPtrace));
        // HOME for the layout cache; JNA unpacks its native library into jna.tmpdir.
        cmd.addAll(List.of("env", "HOME=" + out, ZeekSpyJar.java(), "-Djna.tmpdir=" + out.resolve("jna"),
                "-XX:FlightRecorderOptions:stackdepth=2048", "-jar", jar.toString(),
                "record", "--pid", Integer.toString(pid), "--duration", "4", "--rate", "200", "--jfr", jfr.toString()));
        cmd.addAll(List.of(options));
        Path stderr = out.resolve(jfr.getFileName() + ".stderr");
        Process p = new ProcessBuilder(cmd).directory(out.toFile()).redirectErrorStream(false)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
        String capEff = null;
        String uid = null;
        while (p.isAlive() && capEff == null) {
            try {
                // setpriv and env exec: the pid is the JVM's from its exec on.
                if (Files.readString(Path.of("/proc/" + p.pid() + "/comm")).strip().equals("java")) {
                    capEff = ProcessResources.statusField(p.pid(), "CapEff:");
                    uid = ProcessResources.statusField(p.pid(), "Uid:");
                }
            } catch (IOException | AssertionError gone) {
                break;
            }
            Thread.sleep(20);
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("zeek-spy did not end: " + Files.readString(stderr));
        }
        if (capEff != null) {
            assertEquals(capSysPtrace ? ONLY_CAP_SYS_PTRACE : NO_CAPS, capEff, "the JVM's effective capabilities");
            assertEquals(run("id", "-u", USER).strip(), uid.split("\\s+")[0], "the JVM's real uid");
        }
        return new Result(p.exitValue(), Files.readString(stderr));
    }

    /** The setpriv command that runs what follows as nobody, with CAP_SYS_PTRACE (inherited and ambient) or with none. */
    private static List<String> setpriv(boolean capSysPtrace) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + USER, "--regid=" + group, "--clear-groups"));
        if (capSysPtrace) {
            cmd.addAll(List.of("--inh-caps=+sys_ptrace", "--ambient-caps=+sys_ptrace"));
        }
        return cmd;
    }

    private static List<RecordedEvent> of(List<RecordedEvent> events, String type) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type)).toList();
    }

    private static RecordedEvent only(List<RecordedEvent> events, String type) {
        List<RecordedEvent> found = of(events, type);
        assertEquals(1, found.size(), type);
        return found.get(0);
    }

    private static String run(String... command) {
        return MiniZeek.run(List.of(command), 30);
    }
}
