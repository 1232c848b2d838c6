package zeekspy.sampling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import zeekspy.memory.ProcessGoneException;
import zeekspy.memory.PtraceSession;
import zeekspy.memory.SyscallProbe;
import zeekspy.stack.ScriptFrame;
import zeekspy.stack.StackError;
import zeekspy.stack.StackReader;

/**
 * Samples one Zeek process at a fixed rate until stopped, the duration is over, or Zeek ends.
 *
 * <p>The schedule is drift-free: tick {@code k} is due at {@code start + k * period}, whatever
 * the previous samples cost; ticks that are already past when the sampler gets to them are
 * counted as missed, not taken late.
 *
 * <p>Blocking mode stops Zeek's main thread for each sample (ptrace interrupt, read, continue).
 * Its loop runs on the session's tracer thread ({@link PtraceSession#drive}), so a sample needs
 * no thread hand-off; the sink is called there too. Non-blocking mode never stops Zeek: it
 * reads while Zeek runs and counts samples whose stack changed meanwhile as torn. Without ptrace
 * to report an exec, it checks after each read that the process still runs the same program
 * ({@link ProgramWatch}), so no sample of another program is ever passed on.
 *
 * <p>While it samples, the sampling thread runs real-time at rates where it sleeps between
 * ticks ({@link RealtimePriority}) and off the CPU a pinned Zeek runs on ({@link CpuAffinity}),
 * so that a busy machine neither delays its ticks nor bends its samples.
 */
public final class Sampler {
    /** How samples are taken. */
    public enum Mode { BLOCKING, NONBLOCKING }

    /**
     * @param rate samples per second
     * @param duration how long to sample, or null until stopped
     * @param maxDepth the most stack entries read per sample
     * @param keepCpuPolling whether blocking mode keeps Zeek's CPU polling while Zeek is stopped
     *     ({@link PtraceSession#keepCpuPolling})
     */
    public record Options(double rate, Duration duration, Mode mode, int maxDepth, boolean keepCpuPolling) {
        public Options {
            if (!(rate > 0 && rate <= 100_000)) {
                throw new IllegalArgumentException("rate must be between 0 and 100000 samples/s, got " + rate);
            }
            if (duration != null && (duration.isNegative() || duration.isZero())) {
                throw new IllegalArgumentException("duration must be positive, got " + duration);
            }
        }

        /** Options that keep Zeek's CPU polling while it is stopped. */
        public Options(double rate, Duration duration, Mode mode, int maxDepth) {
            this(rate, duration, mode, maxDepth, true);
        }

        public long periodNanos() {
            return Math.max(1, Math.round(1e9 / rate));
        }

        /**
         * Whether the sampling thread sleeps between ticks, rather than spinning to each: then it
         * gets real-time priority ({@link RealtimePriority}).
         */
        public boolean sleepsBetweenTicks() {
            return periodNanos() >= NO_SPIN_PERIOD_NANOS;
        }
    }

    /** Sleeping is imprecise by ~50 µs; at short periods the last stretch before a tick is spun. */
    private static final long SPIN_NANOS = 60_000;
    /**
     * Periods from which a tick may start a sleep's imprecision late instead: spinning would
     * cost 60 µs of CPU a tick (0.6% of a core at 100 Hz) to move the sample by less than a
     * tenth of the period, where the sample's time stays the tick's.
     */
    private static final long NO_SPIN_PERIOD_NANOS = 1_000_000;
    /**
     * In the first ticks' idle time the stack is read this many times without stopping Zeek, so
     * that the JIT compiles the code that runs while Zeek is stopped: at 100 Hz it would
     * otherwise take about a minute of slow, interpreted pauses. It never delays a tick.
     */
    private static final int WARM_UP_READS = 12_000;
    /** Warm-up reads stop this long before the next tick is due. */
    private static final long WARM_UP_MARGIN_NANOS = 1_000_000;
    /**
     * Periods from which blocking mode reads the stack once without stopping Zeek just before
     * each pause, and discards what it read: 10 ms after the last sample the read's way through
     * the kernel and Zeek's page tables has gone cold, and the read under the stop took twice as
     * long (Zeek stopped 20-30 µs instead of 12 at 100 Hz; BENCHMARKS.md). At shorter periods it
     * stays warm from the previous sample, and the extra read would cost more than it saves.
     * Repeating only the last sample's reads, in one system call and without decoding, cost less
     * CPU but left the pause 1.5-4 µs longer (BENCHMARKS.md, Recording, tenth run).
     */
    private static final long PRE_READ_PERIOD_NANOS = 2_000_000;

    private final ZeekProcess process;
    private final Options options;
    private final SampleSink sink;
    private final StackReader reader;
    private final SamplerStatistics statistics = new SamplerStatistics();
    private final List<ScriptFrame> frames = new ArrayList<>();
    private volatile boolean stopRequested;
    private volatile Thread runner;
    private volatile PtraceSession session;
    private ProgramWatch watch;
    private String endReason;
    private SyscallProbe syscallProbe;
    private long syscallsBefore;
    /**
     * Reads a running Zeek for the warm-up and the pre-reads, whose results are discarded: with
     * caches of its own, so that a torn read's garbage never reaches the samples.
     */
    private StackReader runningReader;
    private final List<ScriptFrame> discarded = new ArrayList<>();
    private int warmUpReadsLeft = WARM_UP_READS;
    /** Whether the sampling thread has real-time priority ({@link RealtimePriority}). */
    private boolean realtime;
    private long warmUpSyscalls;

    // Result of the sample being taken, written inside the pause.
    private StackError sampleError;
    private SampleKind sampleKind;

    public Sampler(ZeekProcess process, Options options, SampleSink sink) {
        this.process = process;
        this.options = options;
        this.sink = sink;
        this.reader = process.newStackReader(options.maxDepth());
        reader.setVerifyConsistency(options.mode() == Mode.NONBLOCKING);
    }

    /** Attaches (blocking mode) and samples; returns why sampling ended. */
    public String run() {
        runner = Thread.currentThread();
        try {
            if (options.mode() == Mode.BLOCKING) {
                session = PtraceSession.seize(process.pid());
                session.keepCpuPolling(options.keepCpuPolling());
                return session.drive(this::loop);
            }
            watch = ProgramWatch.open(process.pid(), process.callStackAddress());
            return loop();
        } finally {
            if (session != null) {
                session.close();
            }
            if (watch != null) {
                watch.close();
            }
        }
    }

    /** Like {@link #run()}, for a child this JVM started with {@link zeekspy.memory.SpawnedProcess}: already seized. */
    public String run(PtraceSession seized) {
        runner = Thread.currentThread();
        session = seized;
        try {
            session.keepCpuPolling(options.keepCpuPolling());
            return session.drive(this::loop);
        } finally {
            session.close();
        }
    }

    /** Asks the sampler to end after the current sample; any thread. */
    public void stop() {
        stopRequested = true;
        Thread t = runner;
        if (t != null) {
            LockSupport.unpark(t);
        }
        PtraceSession s = session;
        if (s != null) {
            s.wakeUp();
        }
    }

    public SamplerStatistics statistics() {
        return statistics;
    }

    public ZeekProcess process() {
        return process;
    }

    public Options options() {
        return options;
    }

    /** Why sampling ended, null while it runs. */
    public String endReason() {
        return endReason;
    }

    private String loop() {
        long[] cpus = CpuAffinity.avoidPinnedCpuOf(process.pid());
        realtime = options.sleepsBetweenTicks() && RealtimePriority.raise() == null;
        try (SyscallProbe probe = SyscallProbe.open(process.pid(), process.pid())) {
            syscallProbe = probe;
            syscallsBefore = process.memory().syscalls();
            return tick();
        } catch (ProcessGoneException e) {
            return ended(e.getMessage());
        } finally {
            // The thread may be the caller's (run() in non-blocking mode).
            if (realtime) {
                RealtimePriority.drop();
            }
            if (cpus != null) {
                CpuAffinity.restore(cpus);
            }
        }
    }

    /**
     * Warm-up reads until {@code deadline}, with the running reader, at normal priority: a
     * real-time thread would hold its CPU for the whole stretch, against Zeek if it runs there.
     */
    private void warmUp(long deadline) {
        if (realtime) {
            RealtimePriority.drop();
        }
        try {
            warmUpReads(deadline);
        } finally {
            if (realtime) {
                RealtimePriority.raise();
            }
        }
    }

    private void warmUpReads(long deadline) {
        StackReader reader = runningReader();
        long syscalls = process.memory().syscalls();
        PtraceSession tracer = session;
        while (warmUpReadsLeft > 0 && !stopRequested && System.nanoTime() < deadline) {
            warmUpReadsLeft--;
            if (!readDiscarded(reader)) {
                warmUpReadsLeft = 0;
            }
            ThreadActivity.of(syscallProbe);
            if (tracer != null && warmUpReadsLeft % 16 == 0) {
                tracer.sleepUntil(System.nanoTime()); // a signal to Zeek must not wait for the warm-up
            }
        }
        warmUpSyscalls += process.memory().syscalls() - syscalls;
        if (warmUpReadsLeft == 0 && !preReads()) {
            runningReader = null;
        }
    }

    /**
     * One read whose result is thrown away; false if Zeek is gone. How it ended is left for the
     * next sample to find out: in blocking mode the pause learns its exit status.
     */
    private boolean readDiscarded(StackReader reader) {
        try {
            return reader.read(discarded) != StackError.PROCESS_GONE;
        } catch (ProcessGoneException e) {
            return false;
        }
    }

    private StackReader runningReader() {
        if (runningReader == null) {
            runningReader = process.newStackReader(options.maxDepth());
        }
        return runningReader;
    }

    private boolean preReads() {
        return options.mode() == Mode.BLOCKING && options.periodNanos() >= PRE_READ_PERIOD_NANOS;
    }

    private String tick() {
        long period = options.periodNanos();
        long start = System.nanoTime();
        long end = options.duration() == null ? Long.MAX_VALUE : start + options.duration().toNanos();
        long tick = 0;
        while (true) {
            long due = start + tick * period;
            if (due >= end) {
                return ended("duration reached");
            }
            if (warmUpReadsLeft > 0 && due - System.nanoTime() > 2 * WARM_UP_MARGIN_NANOS) {
                warmUp(due - WARM_UP_MARGIN_NANOS);
            }
            if (!waitUntil(due) || stopRequested) {
                return ended("stopped");
            }
            long late = System.nanoTime() - due;
            if (late >= period) {
                long missed = late / period;
                statistics.missed(missed);
                tick += missed;
                continue;
            }
            String gone = sampleOnce(due);
            if (gone != null) {
                return ended(gone);
            }
            tick++;
        }
    }

    private String ended(String reason) {
        endReason = reason;
        statistics.syscalls(process.memory().syscalls() - syscallsBefore - warmUpSyscalls);
        return reason;
    }

    /**
     * Sleeps, then at short periods spins, until {@code due}; false if asked to stop meanwhile.
     * In blocking mode it runs on the tracer thread and sleeps in the session, which serves
     * the tracee meanwhile.
     */
    private boolean waitUntil(long due) {
        long spin = options.sleepsBetweenTicks() ? 0 : SPIN_NANOS;
        PtraceSession tracer = session;
        boolean served = false;
        while (!stopRequested) {
            long left = due - System.nanoTime();
            if (tracer != null && (left > spin || !served)) {
                // Serves the tracee's signals meanwhile, and at least once a tick when late; not
                // again while spinning, where each call would look at the tracee's stops.
                tracer.sleepUntil(due - spin);
                served = true;
                left = due - System.nanoTime();
            }
            if (left <= 0) {
                return true;
            }
            if (left > spin) {
                if (tracer == null) {
                    LockSupport.parkNanos(left - spin);
                }
            } else {
                Thread.onSpinWait();
            }
        }
        return false;
    }

    /** Takes one sample; returns why the process is gone, or null. */
    private String sampleOnce(long due) {
        long t0 = System.nanoTime();
        try {
            if (session != null) {
                if (preReads()) {
                    readDiscarded(runningReader()); // counted in the syscalls per sample, not in the pause
                }
                PtraceSession.Result r = session.pause(this::readSample);
                if (r.ended()) {
                    return session.endMessage();
                }
                if (!r.stopped()) {
                    sampleKind = SampleKind.ERROR;
                    sampleError = StackError.NOT_STOPPED;
                    frames.clear();
                } else {
                    // What Zeek feels: from the moment its main thread stopped to the resume.
                    statistics.pause(session.lastStoppedNanos());
                }
            } else {
                readSample();
                if (!watch.sameProgram()) {
                    return watch.endMessage();
                }
            }
        } catch (ProcessGoneException e) {
            return e.getMessage();
        }
        statistics.sampleTime(System.nanoTime() - t0);
        statistics.sample(sampleKind, sampleError);
        List<ScriptFrame> stack = sampleKind == SampleKind.SCRIPT ? List.copyOf(frames) : List.of();
        sink.accept(new Sample(process.pid(), due, sampleKind, stack, reader.lastDepth(), reader.lastTruncated(),
                sampleError == null ? null : sampleError.description()));
        return null;
    }

    /** Reads the sample's stack: in blocking mode inside a pause, on the tracer thread. */
    private void readSample() {
        sampleError = reader.read(frames);
        sampleKind = classify();
    }

    private SampleKind classify() {
        if (sampleError == StackError.PROCESS_GONE) {
            throw new ProcessGoneException(process.pid());
        }
        if (sampleError != null) {
            return SampleKind.ERROR;
        }
        if (!frames.isEmpty()) {
            return SampleKind.SCRIPT;
        }
        return ThreadActivity.of(syscallProbe);
    }
}
