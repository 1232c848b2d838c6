package zeekspy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import zeekspy.convert.RecordingRecovery;
import zeekspy.convert.ZeekJfrFormat;

/** {@code zeek-spy recover}: a recording from the chunks a killed {@code record} left behind. */
@Command(name = "recover", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rebuilds the recording of a zeek-spy record that was killed (SIGKILL, a crash, the disk filling up)"
                + " from the JFR chunks it left in OUT.part: everything up to JFR's last flush, about a second before"
                + " it died. Also reads any JVM's JFR repository directory or a recording file cut short.",
            "Removes OUT.part once the recording is written, unless --keep."})
final class RecoverCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Parameters(index = "0", paramLabel = "DIR", description = "The OUT.part directory (or a JFR repository, or a cut-short .jfr file).")
    Path source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "OUT",
            description = "The recording to write (default: OUT for OUT.part, else DIR.jfr); must not exist.")
    Path output;

    @Option(names = "--keep", description = "Keep DIR after writing the recording.")
    boolean keep;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.exists(source)) {
            throw new IOException(source + ": no such file or directory");
        }
        Path out = output != null ? output : defaultOutput(source);
        if (Files.exists(out)) {
            throw new IOException(out + " exists: name another output file (zeek-spy recover " + source + " OUT)");
        }
        OutputFile.checkWritable(out);
        RecordingRecovery.Result r;
        try {
            r = RecordingRecovery.recover(source, out);
        } catch (IOException e) {
            if (RecordingRepository.diskFull(e)) {
                throw new IOException("disk full writing " + out + ": No space left on device; " + source + " is unchanged", e);
            }
            throw e;
        }
        for (String line : r.leftOut()) {
            err.println("zeek-spy: left out " + line);
        }
        long samples = r.events().getOrDefault(ZeekJfrFormat.SAMPLE_EVENT, 0L);
        err.printf("zeek-spy: recovered %d %s events (%d chunk%s, %s to %s%s)%n", samples, ZeekJfrFormat.SAMPLE_EVENT,
                r.chunks().size(), r.chunks().size() == 1 ? "" : "s", TIME.format(Instant.ofEpochSecond(0, r.startNanos())),
                TIME.format(Instant.ofEpochSecond(0, r.endNanos())), r.cut() ? ", up to the last flush" : "");
        err.println("zeek-spy: wrote " + out.toAbsolutePath());
        if (!keep && Files.isDirectory(source) && RecordingRepository.isRepository(source)) {
            RecordingRepository.deleteTree(source);
            err.println("zeek-spy: removed " + source);
        }
        err.flush();
        return 0;
    }

    /** OUT for OUT.part, else the source with {@code .jfr} added (for a file, {@code -recovered.jfr}). */
    static Path defaultOutput(Path source) {
        Path abs = source.toAbsolutePath().normalize();
        String name = abs.getFileName().toString();
        if (name.endsWith(".jfr" + RecordingRepository.SUFFIX)) {
            return abs.resolveSibling(name.substring(0, name.length() - RecordingRepository.SUFFIX.length()));
        }
        if (Files.isDirectory(abs)) {
            return abs.resolveSibling(name + ".jfr");
        }
        return abs.resolveSibling((name.endsWith(".jfr") ? name.substring(0, name.length() - 4) : name) + "-recovered.jfr");
    }
}
