package zeekspy.jfr;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.stack.FunctionKind;
import zeekspy.stack.ScriptFrame;

/**
 * The generated frames of Zeek stacks: turns a stack into a {@link FrameChain} whose commit
 * records exactly that stack, generating classes for bodies and call sites not seen before.
 * Once every body and site of a workload has been seen, nothing is generated and preparing a
 * chain allocates nothing. Thread-safe; each thread needs its own chain.
 */
public final class ZeekFrames {
    /** Line numbers of class files are 16 bits; larger Zeek lines are reported as this. */
    static final int MAX_LINE = 0xFFFF;

    private final FrameLimits limits;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, ScriptBody>> bodiesByFile = new ConcurrentHashMap<>();
    private final AtomicInteger bodies = new AtomicInteger();
    private final AtomicLong lineFallbacks = new AtomicLong();
    private final AtomicLong clampedLines = new AtomicLong();
    private CommitLoop commits;

    public ZeekFrames() {
        this(FrameLimits.DEFAULT);
    }

    public ZeekFrames(FrameLimits limits) {
        this.limits = limits;
    }

    FrameLimits limits() {
        return limits;
    }

    /** The loop that commits the samples of this instance's sinks, started on first use. */
    synchronized CommitLoop commits() {
        if (commits == null) {
            commits = new CommitLoop(this);
        }
        return commits;
    }

    /** Waits until the samples the sinks of this instance have taken so far are in the recording. */
    public void flush() {
        commits().flush();
    }

    /** Samples lost because committing them failed (a bug, reported on stderr). */
    public long commitFailures() {
        return commits().failures();
    }

    /** Flushes, then ends the commit thread; samples offered later are lost. */
    public void close() {
        commits().close();
    }

    /** A chain for stacks of up to {@code maxDepth} frames, for use with this instance only. */
    public FrameChain newChain(int maxDepth) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("stack depth must be at least 1, not " + maxDepth);
        }
        return new FrameChain(this, maxDepth);
    }

    /**
     * Prepares {@code chain} for the innermost {@code chain.capacity()} frames of {@code stack}
     * (innermost first, not empty). False if a {@link FrameLimits limit} or
     * {@link FunctionTypes#MAX_FUNCTIONS} prevents it; the chain is then unusable.
     */
    public boolean prepare(FrameChain chain, List<ScriptFrame> stack) {
        int n = Math.min(stack.size(), chain.capacity());
        if (n == 0) {
            throw new IllegalArgumentException("empty stack");
        }
        if (chain.owner != this) {
            throw new IllegalArgumentException("chain belongs to another ZeekFrames");
        }
        // Innermost first, so that each frame's callee is known. A level whose frame has the same
        // function, file and call site as in the previous stack keeps its frame and site.
        FunctionType callee = null;
        for (int d = n - 1; d >= 0; d--) {
            ScriptFrame f = stack.get(n - 1 - d);
            ScriptBody body = chain.bodies[d];
            if (!Objects.equals(f.function(), chain.lastFunction[d]) || !Objects.equals(f.file(), chain.lastFile[d]) || f.kind() != chain.lastKind[d]) {
                body = body(f);
                chain.forget(d);
                if (body == null) {
                    return false;
                }
                chain.bodies[d] = body;
                chain.lastFunction[d] = f.function();
                chain.lastFile[d] = f.file();
                chain.lastKind[d] = f.kind();
            }
            int line = line(f.line());
            long key = Site.key(line, callee);
            if (key != chain.keys[d] && !findSite(chain, d, body, line, callee)) {
                return false;
            }
            if (callee == null) {
                chain.location = line == f.line() && chain.keys[d] >= 0
                        ? chain.versions[d].location(chain.sites[d])
                        : ScriptBody.Version.location(body.file, f.line());
            }
            callee = body.function;
        }
        chain.length = n;
        chain.outermost = callee;
        return true;
    }

    /** Finds or makes the site of level {@code d}; false at the site limit. */
    private boolean findSite(FrameChain chain, int d, ScriptBody body, int line, FunctionType callee) {
        long key = Site.key(line, callee);
        ScriptBody.Version v = body.current();
        int site = v.indexOf(key);
        if (site < 0) {
            v = body.withSite(line, callee, limits.maxLineSites());
            if (v == null) {
                lineFallbacks.incrementAndGet();
                key = -1; // not remembered, so that every such frame is counted
                v = body.withSite(0, callee, limits.maxSitesPerBody());
                if (v == null) {
                    chain.keys[d] = -1;
                    return false;
                }
                site = v.indexOf(Site.key(0, callee));
            } else {
                site = v.indexOf(key);
            }
        }
        chain.frames[d] = v.frame;
        chain.sites[d] = site;
        chain.versions[d] = v;
        chain.keys[d] = key;
        return true;
    }

    private int line(int zeekLine) {
        if (zeekLine < 0) {
            return 0;
        }
        if (zeekLine > MAX_LINE) {
            clampedLines.incrementAndGet();
            return MAX_LINE;
        }
        return zeekLine;
    }

    /** The body of {@code frame}'s function in its file; null at a limit. */
    private ScriptBody body(ScriptFrame frame) {
        String file = frame.kind() == FunctionKind.BUILTIN || frame.file() == null || frame.file().isEmpty()
                ? ZeekJfrFormat.BUILTIN_FILE : frame.file();
        String function = frame.function() == null ? "" : frame.function();
        ConcurrentHashMap<String, ScriptBody> byFunction = bodiesByFile.get(file);
        if (byFunction == null) {
            byFunction = bodiesByFile.computeIfAbsent(file, k -> new ConcurrentHashMap<>());
        }
        ScriptBody b = byFunction.get(function);
        return b != null ? b : newBody(byFunction, file, function);
    }

    private synchronized ScriptBody newBody(ConcurrentHashMap<String, ScriptBody> byFunction, String file, String function) {
        ScriptBody b = byFunction.get(function);
        if (b != null || bodies.get() >= limits.maxBodies()) {
            return b;
        }
        FunctionType type = FunctionTypes.of(function);
        if (type == null) {
            return null;
        }
        b = new ScriptBody(file, type);
        byFunction.put(function, b);
        bodies.incrementAndGet();
        return b;
    }

    /** Distinct (file, function) bodies seen. */
    public int bodies() {
        return bodies.get();
    }

    /** Frames reported at line 0 because their body had no room for another line. */
    public long lineFallbacks() {
        return lineFallbacks.get();
    }

    /** Frames whose line exceeded {@value #MAX_LINE} and was reported as that. */
    public long clampedLines() {
        return clampedLines.get();
    }

    /** Classes generated in this JVM so far, by every instance. */
    public static long generatedClasses() {
        return FrameClassGenerator.generatedClasses();
    }
}
