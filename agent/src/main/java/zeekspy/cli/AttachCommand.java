package zeekspy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import zeekspy.agent.AgentArguments;
import zeekspy.agent.AgentClient;
import zeekspy.agent.AgentFiles;
import zeekspy.agent.AgentStatus;
import zeekspy.sampling.Sampler;

/** {@code zeek-spy attach}: loads zeek-spy's Java agent into a running JVM, which then samples Zeek. */
@Command(name = "attach", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Loads zeek-spy's Java agent into a running JVM, which then samples Zeek processes: every flight"
                + " recording of that JVM that enables the zeek events (jcmd JVMPID JFR.start settings=<the zeek.jfc this"
                + " prints>, or JMC) carries Zeek samples whose stack traces are Zeek stacks.",
            "--stop stops the agent's sampling, --status reports it. The JVM must run as the same user (or zeek-spy as"
                + " root), and the JVM needs root or CAP_SYS_PTRACE to trace Zeek."})
public final class AttachCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Option(names = "--jvm", required = true, paramLabel = "JVMPID", description = "The JVM to load the agent into.")
    int jvm;

    @Option(names = "--zeek", paramLabel = "PID", description = "A Zeek process to sample (repeatable).")
    List<Integer> zeek = new ArrayList<>();

    @Option(names = "--all", description = "Sample every Zeek process on this host.")
    boolean all;

    @Option(names = "--stop", description = "Stop the agent's sampling in that JVM.")
    boolean stop;

    @Option(names = "--status", description = "Report what the agent in that JVM samples, and its statistics.")
    boolean status;

    @Option(names = {"--rate", "--hz"}, paramLabel = "HZ", defaultValue = "100",
            description = "Samples per second and process (default ${DEFAULT-VALUE}, at most 10000).")
    double rate;

    @Option(names = "--nonblocking", description = "Never stop Zeek; read its memory while it runs and count torn samples.")
    boolean nonblocking;

    @Option(names = "--no-cpu-poll", description = "While Zeek is stopped, let its CPU halt (see record --no-cpu-poll).")
    boolean noCpuPoll;

    @Option(names = "--max-depth", paramLabel = "N", defaultValue = "" + AgentArguments.DEFAULT_DEPTH,
            description = "The most Zeek frames kept per sample (default ${DEFAULT-VALUE}); the JVM's JFR stack depth is"
                    + " raised to fit unless JFR runs there already.")
    int maxDepth;

    @Option(names = "--layout", paramLabel = "FILE",
            description = "Use this layout file (from 'zeek-spy layout --output'); a path as that JVM sees it.")
    Path layout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AgentArguments request = request();
        PrintWriter out = spec.commandLine().getOut();
        AgentClient.requireJvm(jvm);
        if (request.action() != AgentArguments.Action.START && AgentClient.lastStatus(jvm) == null) {
            throw new IllegalStateException("no zeek-spy agent has run in JVM " + jvm + " (it wrote no "
                    + AgentFiles.statusFileOf(jvm) + ")");
        }
        AgentStatus answer = AgentClient.request(jvm, request, AgentClient.agentJar());
        if (!answer.ok()) {
            throw new IllegalStateException(answer.message() == null ? "the agent in JVM " + jvm + " failed" : answer.message());
        }
        switch (request.action()) {
            case START -> started(out, answer);
            case STOP -> out.println("JVM " + jvm + ": " + answer.message());
            case STATUS -> report(out, jvm, answer);
        }
        out.flush();
        return 0;
    }

    private AgentArguments request() {
        if (jvm <= 0) {
            throw new ParameterException(spec.commandLine(), "--jvm must be a positive process id, got " + jvm);
        }
        int actions = (zeek.isEmpty() ? 0 : 1) + (all ? 1 : 0) + (stop ? 1 : 0) + (status ? 1 : 0);
        if (actions != 1) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --zeek PID, --all, --stop or --status");
        }
        if (stop || status) {
            for (String start : List.of("--rate", "--nonblocking", "--no-cpu-poll", "--max-depth", "--layout")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(start)) {
                    throw new ParameterException(spec.commandLine(), start + " goes with --zeek or --all, not with "
                            + (stop ? "--stop" : "--status"));
                }
            }
            return stop ? AgentArguments.stop() : AgentArguments.status();
        }
        if (!(rate > 0 && rate <= AgentArguments.MAX_RATE)) {
            throw new ParameterException(spec.commandLine(), "--rate must be above 0 and at most 10000, got "
                    + RecordCommand.formatRate(rate));
        }
        if (maxDepth < 1 || maxDepth > AgentArguments.MAX_DEPTH) {
            throw new ParameterException(spec.commandLine(), "--max-depth must be between 1 and " + AgentArguments.MAX_DEPTH
                    + ", got " + maxDepth);
        }
        for (int pid : zeek) {
            if (pid <= 0) {
                throw new ParameterException(spec.commandLine(), "--zeek must be a positive process id, got " + pid);
            }
        }
        if (zeek.size() != zeek.stream().distinct().count()) {
            throw new ParameterException(spec.commandLine(), "--zeek names a process twice");
        }
        Path file = layout == null ? null : layout.toAbsolutePath();
        if (file != null && file.toString().contains(",")) {
            throw new ParameterException(spec.commandLine(), "--layout: the file name must not contain a comma");
        }
        return AgentArguments.start(zeek, all, rate, nonblocking ? Sampler.Mode.NONBLOCKING : Sampler.Mode.BLOCKING,
                !noCpuPoll, maxDepth, file);
    }

    private void started(PrintWriter out, AgentStatus s) {
        out.println("JVM " + jvm + ": " + s.message().replaceFirst(";.*", ""));
        out.println(depth(s));
        if (s.settingsFile() != null) {
            out.println("record there: jcmd " + jvm + " JFR.start settings=" + s.settingsFile() + " name=zeek"
                    + "  (add settings=default for the JDK's usual events)");
        }
        out.println("stop: zeek-spy attach --jvm " + jvm + " --stop");
    }

    /** The agent's status for {@code attach --status}. */
    static void report(PrintWriter out, int jvm, AgentStatus s) {
        String head = switch (s.state()) {
            case IDLE -> "loaded, not sampling";
            case STARTING -> "starting";
            case SAMPLING -> "sampling";
            case ENDED -> "sampling ended";
            case STOPPED -> "stopped";
        };
        if (s.startedMillis() > 0) {
            double seconds = (System.currentTimeMillis() - s.startedMillis()) / 1000.0;
            head += " at " + RecordCommand.formatRate(s.rate()) + " Hz (" + s.mode() + "), started "
                    + LocalDateTime.ofInstant(Instant.ofEpochMilli(s.startedMillis()), ZoneId.systemDefault()).format(TIME)
                    + String.format(" (%.0f s ago)", seconds);
        }
        out.println("JVM " + jvm + ": zeek-spy agent " + head);
        if (s.message() != null) {
            out.println(s.message());
        }
        if (s.jfrStackDepth() > 0) {
            out.println(depth(s));
        }
        if (s.settingsFile() != null) {
            out.println("settings for JFR.start: " + s.settingsFile());
        }
        for (AgentStatus.ProcessStatus p : s.processes()) {
            out.printf("  pid %d%s (Zeek %s): %d samples (%s), %d errors%s, %d missed ticks, pause p50 %s p99 %s max %s%s%n",
                    p.pid(), p.node() == null ? "" : " " + p.node(), p.zeekVersion(), p.samples(), shares(p), p.errors(),
                    p.errorsByReason() == null ? "" : " (" + p.errorsByReason() + ")", p.missedTicks(),
                    StatusLine.micros(p.pauseP50()), StatusLine.micros(p.pauseP99()), StatusLine.micros(p.pauseMax()),
                    p.endReason() == null ? "" : "; ended: " + p.endReason());
        }
        if (s.lostSamples() > 0) {
            out.printf("%d samples are not in the recordings: committing them to JFR fell behind or failed%n", s.lostSamples());
        }
    }

    private static String depth(AgentStatus s) {
        return s.depthWarning() != null ? "warning: " + s.depthWarning()
                : "JFR stack depth " + s.jfrStackDepth() + ": samples keep up to " + s.zeekDepth() + " Zeek frames";
    }

    private static String shares(AgentStatus.ProcessStatus p) {
        if (p.samples() == 0) {
            return "none yet";
        }
        return String.format("script %.0f%%, native %.0f%%, idle %.0f%%", 100.0 * p.scriptSamples() / p.samples(),
                100.0 * p.nativeSamples() / p.samples(), 100.0 * p.idleSamples() / p.samples());
    }
}
