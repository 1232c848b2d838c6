package zeekspy.symbols;

import java.nio.file.Path;

/**
 * Where the DWARF of a binary was found.
 *
 * @param path   the file that has {@code .debug_info}
 * @param source how it was found
 */
public record DebugFile(Path path, Source source) {

    /** The rule that found a debug file, in the order they are tried. */
    public enum Source {
        /** The binary itself has {@code .debug_info}. */
        SELF,
        /** {@code <root>/.build-id/xx/rest.debug}. */
        BUILD_ID,
        /** {@code .gnu_debuglink} name in the binary's directory. */
        DEBUGLINK_SAME_DIR,
        /** {@code .gnu_debuglink} name in {@code <dir>/.debug/}. */
        DEBUGLINK_DOT_DEBUG,
        /** {@code .gnu_debuglink} name in {@code <root>/<dir>/}. */
        DEBUGLINK_ROOT
    }
}
