package zeekspy.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zeekspy.layout.LayoutResolver;
import zeekspy.memory.PtraceSession;
import zeekspy.stack.ScriptFrame;
import zeekspy.stack.StackError;
import zeekspy.stack.StackReader;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * At each checkpoint of the inferior's workload, the stack zeek-spy reads (blocking, through
 * ptrace) equals the stack the inferior says it is in: function, kind, file and line.
 */
class CheckpointStackTest {
    private static final LayoutResolver.Options NO_CACHE = new LayoutResolver.Options(null, null, List.of());

    static String render(List<ScriptFrame> frames) {
        return frames.stream().map(f -> f.function() + ";" + f.kind().name().toLowerCase() + ";" + f.file() + ";" + f.line())
                .collect(Collectors.joining(" | "));
    }

    @ParameterizedTest(name = "{0} {1}{2}")
    @CsvSource({
        "gcc, 3.0, ''", "gcc, 8.0, ''", "gcc, 9.0, ''",
        "gcc, 3.0, .stripped", "gcc, 8.0, .stripped", "gcc, 9.0, .stripped",
        "clang, 3.0, ''", "clang, 8.0, ''", "clang, 9.0, ''",
        "clang-libcxx, 3.0, ''", "clang-libcxx, 8.0, ''", "clang-libcxx, 9.0, ''"})
    void everyCheckpointStackIsReadExactly(String compiler, String family, String suffix) throws Exception {
        assumeTrue(MiniZeek.has(compiler), compiler + " is not installed");
        Path bin = MiniZeek.binary(compiler, family, suffix);
        int checkpoints = 0;
        try (RunningInferior zeek = RunningInferior.start(bin, "--checkpoints");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), NO_CACHE);
             PtraceSession session = PtraceSession.seize(zeek.pid())) {
            StackReader reader = process.newStackReader(256);
            while (true) {
                String line;
                try {
                    line = zeek.awaitLine("checkpoint ", 20_000);
                } catch (AssertionError ended) {
                    break;
                }
                String name = line.substring("checkpoint ".length(), line.indexOf('\t'));
                String expected = line.substring(line.indexOf('\t') + 1);
                List<ScriptFrame> frames = new ArrayList<>();
                StackError[] error = new StackError[1];
                PtraceSession.Result r = session.pause(() -> error[0] = reader.read(frames));
                for (int retry = 0; r == PtraceSession.Result.TIMEOUT && retry < 5; retry++) {
                    r = session.pause(() -> error[0] = reader.read(frames)); // a loaded machine may stop late
                }
                assertTrue(r.stopped(), name + ": " + r + " " + session.endMessage());
                assertNull(error[0], name);
                assertEquals(expected, render(frames), "checkpoint " + name + " of " + bin);
                if (name.equals("zam-body")) {
                    assertTrue(frames.get(0).lineApproximate(), "ZAM line must be marked approximate");
                }
                checkpoints++;
                zeek.send("");
            }
            assertTrue(zeek.awaitExit(10_000));
        }
        assertEquals(11, checkpoints, "checkpoints seen");
    }
}
