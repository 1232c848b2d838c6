package zeekspy.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.jfr.ZeekRecordingSettings;

/** Reads Zeek samples back from a host JVM's recording. */
final class ZeekStacks {
    /** The script file of the inferior's SlowDNS functions. */
    static final String SLOW_DNS = "/opt/zeek/share/zeek/site/slow-dns.zeek";

    /** A Zeek frame of a recorded stack: decoded function name, script file (the class loader's name), line. */
    record Frame(String function, String file, int line) {}

    private ZeekStacks() {}

    /** zeek.jfc, copied out of the class path into {@code dir}. */
    static Path settings(Path dir) throws IOException {
        Path jfc = dir.resolve("zeek.jfc");
        try (InputStream in = ZeekRecordingSettings.class.getResourceAsStream(ZeekRecordingSettings.RESOURCE)) {
            Files.copy(in, jfc);
        }
        return jfc;
    }

    static List<RecordedEvent> events(Path jfr, String name) throws IOException {
        return RecordingFile.readAllEvents(jfr).stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    /**
     * The Zeek frames of a zeek.Sample, innermost first: generated frames whose class loader is
     * a script file, then zeek-spy's root frame, the last.
     */
    static List<Frame> zeekStack(RecordedEvent sample) {
        List<RecordedFrame> frames = sample.getStackTrace().getFrames();
        List<Frame> zeek = new ArrayList<>();
        int i = 0;
        for (; i < frames.size() && isZeekFrame(frames.get(i)); i++) {
            RecordedFrame f = frames.get(i);
            zeek.add(new Frame(ZeekJfrFormat.decodeMethodName(f.getMethod().getName()),
                    f.getMethod().getType().getClassLoader().getName(), f.getLineNumber()));
        }
        assertTrue(i < frames.size(), "no root frame below " + zeek);
        assertEquals(ZeekJfrFormat.ROOT_CLASS, frames.get(i).getMethod().getType().getName());
        assertEquals(i + 1, frames.size(), "nothing below the root frame");
        return zeek;
    }

    private static boolean isZeekFrame(RecordedFrame f) {
        var loader = f.getMethod().getType().getClassLoader();
        return loader != null && loader.getType() != null && loader.getType().getName().equals(ZeekJfrFormat.SCRIPT_LOADER_TYPE);
    }
}
