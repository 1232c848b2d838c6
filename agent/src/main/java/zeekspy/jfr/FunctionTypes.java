package zeekspy.jfr;

import java.util.concurrent.ConcurrentHashMap;
import zeekspy.convert.ZeekJfrFormat;

/**
 * The {@link FunctionType}s of this JVM, one per Zeek function name, generated on first use.
 * They are defined in zeek-spy's own class loader and never unloaded, so their number is
 * bounded by {@link #MAX_FUNCTIONS}.
 */
final class FunctionTypes {
    /** At most this many distinct function names; Zeek's own scripts and BiFs have a few thousand. */
    static final int MAX_FUNCTIONS = 32_768;
    /** Longer function names are cut (method names are limited to 64 KiB of UTF-8). */
    static final int MAX_NAME_LENGTH = 4096;
    /** Stands for an empty function name, which is not a legal method name. */
    static final String UNNAMED = "<unnamed>";

    private static final ConcurrentHashMap<String, FunctionType> BY_NAME = new ConcurrentHashMap<>();

    private FunctionTypes() {}

    /** The type of {@code zeekName}; null if {@link #MAX_FUNCTIONS} types exist already. */
    static FunctionType of(String zeekName) {
        FunctionType t = BY_NAME.get(zeekName);
        return t != null ? t : create(zeekName);
    }

    private static synchronized FunctionType create(String zeekName) {
        FunctionType t = BY_NAME.get(zeekName);
        if (t != null || BY_NAME.size() >= MAX_FUNCTIONS) {
            return t;
        }
        int id = BY_NAME.size();
        String name = zeekName.isEmpty() ? UNNAMED : zeekName.length() > MAX_NAME_LENGTH ? zeekName.substring(0, MAX_NAME_LENGTH) : zeekName;
        String methodName = ZeekJfrFormat.encodeMethodName(name);
        Class<?> type = FrameClassGenerator.functionInterface(FunctionTypes.class.getPackageName() + ".ZeekFunction$" + id, methodName);
        t = new FunctionType(id, zeekName, methodName, type);
        BY_NAME.put(zeekName, t);
        return t;
    }
}
