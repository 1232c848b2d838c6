package zeekspy.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.memory.ProcFs;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * A signal that zeek-spy holds while Zeek is stopped for it (a pause that took a
 * signal-delivery-stop) still reaches Zeek when zeek-spy is killed right then: the kernel
 * delivers it when it detaches the dead tracer's tracee, provided the tracer never consumed the
 * stop with waitpid (which clears the signal the stop holds).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeldSignalTest {

    @Test
    void aSignalHeldByAKilledTracerIsDelivered(@TempDir Path dir) throws Exception {
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "60", "--workload", "demo",
                "--counters");
             InferiorCounters counters = InferiorCounters.of(zeek)) {
            long before = counters.read("sigusr1");
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), HeldSignalTracer.class.getName(), Integer.toString(zeek.pid()));
            SpyProcess tracer = SpyProcess.start(cmd, dir.resolve("stderr"));
            try {
                tracer.await("holding", 30_000);
                assertEquals('t', ProcFs.mainThreadState(zeek.pid()), "stopped by the tracer");
                assertFalse(usr1Pending(zeek.pid()), "the signal left the pending set: the stop holds it");
                assertEquals(before, counters.read("sigusr1"), "not handled yet");
            } finally {
                tracer.kill();
            }
            ZeekHealth.assertRunningFree(zeek, counters, "after the tracer was killed");
            long deadline = System.currentTimeMillis() + 2_000;
            while (counters.read("sigusr1") == before && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(before + 1, counters.read("sigusr1"), "the held SIGUSR1 was delivered after the tracer died");
        }
    }

    /** Whether SIGUSR1 is pending for the process or its main thread (/proc/PID/status SigPnd, ShdPnd). */
    static boolean usr1Pending(int pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if ((line.startsWith("SigPnd:") || line.startsWith("ShdPnd:"))
                    && (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 9)) != 0) {
                return true;
            }
        }
        return false;
    }
}
