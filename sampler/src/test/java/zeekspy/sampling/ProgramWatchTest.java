package zeekspy.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import zeekspy.layout.LayoutResolver;
import zeekspy.memory.ProcFs;
import zeekspy.testing.Await;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** The watch by /proc/PID/mem (root) and by /proc/PID/stat (a sampler with CAP_SYS_PTRACE alone). */
class ProgramWatchTest {
    private static final LayoutResolver.Options NO_CACHE = new LayoutResolver.Options(null, null, List.of());

    private static ProgramWatch watch(ZeekProcess process, boolean byStat) {
        return byStat ? ProgramWatch.byStat(process.pid()) : ProgramWatch.open(process.pid(), process.callStackAddress());
    }

    @ParameterizedTest(name = "{0}, by stat: {1}")
    @CsvSource({"exec, false", "exec, true", "exit, false", "exit, true"})
    void seesTheProgramEnd(String crash, boolean byStat) throws Exception {
        Path binary = MiniZeek.binary("gcc", "8.0", "");
        try (RunningInferior zeek = RunningInferior.start(binary, "--run", "60", "--crash", crash, "--crash-after", "3");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), NO_CACHE);
             ProgramWatch watch = watch(process, byStat)) {
            for (int i = 0; i < 1000; i++) {
                assertTrue(watch.sameProgram(), "the program it was opened on");
            }
            Await.until(() -> !watch.sameProgram(), 20_000, "the " + crash + " seen");
            if (crash.equals("exec")) {
                assertTrue(zeek.alive(), "the same process runs on");
                assertEquals("process " + zeek.pid() + " executed a new program (" + binary.toRealPath() + ")", watch.endMessage());
            } else {
                assertTrue(zeek.awaitExit(10_000));
                assertEquals("process " + zeek.pid() + " has exited", watch.endMessage());
            }
        }
    }

    /**
     * An exiting process releases its memory before it becomes a zombie, and with as much memory
     * as a real Zeek holds that takes the kernel milliseconds. The watch, asked at once, must not
     * take that for a new program.
     */
    @ParameterizedTest(name = "by stat: {0}")
    @ValueSource(booleans = {false, true})
    void anExitStillReleasingItsMemoryIsAnExit(boolean byStat) throws Exception {
        Path binary = MiniZeek.binary("gcc", "8.0", "");
        try (RunningInferior zeek = RunningInferior.start(binary, "--run", "60", "--crash", "exit", "--crash-after", "2",
                "--heap", "1024");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), NO_CACHE);
             ProgramWatch watch = watch(process, byStat)) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (watch.sameProgram()) {
                assertTrue(System.nanoTime() < deadline, "the exit seen");
            }
            boolean midExit = ProcFs.exists(zeek.pid()) && !ProcFs.isZombie(zeek.pid());
            String message = watch.endMessage();
            assertTrue(midExit, "the exit seen before the process became a zombie");
            assertEquals("process " + zeek.pid() + " has exited", message);
        }
    }
}
