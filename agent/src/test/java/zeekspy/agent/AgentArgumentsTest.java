package zeekspy.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zeekspy.sampling.Sampler;

class AgentArgumentsTest {
    @Test
    void startArgumentsWithDefaults() {
        AgentArguments a = AgentArguments.parse("pid=123");
        assertEquals(AgentArguments.Action.START, a.action());
        assertEquals(List.of(123), a.pids());
        assertFalse(a.all());
        assertEquals(AgentArguments.DEFAULT_RATE, a.rate());
        assertEquals(Sampler.Mode.BLOCKING, a.mode());
        assertTrue(a.keepCpuPolling());
        assertEquals(AgentArguments.DEFAULT_DEPTH, a.maxDepth());
        assertNull(a.layout());
        assertNull(a.reply());
    }

    @Test
    void everyStartArgument() {
        AgentArguments a = AgentArguments.parse(" pid=1+22+333 , rate=12.5,nonblocking,nocpupoll,depth=64,layout=/x/l.layout,reply=Ab9");
        assertEquals(List.of(1, 22, 333), a.pids());
        assertEquals(12.5, a.rate());
        assertEquals(Sampler.Mode.NONBLOCKING, a.mode());
        assertFalse(a.keepCpuPolling());
        assertEquals(64, a.maxDepth());
        assertEquals(Path.of("/x/l.layout"), a.layout());
        assertEquals("Ab9", a.reply());
        assertTrue(AgentArguments.parse("all,rate=100").all());
    }

    @Test
    void stopAndStatus() {
        assertEquals(AgentArguments.Action.STOP, AgentArguments.parse("stop").action());
        assertEquals(AgentArguments.Action.STATUS, AgentArguments.parse("status").action());
        assertEquals("t0", AgentArguments.parse("reply=t0,status").reply());
    }

    @Test
    void formatParsesBackToTheSameArguments() {
        for (AgentArguments a : List.of(
                AgentArguments.start(List.of(5, 7), false, 250, Sampler.Mode.NONBLOCKING, false, 80, Path.of("/l")),
                AgentArguments.start(List.of(), true, 0.5, Sampler.Mode.BLOCKING, true, 1, null),
                AgentArguments.stop(), AgentArguments.status().withReply("abc"))) {
            assertEquals(a, AgentArguments.parse(a.format()), a.format());
        }
        assertEquals("pid=5+7,rate=250,nonblocking,nocpupoll,depth=80,layout=/l",
                AgentArguments.start(List.of(5, 7), false, 250, Sampler.Mode.NONBLOCKING, false, 80, Path.of("/l")).format());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"|no agent arguments: give pid=PID[+PID...] or all (and rate=HZ, nonblocking, nocpupoll, depth=N, layout=FILE), or stop, or status",
        "rate=100|no Zeek process to sample: give pid=PID[+PID...] or all",
        "pid=1,all|give either pid=PID or all, not both",
        "pid=abc|pid=abc: 'abc' is not a process id",
        "pid=1+|pid=1+: '' is not a process id",
        "pid=4+4|pid=4+4 names a process twice",
        "pid=0|pid must be a positive process id, got 0",
        "pid=1,pid=2|agent argument 'pid' given twice",
        "pid=1,rate=fast|rate=fast is not a number of samples per second",
        "pid=1,rate=1e3|rate=1e3 is not a number of samples per second",
        "pid=1,rate=0|rate must be above 0 and at most 10000, got 0",
        "pid=1,rate=20000|rate must be above 0 and at most 10000, got 20000",
        "pid=1,depth=0|depth must be between 1 and 100000, got 0",
        "pid=1,depth=deep|depth=deep is not a whole number of frames",
        "pid=1,rate|agent argument 'rate' needs a value: rate=...",
        "pid=1,nonblocking=yes|agent argument 'nonblocking' takes no value, got 'nonblocking=yes'",
        "pid=1,,rate=5|empty agent argument in 'pid=1,,rate=5'",
        "pid=1,verbose|unknown agent argument 'verbose' (known: pid, all, rate, nonblocking, nocpupoll, depth, layout, stop, status, reply)",
        "stop,pid=1|agent argument 'stop' takes no other arguments, got pid",
        "status,stop|agent argument 'stop' takes no other arguments, got status",
        "pid=1,reply=a-b|reply token must be 1 to 64 letters or digits, got 'a-b'",
    })
    void badArgumentsAreOneLineErrors(String args, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentArguments.parse(args));
        assertEquals(message, e.getMessage());
    }

    @Test
    void replyTokenOfArgumentsThatDoNotParse() {
        assertEquals("T1", ZeekSpyAgent.replyToken("pid=abc,reply=T1"));
        assertEquals("T2", ZeekSpyAgent.replyToken("reply=T2,what"));
        assertNull(ZeekSpyAgent.replyToken("pid=1,noreply=T3"));
        assertEquals("pid=abc", ZeekSpyAgent.withoutReply("pid=abc,reply=T1"));
        assertEquals("what", ZeekSpyAgent.withoutReply("reply=T2,what"));
        assertEquals("pid=1,rate=2", ZeekSpyAgent.withoutReply("pid=1,reply=T2,rate=2"));
        assertEquals("", ZeekSpyAgent.withoutReply("reply=T2"));
    }
}
