package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.sampling.Sample;
import zeekspy.sampling.SampleKind;
import zeekspy.stack.FunctionKind;
import zeekspy.stack.ScriptFrame;

/** Test helpers: records samples with zeek-spy's settings and reads Zeek stacks back. */
final class ZeekRecording {
    /** A Zeek frame as read back from a recording: decoded function, loader name, line. */
    record Frame(String function, String file, int line) {
        @Override
        public String toString() {
            return function + "@" + file + ":" + line;
        }
    }

    static {
        // Before any recording of these tests starts JFR: deep stacks need a deeper JFR stack.
        JfrTestSupport.ensureStackDepth();
    }

    private ZeekRecording() {}

    /** Records what {@code body} commits into {@code file}, with zeek.jfc's settings. */
    static Path record(Path file, Consumer<Recording> body) throws IOException {
        try (Recording r = new Recording(ZeekRecordingSettings.configuration())) {
            r.start();
            body.accept(r);
            r.stop();
            r.dump(file);
        }
        return file;
    }

    static List<RecordedEvent> events(Path file, String name) throws IOException {
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(name))
                .collect(Collectors.toList());
    }

    /**
     * The Zeek frames of a zeek.Sample, innermost first, checking the contract: a run of Zeek
     * frames, then exactly one root frame, and nothing below it.
     */
    static List<Frame> zeekStack(RecordedEvent e) {
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        List<Frame> zeek = new ArrayList<>();
        int i = 0;
        while (i < frames.size() && isZeekFrame(frames.get(i))) {
            RecordedFrame f = frames.get(i++);
            zeek.add(new Frame(ZeekJfrFormat.decodeMethodName(f.getMethod().getName()),
                    f.getMethod().getType().getClassLoader().getName(), f.getLineNumber()));
        }
        assertTrue(i < frames.size(), "no root frame below " + zeek);
        RecordedFrame root = frames.get(i);
        assertEquals(ZeekJfrFormat.ROOT_CLASS, root.getMethod().getType().getName(), "frame below the Zeek stack");
        assertEquals(ZeekJfrFormat.ROOT_METHOD, root.getMethod().getName());
        assertEquals(i + 1, frames.size(), "frames below the root frame: " + frames.subList(i + 1, frames.size()).stream()
                .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName()).toList());
        return zeek;
    }

    static boolean isZeekFrame(RecordedFrame f) {
        var loader = f.getMethod().getType().getClassLoader();
        return loader != null && loader.getType() != null && loader.getType().getName().equals(ZeekJfrFormat.SCRIPT_LOADER_TYPE);
    }

    static ScriptFrame fn(String function, String file, int line) {
        return new ScriptFrame(function, FunctionKind.FUNCTION, file, line);
    }

    static ScriptFrame event(String function, String file, int line) {
        return new ScriptFrame(function, FunctionKind.EVENT, file, line);
    }

    static ScriptFrame bif(String function) {
        return new ScriptFrame(function, FunctionKind.BUILTIN, "", 0);
    }

    static Sample script(int pid, ScriptFrame... innermostFirst) {
        return new Sample(pid, System.nanoTime(), SampleKind.SCRIPT, List.of(innermostFirst), null);
    }

    /** The frames a recording should show for {@code stack}. */
    static List<Frame> expected(List<ScriptFrame> stack) {
        return stack.stream()
                .map(f -> new Frame(f.function(), f.kind() == FunctionKind.BUILTIN ? ZeekJfrFormat.BUILTIN_FILE : f.file(), f.line()))
                .collect(Collectors.toList());
    }
}
