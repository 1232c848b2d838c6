package zeekspy.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import jdk.jfr.FlightRecorder;
import zeekspy.jfr.JfrSampleSink;
import zeekspy.jfr.JfrStackDepth;
import zeekspy.jfr.ProcessInfo;
import zeekspy.jfr.ZeekProcessEvent;
import zeekspy.jfr.ZeekRecordingSettings;
import zeekspy.layout.LayoutResolver;
import zeekspy.memory.ProcFs;
import zeekspy.record.SamplingSession;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.SamplerStatistics;
import zeekspy.sampling.ZeekProcess;

/**
 * The agent's sampling in its host JVM: the {@link SamplingSession} of the Zeek processes, the
 * zeek.Process events of every recording chunk, and a shutdown hook that detaches from Zeek
 * when the JVM exits. Sampler threads are daemon threads that own their ptrace calls.
 */
final class AgentSession {
    /** How long {@link #open} waits for every sampler's first sample (or end). */
    private static final long FIRST_SAMPLE_MILLIS = 3000;

    private final AgentArguments args;
    private final long jvmPid;
    private final int jfrStackDepth;
    private final int zeekDepth;
    private final String depthWarning;
    private final Path settingsFile;
    private final Consumer<String> log;
    private final Consumer<AgentSession> ended;
    private final List<ZeekProcess> processes = new ArrayList<>();
    private SamplingSession session;
    private AutoCloseable processEvents;
    private Thread shutdownHook;
    private long startedMillis;
    private AgentStatus.State state = AgentStatus.State.STARTING;
    private String failure;

    private AgentSession(AgentArguments args, long jvmPid, int jfrStackDepth, int zeekDepth, String depthWarning,
                         Path settingsFile, Consumer<String> log, Consumer<AgentSession> ended) {
        this.args = args;
        this.jvmPid = jvmPid;
        this.jfrStackDepth = jfrStackDepth;
        this.zeekDepth = zeekDepth;
        this.depthWarning = depthWarning;
        this.settingsFile = settingsFile;
        this.log = log;
        this.ended = ended;
    }

    /**
     * Readies sampling: raises the JVM's JFR stack depth if JFR has not started yet (so it must
     * run before a {@code -XX:StartFlightRecording} recording starts) and writes zeek.jfc for
     * {@code jcmd}. Opens nothing yet.
     *
     * @param log where one-line messages go
     * @param ended told when sampling has stopped or ended (under this session's lock)
     */
    static AgentSession prepare(AgentArguments args, long jvmPid, Consumer<String> log, Consumer<AgentSession> ended) {
        int want = Math.min(JfrStackDepth.JVM_MAX, args.maxDepth() + 2);
        String warning = null;
        try {
            JfrStackDepth.ensureAtLeast(want);
        } catch (IllegalStateException e) {
            warning = "JFR had started in this JVM before the agent, so its stack depth stays " + JfrStackDepth.current();
        }
        int jfr = JfrStackDepth.current();
        int zeek = Math.min(args.maxDepth(), JfrStackDepth.maxZeekDepth());
        if (zeek < args.maxDepth()) {
            if (warning == null) {
                warning = "JFR's stack depth is at most " + JfrStackDepth.JVM_MAX + " in this JVM";
            }
            warning += ": samples keep the innermost " + zeek + " Zeek frames of deeper stacks"
                    + (want > jfr ? " (start the JVM with -XX:FlightRecorderOptions:stackdepth=" + want + " to keep "
                    + (want - 2) + ")" : "");
        }
        Path settings = AgentFiles.settingsFile(jvmPid);
        try (InputStream in = AgentSession.class.getResourceAsStream(ZeekRecordingSettings.RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + ZeekRecordingSettings.RESOURCE + " is missing from zeek-spy's jar");
            }
            AgentFiles.write(settings, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.accept("cannot write " + settings + ": " + e.getMessage());
            settings = null;
        }
        return new AgentSession(args, jvmPid, jfr, zeek, warning, settings, log, ended);
    }

    /**
     * Opens the Zeek processes and starts sampling them; returns once every sampler has taken
     * a sample or ended.
     *
     * @throws IOException or a runtime exception, with a one-line message, if no process could be sampled
     */
    synchronized void open() throws IOException {
        if (state != AgentStatus.State.STARTING) {
            throw new IllegalStateException("sampling has already started");
        }
        try {
            LayoutResolver.Options layout = args.layout() == null ? LayoutResolver.Options.standard()
                    : LayoutResolver.Options.standard().withLayoutFile(args.layout());
            for (int pid : pids()) {
                processes.add(ZeekProcess.open(pid, layout));
            }
            Sampler.Options options = new Sampler.Options(args.rate(), null, args.mode(), args.maxDepth(), args.keepCpuPolling());
            session = new SamplingSession(processes, options, JfrSampleSink.Fields.STANDARD, null);
            startedMillis = System.currentTimeMillis();
            state = AgentStatus.State.SAMPLING;
            session.start();
            processEvents = periodicProcessEvents(session);
            shutdownHook = new Thread(this::stop, "zeek-spy-agent-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IOException | RuntimeException | Error e) {
            failure = ZeekSpyAgent.describe(e);
            finish(AgentStatus.State.ENDED);
            throw e;
        }
        awaitFirstSamples();
        if (ended()) {
            failure = String.join("; ", session.endReasons());
            finish(AgentStatus.State.ENDED);
            throw new IllegalStateException(failure);
        }
        Thread monitor = new Thread(this::monitor, "zeek-spy-agent-monitor");
        monitor.setDaemon(true);
        monitor.start();
    }

    private List<Integer> pids() {
        if (!args.all()) {
            return args.pids();
        }
        List<Integer> found = ProcFs.findByExeName("zeek");
        if (found.isEmpty()) {
            throw new IllegalStateException("no Zeek process is running (no process whose executable is named zeek)");
        }
        return found;
    }

    /**
     * Emits each process's zeek.Process event in every recording chunk: the session's own event
     * at start is lost for recordings that start later, as with an attach before {@code JFR.start}.
     */
    private static AutoCloseable periodicProcessEvents(SamplingSession session) {
        List<ProcessInfo> infos = new ArrayList<>();
        for (Sampler s : session.samplers()) {
            ZeekProcess p = s.process();
            infos.add(new ProcessInfo(p.pid(), p.node().isEmpty() ? null : p.node(), p.exe(), p.binary().version(),
                    p.binary().buildId(), p.binary().compiler(), p.layout().source(), (int) Math.round(s.options().rate()),
                    s.options().mode() == Sampler.Mode.BLOCKING ? "blocking" : "nonblocking"));
        }
        Runnable hook = () -> infos.forEach(ZeekProcessEvent::emit);
        FlightRecorder.addPeriodicEvent(ZeekProcessEvent.class, hook);
        return () -> FlightRecorder.removePeriodicEvent(hook);
    }

    private void awaitFirstSamples() {
        long deadline = System.nanoTime() + FIRST_SAMPLE_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (Sampler s : session.samplers()) {
                all &= s.statistics().snapshot().samples() > 0 || endReason(s) != null;
            }
            if (all) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether every sampler has ended. */
    private boolean ended() {
        return session.samplers().stream().allMatch(s -> endReason(s) != null);
    }

    private String endReason(Sampler s) {
        if (s.endReason() != null) {
            return s.endReason();
        }
        return session.endReason(s.process().pid());
    }

    /** Waits until the samplers end by themselves (Zeek exited, say) and logs why. */
    private void monitor() {
        try {
            while (!session.awaitEnd(1000)) {
                synchronized (this) {
                    if (state != AgentStatus.State.SAMPLING) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            return;
        }
        synchronized (this) {
            if (state == AgentStatus.State.SAMPLING) {
                for (String reason : session.endReasons()) {
                    log.accept("sampling ended: " + reason);
                }
                finish(AgentStatus.State.ENDED);
            }
        }
    }

    /** Stops sampling and detaches from Zeek (after a start in progress); does nothing if it is not sampling. */
    synchronized void stop() {
        if (state == AgentStatus.State.SAMPLING) {
            finish(AgentStatus.State.STOPPED);
        }
    }

    private void finish(AgentStatus.State end) {
        state = end;
        if (session != null) {
            session.stop();
        }
        if (processEvents != null) {
            try {
                processEvents.close();
            } catch (Exception ignored) {
                // Removing a periodic hook cannot fail in a way that matters here.
            }
        }
        processes.forEach(ZeekProcess::close);
        ended.accept(this);
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to; stop() is idempotent.
            }
        }
    }

    /** Whether it samples or is about to. */
    synchronized boolean active() {
        return state == AgentStatus.State.STARTING || state == AgentStatus.State.SAMPLING;
    }

    /** One line: what is sampled, how. */
    synchronized String describe() {
        List<String> names = new ArrayList<>();
        for (ZeekProcess p : processes) {
            names.add("Zeek " + p.binary().version() + " pid " + p.pid() + (p.node().isEmpty() ? "" : " (" + p.node() + ")"));
        }
        String what = !names.isEmpty() ? String.join(", ", names) : args.all() ? "every Zeek process"
                : "Zeek pid " + String.join("+", args.pids().stream().map(String::valueOf).toList());
        return what + " at "
                + AgentArguments.format(args.rate()) + " Hz (" + modeName() + ")";
    }

    private String modeName() {
        return args.mode() == Sampler.Mode.BLOCKING ? "blocking" : "nonblocking";
    }

    synchronized AgentStatus status() {
        List<AgentStatus.ProcessStatus> list = new ArrayList<>();
        if (session != null) {
            for (Sampler s : session.samplers()) {
                SamplerStatistics.Snapshot st = s.statistics().snapshot();
                ZeekProcess p = s.process();
                String end = endReason(s);
                list.add(new AgentStatus.ProcessStatus(p.pid(), p.node().isEmpty() ? null : p.node(), p.binary().version(),
                        st.samples(), st.scriptSamples(), st.nativeSamples(), st.idleSamples(), st.errorCount(),
                        st.errorCount() == 0 ? null : st.errorsByReason(), st.missedTicks(), st.pauseP50(), st.pauseP99(),
                        st.pauseMax(), end != null ? end : state == AgentStatus.State.SAMPLING ? null : "stopped"));
            }
        }
        return new AgentStatus(null, failure == null, failure, state, jvmPid, args.rate(), modeName(), jfrStackDepth,
                zeekDepth, depthWarning, settingsFile == null ? null : settingsFile.toString(), startedMillis,
                session == null ? 0 : session.lostSamples(), list);
    }

    String depthWarning() {
        return depthWarning;
    }

    Path settingsFile() {
        return settingsFile;
    }

    int jfrStackDepth() {
        return jfrStackDepth;
    }
}
