package zeekspy.layout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import zeekspy.symbols.DebugFile;
import zeekspy.symbols.DebugFileLocator;
import zeekspy.symbols.DwarfFormatException;
import zeekspy.symbols.DwarfTypes;
import zeekspy.symbols.ElfFile;
import zeekspy.symbols.ElfFormatException;
import zeekspy.symbols.StructMember;
import zeekspy.symbols.StructType;

/**
 * Finds the layout of a Zeek binary, in this order: the operator's layout file; the cache,
 * by build-id; the DWARF debug info (in the binary or a separate debug file), which is then
 * cached; the built-in table for the Zeek version and C++ library.
 */
public final class LayoutResolver {

    /**
     * @param layoutFile a layout file given by the operator ({@code --layout}), or null
     * @param cache the build-id cache, or null to use none
     * @param debugRoots where separate debug files live (normally {@code /usr/lib/debug})
     */
    public record Options(Path layoutFile, LayoutCache cache, List<Path> debugRoots) {
        public static Options standard() {
            return new Options(null, LayoutCache.standard(), List.of(DebugFileLocator.DEFAULT_ROOT));
        }

        public Options withLayoutFile(Path file) {
            return new Options(file, cache, debugRoots);
        }

        public Options withCache(LayoutCache c) {
            return new Options(layoutFile, c, debugRoots);
        }

        public Options withDebugRoots(List<Path> roots) {
            return new Options(layoutFile, cache, roots);
        }
    }

    /**
     * A layout and how it was found.
     *
     * @param attempts what was tried before, e.g. {@code cache: no entry}, one line each
     * @param dwarfNanos time spent reading DWARF, 0 if it was not read
     */
    public record Resolution(Layout layout, List<String> attempts, long dwarfNanos) {}

    private final Options options;

    public LayoutResolver(Options options) {
        this.options = options;
    }

    /**
     * @param what names the binary in messages
     * @throws LayoutException with advice when no source has a layout
     */
    public Resolution resolve(ZeekBinary binary, String what) {
        List<String> attempts = new ArrayList<>();
        if (options.layoutFile() != null) {
            Path f = options.layoutFile();
            Layout l = LayoutFile.read(f, "layout file " + f).layout().validate();
            return new Resolution(l, attempts, 0);
        }
        String buildId = binary.buildId();
        if (options.cache() != null && buildId != null) {
            Optional<Layout> cached = options.cache().get(buildId);
            if (cached.isPresent()) {
                return new Resolution(cached.get(), attempts, 0);
            }
            attempts.add("cache: no entry for build-id " + buildId);
        }
        long t0 = System.nanoTime();
        try {
            Optional<Layout> fromDwarf = fromDwarf(binary, attempts);
            long dwarfNanos = System.nanoTime() - t0;
            if (fromDwarf.isPresent()) {
                Layout l = fromDwarf.get();
                if (options.cache() != null && buildId != null) {
                    options.cache().put(buildId, l, binary.metadata());
                }
                return new Resolution(l, attempts, dwarfNanos);
            }
        } catch (IOException e) {
            attempts.add("DWARF: " + e.getMessage());
        }
        ZeekVersion version;
        try {
            version = ZeekVersion.parse(binary.version());
        } catch (LayoutException e) {
            throw noLayout(binary, what, attempts, "its version string '" + binary.version() + "' is not a release number");
        }
        Optional<BuiltinLayouts.Table> table = BuiltinLayouts.find(version, binary.stringAbi());
        if (table.isPresent()) {
            Layout l = table.get().layout();
            return new Resolution(l.withSource(l.source() + " (Zeek " + table.get().versions().text() + ", "
                    + binary.stringAbi().key() + ")"), attempts, 0);
        }
        throw noLayout(binary, what, attempts, "zeek-spy has no built-in table for Zeek " + version + " with "
                + binary.stringAbi().key());
    }

    private static LayoutException noLayout(ZeekBinary binary, String what, List<String> attempts, String reason) {
        return new LayoutException("no layout for " + what + " (Zeek " + binary.version() + ", build-id "
                + (binary.buildId() == null ? "none" : binary.buildId()) + "): it has no usable debug info and "
                + reason + "; install its debug symbols (a -dbg/-debuginfo package, or build with -g) or pass --layout FILE"
                + " (made by 'zeek-spy layout --exe DEBUG_BUILD --output FILE')");
    }

    private Optional<Layout> fromDwarf(ZeekBinary binary, List<String> attempts) throws IOException {
        Optional<DebugFile> debug = new DebugFileLocator(options.debugRoots()).locate(binary.elf());
        if (debug.isEmpty()) {
            attempts.add("DWARF: no debug info in the binary, by build-id or by .gnu_debuglink");
            return Optional.empty();
        }
        DebugFile df = debug.get();
        boolean self = df.source() == DebugFile.Source.SELF;
        try (ElfFile debugElf = self ? null : ElfFile.open(df.path())) {
            ElfFile elf = self ? binary.elf() : debugElf;
            DwarfTypes dwarf = DwarfTypes.of(elf);
            Map<String, StructType> types = dwarf.find(DwarfLayoutRules.typeNames());
            Layout.Builder b = new Layout.Builder();
            String source = "DWARF in " + df.path() + (self ? "" : " (found by " + df.source().name().toLowerCase().replace('_', '-') + ")");
            DwarfLayoutRules.apply(new TypesView(types), b, source);
            applyAbi(b, binary.stringAbi());
            b.callStackSymbol(binary.callStackSymbol().name());
            b.frameStackSymbol(binary.frameStackSymbol() == null ? null : binary.frameStackSymbol().name());
            b.stringAbi(binary.stringAbi());
            return Optional.of(b.build(source).validate());
        } catch (DwarfFormatException | ElfFormatException e) {
            attempts.add("DWARF: " + e.getMessage());
            return Optional.empty();
        } catch (LayoutException e) {
            attempts.add(e.getMessage());
            return Optional.empty();
        }
    }

    /** The container offsets of the C++ library, from {@code zeekspy/abi-<library>.txt}. */
    private static void applyAbi(Layout.Builder b, StringAbi abi) {
        DataResource.entries("/zeekspy/abi-" + abi.key() + ".txt")
                .forEach((key, value) -> b.set(LayoutField.byKey(key), Long.parseLong(value)));
    }

    /** Adapts the DWARF reader's types to the rules' questions. */
    private record TypesView(Map<String, StructType> types) implements DwarfLayoutRules.Types {
        @Override
        public boolean defines(String type) {
            return types.containsKey(type);
        }

        @Override
        public long size(String type) {
            StructType t = types.get(type);
            return t == null ? -1 : t.byteSize();
        }

        @Override
        public long memberOffset(String type, String member) {
            StructType t = types.get(type);
            return t == null ? -1 : t.memberOffset(member).orElse(-1);
        }

        @Override
        public long memberSize(String type, String member) {
            StructType t = types.get(type);
            if (t == null) {
                return -1;
            }
            return t.findMember(member).map(StructMember::byteSize).orElse(-1L);
        }
    }
}
