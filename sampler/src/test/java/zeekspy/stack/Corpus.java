package zeekspy.stack;

import static zeekspy.stack.StackReaderTest.DNS;
import static zeekspy.stack.StackReaderTest.LOG;
import static zeekspy.stack.StackReaderTest.SLOW;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import zeekspy.layout.BuiltinLayouts;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutField;
import zeekspy.layout.LayoutFile;
import zeekspy.layout.StringAbi;

/**
 * Valid Zeek memory images of every shape the stack rules know, each with the stack it must
 * decode to: the seeds that hostile-memory tests mutate.
 */
final class Corpus {
    static final int MAX_DEPTH = 32;

    /** One image and its stack, rendered as {@link StackReaderTest#render}. */
    record Image(String name, FakeZeek z, String expected) {}

    /** A layout under test: a built-in table, or its libc++ variant. */
    record Family(String name, Layout layout) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Corpus() {}

    /** Every built-in table, and each one's libc++ variant. */
    static Stream<Family> families() {
        List<Family> all = new ArrayList<>();
        for (BuiltinLayouts.Table t : BuiltinLayouts.tables()) {
            all.add(new Family(t.name().replace(".layout", ""), t.layout()));
            String text = LayoutFile.format(t.layout(), null).replace("abi.string=libstdc++", "abi.string=libc++");
            Layout libcxx = LayoutFile.parse(text, t.name() + " with libc++").layout();
            if (libcxx.stringAbi() != StringAbi.LIBCXX) {
                throw new IllegalStateException("no libc++ variant of " + t.name());
            }
            all.add(new Family(t.name().replace(".layout", "") + "+libc++", libcxx));
        }
        return all.stream();
    }

    static List<Image> images(Layout layout) {
        List<Image> images = new ArrayList<>();
        images.add(dns(layout));
        images.add(logHook(layout));
        images.add(zam(layout));
        images.add(startup(layout));
        images.add(deep(layout));
        images.add(nulls(layout));
        if (layout.has(LayoutField.FRAME_CALL_LOC)) {
            images.add(callLoc(layout));
        }
        return images;
    }

    /** Recursion, an event whose body is in another file, a built-in function on top; short names. */
    static Image dns(Layout layout) {
        StackReaderTest.DnsScenario s = new StackReaderTest.DnsScenario(layout);
        s.z.push(s.z.node(s.slow, 9, 9), s.sha, false);
        return new Image("dns", s.z, "sha256_hash;builtin;;0 | SlowDNS::hashit;function;" + SLOW + ";9 | "
                + "SlowDNS::hashit;function;" + SLOW + ";8 | SlowDNS::hashit;function;" + SLOW + ";8 | "
                + "dns_request;event;" + SLOW + ";22");
    }

    /** A built-in function calling a hook from C++ (null call); names longer than any inline buffer. */
    static Image logHook(Layout layout) {
        FakeZeek z = new FakeZeek(layout);
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
        return new Image("log-hook", z, "Log::log_stream_policy;hook;" + LOG + ";52 | Log::__write;builtin;;0 | "
                + "Log::write;function;" + LOG + ";305 | connection_state_remove;event;" + LOG + ";905");
    }

    /** A body without next_stmt: the first body's line, approximate. */
    static Image zam(Layout layout) {
        FakeZeek z = new FakeZeek(layout);
        long f = z.cString(SLOW);
        long zam = z.func("SlowDNS::compiled", 0, 0, z.node(f, 40, 49));
        long ev = z.func("zeek_init", 0, 1, z.node(f, 60, 70));
        long evFrame = z.push(0, ev, true);
        z.setNextStmt(evFrame, z.node(f, 61, 61));
        z.push(z.node(f, 61, 61), zam, true);
        return new Image("zam", z, "SlowDNS::compiled;function;" + SLOW + ";40~ | zeek_init;event;" + SLOW + ";61");
    }

    /** The startup frame without a function, and (up to 8.0) a frame pushed before its entry. */
    static Image startup(Layout layout) {
        FakeZeek z = new FakeZeek(layout);
        long f = z.cString(SLOW);
        long init = z.func("SlowDNS::setup", 0, 0, z.node(f, 3, 4));
        long top = z.pushFrameOnly(0);
        z.setNextStmt(top, z.node(f, 90, 90));
        long sf = z.push(z.node(f, 90, 90), init, true);
        z.setNextStmt(sf, z.node(f, 4, 4));
        if (!layout.callInfoHasFrame()) {
            z.pushFrameOnly(z.func("SlowDNS::other", 0, 0, z.node(f, 80, 81)));
        }
        return new Image("startup", z, "SlowDNS::setup;function;" + SLOW + ";4");
    }

    /** 40 entries for a reader of depth 32: the innermost 32 are read. */
    static Image deep(Layout layout) {
        FakeZeek z = new FakeZeek(layout);
        long f = z.cString(SLOW);
        long rec = z.func("SlowDNS::recurse", 0, 0, z.node(f, 10, 20));
        long call = z.node(f, 15, 15);
        long stmt = z.node(f, 12, 12);
        for (int i = 0; i < 40; i++) {
            long fr = z.push(i == 0 ? 0 : call, rec, true);
            z.setNextStmt(fr, i == 39 ? stmt : call);
        }
        StringBuilder expected = new StringBuilder("SlowDNS::recurse;function;" + SLOW + ";12");
        for (int i = 1; i < MAX_DEPTH; i++) {
            expected.append(" | SlowDNS::recurse;function;").append(SLOW).append(";15");
        }
        return new Image("deep", z, expected.toString());
    }

    /** Null wherever Zeek allows it: no FuncType, no bodies, no location, no file name, an empty name. */
    static Image nulls(Layout layout) {
        FakeZeek z = new FakeZeek(layout);
        long outer = z.func("", 0, 0);
        z.memory.putLong(outer + layout.offset(LayoutField.FUNC_TYPE), 0);
        long inner = z.func("inner", 0, 0);
        long outerFrame = z.push(0, outer, true);
        long noLocation = z.memory.allocate(64);
        z.setNextStmt(outerFrame, noLocation);
        long innerFrame = z.push(0, inner, true);
        z.setNextStmt(innerFrame, z.node(0, 7, 7));
        z.push(0, 0, false); // an entry without a function: top-level statements
        return new Image("nulls", z, "inner;function;;7 | ;function;;0");
    }

    /** ZAM in 4.1-5.2: a frame with call_loc and no next_stmt. */
    static Image callLoc(Layout layout) {
        FakeZeek z = new FakeZeek(layout);
        long f = z.cString(SLOW);
        long zam = z.func("SlowDNS::zam", 0, 0, z.node(f, 30, 39));
        long ev = z.func("zeek_init", 0, 1, z.node(f, 60, 70));
        long evFrame = z.push(0, ev, true);
        z.setNextStmt(evFrame, z.node(f, 61, 61));
        long zf = z.push(z.node(f, 61, 61), zam, true);
        z.setCallLoc(zf, z.location(f, 33, 33));
        return new Image("call-loc", z, "SlowDNS::zam;function;" + SLOW + ";33 | zeek_init;event;" + SLOW + ";61");
    }
}
