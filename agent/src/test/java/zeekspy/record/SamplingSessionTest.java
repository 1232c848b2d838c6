package zeekspy.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import zeekspy.jfr.JfrSampleSink;
import zeekspy.layout.LayoutResolver;
import zeekspy.memory.ProcFs;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.ZeekProcess;
import zeekspy.testing.Await;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

class SamplingSessionTest {
    @Test
    void aSamplerThatFailsIsAFailureNamedOnce() throws Exception {
        RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "600");
        int pid = zeek.pid();
        try (ZeekProcess process = ZeekProcess.open(pid, new LayoutResolver.Options(null, null, List.of()))) {
            zeek.close(); // gone before the sampler opens it
            Await.until(() -> !ProcFs.exists(pid), 10_000, "process " + pid + " was reaped"); // not a zombie
            SamplingSession session = new SamplingSession(List.of(process),
                    new Sampler.Options(100, null, Sampler.Mode.NONBLOCKING, 64), JfrSampleSink.Fields.STANDARD, null);
            session.start();
            assertTrue(session.awaitEnd(10_000), "the sampler ended");
            session.stop();
            assertEquals(List.of("no process with pid " + pid), session.failures());
            assertEquals("no process with pid " + pid, session.endReason(pid));
            assertEquals(session.failures(), session.endReasons());
        }
    }

    @Test
    void aSamplerThatReachesItsDurationIsNoFailure() throws Exception {
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--run", "600");
             ZeekProcess process = ZeekProcess.open(zeek.pid(), new LayoutResolver.Options(null, null, List.of()))) {
            SamplingSession session = new SamplingSession(List.of(process),
                    new Sampler.Options(100, java.time.Duration.ofMillis(300), Sampler.Mode.NONBLOCKING, 64),
                    JfrSampleSink.Fields.STANDARD, null);
            session.start();
            assertTrue(session.awaitEnd(10_000), "the sampler ended");
            session.stop();
            assertEquals(List.of(), session.failures());
            assertEquals("duration reached", session.endReason(zeek.pid()));
        }
    }
}
