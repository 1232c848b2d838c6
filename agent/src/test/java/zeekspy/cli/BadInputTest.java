package zeekspy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zeekspy.cli.ErrorTable.any;
import static zeekspy.cli.ErrorTable.msg;
import static zeekspy.cli.ErrorTable.v;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zeekspy.cli.ErrorTable.Case;
import zeekspy.cli.ErrorTable.Msg;
import zeekspy.cli.ErrorTable.Runner;
import zeekspy.cli.ErrorTable.Var;
import zeekspy.memory.ProcFs;
import zeekspy.testing.CProgram;
import zeekspy.testing.MiniZeek;
import zeekspy.testing.RunningInferior;

/**
 * Bad input to every command and option (processes, permissions, files, numbers, names): each
 * gives exactly one line on standard error that names the bad thing, nothing on standard output,
 * and exit code 2 for a bad command line or 1 for anything else. The cases are data
 * ({@link #cases()}); the README's error table is rendered from them.
 */
class BadInputTest {
    private static final String NOT_ZEEK = ") is not Zeek: it has no call_stack symbol (_ZN4zeek6detail10call_stackE or call_stack)";
    private static final String NO_PTRACE = "zeek-spy needs root or CAP_SYS_PTRACE (ptrace and process_vm_readv need PTRACE_MODE_ATTACH)";
    private static final String SECCOMP = "zeek-spy runs under a seccomp filter (Seccomp: 2 in /proc/self/status, e.g. a"
            + " container's default profile), which may forbid ptrace and process_vm_readv";

    /** A world-readable directory (files for the nobody cases live here too). */
    private static Path dir;
    private static RunningInferior zeek;
    private static RunningInferior tracedZeek;
    private static Process tracer;
    private static Process sleep;
    private static Process zombieParent;
    private static int zombie;
    private static Path zeekExe;
    private static Path helper;
    private static String helperProblem;
    private static Path recording;
    private static Path layout;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("zeek-spy-badinput");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        zeekExe = MiniZeek.binary("gcc", "8.0", "").toRealPath();
        zeek = RunningInferior.start(zeekExe, "--run", "600");
        sleep = new ProcessBuilder("sleep", "600").start();
        // perl, not sh: dash may reap its background child before the exec, and then there is no zombie
        zombieParent = new ProcessBuilder("perl", "-e", "my $p = fork; exit 0 unless $p; $| = 1; print \"$p\\n\"; sleep 600").start();
        zombie = Integer.parseInt(new BufferedReader(new InputStreamReader(zombieParent.getInputStream())).readLine().strip());
        helper = compileHelper();
        if (helper != null) {
            tracedZeek = RunningInferior.start(zeekExe, "--run", "600");
            tracer = new ProcessBuilder(helper.toString(), "trace", Integer.toString(tracedZeek.pid())).start();
            assertEquals("traced", new BufferedReader(new InputStreamReader(tracer.getInputStream())).readLine());
        }
        makeFiles();
        long deadline = System.currentTimeMillis() + 10_000;
        while (ProcFs.mainThreadState(zombie) != 'Z') {
            assertTrue(System.currentTimeMillis() < deadline, "process " + zombie + " became a zombie");
            Thread.sleep(10);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : new Process[] {tracer, sleep, zombieParent}) {
            if (p != null) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (RunningInferior r : new RunningInferior[] {zeek, tracedZeek}) {
            if (r != null) {
                r.close();
            }
        }
        MiniZeek.run(List.of("rm", "-rf", dir.toString()), 30);
    }

    /** The test files: recordings whole, cut and fake, layouts with every kind of error, unreadable and unwritable places. */
    private static void makeFiles() throws Exception {
        recording = dir.resolve("good.jfr");
        Cli.Result r = Cli.run("record", "--pid", Integer.toString(zeek.pid()), "--duration", "1", "--jfr", recording.toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        byte[] jfr = Files.readAllBytes(recording);
        for (int cut : new int[] {0, 3, 20, 67, 68, 1000, jfr.length / 2, jfr.length - 1}) {
            Files.write(dir.resolve("cut-" + cut + ".jfr"), java.util.Arrays.copyOf(jfr, cut));
        }
        Files.writeString(dir.resolve("text.jfr"), "not a recording\n");
        Files.copy(zeekExe, dir.resolve("elf.jfr"));
        Files.createDirectory(dir.resolve("adir"));
        Files.writeString(dir.resolve("afile"), "");
        Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\n");
        layout = dir.resolve("full.layout");
        Cli.Result l = Cli.run("layout", "--exe", zeekExe.toString(), "--no-cache", "--output", layout.toString());
        assertEquals(0, l.exitCode(), l.err());
        String full = Files.readString(layout);
        Files.writeString(dir.resolve("empty.layout"), "");
        Files.write(dir.resolve("binary.layout"), new byte[] {(byte) 0xff, (byte) 0xfe, '=', '1', '\n'});
        Files.writeString(dir.resolve("large.layout"), "#".repeat(70_000));
        Files.writeString(dir.resolve("passwd.layout"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(dir.resolve("word.layout"), "Func.name=seventy-two\n");
        Files.writeString(dir.resolve("key.layout"), "a b=1\n");
        Files.writeString(dir.resolve("abi.layout"), "abi.string=bogus\n");
        Files.writeString(dir.resolve("negative.layout"), full.replaceFirst("(?m)^Frame.next_stmt=.*$", "Frame.next_stmt=-8"));
        Files.writeString(dir.resolve("huge.layout"), full.replaceFirst("(?m)^Frame.next_stmt=.*$", "Frame.next_stmt=99999999"));
        Files.writeString(dir.resolve("symbol.layout"), full.replaceFirst("(?m)^symbol.call_stack=.*$", "symbol.call_stack=nosuch"));
        // For the nobody cases: a directory nobody may write to, one it may, files only root may read or write.
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Path rw = Files.createDirectory(dir.resolve("rw"));
        Files.setPosixFilePermissions(rw, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(dir.resolve("root-only.html"), "");
        Files.copy(recording, dir.resolve("secret.jfr"));
        Files.copy(layout, dir.resolve("secret.layout"));
        Files.copy(zeekExe, dir.resolve("secret-zeek"));
        for (String f : new String[] {"secret.jfr", "secret.layout", "secret-zeek"}) {
            Files.setPosixFilePermissions(dir.resolve(f), PosixFilePermissions.fromString("rw-------"));
        }
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (var files = Files.walk(dir, 1)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith("secret")) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    /** Every bad command line, with the message and exit code it must give. */
    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        Cases c = new Cases(cases);
        String z = Integer.toString(zeek.pid());
        // pid_max is one above the largest pid (Files.readString reads one byte of /proc/sys files).
        String nopid = Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).strip();
        String self = Long.toString(ProcessHandle.current().pid());
        String selfExe = Files.readSymbolicLink(Path.of("/proc/self/exe")).toString();
        String sleepPid = Long.toString(sleep.pid());
        String sleepExe = Files.readSymbolicLink(Path.of("/proc", sleepPid, "exe")).toString();
        String zb = Integer.toString(zombie);
        String jfr = recording.toString();
        String kthreadSkip = ProcFs.isKernelThread(2) ? null : "pid 2 is no kernel thread here (a PID namespace)";
        String kthreadName = kthreadSkip == null ? ProcFs.comm(2) : "kthreadd";

        // The command line itself.
        c.add("unknown command", 2, msg("Unmatched argument at index 0: '", v("WORD", "bogus"), "'"), "bogus");
        c.add("unknown command", 2, msg("Unknown subcommand '", v("WORD", "bogus"), "'."), "help", "bogus");
        c.add("unknown option", 2, msg("Unknown option: '", v("OPTION", "--bogus"), "'"), "--bogus");
        for (List<String> line : List.of(List.of("record", "--bogus"), List.of("layout", "--bogus"), List.of("demo", "--bogus"),
                List.of("dump", "--pid", z, "--bogus"), List.of("attach", "--jvm", self, "--bogus"),
                List.of("convert", jfr, "x.html", "--bogus"), List.of("recover", "x.part", "--bogus"))) {
            c.add("unknown option", 2, msg("Unknown option: '", v("OPTION", "--bogus"), "'"), line);
        }
        c.add("option without its value", 2, msg("Missing required parameter for option '--pid' (PID)"), "record", "--pid");
        c.add("option without its value", 2, msg("Missing required parameter for option '--rate' (HZ)"), "attach", "--jvm", self,
                "--zeek", z, "--rate");
        c.add("missing required option", 2, msg("Missing required option: '", v("OPTION", "--pid=PID"), "'"), "dump");
        c.add("missing required option", 2, msg("Missing required option: '", v("OPTION", "--jvm=JVMPID"), "'"), "attach");
        c.add("no target", 2, msg("give exactly one of --pid PID, --all, or -- ZEEK-COMMAND"), "record");
        c.add("conflicting targets", 2, msg("give exactly one of --pid PID, --all, or -- ZEEK-COMMAND"), "record", "--pid", z, "--all");
        c.add("conflicting targets", 2, msg("give exactly one of --pid PID, --all, or -- ZEEK-COMMAND"), "record", "--all", "--",
                "sleep", "1");
        c.add("no target", 2, msg("Error: Missing required argument (specify one of these): (--pid=PID | --exe=FILE)"), "layout");
        c.add("conflicting targets", 2, msg("Error: --pid=PID, --exe=FILE are mutually exclusive (specify only one)"), "layout",
                "--pid", z, "--exe", zeekExe.toString());
        c.add("no target", 2, msg("give exactly one of --zeek PID, --all, --stop or --status"), "attach", "--jvm", self);
        c.add("conflicting targets", 2, msg("give exactly one of --zeek PID, --all, --stop or --status"), "attach", "--jvm", self,
                "--stop", "--status");
        c.add("start option with --stop or --status", 2, msg(v("OPTION", "--rate"), " goes with --zeek or --all, not with ",
                v("ACTION", "--stop")), "attach", "--jvm", self, "--stop", "--rate", "5");
        c.add("--max-age or --max-size without --continuous", 2, msg(v("OPTION", "--max-age"), " goes with --continuous"),
                "record", "--pid", z, "--max-age", "1m");
        c.add("--max-age or --max-size without --continuous", 2, msg(v("OPTION", "--max-size"), " goes with --continuous"),
                "record", "--pid", z, "--max-size", "64m");
        c.add("--functions with --lines", 2, msg("give --functions or --lines, not both"), "convert", jfr, "x.html", "--functions",
                "--lines");

        // Process ids.
        for (String bad : List.of("abc", "1.5", "99999999999")) {
            c.add("pid not a number", 2, msg("Invalid value for option '--pid' (PID): '", v("VALUE", bad), "' is not an int"),
                    "record", "--pid", bad);
            c.add("pid not a number", 2, msg("Invalid value for option '--pid': '", v("VALUE", bad), "' is not an int"), "dump", "--pid", bad);
        }
        c.add("pid not a number", 2, msg("Invalid value for option '--jvm': '", v("VALUE", "x"), "' is not an int"), "attach", "--jvm", "x");
        for (String bad : List.of("0", "-5")) {
            for (String cmd : List.of("record", "dump", "layout")) {
                c.add("pid 0 or negative", 2, msg("--pid must be a positive process id, got ", v("N", bad)), cmd, "--pid", bad);
            }
            c.add("pid 0 or negative", 2, msg("--zeek must be a positive process id, got ", v("N", bad)), "attach", "--jvm", self,
                    "--zeek", bad);
            c.add("pid 0 or negative", 2, msg("--jvm must be a positive process id, got ", v("N", bad)), "attach", "--jvm", bad);
        }
        c.add("the same pid twice", 2, msg("--pid names a process twice"), "record", "--pid", z, "--pid", z);
        c.add("the same pid twice", 2, msg("--zeek names a process twice"), "attach", "--jvm", self, "--zeek", z, "--zeek", z);
        for (String cmd : List.of("record", "dump", "layout")) {
            c.add("no such process", 1, msg("no process with pid ", v("PID", nopid)), cmd, "--pid", nopid);
            c.add("zeek-spy's own pid", 1, msg("process ", v("PID", self), " (", v("EXE", selfExe), NOT_ZEEK), cmd, "--pid", self);
            c.add("a process that is not Zeek", 1, msg("process ", v("PID", sleepPid), " (", v("EXE", sleepExe), NOT_ZEEK), cmd,
                    "--pid", sleepPid);
            c.add("a zombie", 1, msg("process ", v("PID", zb), " is a zombie"), cmd, "--pid", zb);
            c.skippable("a kernel thread", 1, msg("process ", v("PID", 2), " (", v("NAME", kthreadName), ") is a kernel thread, not Zeek"),
                    kthreadSkip, cmd, "--pid", "2");
        }
        c.add("a process that is not Zeek", 1, msg("process ", any("PID"), " (", v("EXE", sleepExe), NOT_ZEEK), "record", "--",
                "sleep", "30");
        c.add("no such process", 1, msg("no process with pid ", v("PID", nopid)), "attach", "--jvm", nopid, "--zeek", z);
        c.add("zeek-spy's own pid", 1, msg("process ", v("PID", self), " is zeek-spy itself; give the pid of another JVM"), "attach",
                "--jvm", self, "--zeek", z);
        c.add("attach to a process that is not a JVM", 1, msg("process ", v("PID", sleepPid), " (", v("NAME", "sleep"),
                ") is not a Java virtual machine (no libjvm.so in its memory)"), "attach", "--jvm", sleepPid, "--zeek", z);
        c.add("attach to a process that is not a JVM", 1, msg("process ", v("PID", z), " (", v("NAME", ProcFs.comm(zeek.pid())),
                ") is not a Java virtual machine (no libjvm.so in its memory)"), "attach", "--jvm", z, "--status");
        c.add("command to start does not exist", 1, msg("cannot start ", v("PROGRAM", "/nonexistent/zeek"), ": No such file or directory"),
                "record", "--", "/nonexistent/zeek");
        c.add("command to start is not executable", 1, msg("cannot start ", v("PROGRAM", dir.resolve("script.sh")), ": Permission denied"),
                "record", "--", dir.resolve("script.sh").toString());
        c.skippable("--all with no Zeek running", 1, msg("no Zeek process is running (no process whose executable is named zeek)"),
                ProcFs.findByExeName("zeek").isEmpty() ? null : "a process named zeek runs here", "record", "--all");
        c.skippable("a process another tracer holds (debugger, other zeek-spy)", 1, msg("process ", v("PID", tracedPid()),
                " is already traced by process ", v("PID", tracer == null ? 0 : tracer.pid()), " (", v("NAME", "badinput"),
                "); only one tracer at a time: stop the debugger or the other zeek-spy"), helperProblem, "record", "--pid",
                tracedPid(), "--jfr", dir.resolve("traced.jfr").toString());
        c.skippable("a process another tracer holds (debugger, other zeek-spy)", 1, msg("process ", v("PID", tracedPid()),
                " is already traced by process ", v("PID", tracer == null ? 0 : tracer.pid()), " (", v("NAME", "badinput"),
                "); only one tracer at a time: stop the debugger or the other zeek-spy"), helperProblem, "dump", "--pid", tracedPid());

        // Numbers, durations, sizes, names.
        for (String cmd : List.of("record", "attach")) {
            List<String> target = cmd.equals("record") ? List.of("record", "--pid", z) : List.of("attach", "--jvm", self, "--zeek", z);
            for (String bad : List.of("abc", "0x10", "")) {
                c.add("--rate not a number", 2, msg("Invalid value for option '--rate': '", v("VALUE", bad), "' is not a double"),
                        with(target, "--rate", bad));
            }
            for (String bad : List.of("0", "-1", "NaN", "Infinity", "10001", "1e9")) {
                c.add("--rate out of range", 2, msg("--rate must be above 0 and at most 10000, got ",
                        v("VALUE", bad.equals("1e9") ? "1000000000" : bad)), with(target, "--rate", bad));
            }
            for (String bad : List.of("0", "-1", "100001")) {
                c.add("--max-depth out of range", 2, msg("--max-depth must be between 1 and 100000, got ", v("N", bad)),
                        with(target, "--max-depth", bad));
            }
            c.add("--max-depth not a number", 2, msg("Invalid value for option '--max-depth': '", v("VALUE", "9999999999"),
                    "' is not an int"), with(target, "--max-depth", "9999999999"));
        }
        for (String option : List.of("--duration", "--max-age")) {
            for (String bad : List.of("soon", "-1", "5x", "1e3", "2d", "")) {
                c.add("duration not a duration", 2, msg("Invalid value for option '", v("OPTION", option), "': '", v("VALUE", bad),
                        "' is not a duration (examples: 30, 30s, 500ms, 5m, 2h)"), "record", "--pid", z, "--continuous", option, bad);
            }
            for (String bad : List.of("0", "0.1ms", "0s", "9000h", "999999999999999999999h")) {
                c.add("duration 0, below 1 ms or above a year", 2, msg("Invalid value for option '", v("OPTION", option),
                        "': duration must be at least 1ms and at most a year, got '", v("VALUE", bad), "'"), "record", "--pid", z,
                        "--continuous", option, bad);
            }
        }
        for (String bad : List.of("5t", "-1m", "1.5g", "lots")) {
            c.add("size not a size", 2, msg("Invalid value for option '--max-size': '", v("VALUE", bad),
                    "' is not a size (examples: 500k, 64m, 1g)"), "record", "--pid", z, "--continuous", "--max-size", bad);
        }
        for (String bad : List.of("0", "5", "1023k", "1025g", "9999999999g", "99999999999999999999g")) {
            c.add("size below 1m or above 1024g", 2, msg("Invalid value for option '--max-size': size must be at least 1m and at most"
                    + " 1024g, got '", v("VALUE", bad), "'"), "record", "--pid", z, "--continuous", "--max-size", bad);
        }
        c.add("unknown value of an enumeration", 2, msg("Invalid value for option '--event-fields': expected one of [ALL, STANDARD,"
                + " COMPACT] (case-insensitive) but was '", v("VALUE", "BOGUS"), "'"), "record", "--pid", z, "--event-fields", "BOGUS");
        for (String bad : List.of("0", "-3", "3601")) {
            c.add("--duration out of range", 2, msg("--duration must be 1 to 3600 seconds"), "demo", "--duration", bad);
        }
        c.add("--duration not a number", 2, msg("Invalid value for option '--duration': '", v("VALUE", "5s"), "' is not an int"),
                "demo", "--duration", "5s");
        c.add("time not ISO-8601", 2, msg("Invalid value for option '", v("OPTION", "--from"), "': '", v("VALUE", "yesterday"),
                "' is not an ISO-8601 time (e.g. 2026-11-26T12:00:00Z)"), "convert", jfr, "x.html", "--from", "yesterday");
        c.add("time not ISO-8601", 2, msg("Invalid value for option '", v("OPTION", "--to"), "': '", v("VALUE", "12:00"),
                "' is not an ISO-8601 time (e.g. 2026-11-26T12:00:00Z)"), "convert", jfr, "x.html", "--to", "12:00");
        c.add("--from not before --to", 2, msg("--from must be before --to, got ", v("TIME", "2026-11-26T12:00:00Z"), " and ",
                v("TIME", "2026-11-26T11:00:00Z")), "convert", jfr, "x.html", "--from", "2026-11-26T12:00:00Z", "--to",
                "2026-11-26T11:00:00Z");
        c.add("bad regular expression", 2, msg(v("OPTION", "--include"), ": not a regular expression: ", v("WHY", "Unclosed group")),
                "convert", jfr, "x.html", "--include", "(");
        c.add("bad regular expression", 2, msg(v("OPTION", "--exclude"), ": not a regular expression: ",
                v("WHY", "Unclosed character class")), "convert", jfr, "x.html", "--exclude", "[a");
        c.add("unknown output format", 2, msg("--format: unknown output format ", v("NAME", "bogus"),
                ": use pprof, pb.gz, pb, html, collapsed or top"), "convert", jfr, "x.html", "--format", "bogus");
        for (String name : List.of("x.weird", "x", "x.jfr")) {
            c.add("output name without a known extension", 2, msg("cannot tell the output format from the name ", v("FILE", name),
                    ": use .pb.gz, .pb, .html, .collapsed or .txt, or name the format"), "convert", jfr, name);
        }
        for (String name : List.of("x.html", "x.txt", "x")) {
            c.add("--pprof name not .pb.gz or .pb", 2, msg("--pprof: the file name must end in .pb.gz or .pb, got ", v("FILE", name)),
                    "record", "--pid", z, "--pprof", name);
        }
        c.add("two outputs name the same file", 2, msg(v("OPTION", "--jfr"), " and ", v("OPTION", "--html"), " name the same file ",
                v("FILE", "./a.x")), "record", "--pid", z, "--jfr", "a.x", "--html", "./a.x");
        c.add("empty file name", 2, msg("Invalid value for option '", v("OPTION", "--jfr"), "': an empty file name"), "record",
                "--pid", z, "--jfr", "");
        c.add("empty file name", 2, msg("Invalid value for option '", v("OPTION", "--output"), "': an empty file name"), "layout",
                "--exe", zeekExe.toString(), "--output", "");
        c.add("empty file name", 2, msg("Invalid value for option '", v("OPTION", "--layout"), "': an empty file name"), "dump",
                "--pid", z, "--layout", "");
        c.add("empty file name", 2, msg("Invalid value for positional parameter at index 0..* (FILE): an empty file name"),
                "convert", "", "x.html");
        c.add("only one file", 2, msg("give the input recordings and then the output file (or --format top to print to standard"
                + " output)"), "convert", jfr);
        c.add("no file", 2, msg("Missing required parameter: 'FILE'"), "convert");
        c.add("--layout file name with a comma", 2, msg("--layout: the file name must not contain a comma"), "attach", "--jvm", self,
                "--zeek", z, "--layout", "/tmp/a,b.layout");

        // Output files.
        String outDir = dir.resolve("adir").toString();
        String underFile = dir.resolve("afile").resolve("x.html").toString();
        String missingDir = dir.resolve("afile").toString();
        c.add("output is a directory", 1, msg("cannot write ", v("FILE", outDir), ": it is a directory"), "record", "--pid", z, "--jfr", outDir);
        c.add("output is a directory", 1, msg("cannot write ", v("FILE", outDir), ": it is a directory"), "layout", "--exe",
                zeekExe.toString(), "--output", outDir);
        c.add("output is a directory", 1, msg("cannot write ", v("FILE", outDir), ": it is a directory"), "convert", jfr, outDir,
                "--format", "html");
        c.add("output in a directory that does not exist (or is a file)", 1, msg("cannot write ", v("FILE", underFile),
                ": no such directory ", v("DIR", missingDir)), "record", "--pid", z, "--html", underFile);
        c.add("output in a directory that does not exist (or is a file)", 1, msg("cannot write ", v("FILE", underFile),
                ": no such directory ", v("DIR", missingDir)), "layout", "--exe", zeekExe.toString(), "--output", underFile);
        c.add("output in a directory that does not exist (or is a file)", 1, msg("cannot write ", v("FILE", underFile),
                ": no such directory ", v("DIR", missingDir)), "convert", jfr, underFile);
        c.add("output in a directory that does not exist (or is a file)", 1, msg("cannot write ", v("FILE", underFile),
                ": no such directory ", v("DIR", missingDir)), "recover", jfr, underFile);
        for (String proc : List.of("/proc/x.jfr", "/proc/self/status", "/sys/kernel/x.jfr")) {
            c.add("output on /proc or /sys", 1, msg("cannot write ", v("FILE", proc), ": it is on a virtual file system (",
                    v("TYPE", proc.startsWith("/sys") ? "sysfs" : "proc"), ")"), "record", "--pid", z, "--jfr", proc);
        }
        c.add("output on /proc or /sys", 1, msg("cannot write ", v("FILE", "/proc/x.html"), ": it is on a virtual file system (",
                v("TYPE", "proc"), ")"), "convert", jfr, "/proc/x.html");
        c.add("output on /proc or /sys", 1, msg("cannot write ", v("FILE", "/proc/x.layout"), ": it is on a virtual file system (",
                v("TYPE", "proc"), ")"), "layout", "--exe", zeekExe.toString(), "--output", "/proc/x.layout");
        c.add("output on /proc or /sys", 1, msg("cannot write ", v("FILE", "/proc/x.jfr"), ": it is on a virtual file system (",
                v("TYPE", "proc"), ")"), "recover", jfr, "/proc/x.jfr");
        c.add("output is also an input", 1, msg("the output ", v("FILE", jfr), " is also an input: name another file"), "convert",
                jfr, jfr, "--format", "html");
        c.add("output directory cannot be created", 1, msg("cannot create the output directory ", v("DIR", missingDir),
                ": a file of that name exists"), "demo", "--out", missingDir);
        c.add("output directory cannot be created", 1, msg("cannot create the output directory ", v("DIR", "/proc/zeek-spy-demo"),
                ": no such file or directory"), "demo", "--out", "/proc/zeek-spy-demo");

        // Input recordings.
        c.add("input does not exist", 1, msg("no such file: ", v("FILE", dir.resolve("missing.jfr"))), "convert",
                dir.resolve("missing.jfr").toString(), "x.html");
        c.add("input does not exist", 1, msg("no such file: ", v("FILE", dir.resolve("missing.jfr"))), "convert", "--format", "top",
                dir.resolve("missing.jfr").toString());
        c.add("input is a directory", 1, msg(v("FILE", outDir), " is a directory, not a recording"), "convert", outDir, "x.html");
        c.add("empty recording", 1, msg(v("FILE", dir.resolve("cut-0.jfr")), " is not a JFR recording: it is empty"), "convert",
                dir.resolve("cut-0.jfr").toString(), dir.resolve("x.html").toString());
        for (String name : List.of("text.jfr", "elf.jfr", "cut-3.jfr")) {
            c.add("not a JFR recording (text, ELF, cut inside the magic)", 1, msg(v("FILE", dir.resolve(name)), " is not a JFR recording"),
                    "convert", dir.resolve(name).toString(), dir.resolve("x.html").toString());
        }
        try (var files = Files.list(dir)) {
            for (Path cut : files.filter(p -> p.getFileName().toString().matches("cut-[0-9]+\\.jfr")).sorted().toList()) {
                long size = Files.size(cut);
                if (size < 4) {
                    continue;
                }
                Var file = v("FILE", cut);
                c.add("recording cut short (in its only chunk)", 1, msg(file, " is damaged: chunk 1 at byte 0 ",
                        any("is cut short / ends past the end of the file")), "convert", cut.toString(), dir.resolve("x.html").toString());
            }
        }
        c.add("no events of the type to convert", 1, msg("no ", v("EVENT", "nosuch.Event"), " events in ", v("FILE", "good.jfr"),
                "; event types with stack traces: ", any("TYPES"), " (convert one with --event NAME)"), "convert", jfr,
                dir.resolve("x.html").toString(), "--event", "nosuch.Event");
        c.add("input does not exist", 1, msg(v("FILE", dir.resolve("missing.jfr.part")), ": no such file or directory"), "recover",
                dir.resolve("missing.jfr.part").toString());
        c.add("nothing to recover (empty file or directory)", 1, msg("nothing to recover in ", v("FILE", dir.resolve("cut-0.jfr")),
                ": no JFR chunk with flushed data"), "recover", dir.resolve("cut-0.jfr").toString());
        c.add("nothing to recover (empty file or directory)", 1, msg("nothing to recover in ", v("FILE", outDir),
                ": no JFR chunk with flushed data"), "recover", outDir);
        for (String name : List.of("text.jfr", "cut-1000.jfr")) {
            Var file = v("FILE", dir.resolve(name));
            c.add("nothing to recover (not JFR, or cut short)", 1, msg("nothing to recover in ", file,
                    ": no JFR chunk with flushed data (", any("WHY"), ")"), "recover", dir.resolve(name).toString(),
                    dir.resolve("recovered.jfr").toString());
        }
        c.add("output exists", 1, msg(v("FILE", jfr), " exists: name another output file (zeek-spy recover ", v("SOURCE", jfr),
                " OUT)"), "recover", jfr, jfr);

        // Layouts and executables.
        String e = zeekExe.toString();
        c.add("layout file does not exist", 1, msg("no such layout file: ", v("FILE", dir.resolve("missing.layout"))), "dump",
                "--pid", z, "--layout", dir.resolve("missing.layout").toString());
        c.add("layout file does not exist", 1, msg("no such layout file: ", v("FILE", dir.resolve("missing.layout"))), "layout",
                "--exe", e, "--layout", dir.resolve("missing.layout").toString());
        c.add("layout file is a directory", 1, msg("cannot read layout file ", v("FILE", outDir), ": Is a directory"), "dump",
                "--pid", z, "--layout", outDir);
        c.add("layout file not text", 1, msg(v("FILE", dir.resolve("binary.layout")), " is not a layout file (not UTF-8 text)"),
                "dump", "--pid", z, "--layout", dir.resolve("binary.layout").toString());
        c.add("layout file too large", 1, msg(v("FILE", dir.resolve("large.layout")), " is not a layout file (larger than 65536 bytes)"),
                "dump", "--pid", z, "--layout", dir.resolve("large.layout").toString());
        String lf = "layout file ";
        c.add("layout file line not key=value", 1, msg(lf, v("FILE", dir.resolve("passwd.layout")),
                " line ", v("N", 1), ": expected key=value, got '", v("LINE", "root:x:0:0:root:/root:/bin/bash"), "'"), "dump", "--pid", z, "--layout",
                dir.resolve("passwd.layout").toString());
        c.add("layout file offset not a number", 1, msg(lf, v("FILE", dir.resolve("word.layout")),
                " line ", v("N", 1), ": ", v("KEY", "Func.name"), " must be an integer, got '", v("VALUE", "seventy-two"), "'"), "layout", "--exe", e, "--layout",
                dir.resolve("word.layout").toString());
        c.add("layout file offset negative", 1, msg(lf, v("FILE", dir.resolve("negative.layout")), " line ", any("N"),
                ": ", v("KEY", "Frame.next_stmt"), " must be 0 or more (-1: absent), got ", v("VALUE", -8)), "dump", "--pid", z, "--layout",
                dir.resolve("negative.layout").toString());
        c.add("layout file offset implausible", 1, msg("layout from layout file ", v("FILE", dir.resolve("huge.layout")),
                " has an implausible ", v("KEY", "Frame.next_stmt"), "=", v("VALUE", 99999999)), "dump", "--pid", z, "--layout", dir.resolve("huge.layout").toString());
        c.add("layout file bad key", 1, msg(lf, v("FILE", dir.resolve("key.layout")), " line ", v("N", 1), ": bad key '", v("KEY", "a b"), "'"), "dump", "--pid", z,
                "--layout", dir.resolve("key.layout").toString());
        c.add("layout file unknown string ABI", 1, msg(lf, v("FILE", dir.resolve("abi.layout")),
                " line ", v("N", 1), ": unknown string ABI '", v("VALUE", "bogus"), "' (expected libstdc++ or libc++)"), "dump", "--pid", z, "--layout",
                dir.resolve("abi.layout").toString());
        c.add("layout file incomplete (or empty)", 1, msg("layout from layout file ", v("FILE", dir.resolve("empty.layout")),
                " lacks ", v("KEY", "symbol.call_stack")), "dump", "--pid", z, "--layout", dir.resolve("empty.layout").toString());
        c.add("layout file names a symbol Zeek lacks", 1, msg("process ", v("PID", z), " (", v("EXE", e), ") has no symbol ", v("SYMBOL", "nosuch"),
                ", which the layout from layout file ", v("FILE", dir.resolve("symbol.layout")), " names"), "record", "--pid", z,
                "--layout", dir.resolve("symbol.layout").toString());
        c.add("--debug-root does not exist", 1, msg("--debug-root ", v("DIR", "/nonexistent"), ": no such directory"), "dump",
                "--pid", z, "--debug-root", "/nonexistent");
        c.add("executable does not exist", 1, msg("no such file: ", v("FILE", dir.resolve("missing"))), "layout", "--exe",
                dir.resolve("missing").toString());
        c.add("executable is a directory", 1, msg(v("FILE", outDir), " is a directory, not a Zeek executable"), "layout", "--exe", outDir);
        c.add("executable not ELF", 1, msg(v("FILE", dir.resolve("text.jfr")), " is not Zeek: not an ELF file (bad magic)"), "layout",
                "--exe", dir.resolve("text.jfr").toString());
        c.add("executable not Zeek", 1, msg(v("FILE", "/bin/sh"), " is not Zeek: it has no call_stack symbol"
                + " (_ZN4zeek6detail10call_stackE or call_stack)"), "layout", "--exe", "/bin/sh");

        // Another user's process and files: zeek-spy as nobody.
        String yama = yamaSuffix();
        String rw = dir.resolve("rw").resolve("x.jfr").toString();
        for (String cmd : List.of("record", "dump", "layout")) {
            List<String> args = new ArrayList<>(List.of(cmd, "--pid", z));
            if (cmd.equals("record")) {
                args.addAll(List.of("--jfr", rw));
            }
            c.nobody("another user's process (zeek-spy not root)", 1, msg("permission denied reading process ", v("PID", z), ": ",
                    NO_PTRACE, v("[; kernel.yama.ptrace_scope is N (...)]", yama)), args.toArray(new String[0]));
        }
        String ro = dir.resolve("ro").resolve("x.jfr").toString();
        String rootOnly = dir.resolve("root-only.html").toString();
        c.nobody("output not writable (directory or file of another user)", 1, msg("cannot write ", v("FILE", ro), ": permission denied"),
                "record", "--pid", z, "--jfr", ro);
        c.nobody("output not writable (directory or file of another user)", 1, msg("cannot write ", v("FILE", rootOnly),
                ": permission denied"), "record", "--pid", z, "--jfr", rw, "--html", rootOnly);
        c.nobody("output not writable (directory or file of another user)", 1, msg("cannot write ", v("FILE", rootOnly),
                ": permission denied"), "convert", jfr, rootOnly);
        c.nobody("output not writable (directory or file of another user)", 1, msg("cannot write ", v("FILE", ro),
                ": permission denied"), "layout", "--exe", e, "--output", ro);
        c.nobody("output not writable (directory or file of another user)", 1, msg("cannot write ", v("FILE", ro),
                ": permission denied"), "recover", jfr, ro);
        c.nobody("input not readable", 1, msg(v("FILE", dir.resolve("secret.jfr")), " cannot be read: permission denied"), "convert",
                dir.resolve("secret.jfr").toString(), dir.resolve("rw").resolve("x.html").toString());
        c.nobody("layout file not readable", 1, msg("cannot read layout file ", v("FILE", dir.resolve("secret.layout")),
                ": permission denied"), "layout", "--exe", e, "--layout", dir.resolve("secret.layout").toString());
        c.nobody("executable not readable", 1, msg(v("FILE", dir.resolve("secret-zeek")), ": permission denied"), "layout",
                "--exe", dir.resolve("secret-zeek").toString());

        // The kernel forbids ptrace and process_vm_readv: a seccomp filter.
        c.seccomp("seccomp filter forbids ptrace (e.g. a container)", 1, msg("permission denied reading process ", v("PID", z), ": ",
                SECCOMP), "record", "--pid", z, "--jfr", rw);
        c.seccomp("seccomp filter forbids ptrace (e.g. a container)", 1, msg("permission denied reading process ", v("PID", z), ": ",
                SECCOMP), "dump", "--pid", z);
        c.seccomp("seccomp filter forbids ptrace (e.g. a container)", 1, msg("permission denied reading process ", v("PID", z), ": ",
                SECCOMP), "dump", "--pid", z, "--nonblocking");
        c.seccomp("seccomp filter forbids ptrace (e.g. a container)", 1, msg("permission denied reading process ", v("PID", z), ": ",
                SECCOMP), "layout", "--pid", z);
        c.seccomp("seccomp filter forbids ptrace (e.g. a container)", 1, msg("permission denied reading process ", any("PID"), ": ",
                SECCOMP), "record", "--jfr", rw, "--", e, "--run", "10");
        return cases;
    }

    private static String tracedPid() {
        return tracedZeek == null ? "0" : Integer.toString(tracedZeek.pid());
    }

    private static List<String> with(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static String yamaSuffix() {
        var scope = ProcFs.yamaPtraceScope();
        if (scope.isEmpty() || scope.getAsInt() < 1) {
            return "";
        }
        return "; kernel.yama.ptrace_scope is " + scope.getAsInt() + switch (scope.getAsInt()) {
            case 1 -> " (only descendants may be traced without CAP_SYS_PTRACE)";
            case 2 -> " (only CAP_SYS_PTRACE may trace)";
            default -> " (tracing is disabled until reboot)";
        };
    }

    /** Builds the case list tersely. */
    private record Cases(List<Case> list) {
        void add(String situation, int exit, Msg message, String... args) {
            list.add(new Case(situation, Runner.IN_PROCESS, exit, message, List.of(args), null));
        }

        void add(String situation, int exit, Msg message, List<String> args) {
            list.add(new Case(situation, Runner.IN_PROCESS, exit, message, List.copyOf(args), null));
        }

        void skippable(String situation, int exit, Msg message, String skip, String... args) {
            list.add(new Case(situation, Runner.IN_PROCESS, exit, message, List.of(args), skip));
        }

        void nobody(String situation, int exit, Msg message, String... args) {
            list.add(new Case(situation, Runner.AS_NOBODY, exit, message, List.of(args), null));
        }

        void seccomp(String situation, int exit, Msg message, String... args) {
            list.add(new Case(situation, Runner.SECCOMP, exit, message, List.of(args), helperProblem));
        }
    }

    @Test
    void everyBadCommandLineGivesOneLineAndItsExitCode() throws Exception {
        List<String> failures = new ArrayList<>();
        int ran = 0;
        for (Case c : cases()) {
            if (c.runner() == Runner.IN_PROCESS && c.skip() == null) {
                check(c, Cli.run(c.args().toArray(new String[0])), failures);
                ran++;
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + ran + " cases failed:\n" + String.join("\n", failures));
    }

    @Test
    void anotherUsersProcessesAndFilesAsNobody() throws Exception {
        Assumptions.assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"),
                "assumption: the tests run as root, so that zeek-spy can run as nobody against root's processes and files");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "assumption: setpriv (util-linux) is installed");
        List<String> prefix = List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all");
        runInOwnJvm(Runner.AS_NOBODY, prefix, readableClassPath());
    }

    @Test
    void seccompFilterForbiddingPtrace() throws Exception {
        Assumptions.assumeTrue(helperProblem == null, "assumption: " + helperProblem);
        runInOwnJvm(Runner.SECCOMP, List.of(helper.toString(), "seccomp"), System.getProperty("java.class.path"));
    }

    @Test
    void yamaPtraceScopeIsNamed() {
        Assumptions.assumeTrue(ProcFs.yamaPtraceScope().isPresent(),
                "assumption: this kernel has no Yama LSM (/proc/sys/kernel/yama/ptrace_scope), so Yama cannot forbid ptrace here;"
                        + " where it exists, the nobody cases expect its scope in the message");
        Assumptions.assumeTrue(ProcFs.yamaPtraceScope().getAsInt() >= 1, "assumption: Yama's ptrace_scope is 0 (classic ptrace)");
        assertTrue(yamaSuffix().startsWith("; kernel.yama.ptrace_scope is "), yamaSuffix());
    }

    /**
     * The README's table is the rendering of {@link #cases()}; {@code -Dzeekspy.errorTable=FILE}
     * writes it to FILE.
     */
    @Test
    void readmeErrorTableIsTheRenderingOfTheCases() throws Exception {
        String table = ErrorTable.render(cases());
        String out = System.getProperty("zeekspy.errorTable");
        if (out != null) {
            Files.writeString(Path.of(out), table);
        }
        Path readme = MiniZeek.root().resolve("README.md");
        String text = Files.readString(readme);
        int begin = text.indexOf(ErrorTable.BEGIN);
        Assumptions.assumeTrue(begin >= 0, "assumption: README.md has no error table yet (" + ErrorTable.BEGIN + ")");
        int end = text.indexOf(ErrorTable.END, begin);
        assertTrue(end > begin, "README.md: " + ErrorTable.END + " after " + ErrorTable.BEGIN);
        assertEquals(table, text.substring(begin, end + ErrorTable.END.length() + 1),
                "README.md's error table differs from the cases: run this test with -Dzeekspy.errorTable=FILE and paste FILE");
    }

    /** Runs the cases of {@code runner} in one JVM started under {@code prefix}, and one of them again as a plain zeek-spy process. */
    private static void runInOwnJvm(Runner runner, List<String> prefix, String classPath) throws Exception {
        List<Case> cases = cases().stream().filter(c -> c.runner() == runner).toList();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "-XX:-UsePerfData", "-cp", classPath, CliBatch.class.getName()));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
            for (Case c : cases) {
                in.write(String.join(CliBatch.SEPARATOR, c.args()) + "\n");
            }
        }
        // Processes zeek-spy starts write to the same standard output.
        List<String> results = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith(CliBatch.RESULT)).map(l -> l.substring(CliBatch.RESULT.length())).toList();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the batch JVM ended");
        assertEquals(cases.size(), results.size(), "one result per case: " + results);
        List<String> failures = new ArrayList<>();
        Base64.Decoder b64 = Base64.getDecoder();
        for (int i = 0; i < cases.size(); i++) {
            String[] r = results.get(i).split("\t", -1);
            check(cases.get(i), new Cli.Result(Integer.parseInt(r[0]), new String(b64.decode(r[1]), StandardCharsets.UTF_8),
                    new String(b64.decode(r[2]), StandardCharsets.UTF_8)), failures);
        }
        // The same as the zeek-spy process itself: its exit code and standard error.
        Case first = cases.get(0);
        List<String> single = new ArrayList<>(prefix);
        single.addAll(List.of(java, "-XX:-UsePerfData", "-cp", classPath, Main.class.getName()));
        single.addAll(first.args());
        Process q = new ProcessBuilder(single).directory(dir.toFile()).start();
        q.getOutputStream().close();
        String out = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(q.waitFor(60, TimeUnit.SECONDS), "zeek-spy ended");
        check(first, new Cli.Result(q.exitValue(), out, err), failures);
        assertTrue(failures.isEmpty(), failures.size() + " of " + (cases.size() + 1) + " cases failed:\n" + String.join("\n", failures));
    }

    /** One line on standard error, exactly the expected one; the exit code; nothing on standard output. */
    private static void check(Case c, Cli.Result r, List<String> failures) {
        String what = c.runner() + " zeek-spy " + String.join(" ", c.args()) + "\n    (" + c.situation() + ")";
        if (r.exitCode() != c.exit()) {
            failures.add(what + ": exit " + r.exitCode() + ", expected " + c.exit() + "; stderr: " + r.err().strip());
        } else if (!c.line().matcher(r.err()).matches()) {
            failures.add(what + ":\n    stderr   " + r.err().replace("\n", "\\n") + "\n    expected " + c.line().pattern());
        } else if (!r.out().isEmpty()) {
            failures.add(what + ": standard output: " + r.out());
        } else if (r.err().contains("Exception") || r.err().contains("\tat ")) {
            failures.add(what + ": a Java exception on standard error: " + r.err());
        }
    }

    /** Compiles badinput.c (seccomp wrapper and tracer) with gcc; null and {@link #helperProblem} set if it cannot. */
    private static Path compileHelper() throws IOException {
        try {
            return CProgram.compile(BadInputTest.class, "badinput.c", Files.createDirectory(dir.resolve("c")), "badinput", "-O1", "-Wall");
        } catch (IllegalStateException e) {
            helperProblem = "cannot compile badinput.c with gcc: " + e.getMessage();
            return null;
        }
    }

    /** This JVM's class path, copied where any user may read it (the originals may be under /root). */
    private static String readableClassPath() throws IOException {
        Path copy = Files.createDirectory(dir.resolve("classpath"));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = copy.resolve((n++) + "-" + source.getFileName());
            try (var files = Files.walk(source)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path to = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else {
                        Files.createDirectories(to.getParent());
                        Files.copy(file, to);
                    }
                }
            }
            entries.add(target.toString());
        }
        MiniZeek.run(List.of("chmod", "-R", "a+rX", copy.toString()), 60);
        return String.join(java.io.File.pathSeparator, entries);
    }
}
