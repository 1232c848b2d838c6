package zeekspy.jfr;

import zeekspy.convert.TestFrameChain;

/** Test copy of the sampler frame that sits below every Zeek stack. */
public final class StackCommitter {
    private StackCommitter() {}

    /** Calls the generated frames of {@code chain} (outermost first); the innermost commits. */
    public static void commitZeekStack(int[] chain) throws Throwable {
        TestFrameChain.next(chain, 0);
    }
}
