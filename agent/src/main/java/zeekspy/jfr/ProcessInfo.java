package zeekspy.jfr;

/**
 * What {@link ZeekProcessEvent} records about a sampled process. Strings may be null when
 * unknown.
 *
 * @param rateHz samples per second
 * @param mode {@code blocking} or {@code nonblocking}
 */
public record ProcessInfo(int pid, String node, String exe, String zeekVersion, String buildId, String compiler,
                          String layoutSource, int rateHz, String mode) {}
