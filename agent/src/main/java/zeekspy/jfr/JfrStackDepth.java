package zeekspy.jfr;

import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;
import jdk.jfr.FlightRecorder;

/**
 * The JVM's JFR stack depth: how many frames a stack trace keeps (64 by default). A Zeek stack
 * plus the root frame must fit, so deep stacks need a larger depth. It can be raised at run
 * time, through the {@code JFR.configure} diagnostic command, but only before JFR is
 * initialized (on JDK 17 a later change corrupts the JVM, so {@link #ensureAtLeast} refuses);
 * {@code -XX:FlightRecorderOptions:stackdepth=N} at JVM start works always. JDK 17 caps it at
 * {@value #JVM_MAX}.
 */
public final class JfrStackDepth {
    /** The largest depth JDK 17 honors; larger requests are capped silently. */
    public static final int JVM_MAX = 2048;
    /** JFR's default. */
    public static final int DEFAULT = 64;

    private static final Pattern CONFIGURED = Pattern.compile("Stack depth: (\\d+)");
    private static final Pattern VM_OPTION = Pattern.compile("stackdepth=(\\d+)");

    private JfrStackDepth() {}

    /** The JFR stack depth in force (or in force once JFR starts). */
    public static int current() {
        String config = configure();
        Matcher m = CONFIGURED.matcher(config == null ? "" : config);
        if (m.find()) {
            return Math.min(Integer.parseInt(m.group(1)), JVM_MAX);
        }
        var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        Matcher option = VM_OPTION.matcher(hotspot.getVMOption("FlightRecorderOptions").getValue());
        return option.find() ? Math.min(Integer.parseInt(option.group(1)), JVM_MAX) : DEFAULT;
    }

    /** The most Zeek frames a sample can have without losing the root frame: {@link #current()} - 1. */
    public static int maxZeekDepth() {
        return Math.max(1, current() - 1);
    }

    /**
     * Makes the JFR stack depth at least {@code depth} (at most {@link #JVM_MAX}); returns the
     * depth in force. Fails if JFR has started already with a smaller depth.
     */
    public static int ensureAtLeast(int depth) {
        int want = Math.min(depth, JVM_MAX);
        int now = current();
        if (now >= want) {
            return now;
        }
        if (FlightRecorder.isInitialized()) {
            throw new IllegalStateException("JFR started with stack depth " + now + " < " + want
                    + "; start the JVM with -XX:FlightRecorderOptions:stackdepth=" + want);
        }
        configure("stackdepth=" + want);
        return current();
    }

    /** Runs {@code JFR.configure} with {@code args}; returns its output. */
    private static String configure(String... args) {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "jfrConfigure",
                    new Object[] {args}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            if (args.length > 0) {
                throw new IllegalStateException("cannot configure JFR (" + String.join(" ", args) + "): " + e.getMessage(), e);
            }
            return null;
        }
    }
}
