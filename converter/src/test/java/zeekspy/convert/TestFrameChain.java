package zeekspy.convert;

import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/** Calls generated frames one inside the other; the innermost commits the pending event. */
public final class TestFrameChain {
    private static MethodHandle[] frames = new MethodHandle[16];
    private static jdk.jfr.Event pending;

    private TestFrameChain() {}

    static synchronized void register(int frameId, MethodHandle frame) {
        if (frameId >= frames.length) {
            frames = Arrays.copyOf(frames, Math.max(frameId + 1, frames.length * 2));
        }
        frames[frameId] = frame;
    }

    static void setPending(jdk.jfr.Event event) {
        pending = event;
    }

    /** Enters frame {@code chain[index]}, or commits when all frames are on the stack. */
    public static void next(int[] chain, int index) throws Throwable {
        if (index == chain.length) {
            pending.commit();
            return;
        }
        frames[chain[index]].invokeExact(chain, index + 1);
    }
}
