package zeekspy.layout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import zeekspy.symbols.ElfFile;
import zeekspy.symbols.ElfSection;
import zeekspy.symbols.ElfSymbol;

/**
 * A Zeek executable as zeek-spy sees it: its version, compiler, C++ library, build-id and the
 * symbols of the script stacks. Knows nothing of offsets; see {@link LayoutResolver}.
 */
public final class ZeekBinary {
    private static final Map<String, List<String>> SYMBOL_CANDIDATES = loadSymbolCandidates();
    private static final int MAX_VERSION = 128;

    private final ElfFile elf;
    private final String version;
    private final String compiler;
    private final StringAbi stringAbi;
    private final String buildId;
    private final ElfSymbol callStack;
    private final ElfSymbol frameStack;

    private ZeekBinary(ElfFile elf, String version, String compiler, StringAbi stringAbi, String buildId,
                       ElfSymbol callStack, ElfSymbol frameStack) {
        this.elf = elf;
        this.version = version;
        this.compiler = compiler;
        this.stringAbi = stringAbi;
        this.buildId = buildId;
        this.callStack = callStack;
        this.frameStack = frameStack;
    }

    /**
     * Identifies the Zeek in {@code elf}.
     *
     * @param what how to name the binary in messages, e.g. {@code process 42 (/usr/bin/zeek)}
     * @throws LayoutException if it is not Zeek (naming the missing symbol)
     */
    public static ZeekBinary identify(ElfFile elf, String what) throws IOException {
        ElfSymbol callStack = firstSymbol(elf, "symbol.call_stack");
        if (callStack == null) {
            throw new LayoutException(what + " is not Zeek: it has no call_stack symbol ("
                    + String.join(" or ", SYMBOL_CANDIDATES.get("symbol.call_stack")) + ")");
        }
        ElfSymbol versionSymbol = firstSymbol(elf, "symbol.version");
        if (versionSymbol == null) {
            throw new LayoutException(what + " is not Zeek: it has no 'version' symbol");
        }
        String version = readCString(elf, versionSymbol.value());
        if (version == null) {
            throw new LayoutException(what + ": cannot read Zeek's version string from the file");
        }
        return new ZeekBinary(elf, version, compilerOf(elf), stringAbiOf(elf), elf.buildId().orElse(null), callStack,
                firstSymbol(elf, "symbol.g_frame_stack"));
    }

    public ElfFile elf() {
        return elf;
    }

    /** The {@code version} string, e.g. {@code 8.0.10} or {@code 9.0.0-rc1}. */
    public String version() {
        return version;
    }

    /** The compiler from {@code .comment}, e.g. {@code GCC 12.2.0} or {@code clang 14.0.6}; "unknown" without. */
    public String compiler() {
        return compiler;
    }

    public StringAbi stringAbi() {
        return stringAbi;
    }

    /** The GNU build-id in hex, or null. */
    public String buildId() {
        return buildId;
    }

    public ElfSymbol callStackSymbol() {
        return callStack;
    }

    /** {@code g_frame_stack}, or null (Zeek 8.1+). */
    public ElfSymbol frameStackSymbol() {
        return frameStack;
    }

    /** Descriptive keys written with a layout: version, build-id, compiler. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("zeek.version", version);
        if (buildId != null) {
            m.put("build.id", buildId);
        }
        m.put("compiler", compiler);
        return m;
    }

    private static ElfSymbol firstSymbol(ElfFile elf, String key) throws IOException {
        for (String name : SYMBOL_CANDIDATES.get(key)) {
            Optional<ElfSymbol> s = elf.symbol(name);
            if (s.isPresent() && s.get().isDefined()) {
                return s.get();
            }
        }
        return null;
    }

    /** A NUL-terminated string at virtual address {@code address} in the file's loaded sections. */
    private static String readCString(ElfFile elf, long address) throws IOException {
        for (ElfSection s : elf.sections()) {
            if (s.address() != 0 && s.hasFileData() && !s.isCompressed()
                    && address >= s.address() && address < s.address() + s.size()) {
                ByteBuffer data = elf.sectionData(s);
                int start = (int) (address - s.address());
                int limit = Math.min(data.limit(), start + MAX_VERSION);
                for (int i = start; i < limit; i++) {
                    if (data.get(i) == 0) {
                        byte[] bytes = new byte[i - start];
                        data.get(start, bytes);
                        return new String(bytes, StandardCharsets.UTF_8);
                    }
                }
                return null;
            }
        }
        return null;
    }

    private static String compilerOf(ElfFile elf) throws IOException {
        String gcc = null;
        for (String c : elf.comments()) {
            // Clang-built binaries also carry GCC's note from the C runtime's start files.
            int clang = c.indexOf("clang version ");
            if (clang >= 0) {
                return "clang " + c.substring(clang + 14).split(" ")[0];
            }
            if (c.startsWith("GCC: ") && gcc == null) {
                String[] words = c.trim().split(" ");
                gcc = "GCC " + words[words.length - 1];
            }
        }
        return gcc != null ? gcc : "unknown";
    }

    private static StringAbi stringAbiOf(ElfFile elf) throws IOException {
        Optional<ByteBuffer> dynstr = elf.sectionData(".dynstr");
        if (dynstr.isPresent()) {
            ByteBuffer b = dynstr.get();
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            if (text.contains("libc++.so") || text.contains("_ZNSt3__1")) {
                return StringAbi.LIBCXX;
            }
        }
        return StringAbi.LIBSTDCXX;
    }

    private static Map<String, List<String>> loadSymbolCandidates() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        DataResource.entries("/zeekspy/zeek-symbols.txt").forEach((key, value) -> {
            List<String> names = new ArrayList<>();
            for (String n : value.split("\\|")) {
                names.add(n.strip());
            }
            m.put(key, List.copyOf(names));
        });
        return m;
    }
}
