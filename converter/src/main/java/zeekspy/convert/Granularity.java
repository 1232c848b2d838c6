package zeekspy.convert;

/** What one frame of the output stands for. */
public enum Granularity {
    /** A function at one line: {@code function (file:line)}. */
    LINES,
    /** A whole function: {@code function (file)}; the lines of its samples are merged. */
    FUNCTIONS
}
