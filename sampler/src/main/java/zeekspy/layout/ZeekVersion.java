package zeekspy.layout;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Zeek release number as found in the {@code version} string ({@code 3.0.1}, {@code 8.0.10},
 * {@code 9.0.0-rc1}, {@code 4.1.0-dev.42}, {@code 6.0.4-mylocal}); suffixes belong to their
 * {@code major.minor.patch}, which is all that layouts depend on.
 */
public record ZeekVersion(int major, int minor, int patch, String text) implements Comparable<ZeekVersion> {
    private static final Pattern NUMBERS = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    /** Parses a version; throws {@link LayoutException} if the text does not start with x.y. */
    public static ZeekVersion parse(String text) {
        Matcher m = NUMBERS.matcher(text.strip());
        if (!m.matches()) {
            throw new LayoutException("'" + text + "' is not a Zeek version");
        }
        try {
            return new ZeekVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), text.strip());
        } catch (NumberFormatException e) {
            throw new LayoutException("'" + text + "' is not a Zeek version");
        }
    }

    @Override
    public int compareTo(ZeekVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c == 0 ? Integer.compare(patch, o.patch) : c;
    }

    @Override
    public String toString() {
        return text;
    }

    /**
     * An inclusive range of versions: {@code 3.0.0-3.0.1}, {@code 3.1} (every 3.1.z),
     * {@code 8.1-9.0} (8.1.0 to every 9.0.z).
     */
    public record Range(ZeekVersion low, ZeekVersion high, boolean highCoversSeries, String text) {
        public static Range parse(String text) {
            String[] parts = text.strip().split("-", 2);
            String lo = parts[0];
            String hi = parts.length == 2 ? parts[1] : parts[0];
            ZeekVersion high = ZeekVersion.parse(hi);
            boolean series = hi.chars().filter(ch -> ch == '.').count() == 1;
            return new Range(ZeekVersion.parse(lo), high, series, text.strip());
        }

        public boolean contains(ZeekVersion v) {
            if (v.compareTo(low) < 0) {
                return false;
            }
            if (highCoversSeries) {
                return v.major < high.major || (v.major == high.major && v.minor <= high.minor);
            }
            return v.compareTo(high) <= 0;
        }
    }
}
