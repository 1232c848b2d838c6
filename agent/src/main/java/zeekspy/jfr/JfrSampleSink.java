package zeekspy.jfr;

import java.util.List;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.sampling.Sample;
import zeekspy.sampling.SampleSink;
import zeekspy.stack.FunctionKind;
import zeekspy.stack.ScriptFrame;

/**
 * Records each {@link Sample} as a {@link ZeekSampleEvent} whose stack trace is the sample's
 * Zeek stack ({@link ZeekJfrFormat}). Samples are dropped while no recording enables the event.
 * The event's time is when {@code accept} takes the sample, so call it right after taking it;
 * the commit follows within {@value CommitLoop#BATCH_MILLIS} ms on the commit thread of its
 * {@link ZeekFrames} ({@link CommitLoop}), or at once on {@link #flush()}. Not thread-safe: one
 * sink per sampler thread.
 */
public final class JfrSampleSink implements SampleSink {
    /** Which fields of {@link ZeekSampleEvent} a sink fills. */
    public enum Fields {
        /** Every field of {@link ZeekJfrFormat}; about 100 bytes per sample in the recording. */
        ALL,
        /**
         * Pid, node, kind, depth, error and period: about 31 bytes per sample without a cluster
         * node name, 10 more with one. The stack trace already names the innermost function and
         * line.
         */
        STANDARD,
        /**
         * Only pid, depth and error. Node, kind, function and location (null) and period (0)
         * follow from the stack trace and zeek.Process; about 20 bytes per sample.
         */
        COMPACT
    }

    /** Error reason of samples that hit a {@link FrameLimits limit} of the generated frames. */
    public static final String FRAME_LIMIT_ERROR = "too many distinct frames for JFR";
    /** Error reason of script samples without frames. */
    public static final String EMPTY_STACK_ERROR = "empty script stack";

    private static final String SCRIPT = "script";
    private static final String NATIVE = "native";
    private static final String IDLE = "idle";
    private static final String ERROR = "error";
    private static final List<ScriptFrame> IDLE_STACK = synthetic(ZeekJfrFormat.IDLE_FRAME, ZeekJfrFormat.EMPTY_CALL_STACK);
    private static final List<ScriptFrame> NATIVE_STACK = synthetic(ZeekJfrFormat.NATIVE_FRAME, ZeekJfrFormat.EMPTY_CALL_STACK);
    private static final List<ScriptFrame> ERROR_STACK = synthetic(ZeekJfrFormat.ERROR_FRAME);

    private final ZeekFrames frames;
    private final CommitLoop commits;
    private final int maxDepth;
    private final String node;
    private final long periodNanos;
    private final Fields fields;
    // Counted on the commit thread, except dropped.
    private volatile long committed;
    private volatile long truncated;
    private volatile long limitErrors;
    private volatile long dropped;

    /**
     * A sink for samples of cluster node {@code node} (may be null) taken every
     * {@code periodNanos}, keeping as many Zeek frames as the JVM's JFR stack depth allows
     * ({@link JfrStackDepth#maxZeekDepth()}).
     */
    public JfrSampleSink(String node, long periodNanos) {
        this(new ZeekFrames(), JfrStackDepth.maxZeekDepth(), node, periodNanos, Fields.ALL);
    }

    /** A sink that keeps the innermost {@code maxDepth} frames of each stack and fills all fields. */
    public JfrSampleSink(ZeekFrames frames, int maxDepth, String node, long periodNanos) {
        this(frames, maxDepth, node, periodNanos, Fields.ALL);
    }

    /** A sink that keeps the innermost {@code maxDepth} frames of each stack and fills {@code fields}. */
    public JfrSampleSink(ZeekFrames frames, int maxDepth, String node, long periodNanos, Fields fields) {
        this.frames = frames;
        this.commits = frames.commits();
        this.maxDepth = maxDepth;
        this.node = node;
        this.periodNanos = periodNanos;
        this.fields = fields;
        // The synthetic frames are generated now, so that a limit can never stop an error sample.
        FrameChain chain = frames.newChain(maxDepth);
        for (List<ScriptFrame> stack : List.of(ERROR_STACK, IDLE_STACK, NATIVE_STACK)) {
            if (!frames.prepare(chain, stack)) {
                throw new IllegalStateException("cannot generate zeek-spy's synthetic frames");
            }
            commits.reserve(chain.outermost);
        }
    }

    @Override
    public void accept(Sample sample) {
        ZeekSampleEvent e = new ZeekSampleEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.pid = sample.pid();
        e.node = node;
        e.period = periodNanos;
        List<ScriptFrame> stack;
        switch (sample.kind()) {
            case SCRIPT -> {
                stack = sample.frames();
                e.kind = SCRIPT;
                e.depth = stack.size();
                if (stack.isEmpty()) {
                    stack = ERROR_STACK;
                    e.kind = ERROR;
                    e.error = EMPTY_STACK_ERROR;
                }
            }
            case IDLE -> {
                stack = IDLE_STACK;
                e.kind = IDLE;
            }
            case NATIVE -> {
                stack = NATIVE_STACK;
                e.kind = NATIVE;
            }
            default -> {
                stack = ERROR_STACK;
                e.kind = ERROR;
                e.error = sample.error();
            }
        }
        // The sample's time; begin and end back to back take a few tens of ns, a one-byte duration.
        e.begin();
        e.end();
        e.sink = this;
        e.stack = stack;
        if (!commits.offer(e)) {
            dropped++;
        }
    }

    /** Waits until the samples accepted so far are committed. */
    public void flush() {
        commits.flush();
    }

    /** On the commit thread: prepares {@code chain} for {@code e}, an error stack where a limit stops it; returns the stack prepared. */
    List<ScriptFrame> prepare(FrameChain chain, ZeekSampleEvent e) {
        return frames.prepare(chain, e.stack) ? e.stack : prepareLimitError(chain, e);
    }

    /** On the commit thread: prepares {@code chain} for {@code e} as an error sample of a {@link FrameLimits limit}. */
    List<ScriptFrame> prepareLimitError(FrameChain chain, ZeekSampleEvent e) {
        limitErrors++;
        e.kind = ERROR;
        e.error = FRAME_LIMIT_ERROR;
        frames.prepare(chain, ERROR_STACK);
        return ERROR_STACK;
    }

    /** On the commit thread, just before the commit: the fields that depend on the prepared {@code stack}. */
    void finish(FrameChain chain, ZeekSampleEvent e, List<ScriptFrame> stack) {
        if (stack.size() > chain.length) {
            truncated++;
        }
        switch (fields) {
            case ALL -> {
                e.function = stack.get(0).function();
                e.location = SCRIPT.equals(e.kind) ? chain.location : null; // the sample's own stack was prepared
            }
            case STANDARD -> { } // everything set in accept is kept
            case COMPACT -> {
                e.node = null;
                e.kind = null;
                e.period = 0;
            }
        }
        committed++;
    }

    int maxDepth() {
        return maxDepth;
    }

    /** Events committed so far (all of them after {@link #flush()}). */
    public long committed() {
        return committed;
    }

    /** Committed samples whose stack was deeper than the sink keeps. */
    public long truncated() {
        return truncated;
    }

    /** Script samples committed as error samples because of a {@link FrameLimits limit}. */
    public long limitErrors() {
        return limitErrors;
    }

    /** Samples lost because the commit thread fell {@value CommitLoop#CAPACITY} samples behind, or after the loop closed. */
    public long dropped() {
        return dropped;
    }

    /** The generated frames this sink uses. */
    public ZeekFrames frames() {
        return frames;
    }

    private static List<ScriptFrame> synthetic(String... innermostFirst) {
        return java.util.Arrays.stream(innermostFirst)
                .map(f -> new ScriptFrame(f, FunctionKind.FUNCTION, ZeekJfrFormat.SYNTHETIC_FILE, 0))
                .toList();
    }
}
