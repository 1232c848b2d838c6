package zeekspy.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** Checks, before any work, that an output file can be written, so that a run does not fail at its end. */
final class OutputFile {
    /** File systems whose files take writes of their own kinds only (/proc, /sys): no recording fits there. */
    private static final Set<String> VIRTUAL = Set.of("proc", "sysfs", "cgroup", "cgroup2", "debugfs", "securityfs");

    private OutputFile() {}

    /**
     * Throws an {@link IOException} "cannot write FILE: why" unless {@code file} can be created or
     * written. A file that did not exist is created and removed again; a regular file that exists
     * is opened for writing and left as it was.
     */
    static void checkWritable(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IOException("cannot write " + file + ": it is a directory");
        }
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write " + file + ": no such directory " + dir);
        }
        boolean existed = Files.exists(abs);
        String store = fileSystemType(existed ? abs : dir);
        if (VIRTUAL.contains(store)) {
            throw new IOException("cannot write " + file + ": it is on a virtual file system (" + store + ")");
        }
        if (existed && !Files.isRegularFile(abs)) {
            // A device or a pipe (/dev/null, /dev/stdout): opening a FIFO to probe it could block.
            if (!Files.isWritable(abs)) {
                throw new IOException("cannot write " + file + ": permission denied");
            }
            return;
        }
        try (FileChannel probe = FileChannel.open(abs, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // Opened: it can be written.
        } catch (FileSystemException e) {
            throw new IOException("cannot write " + file + ": " + Main.problem(e), e);
        } finally {
            if (!existed) {
                deleteProbe(abs);
            }
        }
    }

    private static void deleteProbe(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Left empty, it is overwritten by the output.
        }
    }

    private static String fileSystemType(Path p) {
        try {
            return Files.getFileStore(p).type();
        } catch (IOException e) {
            return "";
        }
    }
}
