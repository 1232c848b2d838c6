package zeekspy.memory;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Ptrace control of the main thread of one process, for short pauses while its memory is read.
 *
 * <p>Linux accepts ptrace requests for a tracee only from the thread that attached it, so every
 * request runs on one daemon thread named "zeek-spy-ptrace" owned by the session; the methods
 * may be called from any thread and block until done. A second daemon thread,
 * "zeek-spy-watch", sleeps in waitid(WNOWAIT), which reports the tracee's stops to any
 * thread of the tracer's process without consuming them, and wakes the tracer thread to handle
 * them; so neither thread polls. Memory may be read from any thread with
 * {@link ProcessVmMemory}; {@link #pause(Runnable)} runs the reads on the tracer thread, which
 * keeps thread hand-offs out of the pause. A sampling loop can run on the tracer thread itself
 * with {@link #drive}, so that a pause needs no hand-off at all. While it does, the watcher
 * rests and the loop's sleeps look at the tracee's stops themselves, at least every 10 ms:
 * a waitid wakes at every stop, the pauses' own included, and two wake-ups of the watcher per
 * sample cost more CPU than the sample (BENCHMARKS.md, recording).
 *
 * <p>Attaching uses PTRACE_SEIZE with only PTRACE_O_TRACEEXEC, so the tracee runs on unchanged
 * and keeps running if zeek-spy dies, even by SIGKILL (the kernel then detaches it).
 * Semantics:
 * <ul>
 *   <li>Signals. While traced, each signal for the main thread stops it (signal-delivery-stop)
 *       until the tracer lets it go on. Every such stop is resumed with exactly its signal,
 *       once: between pauses as soon as the watcher sees it (two thread wake-ups, typically
 *       0.1 to 0.3 ms; while {@link #drive driving}, at the loop's next pause or within 10 ms),
 *       and when a pause finds the tracee in such a stop, the pause uses that stop and the
 *       resume delivers the signal. No signal is lost nor doubled by the session, even
 *       when zeek-spy is killed while it holds one: the tracer only looks at stops (waitid
 *       WNOWAIT) and never consumes them with waitpid, which would clear the signal a stop holds
 *       (the kernel then delivers only what the resume request names); unconsumed, the kernel
 *       delivers it when it detaches the tracee of a dead tracer. (Standard signals that arrive
 *       while the same signal is pending merge, as without tracing; the short hold makes that a
 *       little more likely.)
 *   <li>Job control. When the process is stopped by SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU
 *       (group-stop, reported as PTRACE_EVENT_STOP with that signal), the session resumes it
 *       with PTRACE_LISTEN: it stays stopped as its user wants until SIGCONT. Pauses then
 *       report {@link Result#GROUP_STOPPED}. Detaching leaves it stopped.
 *   <li>Exit. Exit, death by a signal or disappearance ends the session with
 *       {@link Result#EXITED}, {@link Result#KILLED} or {@link Result#LOST}; the tracer reaps
 *       the exit status (for a process that is not our child the kernel then hands it on to
 *       the real parent). No wait here blocks forever: a pause gives up after
 *       {@code stopTimeout} (the main thread may sleep uninterruptibly, state D).
 *   <li>Exec. A new program (PTRACE_EVENT_EXEC, or the main thread replaced by an exec in
 *       another thread) detaches the session and ends it with {@link Result#EXECED}:
 *       addresses learned from the old program are meaningless. Except for a child zeek-spy
 *       started, until its first pause: there an exec is a wrapper ({@code sh -c 'exec zeek
 *       ...'}, {@code env}, {@code nice}) becoming the program to sample, and the tracee goes on.
 * </ul>
 *
 * <p>After a detach from a process that is not a child of this JVM, the watcher thread stays
 * asleep until the JVM exits (Linux does not wake it): one idle thread per detached session.
 *
 * <p>Children: waitpid from any thread of this JVM for a pid also reports that pid's ptrace
 * stops when the tracee is a child of this JVM (Linux treats a tracer in the parent's thread
 * group like the parent). The JDK reaps children of {@link ProcessBuilder} with such a
 * waitpid, which would steal the stops; {@link #seize(int)} therefore refuses a child of this
 * JVM unless it was started by {@link SpawnedProcess}, which no JDK thread waits for.
 */
public final class PtraceSession implements AutoCloseable {

    /** Outcome of a pause, or how the session ended. */
    public enum Result {
        /** The tracee is stopped (interrupt-stop or a signal-delivery-stop). */
        STOPPED,
        /** The tracee is stopped by job control (SIGSTOP and kin) and stays stopped on resume. */
        GROUP_STOPPED,
        /** The tracee did not stop within the stop timeout; it was not paused. */
        TIMEOUT,
        EXITED,
        KILLED,
        EXECED,
        DETACHED,
        /** The tracee vanished without an exit status. */
        LOST;

        /** Whether memory reads now see a stopped main thread. */
        public boolean stopped() {
            return this == STOPPED || this == GROUP_STOPPED;
        }

        /** Whether the session is over. */
        public boolean ended() {
            return ordinal() >= EXITED.ordinal();
        }
    }

    private enum State { SEIZING, RUNNING, INTERRUPT_PENDING, PAUSED, ENDED }

    /** Default bound for waiting on a stop. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofMillis(250);

    private static final long SPIN_NANOS = 50_000;
    private static final long MAX_PARK_NANOS = 100_000;
    private static final long VANISH_TIMEOUT_NANOS = 2_000_000_000L;
    /** While driving, the longest a stop between pauses waits for the tracer (a signal for the tracee, say). */
    private static final long EVENT_CHECK_NANOS = 10_000_000;

    private final int pid;
    private final long stopTimeoutNanos;
    private final Thread thread;
    private final Thread watcher;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final int[] status = new int[1];
    /** The siginfo_t of the tracer thread's waitid calls. */
    private final byte[] pollInfo = new byte[128];
    private volatile boolean closing;
    /** Set while the tracer is taking or holding a pause: a stop the watcher sees then is the pause's. */
    private volatile boolean pausing;
    /** Set while a loop runs in {@link #drive}: its sleeps look at the tracee's stops, the watcher rests. */
    private volatile boolean driving;

    // Written on the tracer thread only.
    private volatile State state = State.SEIZING;
    private volatile Result pauseResult;
    private boolean listenOnResume;
    /** A child started by zeek-spy that has not been paused yet: its execs are its command starting. */
    private boolean starting;
    private int resumeSignal;
    private long pauseStart;
    private long stopSeen;
    private volatile Result endResult;
    private volatile String endMessage;
    private volatile int exitCode = -1;
    private volatile int termSignal;
    private volatile long lastPauseNanos;
    private volatile long lastStoppedNanos;
    private volatile long pauses;
    private volatile long totalPauseNanos;
    private volatile long timeouts;
    private volatile long forwardedSignals;
    private volatile long eventStops;
    /** While not null, the pauses keep the tracee's CPU polling; used on the tracer thread only. */
    private IdlePolling idlePolling;

    private PtraceSession(int pid, Duration stopTimeout) {
        this.pid = pid;
        this.stopTimeoutNanos = stopTimeout.toNanos();
        this.thread = new Thread(this::loop, "zeek-spy-ptrace");
        thread.setDaemon(true);
        this.watcher = new Thread(this::watch, "zeek-spy-watch");
        watcher.setDaemon(true);
    }

    /** Attaches to process {@code pid} with the default timeouts. */
    public static PtraceSession seize(int pid) {
        return seize(pid, DEFAULT_STOP_TIMEOUT);
    }

    /**
     * Attaches to the main thread of process {@code pid}, which keeps running.
     *
     * @param stopTimeout how long a pause waits for the tracee to stop
     * @throws ProcessAccessException when the process does not exist, is a zombie, is already
     *     traced or may not be traced
     * @throws IllegalArgumentException for a thread id, or for a {@link ProcessBuilder} child
     */
    public static PtraceSession seize(int pid, Duration stopTimeout) {
        checkSeizable(pid);
        return seizeUnchecked(pid, stopTimeout);
    }

    /** Attaches to a child started by {@link SpawnedProcess}, which this session then reaps. */
    public static PtraceSession seize(SpawnedProcess child) {
        PtraceSession session = seizeUnchecked(child.pid(), DEFAULT_STOP_TIMEOUT);
        session.starting = true;
        child.tracedBy(session);
        return session;
    }

    static PtraceSession seizeUnchecked(int pid, Duration stopTimeout) {
        PtraceSession session = new PtraceSession(pid, stopTimeout);
        session.thread.start();
        try {
            session.onTracer(() -> {
                if (LibC.ptrace(LibC.PTRACE_SEIZE, pid, 0, LibC.PTRACE_O_TRACEEXEC) < 0) {
                    throw ProcessAccessException.forErrno(pid, LibC.errno());
                }
                session.state = State.RUNNING;
                return null;
            });
        } catch (RuntimeException e) {
            session.closing = true;
            session.thread.interrupt();
            throw e;
        }
        session.watcher.start();
        return session;
    }

    private static void checkSeizable(int pid) {
        if (pid <= 0) {
            throw ProcessAccessException.noSuchProcess(pid);
        }
        if (pid == LibC.getpid()) {
            throw new IllegalArgumentException("process " + pid + " is zeek-spy itself");
        }
        int tgid = ProcFs.tgid(pid);
        if (tgid != pid) {
            throw new IllegalArgumentException(pid + " is a thread of process " + tgid + "; give the process id");
        }
        if (ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L) == ProcessHandle.current().pid()
                && !SpawnedProcess.isSpawned(pid)) {
            throw new IllegalArgumentException("process " + pid + " is a child of zeek-spy started with ProcessBuilder:"
                    + " the JDK's waitpid would take its ptrace stops; start it with SpawnedProcess");
        }
    }

    public int pid() {
        return pid;
    }

    /**
     * Stops the tracee's main thread. Returns {@link Result#STOPPED} or
     * {@link Result#GROUP_STOPPED} when it is stopped (then call {@link #resume()}),
     * {@link Result#TIMEOUT} when it did not stop in time (it stops later and is let go
     * at once), or the end of the session. Calling it while paused returns the current pause.
     */
    public Result interrupt() {
        return onTracer(this::interruptOnTracer);
    }

    /**
     * Whether the pauses keep the CPU the tracee runs on polling rather than halted while it
     * waits, so that the resume finds it awake (see {@link IdlePolling}); off at first. For a
     * series of pauses: it needs root, and the first pause only looks the CPU up.
     */
    public void keepCpuPolling(boolean on) {
        onTracer(() -> {
            if (on && idlePolling == null && state != State.ENDED) {
                idlePolling = IdlePolling.forThread(pid, pid, IdlePolling.SYSFS_CPUS);
            } else if (!on) {
                stopPolling();
            }
            return null;
        });
    }

    private void stopPolling() {
        if (idlePolling != null) {
            idlePolling.close();
            idlePolling = null;
        }
    }

    /** Ends the current pause, delivering a signal it held; does nothing when not paused. */
    public void resume() {
        onTracer(() -> {
            resumeOnTracer();
            return null;
        });
    }

    /**
     * Stops the tracee, runs {@code whileStopped} on the tracer thread if it stopped, and lets
     * the tracee go on, also when {@code whileStopped} throws.
     *
     * @return the result of the interrupt
     */
    public Result pause(Runnable whileStopped) {
        return onTracer(() -> {
            Result result = interruptOnTracer();
            if (result.stopped()) {
                try {
                    whileStopped.run();
                } finally {
                    resumeOnTracer();
                }
            }
            return result;
        });
    }

    /**
     * Runs {@code loop} on the tracer thread and returns its result, so that the loop's
     * {@link #pause(Runnable)} calls need no thread hand-off. The loop must wait only with
     * {@link #sleepUntil(long)}, and call it at least once between pauses: it serves the session
     * (signals, job control, exit, other threads' requests), which waits while the loop works.
     */
    public <T> T drive(Callable<T> loop) {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("drive called on the tracer thread");
        }
        driving = true;
        try {
            return onTracer(loop, 1000); // the caller waits for the whole run: wake it rarely
        } finally {
            driving = false;
            LockSupport.unpark(watcher);
        }
    }

    /**
     * Inside {@link #drive}: waits until {@code deadline} ({@link System#nanoTime()}) or
     * a {@link #wakeUp()}, handling the session's work as it comes, and the tracee's stops every
     * 10 ms of a longer wait. With the deadline past, it handles the work already waiting and the
     * tracee's stops once.
     */
    public void sleepUntil(long deadline) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("sleepUntil called outside drive");
        }
        while (true) {
            long left = deadline - System.nanoTime();
            boolean toDeadline = left <= EVENT_CHECK_NANOS;
            Runnable task;
            try {
                task = left > 0 ? tasks.poll(toDeadline ? left : EVENT_CHECK_NANOS, TimeUnit.NANOSECONDS) : tasks.poll();
            } catch (InterruptedException e) {
                return; // close(): let the loop see that the session is over
            }
            if (task == WAKE_UP) {
                return;
            }
            if (task != null) {
                task.run();
                continue;
            }
            if (left <= 0 || !toDeadline) {
                // The watcher rests while driving: look at the tracee's stops here. A sleep to its
                // deadline skips the look, since the loop's next pause takes a pending stop as its own.
                handleEvents();
            }
            if (left <= 0 || toDeadline) {
                return;
            }
        }
    }

    /** Makes the current or next {@link #sleepUntil} return; any thread. */
    public void wakeUp() {
        tasks.add(WAKE_UP);
    }

    private static final Runnable WAKE_UP = () -> { };

    /**
     * Detaches from the tracee, which goes on running (or stays stopped if job control
     * stopped it). Does nothing when the session has already ended.
     *
     * @throws IllegalStateException when the tracee cannot be stopped to detach it
     */
    public void detach() {
        onTracer(() -> {
            detachOnTracer();
            return null;
        });
    }

    /** Detaches (if still attached) and ends the tracer thread. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        try {
            detach();
        } finally {
            closing = true;
            thread.interrupt();
        }
    }

    /** Whether the tracee is still traced by this session. */
    public boolean attached() {
        return state != State.ENDED;
    }

    /** How the session ended, null while attached. */
    public Result endResult() {
        return endResult;
    }

    /** One line telling how the session ended, e.g. "process 42 exited with code 1"; null while attached. */
    public String endMessage() {
        return endMessage;
    }

    /** Exit code after {@link Result#EXITED}, otherwise -1. */
    public int exitCode() {
        return exitCode;
    }

    /** Signal number after {@link Result#KILLED}, otherwise 0. */
    public int termSignal() {
        return termSignal;
    }

    /** Duration of the last pause, from the interrupt request to the resume request, in nanoseconds. */
    public long lastPauseNanos() {
        return lastPauseNanos;
    }

    /**
     * How long the tracee was seen stopped in the last pause, from the moment the tracer saw
     * the stop to the resume request: what the pause cost the tracee at least. It is shorter than
     * {@link #lastPauseNanos()} by the time the tracee took to stop, which is long when it
     * waited for a CPU (and so was not running anyway).
     */
    public long lastStoppedNanos() {
        return lastStoppedNanos;
    }

    public long pauses() {
        return pauses;
    }

    public long totalPauseNanos() {
        return totalPauseNanos;
    }

    /** Interrupts that ran into the stop timeout. */
    public long timeouts() {
        return timeouts;
    }

    /** Signals passed on to the tracee after a signal-delivery-stop. */
    public long forwardedSignals() {
        return forwardedSignals;
    }

    /** Stops handled between pauses (signals, late or extra interrupt-stops, job control). */
    public long eventStops() {
        return eventStops;
    }

    // ---- tracer thread ----

    private void loop() {
        while (!closing) {
            try {
                tasks.take().run();
            } catch (InterruptedException e) {
                // closing
            }
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
        stopPolling(); // a session closed without detaching (the tracee would not stop)
    }

    /**
     * The watcher thread: waits without consuming for the tracee's next stop or exit, then has
     * the tracer thread handle it. Ends with the session, or when the tracee is gone.
     */
    private void watch() {
        byte[] siginfo = new byte[128];
        while (state != State.ENDED && !closing) {
            int r = LibC.waitid(LibC.P_PID, pid, siginfo, LibC.WEXITED | LibC.WSTOPPED | LibC.__WALL | LibC.WNOWAIT);
            int errno = r < 0 ? LibC.errno() : 0;
            if (errno == LibC.EINTR) {
                continue;
            }
            if (state == State.ENDED || closing) {
                return;
            }
            if (driving) {
                // The loop's sleeps look at the stops; resting here spares a wake-up at every pause's stop.
                awaitDriveEnd();
                continue;
            }
            if (errno == 0 && pausing && siginfoInt(siginfo, SI_CODE) == CLD_TRAPPED) {
                // The stop of a pause (or one a pause takes as its own): the tracer owns it until
                // the resume, which also takes away its report; then look again.
                awaitPauseEnd();
                continue;
            }
            boolean handled;
            try {
                handled = onTracer(this::handleEvents);
            } catch (IllegalStateException e) {
                return; // closed meanwhile
            }
            if (errno != 0) {
                return; // ECHILD: handleEvents has ended the session
            }
            if (!handled) {
                // The stop belonged to a pause, which took it; do not spin on a stop that a pause
                // in progress holds.
                LockSupport.parkNanos(100_000);
            }
        }
    }

    /**
     * For the watcher, after it saw a ptrace stop during a pause: waits until the pause is over.
     * It sleeps rather than spins (spinning through every pause cost more CPU than the samples at
     * 100 Hz); the tracer wakes it after the resume, outside the pause.
     */
    private void awaitPauseEnd() {
        while (pausing && state != State.ENDED && !closing) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    private void awaitDriveEnd() {
        while (driving && state != State.ENDED && !closing) {
            LockSupport.park(this);
        }
    }

    private static final int CLD_STOPPED = 5;
    private static final int CLD_TRAPPED = 4;
    /** Offsets in a siginfo_t filled by waitid: si_code after si_signo and si_errno; si_pid, si_status in the union. */
    private static final int SI_CODE = 8;
    private static final int SI_PID = 16;
    private static final int SI_STATUS = 24;

    private static int siginfoInt(byte[] siginfo, int offset) {
        return java.nio.ByteBuffer.wrap(siginfo).order(java.nio.ByteOrder.nativeOrder()).getInt(offset);
    }

    /** On the tracer thread, for the watcher: handles what waitpid reports now; whether anything. */
    private boolean handleEvents() {
        try {
            switch (state) {
                case RUNNING:
                case INTERRUPT_PENDING:
                    return drain();
                case PAUSED:
                    // Only an exit (SIGKILL) can happen to a paused tracee; the stop it shows is
                    // the pause's own, reported until the resume.
                    int found = poll();
                    if (found == WAIT_NO_CHILD) {
                        lost();
                        return true;
                    }
                    if (found == WAIT_FOUND && !WaitStatus.stopped(status[0])) {
                        ended(status[0]);
                        return true;
                    }
                    return false;
                default:
                    return false;
            }
        } catch (RuntimeException | Error e) {
            end(Result.LOST, "process " + pid + ": " + e.getMessage());
            return true;
        }
    }

    /** Runs {@code work} on the tracer thread (directly when called there) and returns its result. */
    <T> T onTracer(Callable<T> work) {
        return onTracer(work, 100);
    }

    /** Like {@link #onTracer(Callable)}, checking every {@code checkMillis} that the tracer thread is still there. */
    private <T> T onTracer(Callable<T> work, long checkMillis) {
        if (Thread.currentThread() == thread) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (closing) {
            throw new IllegalStateException("ptrace session of process " + pid + " is closed");
        }
        FutureTask<T> task = new FutureTask<>(work);
        tasks.add(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get(checkMillis, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!thread.isAlive() && !task.isDone()) {
                        throw new IllegalStateException("ptrace thread of process " + pid + " is gone");
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // the tracee's state must not be left unknown to the caller
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Result interruptOnTracer() {
        switch (state) {
            case ENDED:
                return endResult;
            case PAUSED:
                return pauseResult;
            default:
                break;
        }
        pauseStart = System.nanoTime();
        pausing = true;
        Result result = takeStop();
        if (!result.stopped()) {
            if (idlePolling != null) {
                idlePolling.release();
            }
            pausing = false;
            wakeWatcher();
        }
        return result;
    }

    private Result takeStop() {
        // A stop reported already (a signal, a late interrupt) serves as this pause; interrupting
        // a stopped tracee would only queue another trap for after the resume.
        int found = poll();
        if (found == WAIT_NOTHING) {
            if (state != State.INTERRUPT_PENDING) {
                if (idlePolling != null) {
                    idlePolling.hold();
                }
                if (LibC.ptrace(LibC.PTRACE_INTERRUPT, pid, 0, 0) < 0) {
                    return vanished(LibC.errno());
                }
                state = State.INTERRUPT_PENDING;
            }
            found = await(pauseStart + stopTimeoutNanos);
            if (found == WAIT_NOTHING) {
                timeouts++;
                return Result.TIMEOUT;
            }
        }
        if (found == WAIT_NO_CHILD) {
            return lost();
        }
        return onPauseStop(status[0]);
    }

    private Result onPauseStop(int st) {
        if (!WaitStatus.stopped(st)) {
            return ended(st);
        }
        int event = WaitStatus.event(st);
        int signal = WaitStatus.stopSignal(st);
        if (event == LibC.PTRACE_EVENT_EXEC) {
            if (starting) {
                // The command becoming its program: let it go on, then stop it afresh.
                if (LibC.ptrace(LibC.PTRACE_CONT, pid, 0, 0) < 0) {
                    return vanished(LibC.errno());
                }
                eventStops++;
                state = State.RUNNING; // the trap consumed a pending PTRACE_INTERRUPT
                return takeStop();
            }
            return execed();
        }
        starting = false;
        stopSeen = System.nanoTime();
        state = State.PAUSED;
        listenOnResume = event == LibC.PTRACE_EVENT_STOP && WaitStatus.isJobControlStop(signal);
        resumeSignal = event == 0 ? signal : 0;
        pauseResult = listenOnResume ? Result.GROUP_STOPPED : Result.STOPPED;
        return pauseResult;
    }

    private void resumeOnTracer() {
        if (state != State.PAUSED) {
            return;
        }
        long request = listenOnResume ? LibC.PTRACE_LISTEN : LibC.PTRACE_CONT;
        // Timed before the request: the woken tracee may take the CPU from this thread at once.
        countPause(System.nanoTime());
        long result = LibC.ptrace(request, pid, 0, resumeSignal);
        int errno = LibC.errno();
        if (idlePolling != null) {
            idlePolling.release(); // the tracee is awake on its CPU already
        }
        state = State.RUNNING;
        pausing = false;
        wakeWatcher();
        if (result < 0) {
            vanished(errno);
        } else if (resumeSignal != 0) {
            forwardedSignals++;
        }
    }

    /** Ends the watcher's wait in awaitPauseEnd; not while driving, where the watcher rests until the drive ends. */
    private void wakeWatcher() {
        if (!driving) {
            LockSupport.unpark(watcher);
        }
    }

    private void countPause(long now) {
        long pause = now - pauseStart;
        lastStoppedNanos = now - stopSeen;
        lastPauseNanos = pause;
        totalPauseNanos += pause;
        pauses++;
    }

    /** Lets go every stop reported while no pause is wanted; whether there was any. */
    private boolean drain() {
        boolean any = false;
        while (state == State.RUNNING || state == State.INTERRUPT_PENDING) {
            int found = poll();
            if (found == WAIT_NOTHING) {
                return any;
            }
            any = true;
            if (found == WAIT_NO_CHILD) {
                lost();
                return true;
            }
            int st = status[0];
            if (!WaitStatus.stopped(st)) {
                ended(st);
                return true;
            }
            int event = WaitStatus.event(st);
            int signal = WaitStatus.stopSignal(st);
            if (event == LibC.PTRACE_EVENT_EXEC && !starting) {
                execed();
                return true;
            }
            eventStops++;
            state = State.RUNNING; // any trap consumes a pending PTRACE_INTERRUPT
            long result;
            if (event == LibC.PTRACE_EVENT_STOP && WaitStatus.isJobControlStop(signal)) {
                result = LibC.ptrace(LibC.PTRACE_LISTEN, pid, 0, 0);
            } else if (event == 0) {
                result = LibC.ptrace(LibC.PTRACE_CONT, pid, 0, signal);
                if (result >= 0) {
                    forwardedSignals++;
                }
            } else {
                result = LibC.ptrace(LibC.PTRACE_CONT, pid, 0, 0);
            }
            if (result < 0) {
                vanished(LibC.errno());
                return true;
            }
        }
        return any;
    }

    private void detachOnTracer() {
        if (state == State.ENDED) {
            return;
        }
        if (state != State.PAUSED) {
            long deadline = System.nanoTime() + Math.max(stopTimeoutNanos, 2_000_000_000L);
            Result result;
            do {
                result = interruptOnTracer();
            } while (result == Result.TIMEOUT && System.nanoTime() < deadline);
            if (result.ended()) {
                return;
            }
            if (result == Result.TIMEOUT) {
                throw new IllegalStateException("cannot detach from process " + pid + ": its main thread does not stop"
                        + " (state " + ProcFs.mainThreadState(pid) + "); it will be detached when zeek-spy exits");
            }
        }
        int signal = listenOnResume ? 0 : resumeSignal;
        if (LibC.ptrace(LibC.PTRACE_DETACH, pid, 0, signal) < 0) {
            vanished(LibC.errno());
            return;
        }
        if (signal != 0) {
            forwardedSignals++;
        }
        end(Result.DETACHED, "zeek-spy detached from process " + pid);
    }

    private static final int WAIT_FOUND = 1;
    private static final int WAIT_NOTHING = 0;
    private static final int WAIT_NO_CHILD = -1;

    /**
     * One look, without blocking, at what the tracee reports; its wait status goes to
     * {@code status[0]}. A stop is looked at (waitid WNOWAIT) and never consumed: a stop stays
     * reported until the tracee is resumed, and the signal a signal-delivery-stop holds stays the
     * kernel's, delivered even if zeek-spy dies before its resume request. An exit is consumed
     * (reaped), so that the real parent gets it.
     */
    private int poll() {
        while (true) {
            java.util.Arrays.fill(pollInfo, 0, SI_STATUS + 4, (byte) 0);
            int r = LibC.waitid(LibC.P_PID, pid, pollInfo, LibC.WEXITED | LibC.WSTOPPED | LibC.__WALL | LibC.WNOHANG | LibC.WNOWAIT);
            if (r < 0) {
                int errno = LibC.errno();
                if (errno == LibC.ECHILD) {
                    return WAIT_NO_CHILD;
                }
                if (errno != LibC.EINTR) {
                    throw new IllegalStateException("waitid for process " + pid + " failed: " + LibC.describe(errno));
                }
                continue;
            }
            if (siginfoInt(pollInfo, SI_PID) == 0) {
                return WAIT_NOTHING;
            }
            int code = siginfoInt(pollInfo, SI_CODE);
            if (code == CLD_TRAPPED || code == CLD_STOPPED) {
                // What waitpid would report: the stop's exit_code (signal, and event << 8) above 0x7f.
                status[0] = siginfoInt(pollInfo, SI_STATUS) << 8 | 0x7f;
                return WAIT_FOUND;
            }
            int reaped = LibC.waitpid(pid, status, LibC.__WALL | LibC.WNOHANG);
            if (reaped == pid) {
                return WAIT_FOUND;
            }
            if (reaped < 0 && LibC.errno() == LibC.ECHILD) {
                return WAIT_NO_CHILD;
            }
            // EINTR, or taken by someone else meanwhile: look again.
        }
    }

    /**
     * Waits for a state change until {@code deadline} (System.nanoTime): spins for a few dozen
     * microseconds, where most stops arrive, then sleeps in steps of at most 100 us (a tracee
     * waiting for a CPU stops only when it gets one; the tracer should notice soon after).
     */
    private int await(long deadline) {
        long start = System.nanoTime();
        while (true) {
            int found = poll();
            if (found != WAIT_NOTHING) {
                return found;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return WAIT_NOTHING;
            }
            long waited = now - start;
            if (waited < SPIN_NANOS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(Math.min(Math.max(waited / 8, 10_000), Math.min(MAX_PARK_NANOS, deadline - now)));
            }
        }
    }

    /** A ptrace request failed: the tracee died, is dying, or is no longer ours. */
    private Result vanished(int errno) {
        if (errno != LibC.ESRCH) {
            throw new IllegalStateException("ptrace of process " + pid + " failed: " + LibC.describe(errno));
        }
        int found = await(System.nanoTime() + VANISH_TIMEOUT_NANOS);
        if (found == WAIT_FOUND && !WaitStatus.stopped(status[0])) {
            return ended(status[0]);
        }
        if (found == WAIT_FOUND) {
            // A stop of a tracee we took for gone; treat it as a pause so nothing is lost.
            return onPauseStop(status[0]);
        }
        return lost();
    }

    private Result ended(int st) {
        if (WaitStatus.exited(st)) {
            exitCode = WaitStatus.exitCode(st);
            SpawnedProcess.reaped(pid, st);
            return end(Result.EXITED, "process " + pid + " exited with code " + exitCode);
        }
        termSignal = WaitStatus.termSignal(st);
        SpawnedProcess.reaped(pid, st);
        return end(Result.KILLED, "process " + pid + " was killed by signal " + termSignal + " (" + WaitStatus.signalName(termSignal) + ")"
                + (WaitStatus.coreDumped(st) ? ", core dumped" : ""));
    }

    private Result execed() {
        LibC.ptrace(LibC.PTRACE_DETACH, pid, 0, 0); // fails harmlessly when no longer ours
        String program;
        try {
            program = ProcFs.exeTarget(pid);
        } catch (RuntimeException e) {
            program = "unknown";
        }
        return end(Result.EXECED, "process " + pid + " executed a new program (" + program + ")");
    }

    /** The tracee left us without an exit status: another thread executed a program, or it is gone. */
    private Result lost() {
        if (!ProcFs.isExiting(pid)) {
            // A thread other than the main one called execve: the kernel ends the traced main
            // thread and gives its pid to the new program without reporting anything to us.
            return execed();
        }
        return end(Result.LOST, "process " + pid + " has exited");
    }

    private Result end(Result result, String message) {
        if (state == State.PAUSED) {
            countPause(System.nanoTime());
        }
        stopPolling();
        endMessage = message;
        endResult = result;
        state = State.ENDED;
        pausing = false;
        return result;
    }
}
