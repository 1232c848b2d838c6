package zeekspy.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgentStatusTest {
    @Test
    void statusFileTextParsesBack() {
        AgentStatus s = new AgentStatus("tok", false, "cannot sample: ä = b\nsecond line", AgentStatus.State.SAMPLING, 42, 99.5,
                "blocking", 258, 256, "JFR had started", "/tmp/x.jfc", 1_700_000_000_000L, 3, List.of(
                        new AgentStatus.ProcessStatus(7, "worker-1", "8.0.10", 100, 60, 20, 15, 5, "torn=5", 3, 1000, 2000, 3000, null),
                        new AgentStatus.ProcessStatus(8, null, null, 0, 0, 0, 0, 0, null, 0, 0, 0, 0, "process 8 exited")));
        assertEquals(s, AgentStatus.parse(s.toText()));
        assertEquals(100, s.totalSamples());
        AgentStatus idle = AgentStatus.idle(5).answer("t", true, null);
        assertEquals(idle, AgentStatus.parse(idle.toText()));
    }

    @Test
    void aStatusFromAnAgentThatDidNotCountLostSamplesHasNone() {
        String text = AgentStatus.idle(5).toText();
        assertTrue(text.contains("lost=0"), text);
        assertEquals(AgentStatus.idle(5), AgentStatus.parse(text.replace("lost=0", "")));
    }

    @Test
    void otherTextIsRejected() {
        assertEquals("not a zeek-spy agent status file: no processes",
                assertThrows(IllegalArgumentException.class, () -> AgentStatus.parse("hello=world")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AgentStatus.parse(
                AgentStatus.idle(1).toText().replace("state=IDLE", "state=DANCING")));
    }
}
