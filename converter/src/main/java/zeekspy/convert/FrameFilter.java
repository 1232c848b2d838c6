package zeekspy.convert;

import java.util.Arrays;
import java.util.regex.Pattern;

/** Keeps the stacks with a frame matching the include pattern and none matching the exclude pattern. */
final class FrameFilter {
    private static final byte UNKNOWN = 0;
    private static final byte NO = 1;
    private static final byte YES = 2;

    private final FrameTable frames;
    private final Pattern include;
    private final Pattern exclude;
    private byte[] included = new byte[0];
    private byte[] excluded = new byte[0];

    FrameFilter(FrameTable frames, Pattern include, Pattern exclude) {
        this.frames = frames;
        this.include = include;
        this.exclude = exclude;
    }

    /** Whether to keep the stack {@code stack[0..length)}; the pattern is searched in each frame's label. */
    boolean keeps(int[] stack, int length) {
        if (include != null && !anyMatches(stack, length, include, true)) {
            return false;
        }
        return exclude == null || !anyMatches(stack, length, exclude, false);
    }

    private boolean anyMatches(int[] stack, int length, Pattern pattern, boolean forInclude) {
        byte[] cache = forInclude ? included : excluded;
        if (cache.length < frames.frameCount()) {
            cache = Arrays.copyOf(cache, Math.max(frames.frameCount(), 2 * cache.length));
            if (forInclude) {
                included = cache;
            } else {
                excluded = cache;
            }
        }
        for (int i = 0; i < length; i++) {
            int frame = stack[i];
            if (cache[frame] == UNKNOWN) {
                cache[frame] = pattern.matcher(frames.label(frame)).find() ? YES : NO;
            }
            if (cache[frame] == YES) {
                return true;
            }
        }
        return false;
    }
}
