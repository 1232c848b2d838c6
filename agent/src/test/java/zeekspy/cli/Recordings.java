package zeekspy.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import zeekspy.convert.ZeekJfrFormat;

/** Reads zeek-spy recordings back with the JDK's own parser, for tests. */
final class Recordings {
    /** A Zeek frame as recovered from a recording. */
    record Frame(String function, String file, int line) {}

    private Recordings() {}

    static List<RecordedEvent> samples(Path file) throws IOException {
        List<RecordedEvent> out = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (e.getEventType().getName().equals(ZeekJfrFormat.SAMPLE_EVENT)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The Zeek stack of a sample, innermost first, without the root frame and the thread's frames. */
    static List<Frame> zeekStack(RecordedEvent e) {
        List<Frame> frames = new ArrayList<>();
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            var loader = f.getMethod().getType().getClassLoader();
            if (loader == null || !loader.getType().getName().equals(ZeekJfrFormat.SCRIPT_LOADER_TYPE)) {
                break;
            }
            frames.add(new Frame(ZeekJfrFormat.decodeMethodName(f.getMethod().getName()), loader.getName(), f.getLineNumber()));
        }
        return frames;
    }

    /**
     * Percent of the non-idle samples by innermost function (script samples) or by kind, the
     * keys of {@link zeekspy.testing.GroundTruth#busyShares()}.
     */
    static Map<String, Double> busyShares(List<RecordedEvent> samples) {
        Map<String, Long> counts = new HashMap<>();
        long busy = 0;
        for (RecordedEvent e : samples) {
            String kind = e.getString(ZeekJfrFormat.FIELD_KIND);
            if (!"idle".equals(kind)) {
                counts.merge("script".equals(kind) ? zeekStack(e).get(0).function() : "<" + kind + ">", 1L, Long::sum);
                busy++;
            }
        }
        Map<String, Double> shares = new HashMap<>();
        for (Map.Entry<String, Long> c : counts.entrySet()) {
            shares.put(c.getKey(), 100.0 * c.getValue() / busy);
        }
        return shares;
    }
}
