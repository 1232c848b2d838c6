package zeekspy.jfr;

import java.util.List;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.stack.ScriptFrame;

/**
 * One sample of a Zeek process. Its stack trace is the Zeek script stack (see
 * {@link ZeekJfrFormat}); it is committed by the generated frames, never directly.
 */
@Name(ZeekJfrFormat.SAMPLE_EVENT)
@Label("Zeek Sample")
@Category({"Zeek", "Profiling"})
@Description("A sample of the script stack of a Zeek process; the stack trace is the Zeek stack")
@StackTrace(true)
public final class ZeekSampleEvent extends jdk.jfr.Event {
    @Label("Zeek PID")
    @Description("Process id of the sampled Zeek process")
    int pid;

    @Label("Node")
    @Description("Cluster node name of the Zeek process")
    String node;

    @Label("Kind")
    @Description("What the main thread was doing: script, native, idle or error")
    String kind;

    @Label("Depth")
    @Description("Real depth of the Zeek stack; the stack trace may be truncated")
    int depth;

    @Label("Function")
    @Description("Innermost Zeek function")
    String function;

    @Label("Location")
    @Description("file:line of the innermost Zeek frame")
    String location;

    @Label("Error")
    @Description("Why the stack could not be read; only for error samples")
    String error;

    @Label("Period")
    @Description("Sampling period")
    @Timespan(Timespan.NANOSECONDS)
    long period;

    // For the commit thread (CommitLoop); transient fields are not part of the event. Here
    // rather than in a holder object so that a queued sample allocates nothing more.
    transient JfrSampleSink sink;
    /** The stack to commit: the sample's own, or a synthetic one. */
    transient List<ScriptFrame> stack;
}
