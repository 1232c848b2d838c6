package zeekspy.cli;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code zeek-spy} command line. */
@Command(name = "zeek-spy",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Sampling profiler for the scripts of the Zeek network security monitor.")
public final class Main implements Runnable {

    /** The subcommands in the order of the help, each made on demand. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

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
        // picocli reflects on every class of the tree: build only the subcommand that runs (a third
        // of the start-up of a short 'convert'), all of them for the help and for unknown names.
        String named = args.length > 0 && !args[0].equals("help") ? args[0] : null;
        SUBCOMMANDS.forEach((name, make) -> {
            if (named == null || named.equals(name) || !SUBCOMMANDS.containsKey(named)) {
                cl.addSubcommand(name, make.get());
            }
        });
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(Path.class, Main::path);
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

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("demo", DemoCommand::new);
        m.put("record", RecordCommand::new);
        m.put("recover", RecoverCommand::new);
        m.put("convert", ConvertCommand::new);
        m.put("attach", AttachCommand::new);
        m.put("dump", DumpCommand::new);
        m.put("layout", LayoutCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        return m;
    }

    /** A file name option or parameter: any path but the empty one, which would mean the working directory. */
    private static Path path(String value) {
        if (value.isEmpty()) {
            throw new CommandLine.TypeConversionException("an empty file name");
        }
        return Path.of(value);
    }

    /** The one-line message for a failure: the message of the failure, or of its first cause that has one. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException f) {
                return fileProblem(f);
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                String m = oneLine(t.getMessage());
                return t instanceof OutOfMemoryError ? "out of memory: " + m : m;
            }
        }
        return e.getClass().getSimpleName();
    }

    /** A file system error as "FILE: what went wrong"; the JDK's message is often just the file name. */
    static String fileProblem(FileSystemException e) {
        return (e.getFile() == null ? "" : e.getFile() + ": ") + problem(e);
    }

    /** What went wrong in a file system error, without the file name. */
    static String problem(FileSystemException e) {
        String problem;
        if (e instanceof NoSuchFileException) {
            problem = "no such file or directory";
        } else if (e instanceof AccessDeniedException) {
            problem = "permission denied";
        } else if (e instanceof NotDirectoryException) {
            problem = "not a directory";
        } else if (e instanceof FileAlreadyExistsException) {
            problem = "a file of that name exists";
        } else {
            problem = e.getReason() == null ? e.getClass().getSimpleName() : oneLine(e.getReason());
        }
        return problem + (e.getOtherFile() == null ? "" : " (" + e.getOtherFile() + ")");
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"zeek-spy " + (v == null ? "(development build)" : v)};
        }
    }
}
