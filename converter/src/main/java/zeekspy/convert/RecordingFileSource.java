package zeekspy.convert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedClassLoader;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads recordings with jdk.jfr's {@link RecordingFile}: the reference parser, which the tests
 * compare {@link FastJfrSource} with, and the fallback for files that one does not read.
 */
final class RecordingFileSource implements SampleSource {
    private static final int CACHE_LIMIT = 100_000;

    @Override
    public void read(Path file, JfrStackReader reader) throws IOException {
        new FileReading(reader).read(file);
    }

    /** The state of reading one file. */
    private static final class FileReading {
        private final JfrStackReader reader;
        private final Map<EventType, TypeState> types = new IdentityHashMap<>();
        // JFR shares one RecordedStackTrace (and RecordedMethod) per constant of a chunk.
        private final Map<RecordedStackTrace, JfrStackReader.StackInfo> stacks = new IdentityHashMap<>();
        private final Map<RecordedMethod, Integer> functions = new IdentityHashMap<>();
        private final Map<Long, Long> periodSettings = new HashMap<>();
        private final Set<Long> targetTypeIds = new HashSet<>();
        private int[] frameFunctions = new int[64];
        private int[] frameLines = new int[64];

        FileReading(JfrStackReader reader) {
            this.reader = reader;
        }

        void read(Path file) throws IOException {
            try (RecordingFile recording = new RecordingFile(file)) {
                while (recording.hasMoreEvents()) {
                    accept(recording.readEvent());
                }
            } finally {
                for (TypeState type : types.values()) {
                    reader.countEvents(type.name, type.count, type.hasStackTrace);
                }
                for (Long typeId : targetTypeIds) {
                    Long period = periodSettings.get(typeId);
                    if (period != null) {
                        reader.periodSetting(period);
                    }
                }
            }
        }

        private void accept(RecordedEvent event) {
            EventType eventType = event.getEventType();
            TypeState type = types.get(eventType);
            if (type == null) {
                type = new TypeState(eventType, reader.targetEvent());
                types.put(eventType, type);
            }
            type.count++;
            long start = JfrStackReader.epochNanos(event.getStartTime());
            if (!type.target) {
                reader.eventTime(start, type.instant ? start : JfrStackReader.epochNanos(event.getEndTime()));
                if (type.activeSetting && "period".equals(event.getString("name"))) {
                    long period = JfrStackReader.parsePeriod(event.getString("value"));
                    if (period > 0) {
                        periodSettings.put(event.getLong("id"), period);
                    }
                }
                return;
            }
            targetTypeIds.add(eventType.getId());
            reader.samplesRead(1);
            reader.eventTime(start, start);
            if (start < reader.fromNanos() || start >= reader.toNanos()) {
                return;
            }
            reader.sample(stackInfo(event.getStackTrace()),
                    type.hasPid ? event.getLong(ZeekJfrFormat.FIELD_PID) : -1,
                    type.hasNode ? event.getString(ZeekJfrFormat.FIELD_NODE) : null,
                    type.hasKind ? event.getString(ZeekJfrFormat.FIELD_KIND) : null,
                    type.hasDepth ? event.getLong(ZeekJfrFormat.FIELD_DEPTH) : 0,
                    type.hasPeriod ? event.getLong(ZeekJfrFormat.FIELD_PERIOD) : 0);
        }

        private JfrStackReader.StackInfo stackInfo(RecordedStackTrace trace) {
            if (trace == null) {
                return reader.noStack();
            }
            JfrStackReader.StackInfo info = stacks.get(trace);
            if (info == null) {
                if (stacks.size() >= CACHE_LIMIT) {
                    stacks.clear();
                }
                List<RecordedFrame> frames = trace.getFrames();
                int count = frames.size();
                if (frameFunctions.length < count) {
                    frameFunctions = new int[2 * count];
                    frameLines = new int[2 * count];
                }
                for (int i = 0; i < count; i++) {
                    RecordedFrame frame = frames.get(i);
                    frameFunctions[i] = function(frame.getMethod());
                    frameLines[i] = frame.getLineNumber();
                }
                info = reader.stack(frameFunctions, frameLines, count, trace.isTruncated());
                stacks.put(trace, info);
            }
            return info;
        }

        private int function(RecordedMethod method) {
            if (method == null) {
                return JfrStackReader.SKIP;
            }
            Integer cached = functions.get(method);
            if (cached == null) {
                if (functions.size() >= CACHE_LIMIT) {
                    functions.clear();
                }
                RecordedClass type = method.getType();
                RecordedClassLoader loader = type == null ? null : type.getClassLoader();
                RecordedClass loaderType = loader == null ? null : loader.getType();
                cached = reader.function(type == null ? null : type.getName(), method.getName(),
                        loaderType == null ? null : loaderType.getName(), loader == null ? null : loader.getName());
                functions.put(method, cached);
            }
            return cached;
        }
    }

    /** What the reader knows about one event type. */
    private static final class TypeState {
        final String name;
        final boolean target;
        final boolean activeSetting;
        final boolean instant;
        final boolean hasStackTrace;
        final boolean hasPid;
        final boolean hasNode;
        final boolean hasKind;
        final boolean hasDepth;
        final boolean hasPeriod;
        long count;

        TypeState(EventType type, String targetName) {
            name = type.getName();
            target = name.equals(targetName);
            activeSetting = name.equals("jdk.ActiveSetting");
            instant = type.getField("duration") == null;
            hasStackTrace = type.getField("stackTrace") != null;
            hasPid = type.getField(ZeekJfrFormat.FIELD_PID) != null;
            hasNode = type.getField(ZeekJfrFormat.FIELD_NODE) != null;
            hasKind = type.getField(ZeekJfrFormat.FIELD_KIND) != null;
            hasDepth = type.getField(ZeekJfrFormat.FIELD_DEPTH) != null;
            hasPeriod = type.getField(ZeekJfrFormat.FIELD_PERIOD) != null;
        }
    }
}
