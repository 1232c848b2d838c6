package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import zeekspy.agent.AgentStatus;

/** What {@code attach --status} prints of an agent's status. */
class AttachReportTest {
    private static String report(long lost) {
        AgentStatus s = new AgentStatus(null, true, null, AgentStatus.State.SAMPLING, 42, 100, "blocking", 2048, 2046, null,
                null, 0, lost, List.of(new AgentStatus.ProcessStatus(7, "worker-1", "8.0.10", 100, 60, 20, 20, 0, null, 2,
                        12_000, 30_000, 90_000, null)));
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            AttachCommand.report(out, 42, s);
        }
        return text.toString();
    }

    @Test
    void samplesLostBeforeTheRecordingAreReported() {
        String lines = report(17);
        assertTrue(lines.startsWith("JVM 42: zeek-spy agent sampling\n"), lines);
        assertTrue(lines.contains("  pid 7 worker-1 (Zeek 8.0.10): 100 samples (script 60%, native 20%, idle 20%), 0 errors, 2 missed ticks"), lines);
        assertEquals("17 samples are not in the recordings: committing them to JFR fell behind or failed",
                lines.strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void noLostSamplesNoLine() {
        assertFalse(report(0).contains("not in the recordings"), report(0));
    }
}
