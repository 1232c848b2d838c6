package zeekspy.stack;

/** A decoded {@code zeek::detail::Location}: file and line range of a statement or expression. */
record LocationInfo(String file, int firstLine, int lastLine) {
    /** An object whose location pointer is null. */
    static final LocationInfo NONE = new LocationInfo("", 0, 0);
}
