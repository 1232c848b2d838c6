package zeekspy.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parsers for durations ({@code 30}, {@code 30s}, {@code 500ms}, {@code 5m}, {@code 2h}) and sizes ({@code 64m}). */
final class Units {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)b?", Pattern.CASE_INSENSITIVE);

    private Units() {}

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.strip());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a duration (examples: 30, 30s, 500ms, 5m, 2h)");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            double seconds = switch (unit) {
                case "ms" -> n / 1000;
                case "m" -> n * 60;
                case "h" -> n * 3600;
                default -> n;
            };
            if (seconds <= 0 || seconds > 366 * 24 * 3600) {
                throw new TypeConversionException("duration must be positive and at most a year, got '" + value + "'");
            }
            return Duration.ofNanos(Math.round(seconds * 1e9));
        }
    }

    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.strip());
            if (!m.matches()) {
                throw new TypeConversionException("'" + value + "' is not a size (examples: 500k, 64m, 1g)");
            }
            long n = Long.parseLong(m.group(1));
            long bytes = switch (m.group(2).toLowerCase()) {
                case "k" -> n << 10;
                case "m" -> n << 20;
                case "g" -> n << 30;
                default -> n;
            };
            if (bytes < 1 << 20) {
                throw new TypeConversionException("size must be at least 1m, got '" + value + "'");
            }
            return bytes;
        }
    }
}
