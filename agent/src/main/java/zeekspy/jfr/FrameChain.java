package zeekspy.jfr;

/**
 * One Zeek stack prepared for committing, read by the generated frames: level 0 is the
 * outermost frame. Generated code calls only the public methods below; they must stay
 * binary compatible. Not thread-safe: one chain per committing thread.
 */
public final class FrameChain {
    final Object[] frames;
    final int[] sites;
    /** Scratch for {@link ZeekFrames#prepare}. */
    final ScriptBody[] bodies;
    int length;
    RootFrame root;
    String location;
    ZeekSampleEvent event;

    FrameChain(int capacity) {
        frames = new Object[capacity];
        sites = new int[capacity];
        bodies = new ScriptBody[capacity];
    }

    /** The call site that frame {@code depth} runs: an index into its class's sites. */
    public int site(int depth) {
        return sites[depth];
    }

    /** The frame called by frame {@code depth}; {@code next(-1)} is the outermost one. */
    public Object next(int depth) {
        return frames[depth + 1];
    }

    /** The event the innermost frame commits. */
    public ZeekSampleEvent event() {
        return event;
    }

    /** Called by a frame whose site index is out of range: a bug in zeek-spy. */
    public void badSite(int depth) {
        throw new IllegalStateException("no call site " + sites[depth] + " in generated frame "
                + frames[depth].getClass().getName() + " at depth " + depth);
    }

    int capacity() {
        return frames.length;
    }

    /** Commits {@code e} with this chain's stack, then forgets it. */
    void commit(ZeekSampleEvent e) {
        event = e;
        try {
            root.commitZeekStack(this);
        } finally {
            event = null;
        }
    }
}
