package zeekspy.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The layout tables shipped with zeek-spy (resources {@code zeekspy/layouts/*.layout}, listed in
 * {@code zeekspy/layouts/index}), one per Zeek release series, for x86_64 GCC or Clang builds
 * with libstdc++.
 */
public final class BuiltinLayouts {
    private static final String DIR = "/zeekspy/layouts/";

    /** One table and the versions it covers. */
    public record Table(String name, ZeekVersion.Range versions, Layout layout) {}

    private static volatile List<Table> tables;

    private BuiltinLayouts() {}

    /** All tables, in index order. */
    public static List<Table> tables() {
        List<Table> t = tables;
        if (t == null) {
            t = load();
            tables = t;
        }
        return t;
    }

    /** The table for {@code version} built with {@code abi}, if zeek-spy has one. */
    public static Optional<Table> find(ZeekVersion version, StringAbi abi) {
        for (Table t : tables()) {
            if (t.layout().stringAbi() == abi && t.versions().contains(version)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static List<Table> load() {
        List<Table> result = new ArrayList<>();
        for (String name : readResource("index").split("\n")) {
            name = name.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            String source = "built-in table " + name;
            LayoutFile.Parsed parsed = LayoutFile.parse(readResource(name), source);
            String range = parsed.metadata().get("zeek.versions");
            if (range == null) {
                throw new IllegalStateException(source + " lacks zeek.versions");
            }
            result.add(new Table(name, ZeekVersion.Range.parse(range), parsed.layout().validate()));
        }
        return List.copyOf(result);
    }

    private static String readResource(String name) {
        try (InputStream in = BuiltinLayouts.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
