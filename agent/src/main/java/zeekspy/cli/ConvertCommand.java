package zeekspy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import zeekspy.convert.ConversionException;
import zeekspy.convert.ConversionSummary;
import zeekspy.convert.ConvertOptions;
import zeekspy.convert.Converter;
import zeekspy.convert.Granularity;
import zeekspy.convert.OutputFormat;

/** {@code zeek-spy convert}: recordings to pprof, flame graphs, collapsed stacks or a top table. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Converts JFR recordings (several are merged) into pprof (.pb.gz, .pb), an HTML flame graph"
                + " (.html), collapsed stacks (.collapsed) or a top table (.txt, or standard output with --format top).",
            "The format follows the output's extension unless --format names it."})
final class ConvertCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "Input recordings, then the output file (omit it with --format top for standard output).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", description = "pprof, pb, html, collapsed or top.")
    String format;

    @Option(names = "--functions", description = "One frame per function instead of per line.")
    boolean functions;

    @Option(names = "--lines", description = "One frame per function and line (the default).")
    boolean lines;

    @Option(names = "--from", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Drop samples before this time (ISO-8601, e.g. 2026-11-26T12:00:00Z).")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = InstantConverter.class, description = "Drop samples from this time on.")
    Instant to;

    @Option(names = "--include", paramLabel = "REGEX", description = "Keep only stacks with a frame 'function (file:line)' that matches.")
    String include;

    @Option(names = "--exclude", paramLabel = "REGEX", description = "Drop stacks with a frame that matches.")
    String exclude;

    @Option(names = "--idle", description = "Keep idle samples (dropped by default).")
    boolean idle;

    @Option(names = "--per-node", description = "Put each sample's cluster node (or pid) as the root frame.")
    boolean perNode;

    @Option(names = "--event", paramLabel = "NAME", description = "Convert another event type with stack traces,"
            + " e.g. jdk.ExecutionSample (default zeek.Sample).")
    String event;

    @Option(names = "--reverse", description = "HTML: draw an icicle graph (roots at the top).")
    boolean reverse;

    @Option(names = "--title", paramLabel = "TEXT", description = "HTML: the page title.")
    String title;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (functions && lines) {
            throw new ParameterException(spec.commandLine(), "give --functions or --lines, not both");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new ParameterException(spec.commandLine(), "--from must be before --to, got " + from + " and " + to);
        }
        ConvertOptions o = ConvertOptions.defaults().withGranularity(functions ? Granularity.FUNCTIONS : Granularity.LINES)
                .withFrom(from).withTo(to).withInclude(regex("--include", include)).withExclude(regex("--exclude", exclude))
                .withIdle(idle).withPerNode(perNode).withReverse(reverse);
        if (event != null) {
            o = o.withEvent(event);
        }
        if (title != null) {
            o = o.withTitle(title);
        }
        OutputFormat named = format == null ? null : formatNamed(format);
        if (named != null) {
            o = o.withFormat(named);
        }
        List<Path> inputs;
        Path output;
        if (named == OutputFormat.TOP && files.stream().allMatch(ConvertCommand::looksLikeRecording)) {
            inputs = files;
            output = null;
        } else {
            if (files.size() < 2) {
                throw new ParameterException(spec.commandLine(), "give the input recordings and then the output file"
                        + " (or --format top to print to standard output)");
            }
            inputs = files.subList(0, files.size() - 1);
            output = files.get(files.size() - 1);
            if (named == null) {
                formatOfName(output);
            }
        }
        for (Path in : inputs) {
            if (Files.isDirectory(in) && !RecordingRepository.holdsChunks(in)) {
                // A directory of JFR chunks (OUT.part of a killed record, a JVM's repository) reads as its recording.
                throw new IOException(in + " is a directory, not a recording");
            }
            if (!Files.isRegularFile(in) && !Files.isDirectory(in)) {
                throw new IOException("no such file: " + in);
            }
            if (output != null && Files.exists(output) && Files.isSameFile(in, output)) {
                throw new IOException("the output " + output + " is also an input: name another file");
            }
        }
        if (output != null) {
            OutputFile.checkWritable(output);
        }
        PrintWriter err = spec.commandLine().getErr();
        ConversionSummary s;
        if (output == null) {
            spec.commandLine().getOut().flush();
            s = Converter.convert(inputs, (Path) null, o);
            System.out.flush();
        } else {
            s = Converter.convert(inputs, output, o);
            err.println("zeek-spy: " + s.describe());
        }
        s.warnings().forEach(w -> err.println("zeek-spy: warning: " + w)); // e.g. a recording cut short
        err.flush();
        return 0;
    }

    private OutputFormat formatNamed(String name) {
        try {
            return OutputFormat.fromName(name);
        } catch (ConversionException e) {
            throw new ParameterException(spec.commandLine(), "--format: " + e.getMessage());
        }
    }

    private void formatOfName(Path output) {
        try {
            OutputFormat.fromFileName(output);
        } catch (ConversionException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static boolean looksLikeRecording(Path p) {
        return p.getFileName().toString().endsWith(".jfr");
    }

    private Pattern regex(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new ParameterException(spec.commandLine(), option + ": not a regular expression: " + e.getDescription());
        }
    }

    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(value);
                } catch (DateTimeParseException e2) {
                    throw new TypeConversionException("'" + value + "' is not an ISO-8601 time (e.g. 2026-11-26T12:00:00Z)");
                }
            }
        }
    }
}
