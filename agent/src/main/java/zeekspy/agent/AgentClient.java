package zeekspy.agent;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.SecureRandom;
import java.util.HexFormat;
import net.bytebuddy.agent.ByteBuddyAgent;
import zeekspy.memory.ProcFs;
import zeekspy.memory.ProcessAccessException;

/**
 * The attach side: loads zeek-spy's agent into another JVM with a request and reads the
 * agent's answer from its {@link AgentFiles status file}. The JDK's attach API reports nothing
 * of what {@code agentmain} did, so each request carries a random token that the agent echoes
 * in the status file it writes before {@code agentmain} returns.
 */
public final class AgentClient {
    /** System property naming the agent jar to load, instead of the jar zeek-spy runs from. */
    public static final String JAR_PROPERTY = "zeekspy.agent.jar";

    private static final SecureRandom RANDOM = new SecureRandom();

    private AgentClient() {}

    /**
     * Loads the agent into JVM {@code jvmPid} with {@code request} and returns its answer (which
     * may say that the request failed: see {@link AgentStatus#ok()}).
     *
     * @throws IllegalStateException with a one-line message if the process is not a JVM, the
     *     agent cannot be loaded, or it did not answer
     */
    public static AgentStatus request(int jvmPid, AgentArguments request, Path agentJar) throws IOException {
        String args = request.withReply(null).format();
        return send(jvmPid, args, agentJar);
    }

    /** Like {@link #request}, with an argument string as it is (a reply token is added). */
    static AgentStatus send(int jvmPid, String args, Path agentJar) throws IOException {
        requireJvm(jvmPid);
        String token = HexFormat.of().formatHex(randomBytes());
        try {
            ByteBuddyAgent.attach(agentJar.toFile(), Integer.toString(jvmPid), (args.isEmpty() ? "" : args + ",") + "reply=" + token);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot load zeek-spy's agent into JVM " + jvmPid + ": " + rootMessage(e)
                    + ownerHint(jvmPid, agentJar), e);
        }
        Path file = AgentFiles.statusFileOf(jvmPid);
        String text = AgentFiles.read(file);
        AgentStatus status = text == null ? null : AgentStatus.parse(text);
        if (status == null || !token.equals(status.reply())) {
            throw new IllegalStateException("the agent in JVM " + jvmPid + " did not answer in " + file
                    + "; look for '" + ZeekSpyAgent.LOG_PREFIX.strip() + "' lines on that JVM's standard error");
        }
        return status;
    }

    /**
     * The last status the agent in JVM {@code jvmPid} wrote, without loading anything into that
     * JVM; null if no agent has written one.
     */
    public static AgentStatus lastStatus(int jvmPid) throws IOException {
        requireJvm(jvmPid);
        String text = AgentFiles.read(AgentFiles.statusFileOf(jvmPid));
        return text == null ? null : AgentStatus.parse(text);
    }

    /**
     * Fails unless {@code pid} is a JVM other than this one. Attaching to anything else would
     * be harmful: the JDK's attach protocol sends the process SIGQUIT, which ends most programs.
     */
    public static void requireJvm(int pid) {
        if (pid <= 0 || !ProcFs.exists(pid)) {
            throw ProcessAccessException.noSuchProcess(pid);
        }
        if (pid == ProcessHandle.current().pid()) {
            throw new IllegalArgumentException("process " + pid + " is zeek-spy itself; give the pid of another JVM");
        }
        boolean jvm;
        try {
            jvm = ProcFs.maps(pid).stream().anyMatch(m -> m.filePath().endsWith("/libjvm.so"));
        } catch (ProcessAccessException e) {
            throw new IllegalStateException("cannot tell whether process " + pid + " is a JVM: " + e.getMessage(), e);
        }
        if (!jvm) {
            throw new IllegalArgumentException("process " + pid + " (" + name(pid) + ") is not a Java virtual machine"
                    + " (no libjvm.so in its memory)");
        }
    }

    /**
     * The agent jar: the {@value #JAR_PROPERTY} system property, else the jar zeek-spy runs from.
     *
     * @throws IllegalStateException if zeek-spy does not run from a jar
     */
    public static Path agentJar() {
        String property = System.getProperty(JAR_PROPERTY);
        Path jar;
        if (property != null && !property.isBlank()) {
            jar = Path.of(property);
        } else {
            CodeSource source = ZeekSpyAgent.class.getProtectionDomain().getCodeSource();
            try {
                jar = source == null ? null : Path.of(source.getLocation().toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                jar = null;
            }
            if (jar == null || !Files.isRegularFile(jar)) {
                throw new IllegalStateException("zeek-spy does not run from its jar (" + jar + "), so there is no agent jar"
                        + " to load: run zeek-spy.jar, or set -D" + JAR_PROPERTY + "=PATH");
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no agent jar " + jar);
        }
        return jar.toAbsolutePath();
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The message at the bottom of a chain of causes: the attach API's own reason. */
    private static String rootMessage(Throwable e) {
        String message = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage().strip();
            }
        }
        if (e.getMessage() == null && e.getCause() == null) {
            return "this Java runtime has no attach API (module jdk.attach); run zeek-spy with a JDK";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl).strip();
    }

    /** A hint when the JVM runs as another user, who must be able to read the jar. */
    private static String ownerHint(int pid, Path jar) {
        try {
            String owner = Files.getOwner(Path.of("/proc", Integer.toString(pid))).getName();
            if (!owner.equals(System.getProperty("user.name"))) {
                return " (the JVM runs as " + owner + ", who must be able to read " + jar + ")";
            }
        } catch (IOException | RuntimeException ignored) {
            // No hint then.
        }
        return "";
    }

    private static String name(int pid) {
        try {
            return ProcFs.comm(pid);
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
