package zeekspy.jfr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import zeekspy.stack.ScriptFrame;

/**
 * Commits the samples of the sinks of one {@link ZeekFrames} on a {@link CommitThread}, so that
 * each stack trace is the Zeek stack on that thread's single {@code run()} frame rather than on
 * a sampler's own frames. Samplers only queue: they never wait, and wake the thread only when a
 * burst fills a quarter of the queue. The thread takes what is queued every {@value
 * #BATCH_MILLIS} ms and commits it in a row; {@link #flush()} makes it commit at once. Each
 * event's time is set when it is queued.
 */
public final class CommitLoop {
    /** Samples queued at most; more are dropped (and counted) rather than making a sampler wait. */
    static final int CAPACITY = 1 << 16;
    /**
     * A wake-up of an idle thread costs tens of microseconds on a virtual machine (BENCHMARKS.md,
     * WakeUpFloor), and a commit in a long row costs a few: a second's samples make one batch.
     * JFR itself writes its buffers out about once a second.
     */
    static final long BATCH_MILLIS = 1000;
    private static final long FLUSH_TIMEOUT_NANOS = 10_000_000_000L;

    private final ZeekFrames frames;
    private final ArrayBlockingQueue<ZeekSampleEvent> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong queued = new AtomicLong();
    /** Samples taken off the queue and committed, or lost to a failure; written by the commit thread only. */
    private volatile long done;
    /** Slot of each outermost function by {@link FunctionType#id}, -1 for none; guarded by this. */
    private int[] slots = new int[0];
    private final List<FunctionType> roots = new ArrayList<>();
    /** The commit thread's chains, by the sinks' depths; whichever generation runs uses them. */
    private final Map<Integer, FrameChain> chains = new HashMap<>();
    /** A chain prepared by a generation that could not enter it, for the next one. */
    private FrameChain handover;
    private volatile CommitThread thread;
    private volatile boolean closed;
    private final AtomicLong failures = new AtomicLong();

    CommitLoop(ZeekFrames frames) {
        this.frames = frames;
    }

    /**
     * Queues {@code e}, whose {@link ZeekSampleEvent#sink} and {@link ZeekSampleEvent#stack} are
     * set; false if the queue is full or the loop closed (the sample is lost). Wakes the commit
     * thread early when a burst has filled a quarter of the queue.
     */
    boolean offer(ZeekSampleEvent e) {
        if (closed || !queue.offer(e)) {
            return false;
        }
        if (queued.incrementAndGet() - done >= CAPACITY / 4) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /**
     * Gives {@code outermost} a slot now, so that stacks it enters never wait for a generation
     * (the synthetic error, idle and native stacks), and starts the thread if it is not running.
     */
    synchronized void reserve(FunctionType outermost) {
        slotOf(outermost);
        if (thread == null && !closed) {
            startGeneration();
        }
    }

    /** Waits until everything queued so far is committed (at most 10 s). */
    public void flush() {
        long target = queued.get();
        long deadline = System.nanoTime() + FLUSH_TIMEOUT_NANOS;
        while (done < target && System.nanoTime() - deadline < 0) {
            CommitThread t = thread;
            if (t == null || t.getState() == Thread.State.TERMINATED && thread == t) {
                return; // nothing runs that could commit them (a new generation is NEW until started)
            }
            LockSupport.unpark(t);
            LockSupport.parkNanos(200_000);
        }
    }

    /** Commits what is queued and ends the thread; later samples are dropped. */
    public void close() {
        flush();
        closed = true;
        CommitThread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Commit threads that died of an exception (each losing the sample it was committing). */
    long failures() {
        return failures.get();
    }

    /**
     * On the commit thread, after it committed {@code finished} (null at its start): the next
     * prepared chain, or null when this generation is to end.
     */
    FrameChain next(CommitThread t, FrameChain finished) {
        if (finished != null) {
            finished.event = null;
            done++;
        }
        if (handover != null) {
            FrameChain c = handover;
            handover = null;
            return c;
        }
        while (true) {
            ZeekSampleEvent e = queue.poll();
            if (e == null) {
                if (closed) {
                    return null;
                }
                LockSupport.parkNanos(this, BATCH_MILLIS * 1_000_000L);
                continue;
            }
            FrameChain c = chains.computeIfAbsent(e.sink.maxDepth(), frames::newChain);
            List<ScriptFrame> stack = e.sink.prepare(c, e);
            int slot = slotOf(c.outermost);
            if (slot < 0) {
                stack = e.sink.prepareLimitError(c, e); // its root has a slot: reserve()
                slot = slotOf(c.outermost);
            }
            e.sink.finish(c, e, stack);
            c.rootSlot = slot;
            c.event = e;
            e.sink = null;
            e.stack = null;
            if (slot >= t.roots()) {
                handover = c;
                startGeneration();
                return null;
            }
            return c;
        }
    }

    /** The slot of {@code outermost}, given one if there is room; -1 if there is not. */
    private synchronized int slotOf(FunctionType outermost) {
        int id = outermost.id;
        if (id >= slots.length) {
            int old = slots.length;
            slots = Arrays.copyOf(slots, Math.max(id + 1, 2 * old));
            Arrays.fill(slots, old, slots.length, -1);
        }
        if (slots[id] < 0 && roots.size() < frames.limits().maxRoots()) {
            slots[id] = roots.size();
            roots.add(outermost);
        }
        return slots[id];
    }

    /** Starts a commit thread that knows every slot given so far. */
    private synchronized void startGeneration() {
        CommitThread t = FrameClassGenerator.commitThread(this, List.copyOf(roots));
        t.setUncaughtExceptionHandler((dead, e) -> restart(dead, e));
        thread = t;
        t.start();
    }

    /**
     * A commit thread died of an exception (a bug): the sample it was committing is lost, its
     * chains may be half prepared, so the next generation starts afresh.
     */
    private synchronized void restart(Thread dead, Throwable e) {
        if (thread != dead) {
            return;
        }
        System.err.println("zeek-spy: committing a sample to JFR failed, the sample is lost: " + e);
        failures.incrementAndGet();
        done++;
        chains.clear();
        handover = null;
        if (!closed) {
            startGeneration();
        }
    }
}
