package zeekspy.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Keeps HotSpot's C2 compiler out of a recording JVM. At 100 Hz the sample path runs too rarely
 * for C2's code to pay for C2's compilations: they took 0.3-1.3 % of a core in each of the
 * first minute's 20 s windows (and JFR's own start-up 0.7-0.9 %), while the C1-only sample path
 * cost no more (BENCHMARKS.md, recording). {@code -XX:TieredStopAtLevel=1} would do it, but
 * {@code java -jar} passes no JVM flags, so this adds a compiler directive at run time, as
 * {@code jcmd PID Compiler.directives_add} would: each method that C2 would compile from then
 * on is compiled by C1 without profiling instead. Not for the agent: a host JVM's compilers are
 * its own business.
 */
public final class CompilerDirectives {
    /** Every method: no C2 (JEP 165's directive format). */
    static final String EXCLUDE_C2 = "[{ match: \"*.*\", c2: { Exclude: true } }]";

    private static boolean excluded;

    private CompilerDirectives() {}

    /**
     * Adds the directive once per JVM; true if it is in force. False where the JVM has no
     * compiler directives (not HotSpot), which costs only CPU.
     */
    public static synchronized boolean excludeC2() {
        if (!excluded) {
            excluded = add(EXCLUDE_C2);
        }
        return excluded;
    }

    /** Runs {@code Compiler.directives_add} with {@code json}; whether the JVM took it. */
    private static boolean add(String json) {
        Path file = null;
        try {
            // The diagnostic command reads directives only from a file.
            file = Files.createTempFile("zeek-spy-directives", ".json");
            Files.writeString(file, json);
            Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            return String.valueOf(reply).startsWith("1 compiler directives added");
        } catch (IOException | JMException | RuntimeException e) {
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file of 50 bytes
                }
            }
        }
    }
}
