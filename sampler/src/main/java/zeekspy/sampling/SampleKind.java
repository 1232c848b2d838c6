package zeekspy.sampling;

/** What Zeek's main thread was doing when a sample was taken. */
public enum SampleKind {
    /** Script code was running: the sample has a script stack. */
    SCRIPT,
    /** No script was running and the thread was on the CPU (packet processing, analyzers). */
    NATIVE,
    /** No script was running and the thread was waiting (for packets, timers, I/O). */
    IDLE,
    /** The stack could not be read consistently; {@link Sample#error()} says why. */
    ERROR
}
