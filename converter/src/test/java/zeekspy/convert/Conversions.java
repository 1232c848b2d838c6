package zeekspy.convert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers: convert with a given parser and read the output back. */
final class Conversions {
    private Conversions() {}

    /** Both parsers: every behaviour test runs with each. */
    static Stream<SampleSource> sources() {
        return Stream.of(new FastJfrSource(), new RecordingFileSource());
    }

    /** Converts to a file named {@code name} in {@code dir} and returns its text. */
    static String text(Path input, ConvertOptions options, SampleSource source, Path dir, String name)
            throws ConversionException, IOException {
        Path output = dir.resolve(name);
        Converter.convert(List.of(input), output, options, source);
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    static String collapsed(Path input, ConvertOptions options, SampleSource source, Path dir)
            throws ConversionException, IOException {
        return text(input, options, source, dir, "out-" + System.nanoTime() + ".collapsed");
    }
}
