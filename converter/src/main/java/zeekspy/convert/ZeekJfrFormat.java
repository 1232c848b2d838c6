package zeekspy.convert;

/**
 * How zeek-spy stores Zeek script stacks in JFR recordings: the contract between the writer
 * (the {@code agent} module's generated frames) and every reader (this module, tests).
 *
 * <p>A sample is a {@value #SAMPLE_EVENT} event whose stack trace is the Zeek stack. Each Zeek
 * frame is a Java frame of a generated method:
 * <ul>
 *   <li>method name = the Zeek function name, with the characters the JVM forbids in method
 *       names replaced by look-alikes ({@link #encodeMethodName}, reversed by
 *       {@link #decodeMethodName});</li>
 *   <li>line number = the Zeek script line;</li>
 *   <li>the method's class is defined by a class loader of type {@value #SCRIPT_LOADER_TYPE}
 *       whose name is the exact script path ({@value #BUILTIN_FILE} for built-in functions,
 *       {@value #SYNTHETIC_FILE} for zeek-spy's own frames such as {@value #EMPTY_CALL_STACK}).
 *       The class name is a readable form of the path for JMC's views.</li>
 * </ul>
 * Below the outermost Zeek frame there is exactly one frame, {@value #ROOT_CLASS}.{@value
 * #ROOT_METHOD}, the first frame of the thread that commits the samples; readers drop it.
 * Recordings of earlier versions have {@value #LEGACY_ROOT_METHOD} there, and the sampler
 * thread's own frames below it; readers drop them all.
 */
public final class ZeekJfrFormat {
    private ZeekJfrFormat() {}

    /** One sample of a Zeek process; its stack trace is the Zeek script stack. */
    public static final String SAMPLE_EVENT = "zeek.Sample";
    /** Emitted once per sampled process when sampling starts. */
    public static final String PROCESS_EVENT = "zeek.Process";
    /** Emitted periodically with the sampler's statistics. */
    public static final String STATISTICS_EVENT = "zeek.Statistics";

    // Fields of SAMPLE_EVENT.
    public static final String FIELD_PID = "pid";
    public static final String FIELD_NODE = "node";
    /** "script", "native", "idle" or "error". */
    public static final String FIELD_KIND = "kind";
    /** The real stack depth, which may exceed the recorded (possibly truncated) stack trace. */
    public static final String FIELD_DEPTH = "depth";
    public static final String FIELD_FUNCTION = "function";
    /** {@code file:line} of the innermost frame. */
    public static final String FIELD_LOCATION = "location";
    /** Why an error sample failed; null for others. */
    public static final String FIELD_ERROR = "error";
    /** The sampling period in nanoseconds (1e9 / rate). */
    public static final String FIELD_PERIOD = "period";

    /** Class loader type of generated Zeek frames. */
    public static final String SCRIPT_LOADER_TYPE = "zeekspy.jfr.ScriptFileLoader";
    /** The single frame below the Zeek stack: the commit thread's {@code run()}. */
    public static final String ROOT_CLASS = "zeekspy.jfr.StackCommitter";
    public static final String ROOT_METHOD = "run";
    /** The root method of recordings by earlier builds, which had the sampler thread's frames below it. */
    public static final String LEGACY_ROOT_METHOD = "commitZeekStack";

    /** Whether a frame is the root frame, of this format or the legacy one. */
    public static boolean isRoot(String className, String methodName) {
        return ROOT_CLASS.equals(className) && (ROOT_METHOD.equals(methodName) || LEGACY_ROOT_METHOD.equals(methodName));
    }

    /** Loader name ("file") of built-in function frames. */
    public static final String BUILTIN_FILE = "<builtin>";
    /** Loader name ("file") of zeek-spy's synthetic frames. */
    public static final String SYNTHETIC_FILE = "<zeek-spy>";
    /** Root frame of samples taken while no script ran (as the original Go zeek-spy named it). */
    public static final String EMPTY_CALL_STACK = "<empty_call_stack>";
    /** Under {@link #EMPTY_CALL_STACK}: the main thread was waiting. */
    public static final String IDLE_FRAME = "<idle>";
    /** Under {@link #EMPTY_CALL_STACK}: the main thread was running C++ code. */
    public static final String NATIVE_FRAME = "<native>";
    /** Root frame of error samples. */
    public static final String ERROR_FRAME = "<error>";

    private static final String FORBIDDEN = ".;[/<>";
    private static final String LOOKALIKE = "\u2024\u037e\uff3b\u2215\u2039\u203a";

    /** A Zeek function name made legal as a JVM method name. */
    public static String encodeMethodName(String zeekName) {
        return translate(zeekName, FORBIDDEN, LOOKALIKE);
    }

    /** The Zeek function name of a generated method. */
    public static String decodeMethodName(String methodName) {
        return translate(methodName, LOOKALIKE, FORBIDDEN);
    }

    private static String translate(String s, String from, String to) {
        char[] out = null;
        for (int i = 0; i < s.length(); i++) {
            int k = from.indexOf(s.charAt(i));
            if (k >= 0) {
                if (out == null) {
                    out = s.toCharArray();
                }
                out[i] = to.charAt(k);
            }
        }
        return out == null ? s : new String(out);
    }
}
