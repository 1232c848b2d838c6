package zeekspy.stack;

/** Why a script stack could not be read. Each becomes the reason of an error sample. */
public enum StackError {
    /** The call stack's vector header could not be read. */
    UNREADABLE_CALL_STACK("unreadable call_stack"),
    /** The vector's pointers are not a plausible array (misaligned, reversed, absurdly large). */
    BAD_VECTOR("implausible call_stack vector"),
    /** A call stack entry, frame, function or location could not be read. */
    UNREADABLE_ENTRY("unreadable stack entry"),
    /** A function name or file name is not a plausible string. */
    BAD_STRING("implausible string"),
    /** A function object does not look like one (kind or flavor out of range). */
    BAD_FUNCTION("implausible function"),
    /** A location's line numbers are out of range. */
    BAD_LOCATION("implausible location"),
    /** Zeek changed the stack while it was being read (non-blocking mode). */
    TORN("torn (stack changed while read)"),
    /** The main thread did not stop in time for a blocking sample. */
    NOT_STOPPED("did not stop in time"),
    /** The process went away. */
    PROCESS_GONE("process gone");

    private final String description;

    StackError(String description) {
        this.description = description;
    }

    /** A short, stable description used as the error reason of samples and statistics. */
    public String description() {
        return description;
    }
}
