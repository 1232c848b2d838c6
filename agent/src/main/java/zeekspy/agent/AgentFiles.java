package zeekspy.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The files through which the agent answers: {@code /tmp/zeek-spy-agent-PID.status} (an
 * {@link AgentStatus}) and {@code /tmp/zeek-spy-agent-PID.jfc} (zeek-spy's recording settings,
 * for {@code jcmd PID JFR.start settings=...}), PID being the host JVM's pid.
 *
 * <p>Like the JDK's attach mechanism they live in /tmp, not in {@code java.io.tmpdir}, which
 * the application may change: the caller finds them as {@code /proc/PID/root/tmp/...} even
 * when the JVM runs in a container. The agent writes them as the JVM's user, readable only by
 * that user (and root, the only others who may attach), through a new file that is renamed into
 * place, so that a planted link is replaced rather than followed.
 */
public final class AgentFiles {
    /** Where the files are, as the host JVM sees it. */
    static final Path DIR = Path.of("/tmp");
    private static final String PREFIX = "zeek-spy-agent-";

    private AgentFiles() {}

    /** The status file of the JVM with (namespace) pid {@code jvmPid}, as that JVM sees it. */
    public static Path statusFile(long jvmPid) {
        return DIR.resolve(PREFIX + jvmPid + ".status");
    }

    /** The zeek.jfc copy of the JVM with (namespace) pid {@code jvmPid}, as that JVM sees it. */
    public static Path settingsFile(long jvmPid) {
        return DIR.resolve(PREFIX + jvmPid + ".jfc");
    }

    /** The status file of JVM {@code pid} (a pid of this pid namespace), as this process sees it. */
    public static Path statusFileOf(int pid) throws IOException {
        Path root = Path.of("/proc", Integer.toString(pid), "root");
        return root.resolve(DIR.toString().substring(1)).resolve(statusFile(namespacePid(pid)).getFileName());
    }

    /**
     * The pid of process {@code pid} in its own pid namespace (the innermost NSpid of
     * /proc/PID/status): differs from {@code pid} for a process in a container.
     */
    public static long namespacePid(int pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"), StandardCharsets.UTF_8)) {
            if (line.startsWith("NSpid:")) {
                String[] ids = line.substring("NSpid:".length()).strip().split("\\s+");
                return Long.parseLong(ids[ids.length - 1]);
            }
        }
        return pid; // kernels before 4.1 have no NSpid
    }

    /** Writes {@code text} to {@code file}, owner-only, replacing it atomically. */
    static void write(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), PREFIX, ".tmp"); // mode 0600
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a status file without following a link.
     *
     * @return the text, or null if there is no such file
     * @throws IOException if it is not a regular file or cannot be read
     */
    static String read(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!a.isRegularFile()) {
            throw new IOException(file + " is not a regular file");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
