package zeekspy.layout;

/** A layout cannot be found, read or trusted; the message is one line meant for the operator. */
public class LayoutException extends RuntimeException {
    public LayoutException(String message) {
        super(message);
    }

    public LayoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
