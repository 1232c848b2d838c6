package zeekspy.agent;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * zeek-spy as a Java agent: samples Zeek processes inside the host JVM, so that the host's
 * flight recordings carry zeek.Sample events whose stack traces are Zeek stacks.
 * {@code -javaagent:zeek-spy.jar=pid=PID,rate=100} starts at JVM start ({@link #premain});
 * {@code zeek-spy attach} loads it into a running JVM ({@link #agentmain}), which also serves
 * its {@code stop} and {@code status} requests. See {@link AgentArguments} for the arguments.
 *
 * <p>The agent never throws into the host: every failure is one line on the host's standard
 * error, prefixed {@value #LOG_PREFIX}, and the answer in the {@link AgentFiles status file}.
 * There is one sampling per JVM: the state lives in this class, which the system class loader
 * loads once however often the agent is loaded, and a system property guards against a copy of
 * the agent in another class loader.
 */
public final class ZeekSpyAgent {
    /** Prefix of the agent's lines on the host's standard error. */
    public static final String LOG_PREFIX = "zeek-spy agent: ";
    /** System property set while an agent samples in this JVM: which agent, and what it samples. */
    public static final String ACTIVE_PROPERTY = "zeekspy.agent.sampling";

    private static final Pattern REPLY = Pattern.compile("(?:^|,)\\s*reply=([A-Za-z0-9]{1,64})\\s*(?:,|$)");
    /** Tells this copy of the agent from one in another class loader. */
    private static final String IDENTITY = "loader@" + Integer.toHexString(System.identityHashCode(ZeekSpyAgent.class));

    // Set under the class lock; a session's lock may be taken while holding it, never the reverse.
    private static volatile AgentSession current;
    private static final AtomicBoolean FILES_REGISTERED = new AtomicBoolean();

    private ZeekSpyAgent() {}

    /** Entry point of {@code -javaagent:zeek-spy.jar=ARGS}: opens the Zeek processes in the background. */
    public static void premain(String args, Instrumentation instrumentation) {
        try {
            handle(args, true);
        } catch (Throwable e) {
            log(describe(e));
        }
    }

    /** Entry point of an attach: does what {@code args} asks before returning, and answers in the status file. */
    public static void agentmain(String args, Instrumentation instrumentation) {
        try {
            handle(args, false);
        } catch (Throwable e) {
            log(describe(e));
        }
    }

    /** Does what {@code rawArgs} asks; returns the answer also written to the status file. Never throws. */
    static AgentStatus handle(String rawArgs, boolean atStartup) {
        String reply = replyToken(rawArgs);
        AgentStatus answer;
        try {
            AgentArguments args = parse(rawArgs);
            answer = switch (args.action()) {
                case START -> start(args, atStartup);
                case STOP -> stop();
                case STATUS -> {
                    AgentStatus s = status();
                    yield s.answer(null, true, s.message()); // the message of a failed start, if any
                }
            };
        } catch (BadArguments e) {
            String m = "bad agent arguments '" + withoutReply(rawArgs) + "': " + e.getMessage();
            log(m + "; the agent does nothing");
            answer = safeStatus().answer(null, false, m);
        } catch (Throwable e) {
            String m = describe(e);
            log(m);
            answer = safeStatus().answer(null, false, m);
        }
        answer = answer.answer(reply, answer.ok(), answer.message());
        writeStatus(answer);
        return answer;
    }

    /** An argument string that does not parse. */
    private static final class BadArguments extends Exception {
        private static final long serialVersionUID = 1L;

        BadArguments(String message) {
            super(message);
        }
    }

    private static AgentArguments parse(String rawArgs) throws BadArguments {
        try {
            return AgentArguments.parse(rawArgs);
        } catch (IllegalArgumentException e) {
            throw new BadArguments(e.getMessage());
        }
    }

    private static AgentStatus start(AgentArguments args, boolean atStartup) throws IOException {
        AgentSession session;
        synchronized (ZeekSpyAgent.class) {
            if (current != null && current.active()) {
                String m = "already sampling " + current.describe() + " in this JVM; stop that first (zeek-spy attach --jvm "
                        + pid() + " --stop)";
                log("not started again: " + m);
                return current.status().answer(null, false, m);
            }
            String other = System.getProperty(ACTIVE_PROPERTY);
            if (other != null && !other.startsWith(IDENTITY + " ")) {
                String m = "another copy of the zeek-spy agent (in another class loader) samples in this JVM: " + other;
                log("not started: " + m);
                return safeStatus().answer(null, false, m);
            }
            session = AgentSession.prepare(args, pid(), ZeekSpyAgent::log, ZeekSpyAgent::ended);
            current = session;
            System.setProperty(ACTIVE_PROPERTY, IDENTITY + " " + session.describe());
        }
        if (session.depthWarning() != null) {
            log(session.depthWarning());
        }
        if (atStartup) {
            // Finding a layout may read DWARF for seconds: the application starts meanwhile.
            Thread opener = new Thread(() -> writeStatus(open(session)), "zeek-spy-agent-start");
            opener.setDaemon(true);
            opener.start();
            return session.status().answer(null, true, "starting to sample " + session.describe());
        }
        return open(session);
    }

    private static AgentStatus open(AgentSession session) {
        try {
            session.open();
            if (session.active()) {
                System.setProperty(ACTIVE_PROPERTY, IDENTITY + " " + session.describe());
            }
            String m = "sampling " + session.describe() + "; JFR stack depth " + session.jfrStackDepth()
                    + (session.settingsFile() == null ? "" : "; settings for JFR.start: " + session.settingsFile());
            log(m);
            return session.status().answer(null, true, m);
        } catch (Throwable e) {
            String m = "cannot sample " + session.describe() + ": " + describe(e);
            log(m);
            return session.status().answer(null, false, m);
        }
    }

    /** Called by a session that has stopped or ended. */
    private static void ended(AgentSession session) {
        String value = System.getProperty(ACTIVE_PROPERTY);
        if (value != null && value.startsWith(IDENTITY + " ")) {
            System.clearProperty(ACTIVE_PROPERTY);
        }
        writeStatus(session.status());
    }

    private static AgentStatus stop() {
        AgentSession session = current;
        if (session == null || !session.active()) {
            String m = "not sampling, nothing to stop";
            return safeStatus().answer(null, false, m);
        }
        String what = session.describe();
        session.stop();
        AgentStatus s = session.status();
        String m = "stopped sampling " + what + " after " + s.totalSamples() + " samples";
        log(m);
        return s.answer(null, true, m);
    }

    private static AgentStatus status() {
        AgentSession session = current;
        return session == null ? AgentStatus.idle(pid()) : session.status();
    }

    /** The status, or an idle one if even that fails. */
    private static AgentStatus safeStatus() {
        try {
            return status();
        } catch (Throwable e) {
            return AgentStatus.idle(pid());
        }
    }

    private static void writeStatus(AgentStatus status) {
        long pid = pid();
        Path file = AgentFiles.statusFile(pid);
        try {
            AgentFiles.write(file, status.toText());
            if (FILES_REGISTERED.compareAndSet(false, true)) {
                file.toFile().deleteOnExit();
                AgentFiles.settingsFile(pid).toFile().deleteOnExit();
            }
        } catch (IOException | RuntimeException e) {
            log("cannot write the status file " + file + ": " + describe(e));
        }
    }

    /** The reply token of an argument string, even of one that does not parse. */
    static String replyToken(String rawArgs) {
        if (rawArgs == null) {
            return null;
        }
        Matcher m = REPLY.matcher(rawArgs);
        return m.find() ? m.group(1) : null;
    }

    /** The argument string as the user wrote it: without the reply token that {@code attach} adds. */
    static String withoutReply(String rawArgs) {
        return rawArgs == null ? "" : REPLY.matcher(rawArgs).replaceFirst(m -> m.group().endsWith(",") && m.start() > 0 ? "," : "");
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    /** The message of a failure, or of its first cause that has one. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                String m = t.getMessage().strip();
                int nl = m.indexOf('\n');
                return nl < 0 ? m : m.substring(0, nl).strip();
            }
        }
        return e.getClass().getName();
    }

    static void log(String line) {
        try {
            System.err.println(LOG_PREFIX + line);
            System.err.flush();
        } catch (Throwable ignored) {
            // Nowhere left to report to; the status file has the answer.
        }
    }
}
