package zeekspy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import jdk.jfr.Recording;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import zeekspy.convert.ConvertOptions;
import zeekspy.convert.Converter;
import zeekspy.convert.OutputFormat;
import zeekspy.jfr.JfrSampleSink;
import zeekspy.jfr.JfrStackDepth;
import zeekspy.jfr.ZeekRecordingSettings;
import zeekspy.layout.LayoutException;
import zeekspy.memory.LibC;
import zeekspy.memory.ProcFs;
import zeekspy.memory.ProcessAccessException;
import zeekspy.memory.PtraceSession;
import zeekspy.memory.SpawnedProcess;
import zeekspy.record.SamplingSession;
import zeekspy.sampling.RealtimePriority;
import zeekspy.sampling.Sampler;
import zeekspy.sampling.SamplerStatistics;
import zeekspy.sampling.ZeekProcess;

/** {@code zeek-spy record}: samples Zeek processes into a JFR recording (and other formats). */
@Command(name = "record", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Samples the script stacks of running Zeek processes (or of a Zeek it starts) and writes a"
                + " Java Flight Recorder file whose stack traces are the Zeek stacks.",
            "Stops at the end of --duration, when the processes exit, on Ctrl+C / SIGTERM / SIGHUP, or when the disk"
                + " is nearly full; the recording is complete in every case. Until then JFR keeps it in FILE.part, flushed"
                + " every second: if zeek-spy is killed, 'zeek-spy recover FILE.part' rebuilds all but the last second.",
            "Exit codes: 0 recorded (also when stopped by a signal), 1 error or disk full (what was recorded is"
                + " written), 2 bad command line, 128+N a second signal N ended it at once (recover FILE.part)."})
public final class RecordCommand implements Callable<Integer> {
    @Option(names = "--pid", paramLabel = "PID", description = "A Zeek process to sample (repeatable).")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "--all", description = "Sample every Zeek process on this host (a cluster's workers, proxies, manager, logger).")
    boolean all;

    @Parameters(paramLabel = "COMMAND", description = "After '--': a Zeek command line to start and sample from start to exit.")
    List<String> command = new ArrayList<>();

    @Option(names = "--jfr", paramLabel = "FILE", description = "The JFR file (default: zeek-spy-DATE-TIME.jfr).")
    Path jfr;

    @Option(names = "--pprof", paramLabel = "FILE", description = "Also write a pprof profile (.pb.gz) when recording ends.")
    Path pprof;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write an HTML flame graph when recording ends.")
    Path html;

    @Option(names = "--collapsed", paramLabel = "FILE", description = "Also write collapsed stacks when recording ends.")
    Path collapsed;

    @Option(names = {"--rate", "--hz"}, paramLabel = "HZ", defaultValue = "100",
            description = "Samples per second and process (default ${DEFAULT-VALUE}, at most 10000).")
    double rate;

    @Option(names = "--duration", paramLabel = "TIME", converter = Units.DurationConverter.class,
            description = "How long to record (30, 30s, 5m, 2h); default until stopped or the processes exit.")
    Duration duration;

    @Option(names = "--nonblocking", description = "Never stop Zeek; read its memory while it runs and count torn samples.")
    boolean nonblocking;

    @Option(names = "--no-cpu-poll", description = "While Zeek is stopped, let its CPU halt. By default (as root) zeek-spy"
            + " has that CPU poll for the few microseconds, through its PM QoS resume latency, so that Zeek resumes at once.")
    boolean noCpuPoll;

    @Option(names = "--idle", description = "Keep idle samples (Zeek waiting for packets) in the summary and converted outputs.")
    boolean idle;

    @Option(names = "--continuous", description = "Flight-recorder mode: keep a rolling buffer and write a recording of the"
            + " recent past on SIGUSR2 and on exit.")
    boolean continuous;

    @Option(names = "--max-age", paramLabel = "TIME", converter = Units.DurationConverter.class, defaultValue = "10m",
            description = "With --continuous: how much of the past to keep (default ${DEFAULT-VALUE}).")
    Duration maxAge;

    @Option(names = "--max-size", paramLabel = "SIZE", converter = Units.SizeConverter.class, defaultValue = "256m",
            description = "With --continuous: the most disk the buffer may use (default ${DEFAULT-VALUE}).")
    long maxSize;

    @Option(names = "--max-depth", paramLabel = "N", defaultValue = "1024",
            description = "The most stack entries read per sample (default ${DEFAULT-VALUE}); deeper stacks keep the innermost.")
    int maxDepth;

    @Option(names = "--event-fields", paramLabel = "SET", defaultValue = "STANDARD",
            description = "Fields of each zeek.Sample event: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE};"
                    + " ALL adds the innermost function, location and period for filtering in JMC, at ~100 bytes a sample).")
    JfrSampleSink.Fields eventFields;

    @Option(names = {"-q", "--quiet"}, description = "No live status line and no summary.")
    boolean quiet;

    @Mixin
    LayoutOptions layoutOptions;

    @Spec
    CommandSpec spec;

    private volatile boolean stopRequested;
    private volatile boolean finishing;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter err = spec.commandLine().getErr();
        JfrStackDepth.ensureAtLeast(Math.min(JfrStackDepth.JVM_MAX, maxDepth + 2));
        Path jfrFile = jfrFile();
        for (Path out : outputs(jfrFile)) {
            OutputFile.checkWritable(out);
        }
        RecordingRepository.checkUnused(jfrFile);
        Sampler.Mode mode = nonblocking ? Sampler.Mode.NONBLOCKING : Sampler.Mode.BLOCKING;
        Sampler.Options options = new Sampler.Options(rate, duration, mode, maxDepth, !noCpuPoll);

        List<ZeekProcess> processes = new ArrayList<>();
        PtraceSession seized = null;
        SpawnedProcess child = null;
        try {
            if (!command.isEmpty()) {
                child = SpawnedProcess.start(command);
                try {
                    if (mode == Sampler.Mode.BLOCKING) {
                        seized = PtraceSession.seize(child);
                    }
                    processes.add(openStarted(child));
                } catch (RuntimeException e) {
                    throw endedEarly(child, e);
                }
            } else {
                for (int pid : all ? allZeeks() : pids) {
                    processes.add(ZeekProcess.open(pid, layoutOptions.resolverOptions()));
                    if (mode == Sampler.Mode.BLOCKING) {
                        requireNoOtherTracer(pid);
                    }
                }
            }
            return record(processes, options, seized, jfrFile, err);
        } catch (RuntimeException | IOException e) {
            if (seized != null) {
                seized.close();
            }
            if (child != null && child.isAlive()) {
                child.signal(15);
            }
            throw e;
        } finally {
            processes.forEach(ZeekProcess::close);
        }
    }

    /**
     * The Zeek that {@code record --} started. A wrapper ({@code sh -c 'exec zeek ...'}, {@code env},
     * {@code nice}) may not have executed Zeek yet: while the process is not Zeek, this waits up to
     * two seconds for its next program.
     */
    private ZeekProcess openStarted(SpawnedProcess child) throws IOException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            String program = programOf(child.pid());
            try {
                return ZeekProcess.open(child.pid(), layoutOptions.resolverOptions());
            } catch (LayoutException notZeek) {
                while (program != null && program.equals(programOf(child.pid())) && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
                if (program == null || program.equals(programOf(child.pid()))) {
                    throw notZeek;
                }
            }
        }
    }

    /** The executable of {@code pid}, or null when it is gone or a zombie. */
    private static String programOf(int pid) {
        try {
            return ProcFs.isZombie(pid) ? null : ProcFs.exeTarget(pid);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code e} as it is, or, when the command {@code record --} started has already ended (a
     * Zeek that stopped at a script error, say), one line that says so with its exit code.
     */
    private Exception endedEarly(SpawnedProcess child, RuntimeException e) {
        if (programOf(child.pid()) != null) {
            return e;
        }
        return new IOException(command.get(0) + " ended before zeek-spy could read it (exit code " + child.waitFor() + ")", e);
    }

    private int record(List<ZeekProcess> processes, Sampler.Options options, PtraceSession seized, Path jfrFile,
                       PrintWriter err) throws Exception {
        long started = System.nanoTime();
        // JFR writes its chunks beside the output and flushes them about once a second: if
        // zeek-spy is killed, 'zeek-spy recover' rebuilds all but the last second from there.
        RecordingRepository repository = RecordingRepository.create(jfrFile);
        String lowSpace = repository.lowSpace();
        if (lowSpace != null) {
            repository.abandon();
            throw new IOException("disk full writing " + jfrFile + ": " + lowSpace);
        }
        Recording recording = new Recording(ZeekRecordingSettings.configuration());
        boolean sampling = false;
        boolean finished = false;
        try {
            recording.setName("zeek-spy");
            recording.setToDisk(true);
            if (continuous) {
                recording.setMaxAge(maxAge);
                recording.setMaxSize(maxSize);
            }
            recording.start();
            SamplingSession session = new SamplingSession(processes, options, eventFields, seized);
            // Ctrl+C, SIGTERM and SIGHUP end the recording normally on the main thread, rather than
            // through JVM shutdown, where JFR's own shutdown hook would race us for the recording.
            installStopSignals(session);
            if (continuous) {
                installDumpSignal(recording, session, err);
            }
            session.start();
            sampling = true;
            String denied = options.sleepsBetweenTicks() ? RealtimePriority.check() : null;
            if (denied != null) {
                err.println("zeek-spy: no real-time priority for sampling (" + denied + "): when every CPU is busy,"
                        + " samples come late and lean towards where Zeek gives up its CPU; root or CAP_SYS_NICE allows it");
            }
            if (!quiet) {
                err.println("zeek-spy: recording " + describe(processes) + " at " + formatRate(options.rate()) + " Hz ("
                        + (options.mode() == Sampler.Mode.BLOCKING ? "blocking" : "non-blocking") + ")"
                        + (continuous ? ", continuous: 'kill -USR2 " + ProcessHandle.current().pid() + "' writes the last "
                                + maxAge.toSeconds() + " s" : " to " + jfrFile)
                        + "; Ctrl+C stops");
                err.println("zeek-spy: until it stops, the recording is in " + repository.dir()
                        + "; if zeek-spy gets killed, 'zeek-spy recover " + repository.dir() + "' rebuilds it");
                err.flush();
            }
            StatusLine status = quiet ? null : new StatusLine(err, session, started);
            // Once a second: the status line counts seconds, the disk check keeps 3 s of
            // recording in reserve, and an end or a signal ends the wait at once.
            while (!session.awaitEnd(1000) && !stopRequested) {
                lowSpace = repository.lowSpace();
                if (lowSpace != null) {
                    break;
                }
                if (status != null) {
                    status.update();
                }
            }
            finishing = true;
            session.stop();
            if (status != null) {
                status.clear();
            }
            try {
                recording.stop();
            } catch (IllegalStateException alreadyStopped) {
                // The JVM's own shutdown hook stopped it first.
            }
            finished = true;
            // Failures from here on are reported and end zeek-spy like a normal stop: a Zeek it
            // started runs on, as after Ctrl+C.
            try {
                repository.finish(recording);
            } catch (IOException e) {
                err.println("zeek-spy: " + (RecordingRepository.diskFull(e) ? "disk full writing " : "cannot write ") + jfrFile
                        + ": " + RecordingRepository.reason(e) + "; the recording is kept in " + repository.dir()
                        + ": 'zeek-spy recover " + repository.dir() + "' writes it");
                return Main.EXIT_ERROR;
            }
            // Converted before the summary, which lists the files, but a failed conversion is
            // reported after it: why sampling ended must not be lost behind it.
            List<Path> converted = List.of();
            Exception conversionFailure = null;
            boolean noSamples = session.sampleCount(true) == 0;
            if (!noSamples) {
                try {
                    converted = convert(jfrFile);
                } catch (IOException | zeekspy.convert.ConversionException e) {
                    conversionFailure = e;
                }
            }
            if (!quiet) {
                summary(err, session, jfrFile, converted, started);
            } else {
                session.failures().forEach(f -> err.println("zeek-spy: " + f));
            }
            List<Path> unwritten = noSamples ? conversions() : List.of();
            if (!unwritten.isEmpty()) {
                err.println("zeek-spy: no samples were taken, so there is nothing to convert: no "
                        + unwritten.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", ")) + " written");
            }
            if (conversionFailure != null) {
                throw conversionFailure;
            }
            if (lowSpace != null) {
                err.printf("zeek-spy: disk full writing %s: %s, so recording stopped after %.1f s;"
                        + " the recording until then is complete in %s%n", jfrFile, lowSpace,
                        (System.nanoTime() - started) / 1e9, jfrFile);
                return Main.EXIT_ERROR;
            }
            // The recording up to the failure is written; the exit code says it ended early.
            return session.failures().isEmpty() ? 0 : Main.EXIT_ERROR;
        } finally {
            if (!finished) {
                keepWhatWasRecorded(recording, repository, sampling);
            }
        }
    }

    /** After a failure: writes what the recording holds if sampling began, else drops it. */
    private static void keepWhatWasRecorded(Recording recording, RecordingRepository repository, boolean sampling) {
        try {
            if (sampling && recording.getState() == jdk.jfr.RecordingState.RUNNING) {
                recording.stop();
                repository.finish(recording);
            } else {
                recording.close();
                repository.abandon();
            }
        } catch (IOException | RuntimeException e) {
            // The failure that brought us here is the one to report; the chunks stay for recover.
        }
    }

    private void installStopSignals(SamplingSession session) {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                if (stopRequested) {
                    // A second signal: the operator insists.
                    Runtime.getRuntime().halt(128 + sig.getNumber());
                }
                stopRequested = true;
                session.samplers().forEach(Sampler::stop);
            });
        }
    }

    private void validate() {
        int targets = (pids.isEmpty() ? 0 : 1) + (all ? 1 : 0) + (command.isEmpty() ? 0 : 1);
        if (targets != 1) {
            throw new ParameterException(spec.commandLine(),
                    "give exactly one of --pid PID, --all, or -- ZEEK-COMMAND");
        }
        if (!(rate > 0 && rate <= 10_000)) {
            throw new ParameterException(spec.commandLine(), "--rate must be above 0 and at most 10000, got " + formatRate(rate));
        }
        if (maxDepth < 1 || maxDepth > 100_000) {
            throw new ParameterException(spec.commandLine(), "--max-depth must be between 1 and 100000, got " + maxDepth);
        }
        for (int pid : pids) {
            if (pid <= 0) {
                throw new ParameterException(spec.commandLine(), "--pid must be a positive process id, got " + pid);
            }
        }
        if (pids.size() != pids.stream().distinct().count()) {
            throw new ParameterException(spec.commandLine(), "--pid names a process twice");
        }
        for (String option : List.of("--max-age", "--max-size")) {
            if (!continuous && spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new ParameterException(spec.commandLine(), option + " goes with --continuous");
            }
        }
        if (pprof != null && !isPprofName(pprof)) {
            throw new ParameterException(spec.commandLine(), "--pprof: the file name must end in .pb.gz or .pb, got " + pprof);
        }
        Map<Path, String> named = new java.util.HashMap<>();
        String[] options = {"--jfr", "--pprof", "--html", "--collapsed"};
        Path[] files = {jfr, pprof, html, collapsed};
        for (int i = 0; i < files.length; i++) {
            String before = files[i] == null ? null : named.putIfAbsent(files[i].toAbsolutePath().normalize(), options[i]);
            if (before != null) {
                throw new ParameterException(spec.commandLine(), before + " and " + options[i] + " name the same file " + files[i]);
            }
        }
    }

    private static boolean isPprofName(Path file) {
        try {
            OutputFormat f = OutputFormat.fromFileName(file);
            return f == OutputFormat.PPROF_GZ || f == OutputFormat.PPROF;
        } catch (zeekspy.convert.ConversionException e) {
            return false;
        }
    }

    private Path jfrFile() throws IOException {
        if (jfr != null) {
            return jfr;
        }
        String name = "zeek-spy-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".jfr";
        if (!jfrIsTemporary()) {
            return Path.of(name);
        }
        // Only converted outputs were asked for: the recording is an intermediate file.
        Path tmp = Files.createTempFile("zeek-spy-", ".jfr");
        tmp.toFile().deleteOnExit();
        return tmp;
    }

    /** Only converted outputs were asked for: the JFR file is an intermediate file. */
    private boolean jfrIsTemporary() {
        return jfr == null && !continuous && (pprof != null || html != null || collapsed != null);
    }

    private List<Path> outputs(Path jfrFile) {
        List<Path> out = new ArrayList<>(List.of(jfrFile));
        out.addAll(conversions());
        return out;
    }

    /** The converted outputs asked for: --pprof, --html, --collapsed. */
    private List<Path> conversions() {
        List<Path> out = new ArrayList<>();
        for (Path p : new Path[] {pprof, html, collapsed}) {
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** Blocking mode traces: a process that a debugger or another zeek-spy traces is refused now, not after recording began. */
    private static void requireNoOtherTracer(int pid) {
        int tracer = ProcFs.tracerProcess(pid);
        if (tracer > 0 && tracer != ProcessHandle.current().pid()) {
            throw ProcessAccessException.forErrno(pid, LibC.EPERM);
        }
    }

    private static List<Integer> allZeeks() {
        List<Integer> found = ProcFs.findByExeName("zeek");
        if (found.isEmpty()) {
            throw new IllegalStateException("no Zeek process is running (no process whose executable is named zeek)");
        }
        return found;
    }

    private List<Path> convert(Path jfrFile) throws IOException, zeekspy.convert.ConversionException {
        List<Path> written = new ArrayList<>();
        for (Path out : conversions()) {
            OutputFormat format = out == html ? OutputFormat.HTML : out == collapsed ? OutputFormat.COLLAPSED
                    : OutputFormat.fromFileName(out);
            ConvertOptions o = ConvertOptions.defaults().withFormat(format).withIdle(idle);
            try {
                Converter.convert(List.of(jfrFile), out, o);
            } catch (zeekspy.convert.ConversionException e) {
                if (RecordingRepository.diskFull(e)) {
                    throw new IOException("disk full writing " + out + ": No space left on device"
                            + (jfrIsTemporary() ? "" : "; the recording is complete in " + jfrFile), e);
                }
                throw e;
            }
            written.add(out);
        }
        return written;
    }

    private void installDumpSignal(Recording recording, SamplingSession session, PrintWriter err) {
        if (!SrSignal.usr2Free()) {
            throw new IllegalStateException("--continuous needs SIGUSR2, which this JVM keeps for itself: run zeek-spy"
                    + " with the environment variable " + SrSignal.VARIABLE + "=" + SrSignal.SIGNUM);
        }
        sun.misc.Signal.handle(new sun.misc.Signal("USR2"), sig -> {
            if (finishing) {
                return;
            }
            Path out = Path.of("zeek-spy-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".jfr");
            try {
                session.flush(); // the samples of the last moments, still queued for their commit
                recording.dump(out);
                err.println("zeek-spy: SIGUSR2: wrote the last " + maxAge.toSeconds() + " s to " + out.toAbsolutePath());
            } catch (IOException | RuntimeException e) {
                err.println("zeek-spy: SIGUSR2: cannot write " + out + ": " + Main.describe(e));
            }
            err.flush();
        });
    }

    private static String describe(List<ZeekProcess> processes) {
        List<String> names = new ArrayList<>();
        for (ZeekProcess p : processes) {
            names.add("Zeek " + p.binary().version() + " pid " + p.pid() + (p.node().isEmpty() ? "" : " (" + p.node() + ")"));
        }
        return String.join(", ", names);
    }

    static String formatRate(double rate) {
        return Double.isFinite(rate) && rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }

    private void summary(PrintWriter err, SamplingSession session, Path jfrFile, List<Path> converted, long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        for (String reason : session.endReasons()) {
            err.println("zeek-spy: " + reason);
        }
        long samples = 0;
        for (Sampler s : session.samplers()) {
            SamplerStatistics.Snapshot st = s.statistics().snapshot();
            samples += st.samples();
            err.printf("zeek-spy: pid %d: %d samples, %d errors%s, %d missed ticks, pause p50 %s p99 %s max %s%n",
                    s.process().pid(), st.samples(), st.errorCount(),
                    st.errorCount() == 0 ? "" : " (" + st.errorsByReason() + ")", st.missedTicks(),
                    StatusLine.micros(st.pauseP50()), StatusLine.micros(st.pauseP99()), StatusLine.micros(st.pauseMax()));
        }
        err.printf("zeek-spy: %d samples in %.1f s%n", samples, seconds);
        long lost = session.lostSamples();
        if (lost > 0) {
            err.printf("zeek-spy: %d of them are not in the recording: committing them to JFR fell behind or failed%n", lost);
        }
        List<Map.Entry<String, Long>> top = session.topFunctions(10, idle);
        long total = session.sampleCount(idle);
        if (total > 0) {
            err.println("zeek-spy: top functions (innermost frame, share of " + (idle ? "all" : "non-idle") + " samples):");
            for (Map.Entry<String, Long> e : top) {
                err.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey());
            }
        }
        if (!jfrIsTemporary()) {
            err.println("zeek-spy: wrote " + jfrFile.toAbsolutePath());
        }
        for (Path p : converted) {
            err.println("zeek-spy: wrote " + p.toAbsolutePath());
        }
        err.flush();
    }
}
