package zeekspy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import zeekspy.layout.BuiltinLayouts;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutFile;
import zeekspy.layout.StringAbi;
import zeekspy.layout.ZeekVersion;

/** The stack rules on synthetic memory images, for every layout family. */
class StackReaderTest {
    static final String DNS = "/opt/zeek/share/zeek/base/protocols/dns/main.zeek";
    static final String SLOW = "/opt/zeek/share/zeek/site/slow-dns.zeek";
    static final String LOG = "/opt/zeek/share/zeek/base/frameworks/logging/main.zeek";

    static Layout layout(String version) {
        if (version.endsWith("+libc++")) {
            Layout l = layout(version.substring(0, version.indexOf('+')));
            String text = LayoutFile.format(l, null).replace("abi.string=libstdc++", "abi.string=libc++");
            return LayoutFile.parse(text, "libc++ variant").layout();
        }
        return BuiltinLayouts.find(ZeekVersion.parse(version), StringAbi.LIBSTDCXX).orElseThrow().layout();
    }

    static String render(List<ScriptFrame> frames) {
        return frames.stream().map(f -> f.function() + ";" + f.kind().name().toLowerCase() + ";"
                + f.file() + ";" + f.line() + (f.lineApproximate() ? "~" : "")).collect(Collectors.joining(" | "));
    }

    static String read(StackReader reader) {
        List<ScriptFrame> out = new ArrayList<>();
        StackError error = reader.read(out);
        return error != null ? "error: " + error.description() : render(out);
    }

    /** dns_request (body in slow-dns.zeek) -> SlowDNS::hashit x3 -> sha256_hash. */
    static final class DnsScenario {
        final FakeZeek z;
        final long slow;
        final long dns;
        final long event;
        final long hashit;
        final long sha;
        final long eventFrame;
        final long innermost;

        DnsScenario(Layout layout) {
            z = new FakeZeek(layout);
            dns = z.cString(DNS);
            slow = z.cString(SLOW);
            long bodyA = z.node(dns, 100, 120);
            long bodyB = z.node(slow, 20, 30);
            event = z.func("dns_request", 0, 1, bodyA, bodyB);
            hashit = z.func("SlowDNS::hashit", 0, 0, z.node(slow, 5, 12));
            sha = z.func("sha256_hash", 1, 0);
            eventFrame = z.push(0, event, true);
            z.setNextStmt(eventFrame, z.node(slow, 22, 22));
            long f1 = z.push(z.node(slow, 22, 22), hashit, true);
            z.setNextStmt(f1, z.node(slow, 8, 8));
            long f2 = z.push(z.node(slow, 8, 8), hashit, true);
            z.setNextStmt(f2, z.node(slow, 8, 8));
            innermost = z.push(z.node(slow, 8, 8), hashit, true);
            z.setNextStmt(innermost, z.node(slow, 7, 7));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "3.1.5", "4.2.2", "5.0.10", "8.0.10", "9.0.0-rc1", "8.0.10+libc++"})
    void recursionEventBodyAndBuiltinOnTop(String version) {
        DnsScenario s = new DnsScenario(layout(version));
        StackReader reader = s.z.reader(64);
        assertEquals("SlowDNS::hashit;function;" + SLOW + ";7 | SlowDNS::hashit;function;" + SLOW + ";8 | "
                + "SlowDNS::hashit;function;" + SLOW + ";8 | dns_request;event;" + SLOW + ";22", read(reader));
        s.z.push(s.z.node(s.slow, 9, 9), s.sha, false);
        assertEquals("sha256_hash;builtin;;0 | SlowDNS::hashit;function;" + SLOW + ";9 | SlowDNS::hashit;function;"
                + SLOW + ";8 | SlowDNS::hashit;function;" + SLOW + ";8 | dns_request;event;" + SLOW + ";22", read(reader));
        assertEquals(5, reader.lastDepth());
        assertFalse(reader.lastTruncated());
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "5.0.10", "8.0.10", "9.0.0-rc1", "8.0.10+libc++"})
    void aSteadyStateSampleTakesTwoReadsAndAMovedStackThree(String version) {
        DnsScenario s = new DnsScenario(layout(version));
        s.z.reserve(16);
        s.z.sync();
        StackReader reader = s.z.reader(64);
        String expected = read(reader);
        long before = s.z.memory.syscalls();
        assertEquals(expected, read(reader));
        assertEquals(2, s.z.memory.syscalls() - before, "the headers with the entries where they were, then the frames");

        long call = s.z.node(s.slow, 9, 9);
        s.z.push(call, s.sha, false);
        String deeper = read(reader); // caches sha256_hash and the call's location
        assertEquals("sha256_hash;builtin;;0 | SlowDNS::hashit;function;" + SLOW + ";9", deeper.substring(0, deeper.indexOf(" | Slow", 30)));
        s.z.pop(false);
        assertEquals(expected, read(reader));
        s.z.push(call, s.sha, false);
        before = s.z.memory.syscalls();
        assertEquals(deeper, read(reader));
        assertEquals(2, s.z.memory.syscalls() - before, "one entry deeper than last time, inside the guessed window");

        s.z.reserve(0); // the vectors move with every change from now on
        s.z.pop(false);
        before = s.z.memory.syscalls();
        assertEquals(expected, read(reader));
        assertEquals(3, s.z.memory.syscalls() - before, "the guess missed: the entries are read on their own");
        s.z.push(call, s.sha, false);
        assertEquals(deeper, read(reader));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "6.0.9", "8.0.10", "9.0.0-rc1"})
    void builtinCallingAHookFromCppHasANullCallAtInnerDepth(String version) {
        FakeZeek z = new FakeZeek(layout(version));
        long log = z.cString(LOG);
        long write = z.func("Log::write", 0, 0, z.node(log, 300, 320));
        long bifWrite = z.func("Log::__write", 1, 0);
        long policy = z.func("Log::log_stream_policy", 0, 2, z.node(log, 50, 60));
        long ev = z.func("connection_state_remove", 0, 1, z.node(log, 900, 910));
        long evFrame = z.push(0, ev, true);
        z.setNextStmt(evFrame, z.node(log, 905, 905));
        long wf = z.push(z.node(log, 905, 905), write, true);
        z.setNextStmt(wf, z.node(log, 305, 305));
        z.push(z.node(log, 305, 305), bifWrite, false);
        long hf = z.push(0, policy, true);
        z.setNextStmt(hf, z.node(log, 52, 52));
        assertEquals("Log::log_stream_policy;hook;" + LOG + ";52 | Log::__write;builtin;;0 | Log::write;function;"
                + LOG + ";305 | connection_state_remove;event;" + LOG + ";905", read(z.reader(64)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.0.10", "8.0.10", "9.0.0-rc1"})
    void zamBodyWithoutNextStmtFallsBackToTheBodyLineMarkedApproximate(String version) {
        FakeZeek z = new FakeZeek(layout(version));
        long f = z.cString(SLOW);
        long zam = z.func("SlowDNS::compiled", 0, 0, z.node(f, 40, 49));
        long ev = z.func("zeek_init", 0, 1, z.node(f, 60, 70));
        long evFrame = z.push(0, ev, true);
        z.setNextStmt(evFrame, z.node(f, 61, 61));
        z.push(z.node(f, 61, 61), zam, true);
        assertEquals("SlowDNS::compiled;function;" + SLOW + ";40~ | zeek_init;event;" + SLOW + ";61", read(z.reader(64)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "8.0.10", "9.0.0-rc1"})
    void startupFrameAndTransientFrameAreNotFrames(String version) {
        FakeZeek z = new FakeZeek(layout(version));
        long f = z.cString(SLOW);
        long init = z.func("SlowDNS::setup", 0, 0, z.node(f, 3, 4));
        long top = z.pushFrameOnly(0);
        z.setNextStmt(top, z.node(f, 90, 90));
        long sf = z.push(z.node(f, 90, 90), init, true);
        z.setNextStmt(sf, z.node(f, 4, 4));
        assertEquals("SlowDNS::setup;function;" + SLOW + ";4", read(z.reader(64)));
        if (!z.layout.callInfoHasFrame()) {
            // g_frame_stack is pushed before call_stack: a frame of a callee not yet on call_stack.
            long other = z.func("SlowDNS::other", 0, 0, z.node(f, 80, 81));
            z.pushFrameOnly(other);
            assertEquals("SlowDNS::setup;function;" + SLOW + ";4", read(z.reader(64)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "9.0.0-rc1"})
    void deepStacksKeepTheInnermostEntries(String version) {
        FakeZeek z = new FakeZeek(layout(version));
        long f = z.cString(SLOW);
        long rec = z.func("SlowDNS::recurse", 0, 0, z.node(f, 10, 20));
        long call = z.node(f, 15, 15);
        long stmt = z.node(f, 12, 12);
        for (int i = 0; i < 100; i++) {
            long fr = z.push(i == 0 ? 0 : call, rec, true);
            z.setNextStmt(fr, i == 99 ? stmt : call);
        }
        List<ScriptFrame> out = new ArrayList<>();
        StackReader reader = z.reader(32);
        assertNull(reader.read(out));
        assertEquals(32, out.size());
        assertEquals(12, out.get(0).line());
        assertEquals(15, out.get(31).line());
        assertEquals(100, reader.lastDepth());
        assertTrue(reader.lastTruncated());
    }

    @ParameterizedTest
    @ValueSource(strings = {"3.0.1", "9.0.0-rc1"})
    void emptyStackAndBrokenMemoryAreNotExceptions(String version) {
        FakeZeek z = new FakeZeek(layout(version));
        z.sync();
        assertEquals("", read(z.reader(8)));
        StackReader unmapped = new StackReader(z.memory, z.layout, 0x7000_0000_0000L, 0, 8);
        assertEquals("error: unreadable call_stack", read(unmapped));
        z.memory.putLong(z.callStack, 0x1000_0000L);
        z.memory.putLong(z.callStack + 8, 0x0fff_0000L);
        assertEquals("error: implausible call_stack vector", read(z.reader(8)));
        z.memory.putLong(z.callStack + 8, 0x1000_0000L + 16 * 24 * 3);
        assertEquals("error: unreadable stack entry", read(z.reader(8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.0.10", "9.0.0-rc1"})
    void tornReadsAreDetectedWhenVerifying(String version) {
        DnsScenario s = new DnsScenario(layout(version));
        StackReader reader = s.z.reader(64);
        reader.setVerifyConsistency(true);
        assertFalse(read(reader).startsWith("error"));
        // A memory view that pushes a call while the sample is in progress.
        TearingMemory tearing = new TearingMemory(s.z.memory, () -> s.z.push(s.z.node(s.slow, 7, 7), s.sha, false));
        StackReader torn = new StackReader(tearing, s.z.layout, s.z.callStack, s.z.frameStack, 64);
        torn.setVerifyConsistency(true);
        assertEquals("error: torn (stack changed while read)", read(torn));
    }

    /** Runs an action after the first batch of a sample, as a running Zeek would change its stack. */
    static final class TearingMemory implements zeekspy.memory.ProcessMemory {
        private final zeekspy.memory.ProcessMemory inner;
        private Runnable action;

        TearingMemory(zeekspy.memory.ProcessMemory inner, Runnable action) {
            this.inner = inner;
            this.action = action;
        }

        @Override
        public int read(long address, byte[] dst, int offset, int length) {
            return inner.read(address, dst, offset, length);
        }

        @Override
        public void read(zeekspy.memory.ReadBatch batch) {
            inner.read(batch);
            if (action != null) {
                Runnable a = action;
                action = null;
                a.run();
            }
        }

        @Override
        public long syscalls() {
            return inner.syscalls();
        }
    }
}
