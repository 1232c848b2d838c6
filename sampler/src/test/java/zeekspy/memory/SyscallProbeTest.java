package zeekspy.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import zeekspy.testing.Await;

class SyscallProbeTest {

    @Test
    void answersLikeProcFsForASleepingAndARunningThreadAndStaysQuietWhenTheThreadIsGone() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "100").start(); // one long nanosleep
        int sleeperPid = (int) sleeper.pid();
        try (Helper spinner = Helper.start("spin");
             SyscallProbe sleeping = SyscallProbe.open(sleeperPid, sleeperPid);
             SyscallProbe running = SyscallProbe.open(spinner.pid, spinner.pid)) {
            Await.until(() -> ProcFs.mainThreadState(sleeperPid) == 'S', "sleeping");
            Await.until(() -> sleeping.current().equals(ProcFs.currentSyscall(sleeperPid, sleeperPid)),
                    "the same answer as ProcFs");
            int nanosleep = sleeping.current().orElse(-2);
            assertTrue(nanosleep == 35 || nanosleep == 230 || nanosleep == 101 || nanosleep == 115, "(clock_)nanosleep: " + nanosleep);
            for (int i = 0; i < 1000; i++) { // the same open file answers again and again
                assertEquals(OptionalInt.of(nanosleep), sleeping.current());
            }
            Await.until(() -> running.current().isEmpty(), "a spinning thread is in no system call");
            spinner.close();
            Await.until(() -> !ProcFs.exists(spinner.pid) || ProcFs.isZombie(spinner.pid), "the spinner dead");
            assertEquals(OptionalInt.empty(), running.current(), "a thread that is gone");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void theRegistersOfAThreadStoppedByUsTellTheSameAsProcFs() throws Exception {
        try (Helper sleeper = Helper.start("sleep"); Helper spinner = Helper.start("spin");
             SyscallProbe sleeping = SyscallProbe.fromRegisters(sleeper.pid, sleeper.pid);
             SyscallProbe running = SyscallProbe.fromRegisters(spinner.pid, spinner.pid)) {
            // One long nanosleep: the helper's own sleep wakes every millisecond, and the probe
            // could catch it running between the state check below and its own look.
            sleeper.command("exec");
            Await.until(() -> ProcFs.comm(sleeper.pid).equals("sleep"), "the sleeper became /bin/sleep");
            Await.until(() -> ProcFs.currentSyscall(sleeper.pid, sleeper.pid).orElse(-2) >= 0, "sleeping");
            // Not stopped by us: no registers, only the scheduler state.
            Await.until(() -> ProcFs.mainThreadState(sleeper.pid) == 'S', "the sleeper sleeps");
            assertEquals(OptionalInt.of(SyscallProbe.ASLEEP), sleeping.current(), "asleep in a call the probe cannot name");
            Await.until(() -> ProcFs.mainThreadState(spinner.pid) == 'R', "the spinner runs");
            int awake = 0;
            for (int i = 0; i < 100; i++) {
                awake += running.current().isEmpty() ? 1 : 0;
            }
            assertTrue(awake > 90, "a spinning thread is mostly not asleep: " + awake + " of 100");
            assertTrue(pausedInASystemCall(sleeper.pid, sleeping) > 0, "caught in (clock_)nanosleep");
            assertTrue(pausedInASystemCall(spinner.pid, running) < 20, "the spinner is mostly in user space");
        }
    }

    /** Pauses {@code pid} 20 times, checks the probe against ProcFs each time; how often it was in (clock_)nanosleep. */
    private static int pausedInASystemCall(int pid, SyscallProbe probe) {
        int[] sleeping = {0};
        try (PtraceSession session = PtraceSession.seize(pid)) {
            for (int i = 0; i < 20; i++) {
                session.pause(() -> {
                    // ProcFs says -1 for a thread stopped outside a system call, the probe empty.
                    OptionalInt procFs = ProcFs.currentSyscall(pid, pid);
                    OptionalInt registers = probe.current();
                    assertEquals(procFs.getAsInt() < 0 ? OptionalInt.empty() : procFs, registers);
                    int nr = registers.orElse(-1);
                    sleeping[0] += nr == 35 || nr == 230 ? 1 : 0;
                });
            }
        }
        return sleeping[0];
    }

    @Test
    void aMissingProcessIsGone() {
        assertThrows(ProcessGoneException.class, () -> SyscallProbe.open(Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1));
    }
}
