package zeekspy.symbols;

/**
 * The contents of a {@code .gnu_debuglink} section.
 *
 * @param fileName name of the separate debug file, without directory
 * @param crc32    CRC-32 of the whole debug file, as {@link java.util.zip.CRC32} computes it
 */
public record DebugLink(String fileName, long crc32) {
}
