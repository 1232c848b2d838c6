package zeekspy.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;
import jdk.jfr.Recording;
import zeekspy.convert.RecordingRecovery;

/**
 * Where {@code record} has JFR keep its chunk files while it runs: the directory
 * {@code OUT.part} beside the output {@code OUT}. JFR flushes the chunk being written about
 * once a second, so if zeek-spy is killed, {@code zeek-spy recover OUT.part} rebuilds all but
 * the last second. At the end the chunks become the output by renaming, which needs no disk
 * space, and the directory goes. It also watches the free space, so that recording stops
 * before JFR runs out of it (JFR ends the JVM when a write fails).
 */
final class RecordingRepository {
    /** Suffix of the directory beside the output. */
    static final String SUFFIX = ".part";
    /** The file that marks a directory as zeek-spy's and says how to recover it. */
    static final String README = "RECOVER.txt";
    /** Free space recording keeps at least, besides 3 s of writing: room for JFR to finish its chunk. */
    static final long MIN_FREE = 1 << 20;

    private final Path output;
    private final Path dir;
    private final FileStore store;
    private long lastFree = -1;
    private long lastNanos;
    private double bytesPerSecond;

    private RecordingRepository(Path output, Path dir) throws IOException {
        this.output = output;
        this.dir = dir;
        this.store = Files.getFileStore(dir);
    }

    /** The repository directory of {@code output}. */
    static Path dirOf(Path output) {
        Path abs = output.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + SUFFIX);
    }

    /**
     * Creates the directory beside {@code output} and makes it JFR's repository. Refuses a
     * directory left by a recording that did not end: it holds that recording.
     */
    static RecordingRepository create(Path output) throws IOException {
        Path dir = dirOf(output);
        checkUnused(output);
        try {
            Files.createDirectory(dir);
            Files.writeString(dir.resolve(README), "JFR chunk files of a zeek-spy recording to " + output.toAbsolutePath()
                    + " (zeek-spy pid " + ProcessHandle.current().pid() + ").\nIf that zeek-spy was killed, rebuild the"
                    + " recording with:\n  zeek-spy recover " + dir + "\n");
        } catch (IOException e) {
            deleteTree(dir);
            throw new IOException(diskFull(e) ? "disk full writing " + output + ": " + reason(e)
                    : "cannot write " + output + ": " + reason(e), e);
        }
        RecordingRepository repository = new RecordingRepository(output, dir);
        jfrConfigure("repositorypath=" + dir);
        return repository;
    }

    /**
     * Fails if the directory of {@code output} holds what an earlier recording left (it is that
     * recording); removes it if it holds nothing.
     */
    static void checkUnused(Path output) throws IOException {
        Path dir = dirOf(output);
        if (isRepository(dir) && !holdsChunks(dir)) {
            deleteTree(dir); // left by a zeek-spy killed before it recorded anything
        }
        if (Files.exists(dir)) {
            throw new IOException("cannot record to " + output + ": " + dir + " holds the chunks of an earlier recording"
                    + " that did not end; 'zeek-spy recover " + dir + "' rebuilds it (or remove the directory)");
        }
    }

    Path dir() {
        return dir;
    }

    /**
     * Null while there is room to go on recording, else why not: the free space is below
     * {@link #MIN_FREE} plus 3 s of the fastest the device was seen filling up, whoever wrote to
     * it. The speed comes from the free space itself, once a second: one statfs, where adding
     * up JFR's chunk files took a directory walk.
     */
    String lowSpace() throws IOException {
        long now = System.nanoTime();
        long free = store.getUsableSpace();
        if (lastFree < 0) {
            lastFree = free;
            lastNanos = now;
        } else if (now - lastNanos >= 1_000_000_000L) {
            double rate = Math.max(0, lastFree - free) * 1e9 / (now - lastNanos);
            bytesPerSecond = Math.max(rate, 0.9 * bytesPerSecond);
            lastFree = free;
            lastNanos = now;
        }
        long reserve = MIN_FREE + (long) (3 * bytesPerSecond);
        if (free >= reserve) {
            return null;
        }
        return "only " + bytes(free) + " left on the device (zeek-spy keeps " + bytes(reserve) + " free)";
    }

    /**
     * After {@code recording} stopped: moves its chunks out of JFR's reach, closes it and writes
     * them to the output, then removes the directory. If the output cannot be written, the
     * chunks stay in the directory for {@code zeek-spy recover}.
     */
    void finish(Recording recording) throws IOException {
        List<Path> kept = new ArrayList<>();
        try {
            // Closing the recording deletes JFR's chunk files: rename them first.
            List<RecordingRecovery.Chunk> chunks = RecordingRecovery.scan(dir, new ArrayList<>());
            for (RecordingRecovery.Chunk c : chunks) {
                if (!c.finished()) {
                    continue; // another recording of this JVM (-XX:StartFlightRecording) still writes it
                }
                Path k = dir.resolve(String.format("chunk-%05d.jfr", kept.size()));
                Files.move(c.file(), k);
                kept.add(k);
            }
        } finally {
            recording.close();
            releaseJfr();
        }
        if (kept.isEmpty()) {
            throw new IOException("JFR wrote no chunk to " + dir);
        }
        Path assembled = dir.resolve("recording.jfr");
        Files.move(kept.get(0), assembled);
        try (FileChannel out = FileChannel.open(assembled, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (Path k : kept.subList(1, kept.size())) {
                long before = out.size();
                try (FileChannel in = FileChannel.open(k, StandardOpenOption.READ)) {
                    for (long done = 0, size = in.size(); done < size; ) {
                        done += in.transferTo(done, size - done, out);
                    }
                } catch (IOException e) {
                    out.truncate(before); // a whole number of chunks, as recover expects
                    throw e;
                }
                Files.delete(k);
            }
        }
        Files.move(assembled, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(dir);
    }

    /** After a failure before the recording started: removes the directory, gives the JFR repository back. */
    void abandon() {
        releaseJfr();
        deleteTree(dir);
    }

    /** Whether {@code dir} is a directory {@code record} made (it may then be removed once recovered). */
    static boolean isRepository(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve(README));
    }

    /** Whether {@code dir} holds JFR chunk files ({@code *.jfr}), at any depth. */
    static boolean holdsChunks(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".jfr") && Files.isRegularFile(f));
        }
    }

    /** Removes {@code dir} and everything in it, as far as possible. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // What remains is visible to the user, and harmless.
        }
    }

    /** Whether an I/O failure is the device being full. */
    static boolean diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }

    /** The reason of an I/O failure, without the path a FileSystemException puts first. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return Main.describe(e);
    }

    /** {@code 1812 KiB}, {@code 31.4 MiB}. */
    static String bytes(long n) {
        if (n < 10 << 20) {
            return (n >> 10) + " KiB";
        }
        return String.format("%.1f %s", n >= 1L << 30 ? n / (double) (1L << 30) : n / (double) (1 << 20), n >= 1L << 30 ? "GiB" : "MiB");
    }

    /** Points JFR's repository back at the temporary directory, so that JFR no longer recreates ours. */
    private static void releaseJfr() {
        try {
            jfrConfigure("repositorypath=" + System.getProperty("java.io.tmpdir"));
        } catch (IOException ignored) {
            // JFR keeps using our directory only if another recording starts in this JVM.
        }
    }

    private static void jfrConfigure(String arg) throws IOException {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "jfrConfigure", new Object[] {new String[] {arg}}, new String[] {String[].class.getName()});
        } catch (JMException | RuntimeException e) {
            throw new IOException("cannot configure JFR (" + arg + "): " + Main.describe(e), e);
        }
    }
}
