package zeekspy.jfr;

/**
 * Bounds on the classes {@link ZeekFrames} generates.
 *
 * @param maxSitesPerBody call sites (distinct line and callee pairs) of one function body; an
 *     eighth of them is kept for line-0 sites, which stand in for new lines once the others
 *     are used up
 * @param maxBodies distinct (script file, function) pairs
 */
public record FrameLimits(int maxSitesPerBody, int maxBodies) {
    /** 1024 sites per body, 32768 bodies. */
    public static final FrameLimits DEFAULT = new FrameLimits(1024, 32_768);

    public FrameLimits {
        if (maxSitesPerBody < 8 || maxBodies < 8) {
            throw new IllegalArgumentException("frame limits too small: " + maxSitesPerBody + " sites, " + maxBodies + " bodies");
        }
    }

    /** Sites with a real line number; the rest are for line-0 fallback sites. */
    int maxLineSites() {
        return maxSitesPerBody - maxSitesPerBody / 8;
    }
}
