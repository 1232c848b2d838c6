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

    /** Percent of samples by innermost function (script samples) or by kind. */
    static Map<String, Double> shares(List<RecordedEvent> samples) {
        Map<String, Long> counts = new HashMap<>();
        for (RecordedEvent e : samples) {
            String kind = e.getString(ZeekJfrFormat.FIELD_KIND);
            String key = "script".equals(kind) ? zeekStack(e).get(0).function() : "<" + kind + ">";
            counts.merge(key, 1L, Long::sum);
        }
        Map<String, Double> shares = new HashMap<>();
        counts.forEach((k, v) -> shares.put(k, 100.0 * v / samples.size()));
        return shares;
    }
}
