package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/** {@code zeek-spy layout} and {@code zeek-spy dump} on the inferior, and their bad-input errors. */
class LayoutAndDumpCommandTest {

    @Test
    void layoutOfAProcessNamesVersionCompilerBuildIdSourceAndEveryOffset() {
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "9.0", ""), "--run", "20")) {
            Cli.Result r = Cli.run("layout", "--pid", Integer.toString(zeek.pid()), "--no-cache");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().startsWith("Zeek 9.0.0-rc1: process " + zeek.pid()), r.out());
            assertTrue(r.out().contains("compiler               GCC "), r.out());
            assertTrue(r.out().contains("layout source          DWARF in "), r.out());
            assertTrue(r.out().contains("CallInfo.frame         8"), r.out());
            assertTrue(r.out().contains("symbol g_frame_stack   (none: Zeek 8.1+)"), r.out());
            assertTrue(r.out().contains("call_stack address     0x"), r.out());
        }
    }

    @Test
    void layoutOutputFromADebugBuildServesTheStrippedBuild(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("zeek.layout");
        Cli.Result written = Cli.run("layout", "--exe", MiniZeek.binary("gcc", "8.0", "").toString(), "--no-cache",
                "--output", file.toString());
        assertEquals(0, written.exitCode(), written.err());
        assertTrue(Files.readString(file).contains("Frame.next_stmt=80"));
        Cli.Result used = Cli.run("layout", "--exe", MiniZeek.binary("gcc", "8.0", ".stripped").toString(),
                "--layout", file.toString());
        assertEquals(0, used.exitCode(), used.err());
        assertTrue(used.out().contains("layout source          layout file " + file), used.out());
    }

    @Test
    void dumpPrintsTheStackWithAHeaderAndJson() throws Exception {
        try (RunningInferior zeek = RunningInferior.start(MiniZeek.binary("gcc", "8.0", ""), "--checkpoints")) {
            zeek.awaitLine("checkpoint startup", 20_000);
            zeek.send("");
            zeek.awaitLine("checkpoint empty-stack", 20_000);
            zeek.send("");
            zeek.awaitLine("checkpoint event-body", 20_000);
            zeek.send("");
            zeek.awaitLine("checkpoint hook-stmt", 20_000);
            Cli.Result text = Cli.run("dump", "--pid", Integer.toString(zeek.pid()), "--no-cache");
            assertEquals(0, text.exitCode(), text.err());
            assertEquals("Zeek 8.0.10, pid " + zeek.pid() + ", layout from DWARF in " + MiniZeek.binary("gcc", "8.0", "").toRealPath() + "\n"
                    + "  DNS::log_policy (/opt/zeek/share/zeek/site/dns-policy.zeek:5)\n"
                    + "  dns_request (/opt/zeek/share/zeek/base/protocols/dns/main.zeek:481)\n", text.out());
            Cli.Result json = Cli.run("dump", "--pid", Integer.toString(zeek.pid()), "--json", "--nonblocking");
            assertEquals(0, json.exitCode(), json.err());
            assertTrue(json.out().contains("\"kind\":\"script\""), json.out());
            assertTrue(json.out().contains("{\"function\":\"DNS::log_policy\",\"kind\":\"hook\",\"file\":"
                    + "\"/opt/zeek/share/zeek/site/dns-policy.zeek\",\"line\":5,\"line_approximate\":false}"), json.out());
        }
    }

    @Test
    void badInputGivesOneLineAndANonZeroExit(@TempDir Path dir) throws Exception {
        RecordCommandTest.assertOneLineError(Cli.run("layout", "--pid", "999999"), 1, "zeek-spy: no process with pid 999999");
        RecordCommandTest.assertOneLineError(Cli.run("dump", "--pid", "999999"), 1, "zeek-spy: no process with pid 999999");
        RecordCommandTest.assertOneLineError(Cli.run("layout", "--exe", "/bin/ls"), 1,
                "zeek-spy: /bin/ls is not Zeek: it has no call_stack symbol");
        Path garbage = dir.resolve("garbage");
        Files.write(garbage, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0});
        RecordCommandTest.assertOneLineError(Cli.run("layout", "--exe", garbage.toString()), 1,
                "zeek-spy: " + garbage + " is not Zeek: ");
        RecordCommandTest.assertOneLineError(Cli.run("layout", "--exe", dir.resolve("missing").toString()), 1,
                "zeek-spy: no such file: ");
        RecordCommandTest.assertOneLineError(Cli.run("layout"), 2, "zeek-spy: Error: Missing required argument");
        Path badLayout = dir.resolve("bad.layout");
        Files.writeString(badLayout, "Func.name=seventy-two\n");
        RecordCommandTest.assertOneLineError(Cli.run("layout", "--exe", MiniZeek.binary("gcc", "8.0", ".stripped").toString(),
                "--layout", badLayout.toString()), 1, "zeek-spy: layout file " + badLayout + " line 1: Func.name must be an integer");
    }
}
