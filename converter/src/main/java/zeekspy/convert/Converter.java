package zeekspy.convert;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Converts JFR recordings of zeek-spy (or any event type with stack traces) to pprof, an HTML
 * flame graph, collapsed stacks or a top table. Several inputs are merged into one output.
 *
 * <pre>{@code
 * ConversionSummary summary = Converter.convert(List.of(Path.of("zeek.jfr")), Path.of("zeek.pb.gz"),
 *         ConvertOptions.defaults().withGranularity(Granularity.FUNCTIONS));
 * }</pre>
 */
public final class Converter {
    private Converter() {}

    /**
     * Converts {@code inputs} into the file {@code output}, in the format of the options or else
     * of the file name. A null {@code output} writes to standard output (the top table unless the
     * options name another format).
     */
    public static ConversionSummary convert(List<Path> inputs, Path output, ConvertOptions options)
            throws ConversionException {
        if (output == null) {
            ConvertOptions toStdout = options.format() == null ? options.withFormat(OutputFormat.TOP) : options;
            return convert(inputs, System.out, toStdout);
        }
        return convert(inputs, output, options, JfrStackReader.defaultSource());
    }

    /** Like {@link #convert(List, Path, ConvertOptions)}, parsing with {@code source}: tests compare parsers. */
    static ConversionSummary convert(List<Path> inputs, Path output, ConvertOptions options, SampleSource source)
            throws ConversionException {
        OutputFormat format = options.format() != null ? options.format() : OutputFormat.fromFileName(output);
        checkWritable(output);
        StackProfile profile = read(inputs, options, source);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
            write(profile, format, options, out);
        } catch (IOException e) {
            throw new ConversionException("cannot write " + output + ": " + JfrStackReader.oneLine(e), e);
        }
        return summary(profile, format, output);
    }

    /** Converts {@code inputs} into {@code out} (left open) in the format the options name. */
    public static ConversionSummary convert(List<Path> inputs, OutputStream out, ConvertOptions options)
            throws ConversionException {
        if (options.format() == null) {
            throw new ConversionException("name an output format to write to a stream");
        }
        StackProfile profile = read(inputs, options, JfrStackReader.defaultSource());
        try {
            write(profile, options.format(), options, out);
            out.flush();
        } catch (IOException e) {
            throw new ConversionException("cannot write the output: " + JfrStackReader.oneLine(e), e);
        }
        return summary(profile, options.format(), null);
    }

    private static StackProfile read(List<Path> inputs, ConvertOptions options, SampleSource source)
            throws ConversionException {
        if (inputs.isEmpty()) {
            throw new ConversionException("no input recordings");
        }
        JfrStackReader reader = new JfrStackReader(options, source);
        List<String> recovered = new ArrayList<>();
        for (Path input : inputs) {
            Path copy = recoveredCopy(input);
            try {
                reader.read(copy == null ? input : copy);
                if (copy != null) {
                    recovered.add(input + " was not finished (the recording process died): read the chunks JFR had"
                            + " flushed, up to about a second before it died");
                }
            } finally {
                deleteRecovered(copy);
            }
        }
        StackProfile profile = reader.finish();
        profile.warnings.addAll(0, recovered);
        return profile;
    }

    /**
     * A readable copy of an input that JFR did not finish (a repository directory, zeek-spy's
     * {@code .part} directory, a cut-short file), named like the recording; null for a
     * finished recording.
     */
    private static Path recoveredCopy(Path input) throws ConversionException {
        try {
            boolean directory = Files.isDirectory(input);
            if (!directory && !(Files.isRegularFile(input) && RecordingRecovery.isUnfinished(input))) {
                return null;
            }
            String name = input.toAbsolutePath().normalize().getFileName().toString();
            name = name.endsWith(".jfr.part") ? name.substring(0, name.length() - 5) : name.endsWith(".jfr") ? name : name + ".jfr";
            Path copy = Files.createTempDirectory("zeek-spy-recovered-").resolve(name);
            try {
                RecordingRecovery.recover(input, copy);
            } catch (IOException | RuntimeException e) {
                deleteRecovered(copy);
                throw e;
            }
            return copy;
        } catch (IOException e) {
            throw new ConversionException(input + " cannot be read: " + JfrStackReader.oneLine(e), e);
        }
    }

    private static void deleteRecovered(Path copy) {
        if (copy == null) {
            return;
        }
        try {
            Files.deleteIfExists(copy);
            Files.deleteIfExists(copy.getParent());
        } catch (IOException ignored) {
            // A temporary file left behind; the conversion itself succeeded.
        }
    }

    private static void write(StackProfile profile, OutputFormat format, ConvertOptions options, OutputStream out)
            throws IOException {
        switch (format) {
            case PPROF_GZ: {
                GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
                new PprofWriter(profile).write(gzip);
                gzip.finish();
                break;
            }
            case PPROF:
                new PprofWriter(profile).write(out);
                break;
            default: {
                Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                if (format == OutputFormat.HTML) {
                    new HtmlWriter(profile, options.reverse(), title(profile, options)).write(writer);
                } else if (format == OutputFormat.COLLAPSED) {
                    new CollapsedWriter(profile).write(writer);
                } else {
                    new TopWriter(profile).write(writer);
                }
                writer.flush();
            }
        }
    }

    private static String title(StackProfile profile, ConvertOptions options) {
        if (options.title() != null) {
            return options.title();
        }
        return "zeek-spy: " + profile.totalCount() + " " + profile.event + " samples from "
                + String.join(", ", profile.inputNames);
    }

    private static void checkWritable(Path output) throws ConversionException {
        if (Files.isDirectory(output)) {
            throw new ConversionException("cannot write " + output + ": it is a directory");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ConversionException("cannot write " + output + ": no directory " + parent);
        }
        if (Files.exists(output) ? !Files.isWritable(output) : parent != null && !Files.isWritable(parent)) {
            throw new ConversionException("cannot write " + output + ": permission denied");
        }
    }

    private static ConversionSummary summary(StackProfile profile, OutputFormat format, Path output) {
        return new ConversionSummary(profile.event, format, output, profile.samplesRead, profile.samplesWritten,
                profile.distinctStacks(), Collections.unmodifiableMap(new TreeMap<>(profile.eventTypes)),
                List.copyOf(profile.warnings));
    }
}
