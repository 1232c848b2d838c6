package zeekspy.jfr;

import zeekspy.convert.ZeekJfrFormat;

/**
 * Enters a Zeek stack. A Java method can only call a method whose name it knows, and the name
 * of the outermost Zeek frame differs per stack; so the single frame below the Zeek stack is a
 * generated subclass per outermost function, named {@value ZeekJfrFormat#ROOT_CLASS} with the
 * method {@value ZeekJfrFormat#ROOT_METHOD}, each in its own {@link RootFrameLoader}.
 */
public abstract class RootFrame {
    protected RootFrame() {}

    /** Calls the outermost frame of {@code chain}, which calls the next, down to the commit. */
    public abstract void commitZeekStack(FrameChain chain);
}
