package zeekspy.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import zeekspy.testing.Await;
import zeekspy.testing.JvmThreads;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PtraceSessionTest {

    @Test
    void interruptStopsTheMainThreadAndResumeLetsItGo() throws Exception {
        try (Helper helper = Helper.start("spin"); PtraceSession session = PtraceSession.seize(helper.pid);
                ProcessVmMemory memory = ProcessVmMemory.open(helper.pid)) {
            assertEquals(LibC.getpid(), ProcFs.tracerProcess(helper.pid));
            assertEquals(PtraceSession.Result.STOPPED, session.interrupt());
            assertEquals('t', Helper.state(helper.pid));
            long ticks = helper.readLong(memory, "ticks");
            Thread.sleep(20);
            assertEquals(ticks, helper.readLong(memory, "ticks"), "stopped");
            assertEquals(PtraceSession.Result.STOPPED, session.interrupt(), "already paused");
            session.resume();
            assertTrue(session.lastPauseNanos() >= 20_000_000L);
            Await.until(() -> helper.readLong(memory, "ticks") > ticks, "runs again");
            assertEquals(1, session.pauses());
            session.detach();
            assertEquals(PtraceSession.Result.DETACHED, session.endResult());
            assertEquals(0, ProcFs.tracerPid(helper.pid));
        }
    }

    @Test
    void noSignalIsLostOrDoubledAcrossTenThousandPauses() throws Exception {
        for (String mode : List.of("spin", "sleep")) {
            try (Helper helper = Helper.start(mode); PtraceSession session = PtraceSession.seize(helper.pid)) {
                int signals = 2_000;
                AtomicReference<Throwable> senderFailure = new AtomicReference<>();
                Thread sender = new Thread(() -> {
                    try (ProcessVmMemory memory = ProcessVmMemory.open(helper.pid)) {
                        for (int i = 1; i <= signals; i++) {
                            LibC.kill(helper.pid, LibC.SIGUSR1);
                            long deadline = System.nanoTime() + 5_000_000_000L;
                            while (helper.readLong(memory, "usr1") < i) {
                                if (System.nanoTime() > deadline) {
                                    throw new AssertionError("signal " + i + " was not handled");
                                }
                                Thread.onSpinWait();
                            }
                        }
                    } catch (Throwable t) {
                        senderFailure.set(t);
                    }
                });
                sender.start();
                ReadBatch batch = new ReadBatch(4, 64);
                batch.add(helper.address("ticks"), 8);
                ProcessVmMemory memory = ProcessVmMemory.open(helper.pid);
                int stopped = 0;
                for (int i = 0; i < 10_000; i++) {
                    PtraceSession.Result result;
                    if (i % 2 == 0) {
                        result = session.interrupt();
                        if (result.stopped()) {
                            memory.read(batch);
                            assertTrue(batch.ok(0));
                        }
                        session.resume();
                    } else {
                        result = session.pause(() -> memory.read(batch));
                    }
                    assertEquals(PtraceSession.Result.STOPPED, result, "pause " + i);
                    stopped++;
                }
                sender.join();
                if (senderFailure.get() != null) {
                    throw new AssertionError(mode + ": " + senderFailure.get().getMessage(), senderFailure.get());
                }
                assertEquals(10_000, stopped);
                assertEquals(10_000, session.pauses());
                session.detach();
                Map<String, Long> counts = helper.finish();
                assertEquals(signals, counts.get("usr1"), mode + ": signals counted by the helper");
                assertEquals(signals, session.forwardedSignals(), mode);
                memory.close();
            }
        }
    }

    @Test
    void driveLoopPausesWithoutLosingSignalsAndForwardsThemWhileItSleeps() throws Exception {
        try (Helper helper = Helper.start("spin"); PtraceSession session = PtraceSession.seize(helper.pid);
                ProcessVmMemory memory = ProcessVmMemory.open(helper.pid)) {
            int signals = 500;
            AtomicReference<Throwable> senderFailure = new AtomicReference<>();
            Thread sender = new Thread(() -> {
                try (ProcessVmMemory m = ProcessVmMemory.open(helper.pid)) {
                    for (int i = 1; i <= signals; i++) {
                        LibC.kill(helper.pid, LibC.SIGUSR1);
                        long deadline = System.nanoTime() + 5_000_000_000L;
                        while (helper.readLong(m, "usr1") < i) {
                            if (System.nanoTime() > deadline) {
                                throw new AssertionError("signal " + i + " was not handled");
                            }
                            Thread.onSpinWait();
                        }
                    }
                } catch (Throwable t) {
                    senderFailure.set(t);
                }
            });
            ReadBatch batch = new ReadBatch(4, 64);
            batch.add(helper.address("ticks"), 8);
            sender.start();
            int stopped = session.drive(() -> {
                int n = 0;
                for (int i = 0; i < 5_000; i++) {
                    if (session.pause(() -> memory.read(batch)) == PtraceSession.Result.STOPPED) {
                        n++;
                    }
                    session.sleepUntil(System.nanoTime() + 50_000);
                }
                return n;
            });
            sender.join();
            if (senderFailure.get() != null) {
                throw new AssertionError(senderFailure.get().getMessage(), senderFailure.get());
            }
            assertEquals(5_000, stopped);

            // Between ticks far apart, a signal is forwarded within 10 ms, not at the next tick.
            long usr1 = helper.readLong(memory, "usr1");
            long[] forwardedAfterMillis = {-1};
            long slept = session.drive(() -> {
                long t0 = System.nanoTime();
                LibC.kill(helper.pid, LibC.SIGUSR1);
                Thread waker = new Thread(() -> {
                    try {
                        Await.until(() -> helper.readLong(memory, "usr1") > usr1, "signal handled while the loop sleeps");
                        forwardedAfterMillis[0] = (System.nanoTime() - t0) / 1_000_000;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    session.wakeUp();
                });
                waker.start();
                session.sleepUntil(t0 + 20_000_000_000L);
                waker.join();
                return (System.nanoTime() - t0) / 1_000_000;
            });
            assertTrue(forwardedAfterMillis[0] >= 0 && forwardedAfterMillis[0] < 1_000, "forwarded after " + forwardedAfterMillis[0] + " ms");
            assertTrue(slept < 10_000, "wakeUp ended the sleep, after " + slept + " ms");
            session.detach();
            Map<String, Long> counts = helper.finish();
            assertEquals(signals + 1, counts.get("usr1"), "signals counted by the helper");
            assertEquals(signals + 1, session.forwardedSignals());
        }
    }

    @Test
    void theWatcherRestsWhileALoopDrives() throws Exception {
        try (Helper helper = Helper.start("spin"); PtraceSession session = PtraceSession.seize(helper.pid)) {
            int pauses = 1000;
            long before = watcherWakeUps();
            int stopped = session.drive(() -> {
                int n = 0;
                for (int i = 0; i < pauses; i++) {
                    if (session.pause(() -> { }) == PtraceSession.Result.STOPPED) {
                        n++;
                    }
                    session.sleepUntil(System.nanoTime() + 100_000);
                }
                return n;
            });
            long wakeUps = watcherWakeUps() - before;
            assertEquals(pauses, stopped);
            // Outside a drive the watcher wakes twice a pause: at its stop and after its resume.
            assertTrue(wakeUps < 20, "the watcher woke " + wakeUps + " times in " + pauses + " pauses");
        }
    }

    /** Voluntary context switches of this JVM's zeek-spy-watch threads, the sessions' watchers. */
    private static long watcherWakeUps() throws IOException {
        return JvmThreads.status("zeek-spy-watch", "voluntary_ctxt_switches").stream().mapToLong(Long::parseLong).sum();
    }

    @Test
    void jobControlStopIsKeptUntilSigcont() throws Exception {
        try (Helper helper = Helper.start("spin"); PtraceSession session = PtraceSession.seize(helper.pid);
                ProcessVmMemory memory = ProcessVmMemory.open(helper.pid)) {
            LibC.kill(helper.pid, LibC.SIGSTOP);
            Await.until(() -> session.pause(() -> {}) == PtraceSession.Result.GROUP_STOPPED, "group-stop seen");
            long ticks = helper.readLong(memory, "ticks");
            for (int i = 0; i < 100; i++) {
                assertEquals(PtraceSession.Result.GROUP_STOPPED, session.interrupt());
                session.resume();
            }
            Thread.sleep(50);
            assertEquals(ticks, helper.readLong(memory, "ticks"), "stays stopped after pauses");
            assertEquals('t', Helper.state(helper.pid));
            LibC.kill(helper.pid, LibC.SIGCONT);
            Await.until(() -> helper.readLong(memory, "ticks") > ticks, "runs after SIGCONT");
            assertEquals(PtraceSession.Result.STOPPED, session.pause(() -> {}));
            Await.until(() -> helper.readLong(memory, "cont") == 1, "SIGCONT handled once");
            // stopped while detaching: stays stopped without us
            LibC.kill(helper.pid, LibC.SIGSTOP);
            Await.until(() -> session.pause(() -> {}) == PtraceSession.Result.GROUP_STOPPED, "group-stop seen again");
            session.detach();
            // The detach wakes the tracee briefly before it settles back into its group-stop.
            Await.until(() -> Helper.state(helper.pid) == 'T', "still stopped after detach");
            long stoppedTicks = helper.readLong(memory, "ticks");
            Thread.sleep(30);
            assertEquals(stoppedTicks, helper.readLong(memory, "ticks"));
            LibC.kill(helper.pid, LibC.SIGCONT);
            Await.until(() -> helper.readLong(memory, "ticks") > stoppedTicks, "runs after SIGCONT");
            Map<String, Long> counts = helper.finish();
            assertEquals(2, counts.get("cont"));
        }
    }

    @Test
    void exitWhilePausingIsReported() throws Exception {
        try (Helper helper = Helper.start("sleep"); PtraceSession session = PtraceSession.seize(helper.pid)) {
            assertEquals(PtraceSession.Result.STOPPED, session.interrupt());
            helper.command("exit 7"); // read by the helper's other thread, acted on by main after resume
            session.resume();
            PtraceSession.Result result = waitForEnd(session);
            assertEquals(PtraceSession.Result.EXITED, result);
            assertEquals(7, session.exitCode());
            assertEquals("process " + helper.pid + " exited with code 7", session.endMessage());
            assertEquals(7, helper.process.waitFor(), "the real parent still gets the exit status");
            assertEquals(PtraceSession.Result.EXITED, session.interrupt());
            session.detach();
        }
    }

    @Test
    void exitBetweenPausesIsNoticedByTheIdleLoop() throws Exception {
        try (Helper helper = Helper.start("sleep"); PtraceSession session = PtraceSession.seize(helper.pid)) {
            helper.command("exit 3");
            Await.until(() -> !session.attached(), "idle loop reaps the exit");
            assertEquals(PtraceSession.Result.EXITED, session.endResult());
            assertEquals(3, helper.process.waitFor());
        }
    }

    @Test
    void killWhilePausedIsReported() throws Exception {
        try (Helper helper = Helper.start("spin"); PtraceSession session = PtraceSession.seize(helper.pid)) {
            assertEquals(PtraceSession.Result.STOPPED, session.interrupt());
            LibC.kill(helper.pid, LibC.SIGKILL);
            Thread.sleep(20);
            session.resume();
            assertEquals(PtraceSession.Result.KILLED, waitForEnd(session));
            assertEquals(9, session.termSignal());
            assertEquals("process " + helper.pid + " was killed by signal 9 (SIGKILL)", session.endMessage());
        }
    }

    @Test
    void execIsReportedAndDetaches() throws Exception {
        try (Helper helper = Helper.start("sleep"); PtraceSession session = PtraceSession.seize(helper.pid)) {
            helper.command("exec");
            PtraceSession.Result result = waitForEnd(session);
            assertEquals(PtraceSession.Result.EXECED, result);
            assertEquals("process " + helper.pid + " executed a new program (/usr/bin/sleep)", session.endMessage()
                    .replace("(/bin/sleep)", "(/usr/bin/sleep)"));
            Await.until(() -> Helper.state(helper.pid) == 'S', "the new program runs");
            assertEquals(0, ProcFs.tracerPid(helper.pid));
        }
    }

    @Test
    void execFromAnotherThreadEndsTheSession() throws Exception {
        try (Helper helper = Helper.start("sleep"); PtraceSession session = PtraceSession.seize(helper.pid)) {
            helper.command("thread-exec");
            assertEquals(PtraceSession.Result.EXECED, waitForEnd(session));
            assertTrue(session.endMessage().startsWith("process " + helper.pid + " executed a new program ("), session.endMessage());
            Await.until(() -> ProcFs.exeTarget(helper.pid).endsWith("sleep"), "the new program runs");
            Await.until(() -> Helper.state(helper.pid) == 'S', "the new program sleeps");
            assertEquals(0, ProcFs.tracerPid(helper.pid));
        }
    }

    @Test
    void killedTracerLeavesAPausedTraceeRunning() throws Exception {
        try (Helper helper = Helper.start("spin"); ProcessVmMemory memory = ProcessVmMemory.open(helper.pid)) {
            Process tracer = new ProcessBuilder(Helper.javaCommand(TracerMain.class, Integer.toString(helper.pid)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(tracer.getInputStream()));
                assertEquals("STOPPED", out.readLine());
                assertEquals('t', Helper.state(helper.pid));
                assertEquals(tracer.pid(), ProcFs.tracerProcess(helper.pid));
                long ticks = helper.readLong(memory, "ticks");
                Thread.sleep(20);
                assertEquals(ticks, helper.readLong(memory, "ticks"));
                tracer.destroyForcibly(); // SIGKILL
                tracer.waitFor();
                Await.until(() -> ProcFs.tracerPid(helper.pid) == 0, "kernel detached");
                Await.until(() -> helper.readLong(memory, "ticks") > ticks, "tracee runs again");
                char state = Helper.state(helper.pid);
                assertNotEquals('t', state);
                assertNotEquals('T', state);
            } finally {
                tracer.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void missingProcessIsReported() {
        ProcessAccessException e = assertThrows(ProcessAccessException.class, () -> PtraceSession.seize(999_999_999));
        assertEquals(ProcessAccessException.Reason.NO_SUCH_PROCESS, e.reason());
        assertEquals("no process with pid 999999999", e.getMessage());
    }

    @Test
    void secondTracerIsRefusedWithTheTracerNamed() throws Exception {
        try (Helper helper = Helper.start("sleep")) {
            Process tracer = new ProcessBuilder(Helper.javaCommand(TracerMain.class, Integer.toString(helper.pid)))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(tracer.getInputStream()));
                assertEquals("STOPPED", out.readLine());
                ProcessAccessException e = assertThrows(ProcessAccessException.class, () -> PtraceSession.seize(helper.pid));
                assertEquals(ProcessAccessException.Reason.ALREADY_TRACED, e.reason());
                assertEquals("process " + helper.pid + " is already traced by process " + tracer.pid() + " (java);"
                        + " only one tracer at a time: stop the debugger or the other zeek-spy", e.getMessage());
            } finally {
                tracer.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void unprivilegedTracerGetsPermissionDenied() throws Exception {
        try (Helper helper = Helper.start("sleep")) {
            List<String> command = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all"));
            command.addAll(Helper.javaCommandReadableByAll(TracerMain.class, Integer.toString(helper.pid)));
            Process tracer = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try {
                output = new String(tracer.getInputStream().readAllBytes()).strip();
            } finally {
                tracer.destroyForcibly().waitFor();
            }
            assertEquals("PERMISSION_DENIED permission denied reading process " + helper.pid
                    + ": zeek-spy needs root or CAP_SYS_PTRACE (ptrace and process_vm_readv need PTRACE_MODE_ATTACH)"
                    + yamaSuffix(), output);
        }
    }

    private static String yamaSuffix() {
        return ProcFs.yamaPtraceScope().isPresent() && ProcFs.yamaPtraceScope().getAsInt() >= 1
                ? "; kernel.yama.ptrace_scope is " + ProcFs.yamaPtraceScope().getAsInt() : "";
    }

    @Test
    void zombieIsReported() throws Exception {
        Process parent = new ProcessBuilder(Helper.binary().toString(), "sleep", "zombie").start();
        try {
            String line = new BufferedReader(new InputStreamReader(parent.getInputStream())).readLine();
            int zombie = Integer.parseInt(line.substring("zombie=".length()));
            Await.until(() -> ProcFs.isZombie(zombie), "zombie");
            assertTrue(ProcFs.isExiting(zombie));
            ProcessAccessException e = assertThrows(ProcessAccessException.class, () -> PtraceSession.seize(zombie));
            assertEquals(ProcessAccessException.Reason.ZOMBIE, e.reason());
            assertEquals("process " + zombie + " is a zombie", e.getMessage());
            assertThrows(ProcessAccessException.class, () -> ProcessVmMemory.open(zombie));
        } finally {
            parent.destroyForcibly().waitFor();
        }
    }

    @Test
    void threadIdIsRefused() throws Exception {
        try (Helper helper = Helper.start("sleep")) {
            int tid = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + helper.pid + "/task"))
                    .map(p -> Integer.parseInt(p.getFileName().toString())).filter(t -> t != helper.pid).findFirst().orElseThrow();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PtraceSession.seize(tid));
            assertEquals(tid + " is a thread of process " + helper.pid + "; give the process id", e.getMessage());
        }
    }

    /**
     * The JDK's reaper thread waits for a ProcessBuilder child with waitpid(pid, 0), which Linux
     * also answers with the child's ptrace stops (the tracer is in the parent's thread group):
     * the reaper would take a stop for the exit. (A test that showed it, with a bare seize, was
     * dropped: the reaper took the stop in most runs but not in all, which made it flaky.)
     */
    @Test
    void processBuilderChildIsRefused() throws Exception {
        Process child = new ProcessBuilder("sleep", "100").start();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PtraceSession.seize((int) child.pid()));
            assertTrue(e.getMessage().contains("started with ProcessBuilder"), e.getMessage());
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    /**
     * A command zeek-spy starts may be a wrapper that executes Zeek later ({@code sh -c '...; exec
     * zeek'}): until its first pause the session lets its execs go; after that an exec is a new
     * program and ends the session, as for any other process.
     */
    @Test
    void aStartedCommandMayExecuteItsProgramBeforeTheFirstPauseButNotAfter() throws Exception {
        String zeek = zeekspy.testing.MiniZeek.binary("gcc", "8.0", "").toRealPath().toString();
        SpawnedProcess child = SpawnedProcess.start(List.of("sh", "-c",
                "sleep 0.3; exec \"$0\" --run 30 --crash exec --crash-after 2 >/dev/null", zeek));
        try (PtraceSession session = PtraceSession.seize(child)) {
            Await.until(() -> ProcFs.exeTarget(child.pid()).equals(zeek), "sh executed the inferior");
            assertEquals(PtraceSession.Result.STOPPED, session.pause(() -> {}), "the wrapper's exec let go");
            assertTrue(session.eventStops() >= 1, "the exec was reported: " + session.eventStops());
            assertEquals(PtraceSession.Result.EXECED, waitForEnd(session), "the inferior's own exec, after the first pause");
            assertTrue(session.endMessage().startsWith("process " + child.pid() + " executed a new program"), session.endMessage());
        } finally {
            child.signal(LibC.SIGKILL);
            child.waitFor();
        }
    }

    @Test
    void spawnedChildIsTracedAndReaped() throws Exception {
        SpawnedProcess child = SpawnedProcess.start(List.of("sh", "-c", "exec \"$0\" sleep >/dev/null", Helper.binary().toString()),
                Map.of("CLUSTER_NODE", "worker-3"));
        Await.until(() -> ProcFs.exeTarget(child.pid()).endsWith("zs-mem-helper"), "sh executed the helper");
        try (PtraceSession session = PtraceSession.seize(child.pid())) {
            assertEquals(PtraceSession.Result.STOPPED, session.pause(() -> {}));
            assertEquals("worker-3", ProcFs.environ(child.pid(), "CLUSTER_NODE").orElseThrow());
            for (int i = 0; i < 100; i++) {
                assertEquals(PtraceSession.Result.STOPPED, session.pause(() -> {}));
            }
            child.signal(LibC.SIGTERM);
            assertEquals(PtraceSession.Result.EXITED, waitForEnd(session));
            assertEquals(0, child.waitFor(), "exit status taken from the session that reaped it");
            assertFalse(child.isAlive());
        }
        SpawnedProcess untraced = SpawnedProcess.start(List.of("sh", "-c", "exit 5"));
        assertEquals(5, untraced.waitFor());
        SpawnedProcess killed = SpawnedProcess.start(List.of("sleep", "100"));
        Await.until(() -> ProcFs.exeTarget(killed.pid()).endsWith("sleep") && Helper.state(killed.pid()) == 'S'
                && ProcFs.currentSyscall(killed.pid(), killed.pid()).orElse(-1) != -1, "sleep sleeps (its start-up files closed)");
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + killed.pid() + "/fd"))) {
            assertEquals(List.of("0", "1", "2"), fds.map(p -> p.getFileName().toString()).sorted().toList(),
                    "only standard input, output and error are inherited");
        }
        assertEquals(0L, java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/" + killed.pid() + "/status")).stream()
                .filter(l -> l.startsWith("SigBlk:")).map(l -> Long.parseUnsignedLong(l.substring(7).trim(), 16))
                .findFirst().orElseThrow(), "no blocked signals");
        killed.signal(LibC.SIGKILL);
        assertEquals(128 + 9, killed.waitFor());
    }

    @Test
    void spawningAMissingProgramFails() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpawnedProcess.start(List.of("/nonexistent/zeek")));
        assertEquals("cannot start /nonexistent/zeek: No such file or directory", e.getMessage());
    }

    @Test
    void closeAfterEndIsQuiet() throws Exception {
        Helper helper = Helper.start("sleep");
        PtraceSession session = PtraceSession.seize(helper.pid);
        helper.close();
        assertEquals(PtraceSession.Result.KILLED, waitForEnd(session));
        session.close();
        session.close();
        assertEquals(PtraceSession.Result.KILLED, session.endResult(), "close after the end does not detach");
        assertThrows(IllegalStateException.class, session::interrupt);
    }

    static PtraceSession.Result waitForEnd(PtraceSession session) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (session.attached() && System.nanoTime() < deadline) {
            PtraceSession.Result result = session.interrupt();
            if (result.stopped()) {
                session.resume();
            }
            Thread.sleep(2);
        }
        assertFalse(session.attached(), "session did not end");
        return session.endResult();
    }
}
