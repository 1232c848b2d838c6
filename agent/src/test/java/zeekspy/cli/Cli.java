package zeekspy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the zeek-spy command line in this JVM or in a child JVM, for tests. */
final class Cli {
    record Result(int exitCode, String out, String err) {}

    private Cli() {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** Starts zeek-spy in a new JVM (for signals and crashes), output to files in {@code dir}. */
    static Process start(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:FlightRecorderOptions:stackdepth=2048", "-cp", System.getProperty("java.class.path"),
                "zeekspy.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
    }
}
