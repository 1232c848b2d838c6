package zeekspy.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import zeekspy.cli.Main;

/** {@code zeek-spy attach} errors that need no JVM to attach to. */
class AttachUsageTest {
    record Result(int exitCode, String out, String err) {}

    static Result zeekSpy(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--jvm 1|give exactly one of --zeek PID, --all, --stop or --status",
        "--jvm 1 --zeek 2 --all|give exactly one of --zeek PID, --all, --stop or --status",
        "--jvm 1 --stop --status|give exactly one of --zeek PID, --all, --stop or --status",
        "--jvm 1 --stop --rate 5|--rate goes with --zeek or --all, not with --stop",
        "--jvm 1 --status --nonblocking|--nonblocking goes with --zeek or --all, not with --status",
        "--jvm 1 --zeek 0|--zeek must be a positive process id, got 0",
        "--jvm 1 --zeek 2 --zeek 2|--zeek names a process twice",
        "--jvm 1 --all --rate 0|--rate must be above 0 and at most 10000, got 0",
        "--jvm 1 --all --max-depth 0|--max-depth must be between 1 and 100000, got 0",
        "--zeek 2|Missing required option: '--jvm=JVMPID'",
    })
    void usageErrorsExitWith2(String args, String message) {
        Result r = zeekSpy(("attach " + args).split(" "));
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertEquals("zeek-spy: " + message + " (see 'zeek-spy attach --help')", r.err().strip());
    }

    @Test
    void aProcessThatIsNotAJvmGetsNoSignal() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            Result r = zeekSpy("attach", "--jvm", Long.toString(sleep.pid()), "--zeek", "1");
            assertEquals(Main.EXIT_ERROR, r.exitCode());
            assertEquals("zeek-spy: process " + sleep.pid() + " (sleep) is not a Java virtual machine (no libjvm.so in its"
                    + " memory)", r.err().strip());
            Thread.sleep(100);
            assertTrue(sleep.isAlive());
        } finally {
            sleep.destroy();
        }
    }

    @Test
    void otherProcessesThatCannotBeAttached() {
        Result own = zeekSpy("attach", "--jvm", Long.toString(ProcessHandle.current().pid()), "--status");
        assertEquals(Main.EXIT_ERROR, own.exitCode());
        assertEquals("zeek-spy: process " + ProcessHandle.current().pid() + " is zeek-spy itself; give the pid of another JVM",
                own.err().strip());
        Result none = zeekSpy("attach", "--jvm", "999999999", "--stop");
        assertEquals(Main.EXIT_ERROR, none.exitCode());
        assertEquals("zeek-spy: no process with pid 999999999", none.err().strip());
    }
}
