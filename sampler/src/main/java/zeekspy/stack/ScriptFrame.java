package zeekspy.stack;

/**
 * One frame of a Zeek script stack.
 *
 * @param function the Zeek function name, e.g. {@code SlowDNS::hashit} or {@code dns_request}
 * @param kind what kind of function it is
 * @param file the script file, as Zeek recorded it; empty for built-in functions
 * @param line the line in {@code file} that is running (or calling the next frame); 0 if unknown
 * @param lineApproximate true when the exact line is not in memory (a ZAM-compiled body) and
 *     {@code line} is the body's first line instead
 */
public record ScriptFrame(String function, FunctionKind kind, String file, int line, boolean lineApproximate) {

    public ScriptFrame(String function, FunctionKind kind, String file, int line) {
        this(function, kind, file, line, false);
    }

    @Override
    public String toString() {
        return file.isEmpty() ? function : function + " (" + file + ":" + line + ")";
    }
}
