package zeekspy.jfr;

/**
 * The thread that commits queued samples. Its concrete class is generated ({@link
 * FrameClassGenerator#commitThread}), named {@value zeekspy.convert.ZeekJfrFormat#ROOT_CLASS},
 * and its {@code run()} calls the outermost Zeek frame of each stack directly, by name: a
 * thread's first Java frame is its {@code run()}, so a stack trace taken in a Zeek frame has
 * that single frame below the Zeek stack and nothing else. A generation knows the outermost
 * functions seen when it was made; a stack entered by another one ends it, and the next
 * generation carries on ({@link CommitLoop}).
 *
 * <p>Its generated {@code run()} is, with {@code Fi} the i-th known outermost function:
 * <pre>{@code
 * while (nextChain()) {
 *     switch (chain().rootSlot()) {
 *         case i -> ((Fi) chain().next(-1)).fi(chain(), 0);
 *         default -> badRoot();
 *     }
 * }
 * }</pre>
 * The generated class lives in a class loader of its own, so it reaches this class only
 * through protected and public members.
 */
public abstract class CommitThread extends Thread {
    private final CommitLoop loop;
    private final int roots;
    private FrameChain chain;

    protected CommitThread(CommitLoop loop, int roots) {
        super("zeek-spy-jfr");
        this.loop = loop;
        this.roots = roots;
        setDaemon(true);
    }

    /** How many outermost functions this generation's {@code run()} can enter. */
    final int roots() {
        return roots;
    }

    /** Waits for the next sample and prepares its chain; false once this thread is to end. */
    protected final boolean nextChain() {
        chain = loop.next(this, chain);
        return chain != null;
    }

    /** The chain {@link #nextChain()} prepared. */
    protected final FrameChain chain() {
        return chain;
    }

    /** Called for a root slot this generation does not know: a bug in zeek-spy. */
    protected final void badRoot() {
        throw new IllegalStateException("no root slot " + chain.rootSlot() + " in commit thread generation of " + roots);
    }
}
