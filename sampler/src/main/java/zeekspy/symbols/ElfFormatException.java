package zeekspy.symbols;

/**
 * An ELF file that cannot be read: wrong magic, unsupported class or machine, truncated
 * headers, sections past the end of the file, bad compressed data.
 *
 * <p>The message is one line and names the file and the problem.
 */
public class ElfFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ElfFormatException(String message) {
        super(message);
    }

    public ElfFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
