package zeekspy.convert;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to convert: output format, frame granularity, which samples to keep and how to show them.
 * Immutable; start from {@link #defaults()} and change what you need with the {@code with} methods.
 */
public final class ConvertOptions {
    private final OutputFormat format;
    private final Granularity granularity;
    private final Instant from;
    private final Instant to;
    private final Pattern include;
    private final Pattern exclude;
    private final boolean idle;
    private final boolean perNode;
    private final String event;
    private final boolean reverse;
    private final String title;

    private ConvertOptions(OutputFormat format, Granularity granularity, Instant from, Instant to,
            Pattern include, Pattern exclude, boolean idle, boolean perNode, String event, boolean reverse,
            String title) {
        this.format = format;
        this.granularity = Objects.requireNonNull(granularity, "granularity");
        this.from = from;
        this.to = to;
        this.include = include;
        this.exclude = exclude;
        this.idle = idle;
        this.perNode = perNode;
        this.event = Objects.requireNonNull(event, "event");
        this.reverse = reverse;
        this.title = title;
    }

    /** Format from the output file name, line granularity, all non-idle zeek.Sample samples. */
    public static ConvertOptions defaults() {
        return new ConvertOptions(null, Granularity.LINES, null, null, null, null, false, false,
                ZeekJfrFormat.SAMPLE_EVENT, false, null);
    }

    /** The output format; null means: from the output file name. */
    public OutputFormat format() {
        return format;
    }

    public Granularity granularity() {
        return granularity;
    }

    /** Samples that start before this instant are dropped; null keeps all. */
    public Instant from() {
        return from;
    }

    /** Samples that start at or after this instant are dropped; null keeps all. */
    public Instant to() {
        return to;
    }

    /** Keep only stacks with a frame {@code function (file:line)} in which this pattern is found; null keeps all. */
    public Pattern include() {
        return include;
    }

    /** Drop stacks with a frame {@code function (file:line)} in which this pattern is found; null drops none. */
    public Pattern exclude() {
        return exclude;
    }

    /** Whether to keep samples of kind idle (Zeek waiting for input). */
    public boolean idle() {
        return idle;
    }

    /** Whether to put each sample under a root frame naming its node (or {@code pid N}). */
    public boolean perNode() {
        return perNode;
    }

    /** The event type to convert: zeek.Sample, or any other with stack traces such as jdk.ExecutionSample. */
    public String event() {
        return event;
    }

    /** Flame graph only: stacks innermost frame first, drawn top-down (an inverted, "icicle" graph of callers). */
    public boolean reverse() {
        return reverse;
    }

    /** Flame graph only: the page title; null for a title naming the inputs. */
    public String title() {
        return title;
    }

    public ConvertOptions withFormat(OutputFormat format) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withGranularity(Granularity granularity) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withFrom(Instant from) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withTo(Instant to) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withInclude(Pattern include) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withExclude(Pattern exclude) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withIdle(boolean idle) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withPerNode(boolean perNode) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withEvent(String event) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withReverse(boolean reverse) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    public ConvertOptions withTitle(String title) {
        return new ConvertOptions(format, granularity, from, to, include, exclude, idle, perNode, event, reverse, title);
    }

    /** Whether this is the native zeek-spy sample event (and not a Java event such as jdk.ExecutionSample). */
    boolean zeekEvent() {
        return ZeekJfrFormat.SAMPLE_EVENT.equals(event);
    }
}
