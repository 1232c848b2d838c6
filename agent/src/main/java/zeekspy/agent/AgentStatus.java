package zeekspy.agent;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What the agent in a JVM is doing, and its answer to the last request: the content of its
 * {@link AgentFiles status file}, a properties file that the attach caller reads.
 *
 * @param reply the token of the request this answers, or null (written by the agent itself)
 * @param ok whether the request was done; if not, {@code message} says why
 * @param message one line: the outcome of the request, or null
 * @param state what the agent does now
 * @param jvmPid the host JVM's process id, in its own pid namespace
 * @param rate samples per second and process (0 when never started)
 * @param mode {@code blocking} or {@code nonblocking}, or null
 * @param jfrStackDepth the host JVM's JFR stack depth
 * @param zeekDepth the most Zeek frames a sample keeps
 * @param depthWarning why fewer Zeek frames are kept than asked for, or null
 * @param settingsFile zeek.jfc written for this JVM ({@code jcmd PID JFR.start settings=...}), or null
 * @param startedMillis when sampling started (epoch milliseconds), or 0
 * @param lostSamples samples taken that are not in the host JVM's recordings: committing them to
 *     JFR fell a whole queue behind, or failed
 * @param processes the sampled processes
 */
public record AgentStatus(String reply, boolean ok, String message, State state, long jvmPid, double rate, String mode,
                          int jfrStackDepth, int zeekDepth, String depthWarning, String settingsFile, long startedMillis,
                          long lostSamples, List<ProcessStatus> processes) {
    /** What the agent does. */
    public enum State {
        /** Loaded, but has not sampled. */
        IDLE,
        /** Opening the Zeek processes. */
        STARTING,
        /** Sampling at least one process. */
        SAMPLING,
        /** Every sampled process has ended (exited or could not be traced). */
        ENDED,
        /** Stopped on request. */
        STOPPED
    }

    /**
     * One sampled process: its sampler's statistics (times in nanoseconds).
     *
     * @param endReason why its sampler ended, or null while it samples
     */
    public record ProcessStatus(int pid, String node, String zeekVersion, long samples, long scriptSamples,
                                long nativeSamples, long idleSamples, long errors, String errorsByReason,
                                long missedTicks, long pauseP50, long pauseP99, long pauseMax, String endReason) {}

    public AgentStatus {
        processes = List.copyOf(processes);
    }

    /** A status with nothing sampled. */
    public static AgentStatus idle(long jvmPid) {
        return new AgentStatus(null, true, null, State.IDLE, jvmPid, 0, null, 0, 0, null, null, 0, 0, List.of());
    }

    /** The same status as the answer to request {@code token}: {@code ok} and {@code message}. */
    public AgentStatus answer(String token, boolean ok, String message) {
        return new AgentStatus(token, ok, message, state, jvmPid, rate, mode, jfrStackDepth, zeekDepth, depthWarning,
                settingsFile, startedMillis, lostSamples, processes);
    }

    /** Samples taken of every process. */
    public long totalSamples() {
        return processes.stream().mapToLong(ProcessStatus::samples).sum();
    }

    /** The status as the text of a status file. */
    public String toText() {
        Properties p = new Properties();
        put(p, "reply", reply);
        p.setProperty("ok", Boolean.toString(ok));
        put(p, "message", message);
        p.setProperty("state", state.name());
        p.setProperty("jvm.pid", Long.toString(jvmPid));
        p.setProperty("rate", Double.toString(rate));
        put(p, "mode", mode);
        p.setProperty("depth.jfr", Integer.toString(jfrStackDepth));
        p.setProperty("depth.zeek", Integer.toString(zeekDepth));
        put(p, "depth.warning", depthWarning);
        put(p, "settings", settingsFile);
        p.setProperty("started", Long.toString(startedMillis));
        p.setProperty("lost", Long.toString(lostSamples));
        p.setProperty("processes", Integer.toString(processes.size()));
        for (int i = 0; i < processes.size(); i++) {
            ProcessStatus s = processes.get(i);
            String k = "process." + i + ".";
            p.setProperty(k + "pid", Integer.toString(s.pid()));
            put(p, k + "node", s.node());
            put(p, k + "version", s.zeekVersion());
            p.setProperty(k + "samples", Long.toString(s.samples()));
            p.setProperty(k + "script", Long.toString(s.scriptSamples()));
            p.setProperty(k + "native", Long.toString(s.nativeSamples()));
            p.setProperty(k + "idle", Long.toString(s.idleSamples()));
            p.setProperty(k + "errors", Long.toString(s.errors()));
            put(p, k + "errorsByReason", s.errorsByReason());
            p.setProperty(k + "missedTicks", Long.toString(s.missedTicks()));
            p.setProperty(k + "pauseP50", Long.toString(s.pauseP50()));
            p.setProperty(k + "pauseP99", Long.toString(s.pauseP99()));
            p.setProperty(k + "pauseMax", Long.toString(s.pauseMax()));
            put(p, k + "ended", s.endReason());
        }
        StringWriter w = new StringWriter();
        try {
            p.store(w, "zeek-spy agent status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /**
     * Parses the text of a status file.
     *
     * @throws IllegalArgumentException if it is not one
     */
    public static AgentStatus parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a zeek-spy agent status file: " + e.getMessage());
        }
        try {
            List<ProcessStatus> processes = new ArrayList<>();
            int n = Integer.parseInt(get(p, "processes"));
            for (int i = 0; i < n; i++) {
                String k = "process." + i + ".";
                processes.add(new ProcessStatus(Integer.parseInt(get(p, k + "pid")), p.getProperty(k + "node"),
                        p.getProperty(k + "version"), num(p, k + "samples"), num(p, k + "script"), num(p, k + "native"),
                        num(p, k + "idle"), num(p, k + "errors"), p.getProperty(k + "errorsByReason"),
                        num(p, k + "missedTicks"), num(p, k + "pauseP50"), num(p, k + "pauseP99"), num(p, k + "pauseMax"),
                        p.getProperty(k + "ended")));
            }
            return new AgentStatus(p.getProperty("reply"), Boolean.parseBoolean(get(p, "ok")), p.getProperty("message"),
                    State.valueOf(get(p, "state")), num(p, "jvm.pid"), Double.parseDouble(get(p, "rate")),
                    p.getProperty("mode"), Integer.parseInt(get(p, "depth.jfr")), Integer.parseInt(get(p, "depth.zeek")),
                    p.getProperty("depth.warning"), p.getProperty("settings"), num(p, "started"),
                    Long.parseLong(p.getProperty("lost", "0")), processes); // no "lost" from agents before it was added
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a zeek-spy agent status file: " + e.getMessage());
        }
    }

    private static void put(Properties p, String key, String value) {
        if (value != null) {
            p.setProperty(key, value);
        }
    }

    private static String get(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + key);
        }
        return v;
    }

    private static long num(Properties p, String key) {
        return Long.parseLong(get(p, key));
    }
}
