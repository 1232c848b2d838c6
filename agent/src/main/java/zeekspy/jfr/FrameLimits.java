package zeekspy.jfr;

/**
 * Bounds on the classes {@link ZeekFrames} generates.
 *
 * @param maxSitesPerBody call sites (distinct line and callee pairs) of one function body; an
 *     eighth of them is kept for line-0 sites, which stand in for new lines once the others
 *     are used up
 * @param maxBodies distinct (script file, function) pairs
 * @param maxRoots distinct outermost functions, which the commit thread's {@code run()} enters
 *     by name ({@link CommitThread}): each takes about 30 bytes of the 64 KiB a method may have
 */
public record FrameLimits(int maxSitesPerBody, int maxBodies, int maxRoots) {
    /** 1024 sites per body, 32768 bodies, 1500 outermost functions. */
    public static final FrameLimits DEFAULT = new FrameLimits(1024, 32_768, 1500);
    /** The most outermost functions a commit thread's {@code run()} has room for. */
    static final int MAX_ROOTS = 1800;

    public FrameLimits {
        if (maxSitesPerBody < 8 || maxBodies < 8 || maxRoots < 4 || maxRoots > MAX_ROOTS) {
            throw new IllegalArgumentException("frame limits out of range: " + maxSitesPerBody + " sites, " + maxBodies + " bodies, "
                    + maxRoots + " outermost functions (4 to " + MAX_ROOTS + ")");
        }
    }

    /** The default number of outermost functions. */
    public FrameLimits(int maxSitesPerBody, int maxBodies) {
        this(maxSitesPerBody, maxBodies, DEFAULT.maxRoots());
    }

    /** Sites with a real line number; the rest are for line-0 fallback sites. */
    int maxLineSites() {
        return maxSitesPerBody - maxSitesPerBody / 8;
    }
}
