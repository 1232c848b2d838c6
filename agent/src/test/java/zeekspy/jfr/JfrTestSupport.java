package zeekspy.jfr;

import org.junit.jupiter.api.Assumptions;

/** JFR stack depth for tests: deep Zeek stacks need more than JFR's default 64 frames. */
final class JfrTestSupport {
    /** What the tests ask for; the surefire argLine should set the same. */
    static final int DEPTH = 2048;

    private JfrTestSupport() {}

    /** Raises the JFR stack depth if JFR has not started yet in this JVM. */
    static void ensureStackDepth() {
        try {
            JfrStackDepth.ensureAtLeast(DEPTH);
        } catch (IllegalStateException e) {
            System.err.println("JfrTestSupport: " + e.getMessage());
        }
    }

    /** Skips a test whose stacks need {@code frames} JFR frames when the JVM keeps fewer. */
    static void assumeStackDepth(int frames) {
        ensureStackDepth();
        Assumptions.assumeTrue(JfrStackDepth.current() >= frames,
                "JFR stack depth " + JfrStackDepth.current() + " < " + frames + ": run with -XX:FlightRecorderOptions:stackdepth=" + DEPTH);
    }
}
