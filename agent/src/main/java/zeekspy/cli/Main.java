package zeekspy.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code zeek-spy} command line. */
@Command(name = "zeek-spy",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Sampling profiler for the scripts of the Zeek network security monitor.",
        subcommands = {DemoCommand.class, RecordCommand.class, RecoverCommand.class, ConvertCommand.class, AttachCommand.class, DumpCommand.class, LayoutCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit code of a failed command (bad input, unreadable process, ...). */
    public static final int EXIT_ERROR = 1;
    /** Exit code of a command line that does not parse. */
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--continuous") && !SrSignal.usr2Free()) {
            try {
                System.exit(SrSignal.relaunch(args));
            } catch (Exception e) {
                System.err.println("zeek-spy: cannot start a JVM for --continuous: " + describe(e));
                System.exit(EXIT_ERROR);
            }
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit code. Every failure is one line on {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("zeek-spy: " + oneLine(e.getMessage()) + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            err.println("zeek-spy: " + describe(e));
            if (Boolean.getBoolean("zeekspy.debug")) {
                e.printStackTrace(err);
            }
            return EXIT_ERROR;
        });
        return cl.execute(args);
    }

    /** The one-line message for a failure: the message of the failure, or of its first cause that has one. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                String m = oneLine(t.getMessage());
                return t instanceof OutOfMemoryError ? "out of memory: " + m : m;
            }
        }
        return e.getClass().getSimpleName();
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"zeek-spy " + (v == null ? "(development build)" : v)};
        }
    }
}
