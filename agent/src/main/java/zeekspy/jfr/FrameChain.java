package zeekspy.jfr;

import java.util.Arrays;
import zeekspy.stack.FunctionKind;

/**
 * One Zeek stack prepared for committing, read by the generated frames: level 0 is the
 * outermost frame. Generated code calls only the public methods below; they must stay
 * binary compatible. Not thread-safe: one chain per committing thread.
 */
public final class FrameChain {
    final ZeekFrames owner;
    final Object[] frames;
    final int[] sites;
    // What ZeekFrames.prepare knows about each level from the previous stack.
    final ScriptBody[] bodies;
    final ScriptBody.Version[] versions;
    /** The site key of each level's frame and site; -1 if none. */
    final long[] keys;
    final String[] lastFunction;
    final String[] lastFile;
    final FunctionKind[] lastKind;
    int length;
    /** The function of level 0, which the commit thread enters; and its slot there ({@link CommitLoop}). */
    FunctionType outermost;
    int rootSlot;
    String location;
    ZeekSampleEvent event;

    FrameChain(ZeekFrames owner, int capacity) {
        this.owner = owner;
        frames = new Object[capacity];
        sites = new int[capacity];
        bodies = new ScriptBody[capacity];
        versions = new ScriptBody.Version[capacity];
        keys = new long[capacity];
        Arrays.fill(keys, -1);
        lastFunction = new String[capacity];
        lastFile = new String[capacity];
        lastKind = new FunctionKind[capacity];
    }

    /** The call site that frame {@code depth} runs: an index into its class's sites. */
    public int site(int depth) {
        return sites[depth];
    }

    /** The frame called by frame {@code depth}; {@code next(-1)} is the outermost one. */
    public Object next(int depth) {
        return frames[depth + 1];
    }

    /** The commit thread's switch over the outermost functions it knows: which one enters this stack. */
    public int rootSlot() {
        return rootSlot;
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

    /** Forgets what level {@code d} had. */
    void forget(int d) {
        keys[d] = -1;
        lastFunction[d] = null;
        lastFile[d] = null;
        lastKind[d] = null;
    }

    int capacity() {
        return frames.length;
    }
}
