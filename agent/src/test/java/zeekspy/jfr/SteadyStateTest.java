package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zeekspy.jfr.ZeekRecording.bif;
import static zeekspy.jfr.ZeekRecording.fn;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import zeekspy.convert.ZeekJfrFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.sampling.Sample;
import zeekspy.sampling.SampleKind;
import zeekspy.stack.ScriptFrame;

/**
 * Once every stack has been seen, committing generates no class, allocates only the event, and
 * the JIT-compiled frames record the same stacks.
 */
class SteadyStateTest {
    /** Distinct stacks of depth 1 to 12 over a few files, functions and lines, plus idle and native. */
    static List<Sample> workload(int count) {
        List<Sample> samples = new ArrayList<>();
        String[] files = {"/z/base/a.zeek", "/z/site/b.zeek", "/z/policy/c.zeek"};
        for (int i = 0; i < count; i++) {
            List<ScriptFrame> frames = new ArrayList<>();
            int depth = 1 + i % 12;
            for (int d = 0; d < depth; d++) {
                frames.add(d == 0 && i % 5 == 0 ? bif("md5_hash") : fn("M::f" + ((i + d) % 9), files[(i * 7 + d) % 3], 10 + (i + 3 * d) % 17));
            }
            samples.add(new Sample(1, 0, SampleKind.SCRIPT, List.copyOf(frames), null));
        }
        samples.add(new Sample(1, 0, SampleKind.IDLE, List.of(), null));
        samples.add(new Sample(1, 0, SampleKind.NATIVE, List.of(), null));
        return samples;
    }

    @Test
    void hundredThousandSeenStacksGenerateNoClass(@TempDir Path dir) throws Exception {
        List<Sample> stacks = workload(60);
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 64, "worker-1", 1_000_000L);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long[] generated = new long[3];
        long[] allocated = new long[2];
        ZeekRecording.record(dir.resolve("steady.jfr"), r -> {
            generated[0] = ZeekFrames.generatedClasses();
            stacks.forEach(sink::accept);
            sink.flush();
            generated[1] = ZeekFrames.generatedClasses();
            allocated[0] = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                sink.accept(stacks.get(i % stacks.size()));
                if (i % 10_000 == 9_999) {
                    sink.flush(); // a sampler queues at most its rate; this loop, as fast as it can
                }
            }
            allocated[1] = threads.getThreadAllocatedBytes(tid);
            generated[2] = ZeekFrames.generatedClasses();
        });
        assertTrue(generated[1] > generated[0], "warm-up generated classes");
        assertEquals(generated[1], generated[2], "classes generated after warm-up");
        assertEquals(100_000 + stacks.size(), sink.committed());
        assertEquals(0, sink.dropped());
        double bytesPerSample = (allocated[1] - allocated[0]) / 100_000.0;
        // The event object is about 64 bytes; anything per frame would show as hundreds.
        assertTrue(bytesPerSample < 100, "allocated per sample: " + bytesPerSample + " bytes");

        // Now that the frames are compiled and inlined, they record the same stacks as interpreted ones.
        int n = 5 * stacks.size();
        Path file = ZeekRecording.record(dir.resolve("compiled.jfr"), r -> {
            for (int i = 0; i < n; i++) {
                sink.accept(stacks.get(i % stacks.size()));
            }
            sink.flush();
        });
        Map<List<ZeekRecording.Frame>, Integer> expected = new HashMap<>();
        for (int i = 0; i < n; i++) {
            expected.merge(expectedStack(stacks.get(i % stacks.size())), 1, Integer::sum);
        }
        Map<List<ZeekRecording.Frame>, Integer> recorded = new HashMap<>();
        Set<String> frameTypes = new TreeSet<>();
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                if (e.getEventType().getName().equals(ZeekJfrFormat.SAMPLE_EVENT)) {
                    recorded.merge(ZeekRecording.zeekStack(e), 1, Integer::sum);
                    frameTypes.add(e.getStackTrace().getFrames().get(0).getType());
                }
            }
        }
        assertEquals(expected, recorded);
        assertTrue(frameTypes.contains("Inlined") || frameTypes.contains("JIT compiled"), "frame types: " + frameTypes);
    }

    private static List<ZeekRecording.Frame> expectedStack(Sample s) {
        String z = ZeekJfrFormat.SYNTHETIC_FILE;
        return switch (s.kind()) {
            case IDLE -> List.of(new ZeekRecording.Frame(ZeekJfrFormat.IDLE_FRAME, z, 0), new ZeekRecording.Frame(ZeekJfrFormat.EMPTY_CALL_STACK, z, 0));
            case NATIVE -> List.of(new ZeekRecording.Frame(ZeekJfrFormat.NATIVE_FRAME, z, 0), new ZeekRecording.Frame(ZeekJfrFormat.EMPTY_CALL_STACK, z, 0));
            default -> ZeekRecording.expected(s.frames());
        };
    }
}
