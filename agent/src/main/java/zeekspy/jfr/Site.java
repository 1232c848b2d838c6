package zeekspy.jfr;

/**
 * One call site of a generated frame method: the line it reports and what it does there.
 *
 * @param line the Zeek line, 0..65535 (the range of a class file's line numbers)
 * @param callee the function called there; null for the innermost frame, which commits
 */
record Site(int line, FunctionType callee) {
    /** A key unique per (line, callee) in one frame class. */
    long key() {
        return key(line, callee);
    }

    static long key(int line, FunctionType callee) {
        return ((long) line << 32) | (callee == null ? 0 : callee.id + 1);
    }
}
