package zeekspy.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Finds the file that holds a binary's DWARF, the way gdb does: the binary itself, then by
 * build-id under each debug root, then by {@code .gnu_debuglink} next to the binary, in its
 * {@code .debug/} directory and under each debug root.
 *
 * <p>A build-id candidate must carry the same build-id; a debuglink candidate must match the
 * CRC-32 recorded in the binary. Candidates that fail are skipped, not reported as errors.
 */
public final class DebugFileLocator {
    /** The usual global debug directory. */
    public static final Path DEFAULT_ROOT = Path.of("/usr/lib/debug");

    private final List<Path> roots;

    /** A locator searching {@link #DEFAULT_ROOT}. */
    public DebugFileLocator() {
        this(List.of(DEFAULT_ROOT));
    }

    /** A locator searching these debug roots, in order. */
    public DebugFileLocator(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    public List<Path> roots() {
        return roots;
    }

    /** The file with the DWARF for {@code elf}, or empty if none of the candidates qualifies. */
    public Optional<DebugFile> locate(ElfFile elf) throws IOException {
        if (elf.hasDebugInfo()) {
            return Optional.of(new DebugFile(elf.path(), DebugFile.Source.SELF));
        }
        Optional<String> buildId = elf.buildId();
        if (buildId.isPresent()) {
            for (Path p : buildIdCandidates(buildId.get())) {
                if (hasDebugInfoAndBuildId(p, buildId.get())) {
                    return Optional.of(new DebugFile(p, DebugFile.Source.BUILD_ID));
                }
            }
        }
        Optional<DebugLink> link = elf.debugLink();
        if (link.isPresent()) {
            Path self = realPath(elf.path());
            for (Candidate c : debugLinkCandidates(self, link.get())) {
                if (Files.isRegularFile(c.path) && !isSameFile(c.path, self)
                        && crc32(c.path) == link.get().crc32() && hasDebugInfo(c.path)) {
                    return Optional.of(new DebugFile(c.path, c.source));
                }
            }
        }
        return Optional.empty();
    }

    /** Every path {@link #locate} would look at, for error messages. */
    public List<Path> candidates(ElfFile elf) throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(elf.path());
        Optional<String> buildId = elf.buildId();
        if (buildId.isPresent()) {
            out.addAll(buildIdCandidates(buildId.get()));
        }
        Optional<DebugLink> link = elf.debugLink();
        if (link.isPresent()) {
            for (Candidate c : debugLinkCandidates(realPath(elf.path()), link.get())) {
                out.add(c.path);
            }
        }
        return out;
    }

    private List<Path> buildIdCandidates(String buildId) {
        List<Path> out = new ArrayList<>();
        if (buildId.length() < 3) {
            return out;
        }
        for (Path root : roots) {
            out.add(root.resolve(".build-id").resolve(buildId.substring(0, 2))
                    .resolve(buildId.substring(2) + ".debug"));
        }
        return out;
    }

    private record Candidate(Path path, DebugFile.Source source) {
    }

    private List<Candidate> debugLinkCandidates(Path binary, DebugLink link) {
        List<Candidate> out = new ArrayList<>();
        String name = link.fileName();
        if (name.isEmpty() || name.contains("/")) {
            return out;
        }
        Path dir = binary.toAbsolutePath().getParent();
        if (dir == null) {
            return out;
        }
        out.add(new Candidate(dir.resolve(name), DebugFile.Source.DEBUGLINK_SAME_DIR));
        out.add(new Candidate(dir.resolve(".debug").resolve(name), DebugFile.Source.DEBUGLINK_DOT_DEBUG));
        String relativeDir = dir.toString().replaceFirst("^/+", "");
        for (Path root : roots) {
            out.add(new Candidate(root.resolve(relativeDir).resolve(name), DebugFile.Source.DEBUGLINK_ROOT));
        }
        return out;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath();
        }
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasDebugInfo(Path p) {
        try (ElfFile f = ElfFile.open(p)) {
            return f.hasDebugInfo();
        } catch (IOException | ElfFormatException e) {
            return false;
        }
    }

    private static boolean hasDebugInfoAndBuildId(Path p, String buildId) {
        if (!Files.isRegularFile(p)) {
            return false;
        }
        try (ElfFile f = ElfFile.open(p)) {
            return f.hasDebugInfo() && f.buildId().map(buildId::equals).orElse(false);
        } catch (IOException | ElfFormatException e) {
            return false;
        }
    }

    /** CRC-32 of a whole file, as recorded in {@code .gnu_debuglink}. */
    static long crc32(Path p) throws IOException {
        CRC32 crc = new CRC32();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            long size = ch.size();
            long chunk = 256L << 20;
            for (long off = 0; off < size; off += chunk) {
                ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, off, Math.min(chunk, size - off));
                crc.update(b);
            }
        }
        return crc.getValue();
    }
}
