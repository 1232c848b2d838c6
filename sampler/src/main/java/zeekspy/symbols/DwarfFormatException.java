package zeekspy.symbols;

/**
 * DWARF debugging information that cannot be read: truncated units, unknown forms or
 * abbreviations, references out of range.
 *
 * <p>The message is one line and names the file, the section and the offset.
 */
public class DwarfFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DwarfFormatException(String message) {
        super(message);
    }

    public DwarfFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
