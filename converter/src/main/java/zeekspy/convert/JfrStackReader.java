package zeekspy.convert;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the samples of one event type from JFR recordings into a {@link StackProfile}. A
 * {@link SampleSource} parses each file and reports events, frames and stacks here; this class
 * decides what a frame is (a Zeek frame, a Java frame, the sampler root), filters samples and
 * counts them per (labels, stack).
 */
final class JfrStackReader {
    /** Function id of frames a stack leaves out (Java frames between Zeek frames). */
    static final int SKIP = -1;
    /** Function id of the sampler root frame: it and the frames below it are left out. */
    static final int ROOT = -2;

    private static final byte[] MAGIC = {'F', 'L', 'R', 0};
    /** The period of jdk.ExecutionSample in JFR's default settings, when a recording does not say. */
    private static final long DEFAULT_PERIOD = 20_000_000L;

    private final ConvertOptions options;
    private final SampleSource source;
    private final StackProfile profile;
    private final boolean zeek;
    private final long fromNanos;
    private final long toNanos;
    private final FrameFilter filter;
    private final Map<String, Boolean> typesWithStacks = new HashMap<>();
    private int[] buffer = new int[256];
    /** Stack traces by the frames that count (function and line up to the root), and what they became. */
    private final StackTable contents = new StackTable();
    private final List<StackInfo> contentStacks = new ArrayList<>();
    private int[] contentKey = new int[256];
    private StackInfo noStack;
    private final LabelSet[] recentLabels = new LabelSet[16];
    private final int[] recentLabelIds = new int[16];
    private int recentNext;
    private long lastPid = Long.MIN_VALUE;
    private String lastNode;
    private String lastKind;
    private int lastLabelSet = -1;
    private final boolean keepIdle;
    private long explicitPeriod;
    private long settingPeriod;
    private boolean mixedSettingPeriods;
    private int failedInputs;
    private String lastFailure;

    JfrStackReader(ConvertOptions options, SampleSource source) {
        this.options = options;
        this.source = source;
        this.profile = new StackProfile(options.granularity());
        this.profile.event = options.event();
        this.zeek = options.zeekEvent();
        this.keepIdle = options.idle();
        this.fromNanos = options.from() == null ? Long.MIN_VALUE : epochNanos(options.from());
        this.toNanos = options.to() == null ? Long.MAX_VALUE : epochNanos(options.to());
        this.filter = new FrameFilter(profile.frames, options.include(), options.exclude());
    }

    /** The source to use unless told otherwise: zeek-spy's own parser; {@code -Dzeekspy.convert.reader=jdk} picks jdk.jfr's. */
    static SampleSource defaultSource() {
        return "jdk".equals(System.getProperty("zeekspy.convert.reader")) ? new RecordingFileSource() : new FastJfrSource();
    }

    /** Adds the samples of one recording; a recording cut short adds what could be read and a warning. */
    void read(Path file) throws ConversionException {
        checkIsRecording(file);
        profile.inputNames.add(String.valueOf(file.getFileName()));
        try {
            source.read(file, this);
        } catch (IOException | RuntimeException e) {
            failedInputs++;
            lastFailure = file + " is damaged: " + oneLine(e);
            profile.warnings.add(file + " is cut short or damaged: converted what could be read (" + oneLine(e) + ")");
        }
    }

    /** The samples read; call once, after the last {@link #read}. */
    StackProfile finish() throws ConversionException {
        if (profile.samplesRead == 0) {
            if (failedInputs > 0) {
                throw new ConversionException(lastFailure);
            }
            throw new ConversionException(noSamplesMessage());
        }
        long period = explicitPeriod;
        if (profile.hasUnvalued()) {
            long fallback = settingPeriod;
            if (fallback == 0) {
                fallback = DEFAULT_PERIOD;
                profile.warnings.add("the recordings do not say how often " + options.event()
                        + " was sampled: assumed every " + DEFAULT_PERIOD / 1_000_000 + " ms");
            } else if (mixedSettingPeriods) {
                profile.warnings.add("the recordings sample " + options.event()
                        + " at different periods: values assume every " + fallback + " ns");
            }
            profile.valueUnvalued(fallback);
            period = period == 0 ? fallback : period;
        }
        profile.period = period;
        profile.samplesWritten = profile.totalCount();
        if (options.perNode()) {
            profile.addNodeRoots();
        }
        return profile;
    }

    // ---- What sources report ----

    /** The name of the event type to convert. */
    String targetEvent() {
        return options.event();
    }

    /** Counts {@code count} events of a type; {@code hasStackTrace} tells whether --event could convert it. */
    void countEvents(String type, long count, boolean hasStackTrace) {
        Long before = profile.eventTypes.get(type);
        profile.eventTypes.put(type, before == null ? count : before + count);
        if (hasStackTrace) {
            typesWithStacks.put(type, Boolean.TRUE);
        }
    }

    /** Widens the recording's time span to include an event of another type. */
    void eventTime(long startNanos, long endNanos) {
        if (profile.startNanos == 0 || startNanos < profile.startNanos) {
            profile.startNanos = startNanos;
        }
        if (endNanos > profile.endNanos) {
            profile.endNanos = endNanos;
        }
    }

    /** A recording's period setting for the target event, in nanoseconds. */
    void periodSetting(long periodNanos) {
        if (settingPeriod != 0 && settingPeriod != periodNanos) {
            mixedSettingPeriods = true;
        }
        if (settingPeriod == 0) {
            settingPeriod = periodNanos;
        }
    }

    /** Samples before this instant (nanoseconds since the epoch) are dropped. */
    long fromNanos() {
        return fromNanos;
    }

    /** Samples at or after this instant (nanoseconds since the epoch) are dropped. */
    long toNanos() {
        return toNanos;
    }

    /** Counts events of the target type read, whether or not they are in the time range. */
    void samplesRead(long count) {
        profile.samplesRead += count;
    }

    /**
     * One event of the target type within the time range. {@code pid} is -1, {@code depth}
     * and {@code period} are 0 and {@code node} and {@code kind} null when the event has no
     * such field.
     */
    void sample(StackInfo stackInfo, long pid, String node, String kind, long depth, long period) {
        count(sampleOf(stackInfo, pid, node, kind, depth, period), period);
    }

    /**
     * The profile sample that an event of the target type counts in, or -1 if it is left out;
     * the arguments are those of {@link #sample}. Count the event with {@link #count}.
     */
    int sampleOf(StackInfo stackInfo, long pid, String node, String kind, long depth, long period) {
        if (kind != null && !keepIdle && "idle".equals(kind)) {
            return -1;
        }
        if (stackInfo.stack < 0) {
            return -1;
        }
        // Parsers hand out the same String objects for repeated values: most samples match the last labels.
        int labelSet = pid == lastPid && node == lastNode && kind == lastKind ? lastLabelSet : labelSet(pid, node, kind);
        if (period > 0 && explicitPeriod == 0) {
            explicitPeriod = period;
        }
        if (depth > stackInfo.zeekFrames && !stackInfo.truncated) {
            return profile.sample(truncatedStack(stackInfo), labelSet);
        }
        return stackInfo.sample(labelSet, profile);
    }

    /** Counts one event in {@code sample} (from {@link #sampleOf}; nothing if -1), worth {@code period} ns if known. */
    void count(int sample, long period) {
        if (sample < 0) {
            return;
        }
        if (period > 0) {
            profile.add(sample, period);
        } else {
            profile.addUnvalued(sample);
        }
    }

    /** Counts {@code events} events in {@code sample} (nothing if -1), each worth {@code period} ns if known. */
    void count(int sample, long period, long events) {
        if (sample < 0) {
            return;
        }
        if (period > 0) {
            profile.add(sample, events, period * events);
        } else {
            profile.addUnvalued(sample, events);
        }
    }

    /** {@code count} samples of an event type without labels, period or depth, all with this stack. */
    void samples(StackInfo stackInfo, long count) {
        if (stackInfo.stack < 0) {
            return;
        }
        profile.addUnvalued(stackInfo.sample(labelSet(-1, null, null), profile), count);
    }

    /**
     * The function id of a method, {@link #SKIP} or {@link #ROOT}. Zeek frames are methods of
     * classes defined by a {@value ZeekJfrFormat#SCRIPT_LOADER_TYPE}; other Java frames count
     * only when converting another event than zeek.Sample.
     *
     * @param className  the class name, dotted
     * @param loaderType the type name of the class's loader; null for the bootstrap loader
     * @param loaderName the name of the class's loader, or null
     */
    int function(String className, String methodName, String loaderType, String loaderName) {
        if (ZeekJfrFormat.isRoot(className, methodName)) {
            return ROOT;
        }
        if (ZeekJfrFormat.SCRIPT_LOADER_TYPE.equals(loaderType)) {
            String file = Objects.requireNonNullElse(loaderName, "");
            String name = ZeekJfrFormat.decodeMethodName(methodName);
            if (ZeekJfrFormat.BUILTIN_FILE.equals(file)) {
                return profile.frames.function(name, "", FrameKind.BUILTIN);
            } else if (ZeekJfrFormat.SYNTHETIC_FILE.equals(file)) {
                return profile.frames.function(name, "", FrameKind.SYNTHETIC);
            }
            return profile.frames.function(name, file, FrameKind.SCRIPT);
        }
        if (zeek || className == null) {
            return SKIP;
        }
        return profile.frames.function(className + "." + methodName, javaSourcePath(className), FrameKind.JAVA);
    }

    /**
     * Converts a stack trace to the profile's terms. {@code functions} and {@code lines} hold
     * its frames innermost first, as {@link #function} resolved them.
     */
    StackInfo stack(int[] functions, int[] lines, int count, boolean jfrTruncated) {
        // JFR gives one call path new stack trace ids as the JIT compiles its frames (the frame
        // types change): the frames that count are looked up first, and converted once.
        if (contentKey.length < 2 * count + 3) {
            contentKey = new int[2 * (2 * count + 3)];
        }
        int length = 0;
        contentKey[length++] = jfrTruncated ? 1 : 0;
        for (int i = 0; i < count; i++) {
            int function = functions[i];
            if (function != SKIP) {
                contentKey[length++] = function;
                contentKey[length++] = function == ROOT ? 0 : lines[i];
                if (function == ROOT) {
                    break;
                }
            }
        }
        int content = contents.intern(contentKey, 0, length);
        if (content < contentStacks.size()) {
            return contentStacks.get(content);
        }
        StackInfo info = convert(functions, lines, count, jfrTruncated);
        contentStacks.add(info);
        return info;
    }

    private StackInfo convert(int[] functions, int[] lines, int count, boolean jfrTruncated) {
        if (buffer.length < count + 1) {
            buffer = new int[2 * count + 1];
        }
        // Zeek frames fill buffer from the end backwards, so they end up outermost first.
        int end = buffer.length;
        int from = end;
        boolean rootFound = false;
        for (int i = 0; i < count; i++) {
            int function = functions[i];
            if (function == ROOT) {
                rootFound = true;
                break;
            }
            if (function != SKIP) {
                buffer[--from] = profile.frames.frame(function, lines[i]);
            }
        }
        int zeekFrames = end - from;
        boolean truncated = jfrTruncated && !rootFound;
        if (truncated) {
            buffer[--from] = profile.frames.syntheticFrame("[truncated]");
        } else if (zeekFrames == 0) {
            buffer[--from] = profile.frames.syntheticFrame("[no stack]");
        }
        return filtered(Arrays.copyOfRange(buffer, from, end), zeekFrames, truncated);
    }

    /** The stack of events recorded without a stack trace. */
    StackInfo noStack() {
        if (noStack == null) {
            noStack = filtered(new int[] {profile.frames.syntheticFrame("[no stack]")}, 0, false);
        }
        return noStack;
    }

    // ----

    private StackInfo filtered(int[] frames, int zeekFrames, boolean truncated) {
        boolean keep = filter.keeps(frames, frames.length);
        int stack = keep ? profile.stacks.intern(frames, 0, frames.length) : -1;
        return new StackInfo(stack, keep ? frames : null, zeekFrames, truncated);
    }

    private int truncatedStack(StackInfo info) {
        if (info.truncatedStack == Integer.MIN_VALUE) {
            int[] frames = new int[info.frames.length + 1];
            frames[0] = profile.frames.syntheticFrame("[truncated]");
            System.arraycopy(info.frames, 0, frames, 1, info.frames.length);
            info.truncatedStack = profile.stacks.intern(frames, 0, frames.length);
        }
        return info.truncatedStack;
    }

    /** The id of a label set; the last few are remembered, as processes and kinds alternate. */
    private int labelSet(long pid, String node, String kind) {
        for (int i = 0; i < recentLabels.length; i++) {
            LabelSet recent = recentLabels[i];
            if (recent != null && recent.pid() == pid && same(recent.node(), node) && same(recent.kind(), kind)) {
                lastPid = pid;
                lastNode = node;
                lastKind = kind;
                lastLabelSet = recentLabelIds[i];
                return lastLabelSet;
            }
        }
        LabelSet labels = new LabelSet(pid, node, kind);
        int id = profile.labelSet(labels);
        recentLabels[recentNext] = labels;
        recentLabelIds[recentNext] = id;
        recentNext = (recentNext + 1) % recentLabels.length;
        lastPid = pid;
        lastNode = node;
        lastKind = kind;
        lastLabelSet = id;
        return id;
    }

    private static boolean same(String a, String b) {
        return a == b || a != null && a.equals(b);
    }

    /**
     * JFR records no source file names: the likely one of a class, {@code pkg/Outer.java} for
     * {@code pkg.Outer$Inner}, as javac names them.
     */
    static String javaSourcePath(String className) {
        int nested = className.indexOf('$');
        String outer = nested > 0 ? className.substring(0, nested) : className;
        return outer.replace('.', '/') + ".java";
    }

    private static void checkIsRecording(Path file) throws ConversionException {
        byte[] head = new byte[MAGIC.length];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, head.length);
        } catch (NoSuchFileException e) {
            throw new ConversionException(file + ": no such file");
        } catch (IOException e) {
            throw new ConversionException(file + " cannot be read: " + oneLine(e));
        }
        if (read == 0) {
            throw new ConversionException(file + " is not a JFR recording: it is empty");
        }
        if (read < MAGIC.length || !Arrays.equals(head, MAGIC)) {
            throw new ConversionException(file + " is not a JFR recording");
        }
    }

    private String noSamplesMessage() {
        StringBuilder withStacks = new StringBuilder();
        StringBuilder all = new StringBuilder();
        for (Map.Entry<String, Long> type : profile.eventTypes.entrySet()) {
            if (type.getValue() == 0) {
                continue;
            }
            all.append(all.length() == 0 ? "" : ", ").append(type.getKey());
            if (typesWithStacks.getOrDefault(type.getKey(), false)) {
                withStacks.append(withStacks.length() == 0 ? "" : ", ")
                        .append(type.getKey()).append(" (").append(type.getValue()).append(')');
            }
        }
        String inputs = String.join(", ", profile.inputNames);
        String none = "no " + options.event() + " events in " + inputs;
        if (all.length() == 0) {
            return none + ": the recording has no events at all";
        }
        if (withStacks.length() == 0) {
            return none + " and no events with stack traces (it has: " + all + ")";
        }
        return none + "; event types with stack traces: " + withStacks + " (convert one with --event NAME)";
    }

    /** A JFR setting value such as {@code 20 ms} in nanoseconds, or 0 for "off" and the like. */
    static long parsePeriod(String value) {
        if (value == null) {
            return 0;
        }
        String[] parts = value.trim().split("\\s+");
        if (parts.length != 2) {
            return 0;
        }
        long amount;
        try {
            amount = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
        long unit;
        switch (parts[1]) {
            case "ns": unit = 1L; break;
            case "us": unit = 1_000L; break;
            case "ms": unit = 1_000_000L; break;
            case "s": unit = 1_000_000_000L; break;
            case "m": unit = 60_000_000_000L; break;
            case "h": unit = 3_600_000_000_000L; break;
            case "d": unit = 86_400_000_000_000L; break;
            default: return 0;
        }
        return Math.max(0, amount * unit);
    }

    static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** The message of {@code e} on one line; for a file system error, what went wrong without the file name again. */
    static String oneLine(Throwable e) {
        if (e instanceof java.nio.file.FileSystemException) {
            return fileProblem((java.nio.file.FileSystemException) e);
        }
        String message = e.getMessage();
        String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        return text.replaceAll("\\s+", " ").trim();
    }

    private static String fileProblem(java.nio.file.FileSystemException e) {
        String problem;
        if (e instanceof NoSuchFileException) {
            problem = "no such file or directory";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            problem = "permission denied";
        } else if (e instanceof java.nio.file.NotDirectoryException) {
            problem = "not a directory";
        } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
            problem = "file exists";
        } else {
            problem = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
        }
        return problem.replaceAll("\\s+", " ").trim() + (e.getOtherFile() == null ? "" : " (" + e.getOtherFile() + ")");
    }

    /** A converted stack trace: its stack id (-1 if filtered out) and how many Zeek frames it had. */
    static final class StackInfo {
        final int stack;
        final int[] frames;
        final int zeekFrames;
        final boolean truncated;
        int truncatedStack = Integer.MIN_VALUE;
        /** Profile sample + 1 of this stack by label set id, for the first few label sets. */
        private int[] samplesByLabelSet = new int[0];

        StackInfo(int stack, int[] frames, int zeekFrames, boolean truncated) {
            this.stack = stack;
            this.frames = frames;
            this.zeekFrames = zeekFrames;
            this.truncated = truncated;
        }

        /** The profile's sample of this stack with {@code labelSet}; remembered here, as a map lookup per sample costs. */
        int sample(int labelSet, StackProfile profile) {
            if (labelSet < samplesByLabelSet.length && samplesByLabelSet[labelSet] > 0) {
                return samplesByLabelSet[labelSet] - 1;
            }
            int sample = profile.sample(stack, labelSet);
            if (labelSet < 64) {
                if (labelSet >= samplesByLabelSet.length) {
                    samplesByLabelSet = Arrays.copyOf(samplesByLabelSet, Math.max(labelSet + 1, 4));
                }
                samplesByLabelSet[labelSet] = sample + 1;
            }
            return sample;
        }
    }
}
