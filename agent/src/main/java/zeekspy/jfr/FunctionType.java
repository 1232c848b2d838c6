package zeekspy.jfr;

/**
 * The generated interface of one Zeek function name: a single method named after the function,
 * {@code void <name>(FrameChain chain, int depth)}, implemented by the frame classes of every
 * body of that function. Callers depend only on it, so a body's class can be replaced freely.
 */
final class FunctionType {
    /** Small number, unique in this JVM. */
    final int id;
    /** The Zeek function name. */
    final String zeekName;
    /** The JVM method name ({@code ZeekJfrFormat.encodeMethodName}). */
    final String methodName;
    /** The interface. */
    final Class<?> type;

    FunctionType(int id, String zeekName, String methodName, Class<?> type) {
        this.id = id;
        this.zeekName = zeekName;
        this.methodName = methodName;
        this.type = type;
    }

    @Override
    public String toString() {
        return zeekName;
    }
}
