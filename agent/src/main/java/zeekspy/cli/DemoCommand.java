package zeekspy.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zeek-spy demo}: records the bundled demo target and converts the recording, to show
 * what zeek-spy does on a machine without a busy Zeek.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Records a demo target for a few seconds and writes a JFR file, a pprof profile and an HTML"
                + " flame graph into ./zeek-spy-demo/.",
            "The target is a real zeek from PATH running examples/demo.zeek when one is installed, else the test"
                + " inferior's demo workload (examples/mini-zeek, built with g++ on first use)."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "5", description = "How long to record (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "zeek-spy-demo", description = "Where to write (default ${DEFAULT-VALUE}).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > 3600) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--duration must be 1 to 3600 seconds");
        }
        Path root = checkout();
        try {
            Files.createDirectories(out);
        } catch (java.nio.file.FileSystemException e) {
            throw new IOException("cannot create the output directory " + out + ": " + Main.problem(e), e);
        }
        List<String> target = target(root);
        List<String> args = new ArrayList<>(List.of("record", "--duration", Integer.toString(seconds), "--rate", "500",
                "--jfr", out.resolve("demo.jfr").toString(), "--pprof", out.resolve("demo.pb.gz").toString(),
                "--html", out.resolve("demo.html").toString(), "--"));
        args.addAll(target);
        int code = Main.run(args.toArray(new String[0]), spec.commandLine().getOut(), spec.commandLine().getErr());
        var err = spec.commandLine().getErr();
        if (code == 0 && !Files.isRegularFile(out.resolve("demo.html"))) {
            err.println("zeek-spy: the demo target gave no samples (its lines above say why)");
            err.flush();
            return Main.EXIT_ERROR;
        }
        if (code == 0) {
            err.println("zeek-spy: open " + out.resolve("demo.html").toAbsolutePath() + " in a browser, "
                    + out.resolve("demo.jfr") + " in JDK Mission Control, or run: go tool pprof -top -lines "
                    + out.resolve("demo.pb.gz"));
            err.flush();
        }
        return code;
    }

    /** The demo target's command line. */
    private List<String> target(Path root) throws IOException, InterruptedException {
        Path script = root.resolve("examples/demo.zeek");
        String zeek = onPath("zeek");
        if (zeek != null && Files.isRegularFile(script)) {
            return List.of(zeek, "-b", script.toString(), "SlowDNS::run_for=" + (seconds + 2) + "sec");
        }
        Path build = root.resolve("examples/mini-zeek/build");
        Process p = new ProcessBuilder("bash", root.resolve("examples/mini-zeek/build.sh").toString(), build.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IOException("cannot build the demo target (examples/mini-zeek/build.sh needs g++); install g++ or zeek");
        }
        Path bin = build.resolve("gcc/mini-zeek-8.0");
        // The inferior prints its ground truth on standard output; the demo does not need it.
        return List.of("sh", "-c", "exec \"$0\" --run " + (seconds + 2) + " --workload demo >/dev/null", bin.toString());
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** The zeek-spy checkout: from the jar's location (agent/target/zeek-spy.jar), else the working directory. */
    private static Path checkout() throws IOException {
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = jar; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve("examples/mini-zeek/build.sh"))) {
                    return p;
                }
            }
        } catch (java.net.URISyntaxException | SecurityException ignored) {
            // Fall back to the working directory.
        }
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isRegularFile(cwd.resolve("examples/mini-zeek/build.sh"))) {
            return cwd;
        }
        throw new IOException("cannot find the zeek-spy checkout (examples/mini-zeek): run the demo from it");
    }
}
