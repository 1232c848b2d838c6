package zeekspy.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import zeekspy.sampling.Sampler;

/**
 * The agent's argument string, {@code -javaagent:zeek-spy.jar=ARGS} or the argument of an
 * attach: comma-separated items.
 * <ul>
 * <li>{@code pid=PID[+PID...]} or {@code all}: the Zeek processes to sample</li>
 * <li>{@code rate=HZ} (default {@value #DEFAULT_RATE}), {@code nonblocking}, {@code nocpupoll}
 *     (as {@code record --no-cpu-poll}),
 *     {@code depth=N} (the most Zeek frames kept, default {@value #DEFAULT_DEPTH}),
 *     {@code layout=FILE}</li>
 * <li>{@code stop} or {@code status} alone: stop sampling, or report what the agent does</li>
 * <li>{@code reply=TOKEN}: the attach caller's token, echoed in the status file</li>
 * </ul>
 * Parsing is strict: unknown, repeated or contradicting items are errors.
 *
 * @param pids the Zeek processes; empty with {@code all} or for stop/status
 * @param keepCpuPolling false with {@code nocpupoll}
 * @param layout a layout file, or null to find the layout as {@code record} does
 * @param reply the caller's token, or null
 */
public record AgentArguments(Action action, List<Integer> pids, boolean all, double rate, Sampler.Mode mode,
                             boolean keepCpuPolling, int maxDepth, Path layout, String reply) {
    /** What the agent is asked to do. */
    public enum Action { START, STOP, STATUS }

    /** Samples per second and process unless {@code rate=} says otherwise. */
    public static final double DEFAULT_RATE = 100;
    /**
     * The most Zeek frames a sample keeps unless {@code depth=} says otherwise. Smaller than
     * {@code record}'s 1024: the JFR stack depth is JVM-wide, and every host thread that records
     * a stack trace gets a buffer of that many frames.
     */
    public static final int DEFAULT_DEPTH = 256;
    /** The highest rate accepted, as for {@code record}. */
    public static final double MAX_RATE = 10_000;
    /** The largest depth accepted, as for {@code record}. */
    public static final int MAX_DEPTH = 100_000;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{1,64}");
    private static final String KNOWN = "pid, all, rate, nonblocking, nocpupoll, depth, layout, stop, status, reply";

    public AgentArguments {
        pids = List.copyOf(pids);
    }

    /** Start sampling {@code pids} (or every Zeek with {@code all}). */
    public static AgentArguments start(List<Integer> pids, boolean all, double rate, Sampler.Mode mode, boolean keepCpuPolling,
                                       int maxDepth, Path layout) {
        return new AgentArguments(Action.START, pids, all, rate, mode, keepCpuPolling, maxDepth, layout, null).validated();
    }

    /** Stop sampling. */
    public static AgentArguments stop() {
        return new AgentArguments(Action.STOP, List.of(), false, DEFAULT_RATE, Sampler.Mode.BLOCKING, true, DEFAULT_DEPTH, null, null);
    }

    /** Report the status. */
    public static AgentArguments status() {
        return new AgentArguments(Action.STATUS, List.of(), false, DEFAULT_RATE, Sampler.Mode.BLOCKING, true, DEFAULT_DEPTH, null, null);
    }

    /** The same request, answered with {@code token} in the status file. */
    public AgentArguments withReply(String token) {
        if (token != null && !TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("reply token must be 1 to 64 letters or digits, got '" + token + "'");
        }
        return new AgentArguments(action, pids, all, rate, mode, keepCpuPolling, maxDepth, layout, token);
    }

    /**
     * Parses an argument string.
     *
     * @throws IllegalArgumentException with a one-line message naming the bad item
     */
    public static AgentArguments parse(String args) {
        if (args == null || args.isBlank()) {
            throw new IllegalArgumentException("no agent arguments: give pid=PID[+PID...] or all (and rate=HZ, nonblocking,"
                    + " nocpupoll, depth=N, layout=FILE), or stop, or status");
        }
        Set<String> seen = new HashSet<>();
        List<Integer> pids = new ArrayList<>();
        boolean all = false;
        boolean stop = false;
        boolean status = false;
        double rate = DEFAULT_RATE;
        Sampler.Mode mode = Sampler.Mode.BLOCKING;
        boolean keepCpuPolling = true;
        int depth = DEFAULT_DEPTH;
        Path layout = null;
        String reply = null;
        for (String item : args.split(",", -1)) {
            String text = item.strip();
            int eq = text.indexOf('=');
            String key = eq < 0 ? text : text.substring(0, eq).strip();
            String value = eq < 0 ? null : text.substring(eq + 1).strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("empty agent argument in '" + args + "'");
            }
            if (!seen.add(key)) {
                throw new IllegalArgumentException("agent argument '" + key + "' given twice");
            }
            switch (key) {
                case "pid" -> pids = pids(required(key, value));
                case "rate" -> rate = rate(required(key, value));
                case "depth" -> depth = depth(required(key, value));
                case "layout" -> layout = Path.of(required(key, value));
                case "reply" -> reply = required(key, value);
                case "all" -> all = flag(key, value);
                case "nonblocking" -> mode = flag(key, value) ? Sampler.Mode.NONBLOCKING : mode;
                case "nocpupoll" -> keepCpuPolling = !flag(key, value);
                case "stop" -> stop = flag(key, value);
                case "status" -> status = flag(key, value);
                default -> throw new IllegalArgumentException("unknown agent argument '" + text + "' (known: " + KNOWN + ")");
            }
        }
        seen.remove("reply");
        if (stop || status) {
            String action = stop ? "stop" : "status";
            if (seen.size() > 1) {
                seen.remove(action);
                throw new IllegalArgumentException("agent argument '" + action + "' takes no other arguments, got "
                        + String.join(", ", seen.stream().sorted().toList()));
            }
            AgentArguments a = stop ? stop() : status();
            return a.withReply(reply);
        }
        return new AgentArguments(Action.START, pids, all, rate, mode, keepCpuPolling, depth, layout, null).validated()
                .withReply(reply);
    }

    private AgentArguments validated() {
        if (all == !pids.isEmpty()) {
            throw new IllegalArgumentException(all ? "give either pid=PID or all, not both"
                    : "no Zeek process to sample: give pid=PID[+PID...] or all");
        }
        for (int pid : pids) {
            if (pid <= 0) {
                throw new IllegalArgumentException("pid must be a positive process id, got " + pid);
            }
        }
        if (!(rate > 0 && rate <= MAX_RATE)) {
            throw new IllegalArgumentException("rate must be above 0 and at most " + (long) MAX_RATE + ", got " + format(rate));
        }
        if (maxDepth < 1 || maxDepth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be between 1 and " + MAX_DEPTH + ", got " + maxDepth);
        }
        if (layout != null && layout.toString().contains(",")) {
            throw new IllegalArgumentException("layout file name must not contain a comma: " + layout);
        }
        return this;
    }

    private static String required(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("agent argument '" + key + "' needs a value: " + key + "=...");
        }
        return value;
    }

    private static boolean flag(String key, String value) {
        if (value != null) {
            throw new IllegalArgumentException("agent argument '" + key + "' takes no value, got '" + key + "=" + value + "'");
        }
        return true;
    }

    private static List<Integer> pids(String value) {
        List<Integer> pids = new ArrayList<>();
        for (String p : value.split("\\+", -1)) {
            try {
                pids.add(Integer.parseInt(p.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pid=" + value + ": '" + p + "' is not a process id");
            }
        }
        if (pids.size() != new HashSet<>(pids).size()) {
            throw new IllegalArgumentException("pid=" + value + " names a process twice");
        }
        return pids;
    }

    private static double rate(String value) {
        try {
            double r = Double.parseDouble(value);
            if (Double.isNaN(r) || value.chars().anyMatch(Character::isLetter)) {
                throw new NumberFormatException();
            }
            return r;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rate=" + value + " is not a number of samples per second");
        }
    }

    private static int depth(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("depth=" + value + " is not a whole number of frames");
        }
    }

    /** The argument string that {@link #parse} turns back into this. */
    public String format() {
        StringJoiner j = new StringJoiner(",");
        switch (action) {
            case STOP -> j.add("stop");
            case STATUS -> j.add("status");
            case START -> {
                if (all) {
                    j.add("all");
                } else {
                    StringJoiner p = new StringJoiner("+", "pid=", "");
                    pids.forEach(pid -> p.add(Integer.toString(pid)));
                    j.add(p.toString());
                }
                j.add("rate=" + format(rate));
                if (mode == Sampler.Mode.NONBLOCKING) {
                    j.add("nonblocking");
                }
                if (!keepCpuPolling) {
                    j.add("nocpupoll");
                }
                j.add("depth=" + maxDepth);
                if (layout != null) {
                    j.add("layout=" + layout);
                }
            }
        }
        if (reply != null) {
            j.add("reply=" + reply);
        }
        return j.toString();
    }

    static String format(double rate) {
        return rate == Math.rint(rate) && Math.abs(rate) < 1e15 ? Long.toString((long) rate) : Double.toString(rate);
    }
}
