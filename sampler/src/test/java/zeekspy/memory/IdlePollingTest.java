package zeekspy.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.testing.Await;
import zeekspy.testing.CpuLimits;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdlePollingTest {
    @TempDir
    Path cpus;

    @Test
    void holdsTheThreadsCpuUntilReleased() throws Exception {
        fakeCpus("0");
        int pid = LibC.getpid();
        try (IdlePolling polling = IdlePolling.forThread(pid, pid, cpus)) {
            polling.hold();
            assertEquals(-1, polling.heldCpu(), "the CPU is looked up after a first pause");
            polling.release();
            polling.hold();
            int cpu = polling.heldCpu();
            assertTrue(cpu >= 0, "held");
            assertEquals("n/a", limit(cpu));
            for (int other : CpuLimits.cpuNumbers()) {
                if (other != cpu) {
                    assertEquals("0", limit(other), "cpu" + other + " untouched");
                }
            }
            polling.release();
            assertEquals(-1, polling.heldCpu());
            assertEquals("0", limit(cpu));
        }
    }

    @Test
    void aLimitAlreadySetIsLeftAlone() throws Exception {
        fakeCpus("50");
        int pid = LibC.getpid();
        try (IdlePolling polling = IdlePolling.forThread(pid, pid, cpus)) {
            polling.release();
            polling.hold();
            assertEquals(-1, polling.heldCpu());
            polling.release();
        }
        for (int cpu : CpuLimits.cpuNumbers()) {
            assertEquals("50", limit(cpu));
        }
    }

    @Test
    void withoutLimitFilesItDoesNothing() {
        int pid = LibC.getpid();
        try (IdlePolling polling = IdlePolling.forThread(pid, pid, cpus.resolve("missing"))) {
            polling.release();
            polling.hold();
            assertEquals(-1, polling.heldCpu());
            polling.release();
        }
    }

    @Test
    void theWatchdogClearsTheLimitWhenTheHolderIsKilled() throws Exception {
        fakeCpus("0");
        Process holder = new ProcessBuilder(Helper.javaCommand(IdlePollingMain.class, cpus.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            int cpu = Integer.parseInt(new BufferedReader(new InputStreamReader(holder.getInputStream())).readLine());
            assertTrue(cpu >= 0, "held");
            assertEquals("n/a", limit(cpu));
            holder.destroyForcibly().waitFor(); // SIGKILL: no clean-up of its own
            Await.until(() -> limit(cpu).equals("0"), 5_000, "the watchdog cleared cpu" + cpu);
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void closeClearsTheLimitAndTheWatchdogLeavesItAlone() throws Exception {
        fakeCpus("0");
        Process holder = new ProcessBuilder(Helper.javaCommand(IdlePollingMain.class, cpus.toString(), "close"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            int cpu = Integer.parseInt(out.readLine());
            assertEquals("closed", out.readLine());
            assertEquals("0", limit(cpu));
            // What the watchdog must not undo: a limit set after zeek-spy let go.
            Files.writeString(limitFile(cpu), "20");
            Await.until(() -> holder.descendants().findAny().isEmpty(), 5_000, "the watchdog ended");
            assertEquals("20", limit(cpu));
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    /** Against the kernel's own files: needs root and cpuidle; the tracee is pinned so that its CPU is known. */
    @Test
    void aPauseKeepsTheTraceesCpuPolling() throws Exception {
        assertEquals(CpuLimits.CPUS, IdlePolling.SYSFS_CPUS);
        int last = CpuLimits.lastCpu();
        Path file = CpuLimits.limitFile(CpuLimits.CPUS, last);
        assumeTrue(CpuLimits.writableAndUnset(file), "no writable, unset " + file);
        try (Helper helper = Helper.start("spin"); PtraceSession session = PtraceSession.seize(helper.pid)) {
            CpuLimits.pin(helper.pid, last);
            Await.until(() -> processor(helper.pid) == last, "the tracee runs on cpu" + last);
            session.keepCpuPolling(true);
            String[] seen = new String[2];
            assertEquals(PtraceSession.Result.STOPPED, session.pause(() -> { })); // looks the CPU up
            assertEquals(PtraceSession.Result.STOPPED, session.pause(() -> seen[0] = read(file)));
            seen[1] = read(file);
            assertEquals("n/a", seen[0], "while paused");
            assertEquals("0", seen[1], "after the resume");
            session.keepCpuPolling(false);
            assertEquals(PtraceSession.Result.STOPPED, session.pause(() -> seen[0] = read(file)));
            assertEquals("0", seen[0], "not kept polling once off");
        }
    }

    private void fakeCpus(String value) throws IOException {
        for (int cpu : CpuLimits.cpuNumbers()) {
            Path file = limitFile(cpu);
            Files.createDirectories(file.getParent());
            Files.writeString(file, value + "\n");
        }
    }

    /** The fake directory mirrors the machine's CPU numbers. */
    private Path limitFile(int cpu) {
        return CpuLimits.limitFile(cpus, cpu);
    }

    /** The fake limit as the kernel would read it: pwrite leaves the tail of a longer old value. */
    private String limit(int cpu) throws IOException {
        String text = Files.readString(limitFile(cpu)).strip();
        return text.startsWith("n/a") ? "n/a" : text.startsWith("0") ? "0" : text;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int processor(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[39 - 3]);
    }
}
