package zeekspy.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SyscallProbeTest {

    @Test
    void answersLikeProcFsForASleepingAndARunningThreadAndStaysQuietWhenTheThreadIsGone() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "100").start(); // one long nanosleep
        int sleeperPid = (int) sleeper.pid();
        try (Helper spinner = Helper.start("spin");
             SyscallProbe sleeping = SyscallProbe.open(sleeperPid, sleeperPid);
             SyscallProbe running = SyscallProbe.open(spinner.pid, spinner.pid)) {
            PtraceSessionTest.waitUntil(() -> ProcFs.mainThreadState(sleeperPid) == 'S', "sleeping");
            PtraceSessionTest.waitUntil(() -> sleeping.current().equals(ProcFs.currentSyscall(sleeperPid, sleeperPid)),
                    "the same answer as ProcFs");
            int nanosleep = sleeping.current().orElse(-2);
            assertTrue(nanosleep == 35 || nanosleep == 230 || nanosleep == 101 || nanosleep == 115, "(clock_)nanosleep: " + nanosleep);
            for (int i = 0; i < 1000; i++) { // the same open file answers again and again
                assertEquals(OptionalInt.of(nanosleep), sleeping.current());
            }
            PtraceSessionTest.waitUntil(() -> running.current().isEmpty(), "a spinning thread is in no system call");
            spinner.close();
            PtraceSessionTest.waitUntil(() -> !ProcFs.exists(spinner.pid) || ProcFs.isZombie(spinner.pid), "the spinner dead");
            assertEquals(OptionalInt.empty(), running.current(), "a thread that is gone");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void aMissingProcessIsGone() {
        assertThrows(ProcessGoneException.class, () -> SyscallProbe.open(Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1));
    }
}
