package zeekspy.convert;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A small zeek-format recording whose content every test knows: two worker processes, script,
 * built-in, idle and native samples, one function at two lines, a name with characters the
 * JVM forbids, and samples the sampler cut short. Period 10 ms.
 */
final class StandardRecording {
    static final long PERIOD = 10_000_000L;
    static final String SITE = "/zeek/base/utils/site.zeek";
    static final String LOCAL = "/zeek/site/local.zeek";
    static final String CONN = "/zeek/base/protocols/conn/main.zeek";
    static final String LOG = "/zeek/base/frameworks/logging/main.zeek";
    static final String ODD_FILE = "/zeek/odd dir/x.zeek";
    /** A Zeek name with every character {@link ZeekJfrFormat#encodeMethodName} replaces. */
    static final String ODD_NAME = "Odd.name;with<chars>[x]/y";

    /** Samples per stack; the collapsed lines are in {@link #COLLAPSED}. */
    static final int INIT_SITE42_FMT = 30;
    static final int INIT_SITE43 = 10;
    static final int CONN_LOG = 20;
    static final int IDLE = 5;
    static final int NATIVE = 4;
    static final int ODD = 3;
    static final int CUT = 2;
    static final int ALL = INIT_SITE42_FMT + INIT_SITE43 + CONN_LOG + IDLE + NATIVE + ODD + CUT;

    /** The collapsed output with default options (no idle samples), sorted. */
    static final String COLLAPSED = String.join("\n",
            "<empty_call_stack>;<native> 4",
            "Odd.name\u037ewith<chars>[x]/y (/zeek/odd dir/x.zeek:7) 3",
            "[truncated];connection_state_remove (" + CONN + ":120);Log::write (" + LOG + ":300) 2",
            "connection_state_remove (" + CONN + ":120);Log::write (" + LOG + ":300) 20",
            "zeek_init (" + LOCAL + ":10);Site::is_local_addr (" + SITE + ":42);fmt 30",
            "zeek_init (" + LOCAL + ":10);Site::is_local_addr (" + SITE + ":43) 10") + "\n";

    private StandardRecording() {}

    static Path write(Path file) throws IOException {
        return ZeekRecordingGenerator.record(file, g -> {
            int init = g.frame(LOCAL, "zeek_init", 10);
            int site42 = g.frame(SITE, "Site::is_local_addr", 42);
            int site43 = g.frame(SITE, "Site::is_local_addr", 43);
            int fmt = g.frame(ZeekJfrFormat.BUILTIN_FILE, "fmt", 0);
            int conn = g.frame(CONN, "connection_state_remove", 120);
            int log = g.frame(LOG, "Log::write", 300);
            int empty = g.frame(ZeekJfrFormat.SYNTHETIC_FILE, ZeekJfrFormat.EMPTY_CALL_STACK, 0);
            int idle = g.frame(ZeekJfrFormat.SYNTHETIC_FILE, ZeekJfrFormat.IDLE_FRAME, 0);
            int nat = g.frame(ZeekJfrFormat.SYNTHETIC_FILE, ZeekJfrFormat.NATIVE_FRAME, 0);
            int odd = g.frame(ODD_FILE, ODD_NAME, 7);
            // Interleaved, as samples of several processes arrive.
            for (int i = 0; i < 30; i++) {
                g.sample(100, "worker-1", PERIOD, init, site42, fmt);
                if (i < INIT_SITE43) {
                    g.sample(100, "worker-1", PERIOD, init, site43);
                }
                if (i < CONN_LOG) {
                    g.sample(200, "worker-2", PERIOD, conn, log);
                }
                if (i < IDLE) {
                    g.sample(200, "worker-2", "idle", PERIOD, empty, idle);
                }
                if (i < NATIVE) {
                    g.sample(100, "worker-1", "native", PERIOD, empty, nat);
                }
                if (i < ODD) {
                    g.sample(300, "", PERIOD, odd);
                }
                if (i < CUT) {
                    g.sampleWithDepth(200, "worker-2", "script", PERIOD, 9, conn, log);
                }
            }
        });
    }
}
