package zeekspy.convert;

/** A conversion that cannot be done: unreadable input, nothing to convert, unwritable output. The message is one line. */
public final class ConversionException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConversionException(String message) {
        super(message);
    }

    public ConversionException(String message, Throwable cause) {
        super(message, cause);
    }
}
