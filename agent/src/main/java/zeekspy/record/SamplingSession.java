package zeekspy.record;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import zeekspy.jfr.JfrSampleSink;
import zeekspy.jfr.ProcessInfo;
import zeekspy.jfr.ZeekFrames;
import zeekspy.jfr.ZeekProcessEvent;
import zeekspy.jfr.ZeekStatisticsEvent;
import zeekspy.memory.PtraceSession;
import zeekspy.sampling.Sample;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.ZeekProcess;

/**
 * Samples one or more Zeek processes into JFR events, one sampler thread each: the part of
 * recording that does not own a {@link jdk.jfr.Recording}, shared by {@code record} and the agent.
 */
public final class SamplingSession {
    private final List<Sampler> samplers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<AutoCloseable> statistics = new ArrayList<>();
    private final FunctionTally tally = new FunctionTally();
    private final CountDownLatch ended;
    private final ZeekFrames frames = new ZeekFrames();
    private final List<JfrSampleSink> sinks = new ArrayList<>();
    /** Why each sampler ended, by pid, in the order they ended; also the lock of the failures. */
    private final Map<Integer, String> endReasons = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    /**
     * @param seized a tracer already attached to a child that zeek-spy started, or null
     */
    public SamplingSession(List<ZeekProcess> processes, Sampler.Options options, JfrSampleSink.Fields fields,
                           PtraceSession seized) {
        ended = new CountDownLatch(processes.size());
        for (ZeekProcess p : processes) {
            JfrSampleSink jfr = new JfrSampleSink(frames, Math.min(options.maxDepth(), zeekspy.jfr.JfrStackDepth.maxZeekDepth()),
                    p.node().isEmpty() ? null : p.node(), options.periodNanos(), fields);
            sinks.add(jfr);
            Sampler sampler = new Sampler(p, options, (Sample s) -> {
                jfr.accept(s);
                tally.accept(s);
            });
            samplers.add(sampler);
            PtraceSession tracer = seized != null && seized.pid() == p.pid() ? seized : null;
            Thread t = new Thread(() -> {
                String reason;
                boolean failed = false;
                try {
                    reason = tracer != null ? sampler.run(tracer) : sampler.run();
                } catch (RuntimeException e) {
                    reason = failure(p.pid(), e);
                    failed = true;
                }
                synchronized (endReasons) {
                    endReasons.put(p.pid(), reason);
                    if (failed) {
                        failures.add(reason);
                    }
                }
                ended.countDown();
            }, "zeek-spy-sampler-" + p.pid());
            t.setDaemon(true);
            threads.add(t);
        }
    }

    /** The line for a sampler that failed: its message, which names the process unless it already does. */
    private static String failure(int pid, RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return Pattern.compile("\\b" + pid + "\\b").matcher(message).find() ? message : "process " + pid + ": " + message;
    }

    /** Records each process's zeek.Process event and starts sampling. */
    public void start() {
        for (Sampler s : samplers) {
            ZeekProcess p = s.process();
            ZeekProcessEvent.emit(new ProcessInfo(p.pid(), p.node().isEmpty() ? null : p.node(), p.exe(),
                    p.binary().version(), p.binary().buildId(), p.binary().compiler(), p.layout().source(),
                    (int) Math.round(samplerRate(s)), modeName(s)));
            statistics.add(ZeekStatisticsEvent.periodic(p.pid(), s.statistics()));
        }
        threads.forEach(Thread::start);
    }

    private static double samplerRate(Sampler s) {
        return s.options().rate();
    }

    private static String modeName(Sampler s) {
        return s.options().mode() == Sampler.Mode.BLOCKING ? "blocking" : "nonblocking";
    }

    /** Waits until every sampler has ended (duration, process exit) or the timeout passes; true if all ended. */
    public boolean awaitEnd(long timeoutMillis) throws InterruptedException {
        return ended.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Samples taken but not recorded: the commit thread fell a whole queue behind, or failed. */
    public long lostSamples() {
        return sinks.stream().mapToLong(JfrSampleSink::dropped).sum() + frames.commitFailures();
    }

    /** Waits until the samples taken so far are in the recording (they are committed in batches). */
    public void flush() {
        frames.flush();
    }

    /** Stops every sampler and waits for them, commits their samples, then stops the statistics events. */
    public void stop() {
        samplers.forEach(Sampler::stop);
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        frames.close();
        for (Sampler s : samplers) {
            ZeekStatisticsEvent.emit(s.process().pid(), s.statistics().snapshot(), ownCpuNanos());
        }
        for (AutoCloseable c : statistics) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Removing a periodic hook cannot fail in a way that matters here.
            }
        }
    }

    /** CPU time zeek-spy's JVM has used. */
    static long ownCpuNanos() {
        return java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class)
                .getProcessCpuTime();
    }

    public List<Sampler> samplers() {
        return samplers;
    }

    /** Why the samplers ended, one line each. */
    public List<String> endReasons() {
        synchronized (endReasons) {
            return List.copyOf(endReasons.values());
        }
    }

    /** Why the sampler of process {@code pid} ended, or null while it runs. */
    public String endReason(int pid) {
        synchronized (endReasons) {
            return endReasons.get(pid);
        }
    }

    /**
     * The samplers that ended by a failure (lost access to the process, a memory read the kernel
     * refused), not by the duration, a stop or the process's exit; one line each.
     */
    public List<String> failures() {
        synchronized (endReasons) {
            return List.copyOf(failures);
        }
    }

    /** The {@code n} innermost functions (or {@code <native>}, {@code <idle>}, {@code <error>}) sampled most. */
    public List<java.util.Map.Entry<String, Long>> topFunctions(int n, boolean withIdle) {
        return tally.top(n, withIdle);
    }

    /** Samples taken, without idle ones unless {@code withIdle}. */
    public long sampleCount(boolean withIdle) {
        return tally.total(withIdle);
    }
}
