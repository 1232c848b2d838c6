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
    private static final long MAX_SIZE = 1L << 40;

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
            if (seconds < 0.001 || seconds > 366 * 24 * 3600) {
                throw new TypeConversionException("duration must be at least 1ms and at most a year, got '" + value + "'");
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
            int shift = switch (m.group(2).toLowerCase()) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 0;
            };
            long bytes;
            try {
                bytes = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
            } catch (NumberFormatException | ArithmeticException beyondLong) {
                bytes = Long.MAX_VALUE;
            }
            if (bytes < 1 << 20 || bytes > MAX_SIZE) {
                throw new TypeConversionException("size must be at least 1m and at most 1024g, got '" + value + "'");
            }
            return bytes;
        }
    }
}
