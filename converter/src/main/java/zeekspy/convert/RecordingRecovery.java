package zeekspy.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordingFile;

/**
 * Rebuilds a readable recording from what a JVM that died while recording left on disk: the
 * chunk files of its JFR repository, or a recording file cut short. Finished chunks are taken
 * as they are; the chunk that was being written is cut at its last flushpoint (about once a
 * second JFR writes the pending events and constants and then updates the chunk header's size
 * and offsets) and marked finished; chunks with nothing flushed are left out. The chunks go
 * into one file in time order, which jdk.jfr's {@link RecordingFile} then reads in full.
 *
 * <pre>{@code
 * RecordingRecovery.Result r = RecordingRecovery.recover(Path.of("out.jfr.part"), Path.of("out.jfr"));
 * }</pre>
 */
public final class RecordingRecovery {
    static final int HEADER_SIZE = 68;
    private static final int MAGIC = 0x464c5200; // "FLR\0"
    private static final int FILE_STATE = 64;
    private static final int UPDATING = 0xff;
    private static final int METADATA_TYPE = 0;
    private static final int CHECKPOINT_TYPE = 1;

    /**
     * One chunk found on disk.
     *
     * @param offset where the chunk starts in {@code file}
     * @param size the bytes to take: the whole chunk, or up to its last flushpoint
     * @param finished whether JFR finished the chunk (else it is cut at its last flushpoint)
     */
    public record Chunk(Path file, long offset, long size, long startNanos, long durationNanos, long startTicks,
                        boolean finished) {
        /** Epoch nanoseconds of the chunk's last event time covered. */
        public long endNanos() {
            return startNanos + durationNanos;
        }
    }

    /**
     * What {@link #recover} wrote.
     *
     * @param chunks the chunks written, in time order
     * @param leftOut one line per file or chunk that was not used, and why
     * @param events the events the written recording holds, by type name
     */
    public record Result(Path output, List<Chunk> chunks, List<String> leftOut, Map<String, Long> events) {
        public long startNanos() {
            return chunks.get(0).startNanos();
        }

        public long endNanos() {
            return chunks.stream().mapToLong(Chunk::endNanos).max().orElse(0);
        }

        /** Whether a chunk was cut at its last flushpoint: the recording JVM did not finish it. */
        public boolean cut() {
            return chunks.stream().anyMatch(c -> !c.finished());
        }
    }

    private RecordingRecovery() {}

    /**
     * Whether {@code file} is a recording JFR finished: every chunk finished and the chunks fill
     * the file. A file that is not a recording at all counts as complete (readers report it).
     */
    public static boolean isComplete(Path file) throws IOException {
        List<String> notes = new ArrayList<>();
        List<Chunk> chunks = scanFile(file, notes);
        if (!notes.isEmpty()) {
            return chunks.isEmpty() && !startsWithMagic(file);
        }
        long end = chunks.isEmpty() ? 0 : chunks.get(chunks.size() - 1).offset() + chunks.get(chunks.size() - 1).size();
        return chunks.stream().allMatch(Chunk::finished) && end == Files.size(file);
    }

    /**
     * Whether JFR was still writing a chunk of {@code file} (its header says not finished): the
     * file of a JVM that died while recording, or a repository chunk in use. A file cut short or
     * damaged otherwise is not unfinished; readers report it.
     */
    public static boolean isUnfinished(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE);
            for (long position = 0, fileSize = in.size(); fileSize - position >= HEADER_SIZE; ) {
                h.clear();
                readFully(in, h, position);
                if (h.getInt(0) != MAGIC) {
                    return false;
                }
                if (h.get(FILE_STATE) != 0) {
                    return true;
                }
                long size = h.getLong(8);
                if (size < HEADER_SIZE) {
                    return false;
                }
                position += size;
            }
            return false;
        }
    }

    /**
     * The usable chunks in {@code source}: a file, or a directory searched for {@code *.jfr}
     * files (a JFR repository, or zeek-spy's {@code .part} directory), in time order. Files
     * and chunks that cannot be used are described in {@code leftOut}.
     */
    public static List<Chunk> scan(Path source, List<String> leftOut) throws IOException {
        List<Chunk> found = new ArrayList<>();
        for (Path file : chunkFiles(source)) {
            found.addAll(scanFile(file, leftOut));
        }
        // The same chunk twice (a hard link kept beside JFR's own file): keep the longest.
        Map<List<Long>, Chunk> unique = new HashMap<>();
        for (Chunk c : found) {
            unique.merge(List.of(c.startNanos(), c.startTicks()), c, (a, b) -> a.size() >= b.size() ? a : b);
        }
        List<Chunk> chunks = new ArrayList<>(unique.values());
        chunks.sort(Comparator.comparingLong(Chunk::startTicks).thenComparingLong(Chunk::startNanos));
        return chunks;
    }

    /**
     * Writes the usable chunks of {@code source} to {@code output} and reads the result back
     * with jdk.jfr; a chunk that does not read is left out. The output appears only when
     * complete.
     *
     * @throws IOException if there is nothing to recover or the output cannot be written
     */
    public static Result recover(Path source, Path output) throws IOException {
        if (!Files.exists(source)) {
            throw new IOException(source + ": no such file or directory");
        }
        List<String> leftOut = new ArrayList<>();
        List<Chunk> chunks = scan(source, leftOut);
        if (chunks.isEmpty()) {
            throw new IOException("nothing to recover in " + source + ": no JFR chunk with flushed data"
                    + (leftOut.isEmpty() ? "" : " (" + withoutName(leftOut.get(0), source) + ")"));
        }
        Path tmp = output.resolveSibling(output.getFileName() + ".recovering");
        try {
            write(chunks, tmp);
            Map<String, Long> events = readable(tmp);
            if (events == null) {
                chunks = readableChunks(chunks, tmp, leftOut);
                write(chunks, tmp);
                events = readable(tmp);
                if (events == null) {
                    throw new IOException("the recovered chunks of " + source + " do not read as one recording");
                }
            }
            Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Result(output, List.copyOf(chunks), List.copyOf(leftOut), events);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes {@code chunks} one after another into {@code out}, each finished. */
    static void write(List<Chunk> chunks, Path out) throws IOException {
        try (FileChannel dst = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Chunk c : chunks) {
                long at = dst.position();
                try (FileChannel src = FileChannel.open(c.file(), StandardOpenOption.READ)) {
                    long done = 0;
                    while (done < c.size()) {
                        long n = src.transferTo(c.offset() + done, c.size() - done, dst);
                        if (n <= 0) {
                            throw new IOException(c.file() + " got shorter while being read");
                        }
                        done += n;
                    }
                }
                if (!c.finished()) {
                    // The file state byte: 0 says the chunk is finished, as JFR leaves it at the end.
                    dst.write(ByteBuffer.wrap(new byte[] {0}), at + FILE_STATE);
                    dst.position(at + c.size());
                }
            }
            dst.force(false);
        }
    }

    /** The event counts by type of a recording jdk.jfr reads to its end, or null. */
    private static Map<String, Long> readable(Path file) {
        Map<String, Long> events = new HashMap<>();
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                events.merge(in.readEvent().getEventType().getName(), 1L, Long::sum);
            }
            return events;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A left-out line about {@code source} itself, without its name, which the message already gives. */
    private static String withoutName(String line, Path source) {
        String prefix = source + ": ";
        return line.startsWith(prefix) ? line.substring(prefix.length()) : line;
    }

    private static List<Chunk> readableChunks(List<Chunk> chunks, Path tmp, List<String> leftOut) throws IOException {
        List<Chunk> good = new ArrayList<>();
        for (Chunk c : chunks) {
            write(List.of(c), tmp);
            if (readable(tmp) != null) {
                good.add(c);
            } else {
                leftOut.add(c.file() + ": the chunk at byte " + c.offset() + " does not read: left out");
            }
        }
        if (good.isEmpty()) {
            throw new IOException("no chunk of the recording reads: nothing to recover");
        }
        return good;
    }

    private static List<Path> chunkFiles(Path source) throws IOException {
        if (!Files.isDirectory(source)) {
            return List.of(source);
        }
        try (Stream<Path> files = Files.walk(source)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jfr") && Files.isRegularFile(f))
                    .sorted().toList();
        }
    }

    /** The usable chunks of one file, in file order; stops at the first chunk JFR did not finish. */
    static List<Chunk> scanFile(Path file, List<String> leftOut) throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = in.size();
            long position = 0;
            ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE);
            while (position < fileSize) {
                String where = file + (position == 0 ? "" : " at byte " + position);
                if (fileSize - position < HEADER_SIZE) {
                    leftOut.add(where + ": " + (fileSize - position) + " bytes, less than a chunk header");
                    break;
                }
                h.clear();
                readFully(in, h, position);
                if (h.getInt(0) != MAGIC) {
                    leftOut.add(where + ": not a JFR chunk");
                    break;
                }
                int major = h.getShort(4);
                long size = h.getLong(8);
                long constantPools = h.getLong(16);
                long metadata = h.getLong(24);
                int state = h.get(FILE_STATE) & 0xff;
                boolean finished = state == 0;
                boolean varints = (h.get(67) & 1) != 0;
                if (major != 2) {
                    leftOut.add(where + ": JFR format version " + major + " is not known");
                    break;
                }
                if (metadata == 0 || size <= HEADER_SIZE) {
                    leftOut.add(where + ": nothing flushed yet (the recording JVM died within its first second)");
                    break;
                }
                if (size > fileSize - position || constantPools < HEADER_SIZE || constantPools >= size
                        || metadata < HEADER_SIZE || metadata >= size
                        || eventType(in, position + metadata, varints) != METADATA_TYPE
                        || eventType(in, position + constantPools, varints) != CHECKPOINT_TYPE) {
                    leftOut.add(where + ": the chunk header " + (state == UPDATING ? "was being updated" : "does not match the data")
                            + ": left out");
                    break;
                }
                chunks.add(new Chunk(file, position, size, h.getLong(32), h.getLong(40), h.getLong(48), finished));
                if (!finished) {
                    break; // what follows the last flushpoint refers to constants never written
                }
                position += size;
            }
        }
        return chunks;
    }

    /** The type id of the event at {@code position} (size and type are varints, or ints); -1 if unreadable. */
    private static long eventType(FileChannel in, long position, boolean varints) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(20);
        int n = in.read(b, position);
        if (n <= 0) {
            return -1;
        }
        b.flip();
        try {
            if (!varints) {
                b.getInt();
                return b.getLong();
            }
            readVarint(b);
            return readVarint(b);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static long readVarint(ByteBuffer b) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            if (shift == 56) {
                return value | (long) (x & 0xff) << 56;
            }
            value |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return value;
            }
        }
        return value;
    }

    private static boolean startsWithMagic(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            return in.read(b, 0) == 4 && b.getInt(0) == MAGIC;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
    }

    /** Writes a recovered copy of {@code source} to a new temporary file; for readers of cut-short inputs. */
    static Path recoverToTemp(Path source) throws IOException {
        Path tmp = Files.createTempFile("zeek-spy-recovered-", ".jfr");
        try {
            Files.delete(tmp);
            recover(source, tmp);
            return tmp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
