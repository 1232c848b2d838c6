package zeekspy.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import zeekspy.testing.Await;

class ProcFsTest {

    @Test
    void parsesMapsLines() {
        ProcFs.Mapping m = ProcFs.parseMapping("55d0c6a00000-55d0c6a2b000 r-xp 00001000 fd:01 1234567                    /usr/local/zeek/bin/zeek (deleted)");
        assertEquals(0x55d0c6a00000L, m.start());
        assertEquals(0x55d0c6a2b000L, m.end());
        assertTrue(m.readable());
        assertTrue(m.executable());
        assertEquals(0x1000, m.offset());
        assertEquals("fd:01", m.device());
        assertEquals(1234567, m.inode());
        assertTrue(m.deleted());
        assertEquals("/usr/local/zeek/bin/zeek", m.filePath());
        ProcFs.Mapping anonymous = ProcFs.parseMapping("7ffd1000-7ffd2000 rw-p 00000000 00:00 0");
        assertEquals("", anonymous.path());
        assertFalse(anonymous.executable());
        ProcFs.Mapping vsyscall = ProcFs.parseMapping("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]");
        assertEquals(0xffffffffff600000L, vsyscall.start());
        assertEquals("[vsyscall]", vsyscall.path());
        assertTrue(vsyscall.contains(0xffffffffff600800L));
        assertThrows(IllegalArgumentException.class, () -> ProcFs.parseMapping("garbage"));
    }

    @Test
    void findsTheLoadBaseOfThePieExecutable() throws Exception {
        try (Helper helper = Helper.start("sleep")) {
            assertEquals(helper.address("base"), ProcFs.exeLoadBase(helper.pid));
            assertEquals(Helper.binary().toString(), ProcFs.exeTarget(helper.pid));
            assertEquals(Path.of("/proc/" + helper.pid + "/exe"), ProcFs.exe(helper.pid));
        }
    }

    @Test
    void findsTheLoadBaseWhenTheExecutableWasDeleted() throws Exception {
        Path copy = Files.createTempDirectory("zeekspy-del").resolve("zs-mem-helper");
        Files.copy(Helper.binary(), copy);
        copy.toFile().setExecutable(true);
        try (Helper helper = Helper.start(copy, "sleep", Map.of())) {
            Files.delete(copy);
            assertTrue(ProcFs.exeTarget(helper.pid).endsWith(" (deleted)"));
            assertEquals(helper.address("base"), ProcFs.exeLoadBase(helper.pid));
            byte[] elf = Files.readAllBytes(ProcFs.exe(helper.pid));
            assertEquals(0x7f, elf[0], "the deleted file is still readable through /proc/PID/exe");
        }
    }

    @Test
    void readsThreadStateAndSyscall() throws Exception {
        try (Helper sleeper = Helper.start("sleep"); Helper spinner = Helper.start("spin")) {
            Await.until(() -> ProcFs.mainThreadState(sleeper.pid) == 'S', "sleeping");
            assertFalse(ProcFs.isExiting(sleeper.pid));
            Await.until(() -> {
                int syscall = ProcFs.currentSyscall(sleeper.pid, sleeper.pid).orElse(-2);
                boolean arm = System.getProperty("os.arch").equals("aarch64");
                return arm ? syscall == 101 || syscall == 115 : syscall == 35 || syscall == 230; // (clock_)nanosleep
            }, "in nanosleep");
            Await.until(() -> ProcFs.mainThreadState(spinner.pid) == 'R', "running");
            Await.until(() -> ProcFs.threadStat(spinner.pid, spinner.pid).utimeTicks() > 0, "CPU time");
            try (PtraceSession session = PtraceSession.seize(spinner.pid)) {
                session.pause(() -> assertEquals('t', ProcFs.mainThreadState(spinner.pid)));
            }
        }
    }

    @Test
    void readsEnvironmentCommAndFindsProcessesByExeName() throws Exception {
        try (Helper helper = Helper.start(Helper.binary(), "sleep", Map.of("CLUSTER_NODE", "logger-1"))) {
            assertEquals("logger-1", ProcFs.environ(helper.pid, "CLUSTER_NODE").orElseThrow());
            assertTrue(ProcFs.environ(helper.pid, "CLUSTER_NODE_NOT_THERE").isEmpty());
            assertEquals("zs-mem-helper", ProcFs.comm(helper.pid));
            List<Integer> found = ProcFs.findByExeName("zs-mem-helper");
            assertTrue(found.contains(helper.pid), found + " has " + helper.pid);
            assertTrue(found.contains((int) helper.process.pid()), "the forking parent runs the same program");
            assertEquals(0, ProcFs.tracerPid(helper.pid));
            assertEquals(helper.pid, ProcFs.tgid(helper.pid));
        }
        assertEquals(List.of(), ProcFs.findByExeName("no-such-program-zs"));
    }

    @Test
    void readsTheEnvironmentOutOfMemoryAsEnvironShowsIt() throws Exception {
        try (Helper helper = Helper.start(Helper.binary(), "sleep", Map.of("CLUSTER_NODE", "worker-3"));
             ProcessVmMemory memory = ProcessVmMemory.open(helper.pid)) {
            String environ = Files.readString(Path.of("/proc/" + helper.pid + "/environ"));
            assertEquals(environ, ProcFs.environmentBlock(helper.pid, memory));
            assertEquals("worker-3", ProcFs.environ(helper.pid, "CLUSTER_NODE", memory).orElseThrow());
        }
    }

    @Test
    void missingProcessesAreReportedInOneLine() {
        ProcessAccessException e = assertThrows(ProcessAccessException.class, () -> ProcFs.maps(999_999_999));
        assertEquals("no process with pid 999999999", e.getMessage());
        assertFalse(ProcFs.exists(999_999_999));
        assertTrue(ProcFs.isExiting(999_999_999), "gone counts as exited");
        assertEquals(-1, ProcFs.tracerPid(999_999_999));
    }

    @Test
    void yamaScopeMatchesTheKernelSetting() throws Exception {
        Path scope = Path.of("/proc/sys/kernel/yama/ptrace_scope");
        if (Files.exists(scope)) {
            assertEquals(Integer.parseInt(Files.readString(scope).trim()), ProcFs.yamaPtraceScope().getAsInt());
        } else {
            assertTrue(ProcFs.yamaPtraceScope().isEmpty());
        }
    }

    @Test
    void statFieldsAreFoundAfterACommWithSpacesAndParentheses() {
        String line = "42 (a) b (c) R 1 42 7 0 -1 4194560 5\n";
        com.sun.jna.Memory m = new com.sun.jna.Memory(line.length());
        m.write(0, line.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, line.length());
        assertEquals(line.indexOf('R'), ProcFs.statFieldOffset(m, line.length(), 3));
        assertEquals(line.indexOf("7 "), ProcFs.statFieldOffset(m, line.length(), 6));
        assertEquals(line.indexOf("5\n"), ProcFs.statFieldOffset(m, line.length(), 10));
        assertEquals(-1, ProcFs.statFieldOffset(m, line.length(), 11), "past the end");
        assertEquals(-1, ProcFs.statFieldOffset(m, line.indexOf(" 42 7"), 6), "cut short");
    }
}
