package zeekspy.jfr;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.sampling.SamplerStatistics;

/** The sampler's statistics for one process, emitted periodically (period set by the recording). */
@Name(ZeekJfrFormat.STATISTICS_EVENT)
@Label("Zeek Sampler Statistics")
@Category({"Zeek", "Profiling"})
@Description("What zeek-spy has done so far for one Zeek process: samples, errors, pauses")
@StackTrace(false)
@Period("1 s")
public final class ZeekStatisticsEvent extends jdk.jfr.Event {
    @Label("Zeek PID")
    int pid;

    @Label("Samples")
    long samples;

    @Label("Errors")
    @Description("Error samples")
    long errors;

    @Label("Errors by Reason")
    @Description("reason=count pairs")
    String errorsByReason;

    @Label("Torn")
    @Description("Stacks that changed while they were read")
    long torn;

    @Label("Missed Ticks")
    @Description("Sampling ticks skipped because sampling fell behind")
    long missedTicks;

    @Label("Pause P50")
    @Description("Median time Zeek was stopped for one sample")
    @Timespan(Timespan.NANOSECONDS)
    long pauseP50;

    @Label("Pause P99")
    @Timespan(Timespan.NANOSECONDS)
    long pauseP99;

    @Label("Pause Max")
    @Timespan(Timespan.NANOSECONDS)
    long pauseMax;

    @Label("zeek-spy CPU Time")
    @Description("CPU time used by zeek-spy itself")
    @Timespan(Timespan.NANOSECONDS)
    long cpuTime;

    /** Commits the statistics of process {@code pid}; {@code cpuTimeNanos} is zeek-spy's own CPU time. */
    public static void emit(int pid, SamplerStatistics.Snapshot stats, long cpuTimeNanos) {
        ZeekStatisticsEvent e = new ZeekStatisticsEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.pid = pid;
        e.samples = stats.samples();
        e.errors = stats.errorCount();
        e.errorsByReason = stats.errorsByReason();
        e.torn = stats.torn();
        e.missedTicks = stats.missedTicks();
        e.pauseP50 = stats.pauseP50();
        e.pauseP99 = stats.pauseP99();
        e.pauseMax = stats.pauseMax();
        e.cpuTime = cpuTimeNanos;
        e.commit();
    }

    /**
     * Emits the statistics of process {@code pid} at the period the recording sets for this
     * event, until the returned handle is closed. On JDK 17 a hook added while a recording runs
     * starts at JFR's next periodic pass, up to a second later.
     */
    public static AutoCloseable periodic(int pid, SamplerStatistics stats, LongSupplier cpuTimeNanos) {
        Runnable hook = () -> emit(pid, stats.snapshot(), cpuTimeNanos.getAsLong());
        FlightRecorder.addPeriodicEvent(ZeekStatisticsEvent.class, hook);
        return () -> FlightRecorder.removePeriodicEvent(hook);
    }

    /** Like {@link #periodic(int, SamplerStatistics, LongSupplier)} with this JVM's process CPU time. */
    public static AutoCloseable periodic(int pid, SamplerStatistics stats) {
        var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
        return periodic(pid, stats, os::getProcessCpuTime);
    }
}
