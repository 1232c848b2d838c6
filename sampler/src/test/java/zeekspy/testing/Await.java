package zeekspy.testing;

/** Waiting in tests for something another process or thread does. */
public final class Await {
    private Await() {}

    /** A condition that may throw while it is checked. */
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Checks {@code condition} every 2 ms until it holds; fails after 10 s naming {@code what}. */
    public static void until(Condition condition, String what) throws Exception {
        until(condition, 10_000, what);
    }

    /** Checks {@code condition} every 2 ms until it holds; fails after {@code millis} naming {@code what}. */
    public static void until(Condition condition, long millis, String what) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(2);
        }
    }
}
