package zeekspy.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import zeekspy.layout.LayoutCache;
import zeekspy.layout.LayoutResolver;
import zeekspy.symbols.DebugFileLocator;

/** Options shared by every command that needs a Zeek layout. */
final class LayoutOptions {
    @Option(names = "--layout", paramLabel = "FILE",
            description = "Use this layout file (from 'zeek-spy layout --output') instead of finding one.")
    Path layoutFile;

    @Option(names = "--no-cache", description = "Neither read nor write the layout cache (~/.cache/zeek-spy).")
    boolean noCache;

    @Option(names = "--debug-root", paramLabel = "DIR",
            description = "Where separate debug files live (repeatable; default /usr/lib/debug).")
    List<Path> debugRoots = new ArrayList<>();

    LayoutResolver.Options resolverOptions() {
        for (Path root : debugRoots) {
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("--debug-root " + root + ": no such directory");
            }
        }
        return new LayoutResolver.Options(layoutFile, noCache ? null : LayoutCache.standard(),
                debugRoots.isEmpty() ? List.of(DebugFileLocator.DEFAULT_ROOT) : List.copyOf(debugRoots));
    }
}
