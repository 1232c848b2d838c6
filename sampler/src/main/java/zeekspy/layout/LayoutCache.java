package zeekspy.layout;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * Layouts found in debug info, kept by build-id so that the next run skips the DWARF scan.
 * Lives in {@code $XDG_CACHE_HOME/zeek-spy/layouts} (default {@code ~/.cache/zeek-spy/layouts}).
 * A damaged entry is ignored and replaced, never trusted.
 */
public final class LayoutCache {
    private final Path dir;

    public LayoutCache(Path dir) {
        this.dir = dir;
    }

    /** The cache in the user's XDG cache directory. */
    public static LayoutCache standard() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new LayoutCache(base.resolve("zeek-spy").resolve("layouts"));
    }

    public Path directory() {
        return dir;
    }

    /** The cached layout for {@code buildId}, or empty when there is none or it is unusable. */
    public Optional<Layout> get(String buildId) {
        Path file = file(buildId);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(LayoutFile.read(file, "cache " + file).layout().validate());
        } catch (LayoutException e) {
            return Optional.empty();
        }
    }

    /** Stores a layout; failures (read-only home, full disk) only cost the next run some time. */
    public boolean put(String buildId, Layout layout, Map<String, String> metadata) {
        Path file = file(buildId);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, buildId, ".tmp");
            Files.writeString(tmp, LayoutFile.format(layout, metadata));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private Path file(String buildId) {
        if (!buildId.matches("[0-9a-f]{8,128}")) {
            throw new IllegalArgumentException("not a build-id: " + buildId);
        }
        return dir.resolve(buildId + ".layout");
    }
}
