package zeekspy.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text format of layouts: {@code key=value} lines, {@code #} comments. The same format is
 * used by the built-in tables, the cache, {@code zeek-spy layout --output} and {@code --layout}.
 *
 * <p>Keys are {@link LayoutField#key()}s, {@code symbol.call_stack}, {@code symbol.g_frame_stack}
 * ({@code -} when absent), {@code symbol.version}, {@code abi.string}, and descriptive keys kept
 * as metadata: {@code zeek.version}, {@code zeek.versions} (a table's version range),
 * {@code build.id}, {@code compiler}, {@code source}.
 */
public final class LayoutFile {
    private static final String SYMBOL_CALL_STACK = "symbol.call_stack";
    private static final String SYMBOL_FRAME_STACK = "symbol.g_frame_stack";
    private static final String SYMBOL_VERSION = "symbol.version";
    private static final String ABI_STRING = "abi.string";
    private static final int MAX_BYTES = 64 * 1024;

    private LayoutFile() {}

    /** A parsed layout file: the layout and its descriptive keys. */
    public record Parsed(Layout layout, Map<String, String> metadata) {}

    public static Parsed read(Path file, String source) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new LayoutException(file + " is not a layout file (larger than " + MAX_BYTES + " bytes)");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), source);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new LayoutException(file + " is not a layout file (not UTF-8 text)", e);
        } catch (NoSuchFileException e) {
            throw new LayoutException("no such layout file: " + file, e);
        } catch (FileSystemException e) {
            throw new LayoutException("cannot read layout file " + file + ": "
                    + (e instanceof AccessDeniedException ? "permission denied"
                            : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()), e);
        } catch (IOException e) {
            throw new LayoutException("cannot read layout file " + file + ": " + e.getMessage(), e);
        }
    }

    public static Parsed read(InputStream in, String source) throws IOException {
        return parse(new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8), source);
    }

    /**
     * Parses layout text.
     *
     * @param source names the text in error messages and becomes the layout's source
     */
    public static Parsed parse(String text, String source) {
        Layout.Builder b = new Layout.Builder();
        Map<String, String> meta = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new LayoutException(source + " line " + (i + 1) + ": expected key=value, got '" + abbreviate(line) + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            LayoutField field = LayoutField.byKey(key);
            if (field != null) {
                long n;
                try {
                    n = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new LayoutException(source + " line " + (i + 1) + ": " + key + " must be an integer, got '"
                            + abbreviate(value) + "'");
                }
                if (n < -1) {
                    throw new LayoutException(source + " line " + (i + 1) + ": " + key + " must be 0 or more (-1: absent),"
                            + " got " + n);
                }
                b.set(field, n);
                continue;
            }
            switch (key) {
                case SYMBOL_CALL_STACK -> b.callStackSymbol(value);
                case SYMBOL_FRAME_STACK -> b.frameStackSymbol(value.equals("-") ? null : value);
                case SYMBOL_VERSION -> b.versionSymbol(value);
                case ABI_STRING -> {
                    try {
                        b.stringAbi(StringAbi.byKey(value));
                    } catch (LayoutException e) {
                        throw new LayoutException(source + " line " + (i + 1) + ": " + e.getMessage());
                    }
                }
                default -> {
                    if (!key.matches("[A-Za-z0-9_.]+")) {
                        throw new LayoutException(source + " line " + (i + 1) + ": bad key '" + abbreviate(key) + "'");
                    }
                    meta.put(key, value);
                }
            }
        }
        return new Parsed(b.build(source), meta);
    }

    /** Renders a layout, with optional descriptive keys first. */
    public static String format(Layout layout, Map<String, String> metadata) {
        StringBuilder sb = new StringBuilder("# zeek-spy layout\n");
        sb.append("# source: ").append(layout.source()).append('\n');
        if (metadata != null) {
            metadata.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        }
        sb.append(ABI_STRING).append('=').append(layout.stringAbi().key()).append('\n');
        sb.append(SYMBOL_CALL_STACK).append('=').append(layout.callStackSymbol()).append('\n');
        sb.append(SYMBOL_FRAME_STACK).append('=')
                .append(layout.frameStackSymbol() == null ? "-" : layout.frameStackSymbol()).append('\n');
        sb.append(SYMBOL_VERSION).append('=').append(layout.versionSymbol()).append('\n');
        for (LayoutField f : LayoutField.values()) {
            sb.append(f.key()).append('=').append(layout.get(f)).append('\n');
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
