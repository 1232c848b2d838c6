package zeekspy.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A 64-bit little-endian x86-64 ELF file ({@code ET_EXEC} or {@code ET_DYN}): sections,
 * symbols, notes and the lowest load address.
 *
 * <p>Headers are read when the file is opened and checked against the file size; section data
 * is memory-mapped when asked for, so large debug files never land on the heap whole.
 * Compressed sections ({@code SHF_COMPRESSED} with zlib, and the older {@code .zdebug_*} form)
 * are inflated transparently.
 *
 * <p>Written here rather than taken from a library: no maintained Java library reads ELF
 * together with compressed DWARF sections well enough for this purpose.
 *
 * <p>Not thread-safe.
 */
public final class ElfFile implements AutoCloseable {
    /** {@code e_type} of a fixed-address executable. */
    public static final int ET_EXEC = 2;
    /** {@code e_type} of a shared object or position-independent executable. */
    public static final int ET_DYN = 3;

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SYM_SIZE = 24;
    private static final int PT_LOAD = 1;
    private static final int EM_X86_64 = 62;
    private static final int NT_GNU_BUILD_ID = 3;
    private static final int ELFCOMPRESS_ZLIB = 1;
    private static final int ELFCOMPRESS_ZSTD = 2;
    private static final long PAGE_SIZE = 4096;
    /** zlib cannot expand more than about 1032:1; a larger claimed size is a lie. */
    private static final long MAX_INFLATE_RATIO = 1100;

    private final Path path;
    private final FileChannel channel;
    private final long fileSize;
    private final int type;
    private final List<ElfSection> sections;
    private final long lowestLoadAddress;
    private final boolean hasLoadSegment;

    private ElfFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.fileSize = channel.size();
        ByteBuffer eh = read(0, Math.min(fileSize, EHDR_SIZE), "ELF header");
        if (eh.remaining() < 4 || eh.getInt(0) != 0x464c457f) {
            throw error("not an ELF file (bad magic)");
        }
        if (eh.remaining() < EHDR_SIZE) {
            throw error("truncated ELF header (" + fileSize + " bytes)");
        }
        if (eh.get(4) != 2) {
            throw error("not a 64-bit ELF file (EI_CLASS " + eh.get(4) + ")");
        }
        if (eh.get(5) != 1) {
            throw error("not a little-endian ELF file (EI_DATA " + eh.get(5) + ")");
        }
        int machine = Short.toUnsignedInt(eh.getShort(18));
        if (machine != EM_X86_64) {
            throw error("not an x86-64 ELF file (e_machine " + machine + ")");
        }
        type = Short.toUnsignedInt(eh.getShort(16));
        if (type != ET_EXEC && type != ET_DYN) {
            throw error("unsupported ELF type " + type + " (only ET_EXEC and ET_DYN)");
        }
        long phoff = eh.getLong(32);
        long shoff = eh.getLong(40);
        int phentsize = Short.toUnsignedInt(eh.getShort(54));
        int phnum = Short.toUnsignedInt(eh.getShort(56));
        int shentsize = Short.toUnsignedInt(eh.getShort(58));
        long shnum = Short.toUnsignedInt(eh.getShort(60));
        int shstrndx = Short.toUnsignedInt(eh.getShort(62));

        long lowest = Long.MAX_VALUE;
        if (phnum > 0) {
            if (phentsize != PHDR_SIZE) {
                throw error("bad program header size " + phentsize);
            }
            ByteBuffer ph = read(phoff, (long) phnum * PHDR_SIZE, "program headers");
            for (int i = 0; i < phnum; i++) {
                if (ph.getInt(i * PHDR_SIZE) == PT_LOAD) {
                    lowest = Math.min(lowest, ph.getLong(i * PHDR_SIZE + 16));
                }
            }
        }
        hasLoadSegment = lowest != Long.MAX_VALUE;
        lowestLoadAddress = hasLoadSegment ? lowest : 0;

        if (shoff == 0) {
            sections = List.of();
            return;
        }
        if (shentsize != SHDR_SIZE) {
            throw error("bad section header size " + shentsize);
        }
        ByteBuffer first = read(shoff, SHDR_SIZE, "section header 0");
        if (shnum == 0) {
            shnum = first.getLong(32);
        }
        if (shstrndx == 0xffff) {
            shstrndx = first.getInt(40);
        }
        if (shnum > (fileSize - shoff) / SHDR_SIZE) {
            throw error("section header table (" + shnum + " entries at offset " + shoff
                    + ") runs past end of file (" + fileSize + " bytes)");
        }
        ByteBuffer sh = read(shoff, shnum * SHDR_SIZE, "section headers");
        if (shstrndx >= shnum) {
            throw error("section name table index " + shstrndx + " out of range (" + shnum + " sections)");
        }
        long[][] raw = new long[(int) shnum][];
        for (int i = 0; i < shnum; i++) {
            int b = i * SHDR_SIZE;
            long secType = Integer.toUnsignedLong(sh.getInt(b + 4));
            long offset = sh.getLong(b + 24);
            long size = sh.getLong(b + 32);
            if (secType != ElfSection.SHT_NOBITS && secType != 0
                    && (offset < 0 || size < 0 || offset > fileSize || size > fileSize - offset)) {
                throw error("section " + i + " (offset " + offset + ", size " + size
                        + ") runs past end of file (" + fileSize + " bytes)");
            }
            raw[i] = new long[] {Integer.toUnsignedLong(sh.getInt(b)), secType, sh.getLong(b + 8),
                sh.getLong(b + 16), offset, size, Integer.toUnsignedLong(sh.getInt(b + 40)),
                Integer.toUnsignedLong(sh.getInt(b + 44)), sh.getLong(b + 56)};
        }
        long[] strRaw = raw[shstrndx];
        ByteBuffer names = strRaw[1] == ElfSection.SHT_NOBITS ? ByteBuffer.allocate(0)
                : read(strRaw[4], strRaw[5], "section name table");
        List<ElfSection> list = new ArrayList<>((int) shnum);
        for (int i = 0; i < shnum; i++) {
            long[] r = raw[i];
            String name = i == 0 ? "" : cString(names, r[0], "section name table");
            list.add(new ElfSection(i, name, (int) r[1], r[2], r[3], r[4], r[5], (int) r[6], (int) r[7], r[8]));
        }
        sections = Collections.unmodifiableList(list);
    }

    /**
     * Opens and checks an ELF file.
     *
     * @throws ElfFormatException if the file is not a readable x86-64 ELF file
     * @throws IOException        if the file cannot be opened or read
     */
    public static ElfFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new ElfFile(path, ch);
        } catch (RuntimeException | IOException e) {
            ch.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** {@link #ET_EXEC} or {@link #ET_DYN}. */
    public int type() {
        return type;
    }

    public long fileSize() {
        return fileSize;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    /** The first section with exactly this name. */
    public Optional<ElfSection> section(String name) {
        for (ElfSection s : sections) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The data of a section, decompressed, little-endian, read-only. Empty for SHT_NOBITS. */
    public ByteBuffer sectionData(ElfSection section) throws IOException {
        return bytes(section).ensureAll().buffer().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The data of the section with this name, as {@link #sectionData(ElfSection)}. */
    public Optional<ByteBuffer> sectionData(String name) throws IOException {
        Optional<ElfSection> s = section(name);
        return s.isPresent() ? Optional.of(sectionData(s.get())) : Optional.empty();
    }

    /**
     * A DWARF section by its standard name ({@code .debug_info}), falling back to the old
     * compressed name ({@code .zdebug_info}); data inflated on demand. Empty if absent or
     * without file data.
     */
    Optional<SectionBytes> debugSection(String name) throws IOException {
        Optional<ElfSection> s = section(name);
        if (s.isEmpty() && name.startsWith(".debug_")) {
            s = section(".z" + name.substring(1));
        }
        if (s.isEmpty() || !s.get().hasFileData() || s.get().size() == 0) {
            return Optional.empty();
        }
        return Optional.of(bytes(s.get()));
    }

    SectionBytes bytes(ElfSection s) throws IOException {
        String what = path + ": section " + s.name();
        if (!s.hasFileData()) {
            return SectionBytes.plain(what, ByteBuffer.allocate(0));
        }
        ByteBuffer data = map(s.offset(), s.size(), what);
        if (s.isCompressed()) {
            if (data.remaining() < 24) {
                throw new ElfFormatException(what + ": compressed section shorter than its header");
            }
            int chType = data.getInt(0);
            long size = data.getLong(8);
            if (chType == ELFCOMPRESS_ZSTD) {
                throw new ElfFormatException(what + ": zstd-compressed sections are not supported");
            }
            if (chType != ELFCOMPRESS_ZLIB) {
                throw new ElfFormatException(what + ": unknown compression type " + chType);
            }
            return SectionBytes.zlib(what, data.position(24), checkedInflateSize(what, size, s.size()));
        }
        if (s.name().startsWith(".zdebug_") && data.remaining() >= 12
                && data.getInt(0) == 0x42494c5a /* "ZLIB" */) {
            long size = data.duplicate().order(ByteOrder.BIG_ENDIAN).getLong(4);
            return SectionBytes.zlib(what, data.position(12), checkedInflateSize(what, size, s.size()));
        }
        return SectionBytes.plain(what, data);
    }

    private static int checkedInflateSize(String what, long size, long compressed) {
        if (size < 0 || size > Integer.MAX_VALUE - 16 || size > compressed * MAX_INFLATE_RATIO + 1024) {
            throw new ElfFormatException(what + ": implausible uncompressed size " + Long.toUnsignedString(size)
                    + " for " + compressed + " compressed bytes");
        }
        return (int) size;
    }

    /** The symbol of this exact name in {@code .dynsym}, preferring a defined one. */
    public Optional<ElfSymbol> dynamicSymbol(String name) throws IOException {
        return lookup(ElfSection.SHT_DYNSYM, name);
    }

    /** The symbol of this exact name in {@code .symtab}, preferring a defined one. */
    public Optional<ElfSymbol> staticSymbol(String name) throws IOException {
        return lookup(ElfSection.SHT_SYMTAB, name);
    }

    /**
     * The defined symbol of this name from {@code .dynsym}, else from {@code .symtab}; an
     * undefined one only if neither table defines it.
     */
    public Optional<ElfSymbol> symbol(String name) throws IOException {
        Optional<ElfSymbol> dyn = dynamicSymbol(name);
        if (dyn.isPresent() && dyn.get().isDefined()) {
            return dyn;
        }
        Optional<ElfSymbol> stat = staticSymbol(name);
        if (stat.isPresent() && (stat.get().isDefined() || dyn.isEmpty())) {
            return stat;
        }
        return dyn;
    }

    private Optional<ElfSymbol> lookup(int tableType, String name) throws IOException {
        ElfSection table = null;
        for (ElfSection s : sections) {
            if (s.type() == tableType) {
                table = s;
                break;
            }
        }
        if (table == null || !table.hasFileData()) {
            return Optional.empty();
        }
        if (table.link() <= 0 || table.link() >= sections.size()) {
            throw error("symbol table " + table.name() + " links to bad string table " + table.link());
        }
        ByteBuffer syms = sectionData(table);
        ByteBuffer strs = sectionData(sections.get(table.link()));
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        ElfSymbol undefined = null;
        int count = syms.remaining() / SYM_SIZE;
        for (int i = 1; i < count; i++) {
            int b = i * SYM_SIZE;
            long nameOff = Integer.toUnsignedLong(syms.getInt(b));
            if (!cStringEquals(strs, nameOff, wanted)) {
                continue;
            }
            int info = syms.get(b + 4) & 0xff;
            ElfSymbol sym = new ElfSymbol(name, syms.getLong(b + 8), syms.getLong(b + 16), info & 0xf,
                    info >>> 4, Short.toUnsignedInt(syms.getShort(b + 6)));
            if (sym.isDefined()) {
                return Optional.of(sym);
            }
            if (undefined == null) {
                undefined = sym;
            }
        }
        return Optional.ofNullable(undefined);
    }

    private static boolean cStringEquals(ByteBuffer strs, long offset, byte[] wanted) {
        if (offset < 0 || offset + wanted.length >= strs.limit()) {
            return false;
        }
        int o = (int) offset;
        for (int i = 0; i < wanted.length; i++) {
            if (strs.get(o + i) != wanted[i]) {
                return false;
            }
        }
        return strs.get(o + wanted.length) == 0;
    }

    /** The GNU build-id as lower-case hex, from {@code .note.gnu.build-id} or any note section. */
    public Optional<String> buildId() throws IOException {
        Optional<ElfSection> named = section(".note.gnu.build-id");
        if (named.isPresent()) {
            Optional<String> id = buildIdIn(named.get());
            if (id.isPresent()) {
                return id;
            }
        }
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_NOTE && s.hasFileData()) {
                Optional<String> id = buildIdIn(s);
                if (id.isPresent()) {
                    return id;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> buildIdIn(ElfSection s) throws IOException {
        ByteBuffer n = sectionData(s);
        int pos = 0;
        while (n.limit() - pos >= 12) {
            long namesz = Integer.toUnsignedLong(n.getInt(pos));
            long descsz = Integer.toUnsignedLong(n.getInt(pos + 4));
            int noteType = n.getInt(pos + 8);
            long nameStart = pos + 12L;
            long descStart = nameStart + align4(namesz);
            long next = descStart + align4(descsz);
            if (descStart + descsz > n.limit()) {
                throw error("note in " + s.name() + " at offset " + pos + " runs past the section");
            }
            if (noteType == NT_GNU_BUILD_ID && namesz == 4 && n.getInt((int) nameStart) == 0x00554e47) {
                byte[] desc = new byte[(int) descsz];
                n.get((int) descStart, desc);
                return Optional.of(HexFormat.of().formatHex(desc));
            }
            pos = (int) Math.min(next, n.limit());
        }
        return Optional.empty();
    }

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }

    /** The {@code .gnu_debuglink} file name and CRC. */
    public Optional<DebugLink> debugLink() throws IOException {
        Optional<ByteBuffer> data = sectionData(".gnu_debuglink");
        if (data.isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer d = data.get();
        String name = cString(d, 0, ".gnu_debuglink");
        int crcAt = (int) align4(name.getBytes(StandardCharsets.UTF_8).length + 1L);
        if (crcAt + 4 > d.limit()) {
            throw error(".gnu_debuglink has no CRC after the file name");
        }
        return Optional.of(new DebugLink(name, Integer.toUnsignedLong(d.getInt(crcAt))));
    }

    /** The distinct non-empty strings of {@code .comment}, e.g. {@code GCC: (Debian 12.2.0-14) 12.2.0}. */
    public List<String> comments() throws IOException {
        Optional<ByteBuffer> data = sectionData(".comment");
        if (data.isEmpty()) {
            return List.of();
        }
        ByteBuffer d = data.get();
        LinkedHashSet<String> out = new LinkedHashSet<>();
        int start = 0;
        for (int i = 0; i <= d.limit(); i++) {
            if (i == d.limit() || d.get(i) == 0) {
                if (i > start) {
                    byte[] b = new byte[i - start];
                    d.get(start, b);
                    out.add(new String(b, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return List.copyOf(out);
    }

    /** Whether the file carries DWARF type information itself ({@code .debug_info} with data). */
    public boolean hasDebugInfo() {
        for (ElfSection s : sections) {
            if ((s.name().equals(".debug_info") || s.name().equals(".zdebug_info"))
                    && s.hasFileData() && s.size() > 0) {
                return true;
            }
        }
        return false;
    }

    /** The lowest {@code p_vaddr} of the {@code PT_LOAD} segments (0 without any). */
    public long lowestLoadAddress() {
        return lowestLoadAddress;
    }

    /**
     * The amount to add to a symbol value to get its address in a running process.
     *
     * <p>For {@code ET_DYN} (PIE executables, shared objects) this is
     * {@code mappingBase - (lowestLoadAddress & ~0xfff)}, where {@code mappingBase} is the start
     * of the process's lowest mapping of this file (the one at file offset 0 in
     * {@code /proc/PID/maps}). For {@code ET_EXEC} it is 0: symbol values are already addresses.
     */
    public long loadBias(long mappingBase) {
        if (type == ET_EXEC) {
            return 0;
        }
        if (!hasLoadSegment) {
            throw error("no PT_LOAD segment to compute the load bias from");
        }
        return mappingBase - (lowestLoadAddress & -PAGE_SIZE);
    }

    /** {@code loadBias(mappingBase) + symbol.value()}. */
    public long runtimeAddress(ElfSymbol symbol, long mappingBase) {
        return loadBias(mappingBase) + symbol.value();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "ElfFile[" + path + "]";
    }

    private ElfFormatException error(String problem) {
        return new ElfFormatException(path + ": " + problem);
    }

    private ByteBuffer read(long offset, long size, String what) throws IOException {
        if (offset < 0 || size < 0 || offset > fileSize || size > fileSize - offset) {
            throw error(what + " (offset " + offset + ", size " + size + ") runs past end of file ("
                    + fileSize + " bytes)");
        }
        if (size > 64L << 20) {
            throw error(what + " is implausibly large (" + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b, offset + b.position()) < 0) {
                throw error(what + " truncated");
            }
        }
        return b.flip();
    }

    private ByteBuffer map(long offset, long size, String what) throws IOException {
        if (size > Integer.MAX_VALUE) {
            throw new ElfFormatException(what + " is larger than 2 GiB");
        }
        if (size == 0) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, offset, size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private String cString(ByteBuffer b, long offset, String table) {
        if (offset < 0 || offset >= b.limit()) {
            throw error("string offset " + offset + " outside " + table);
        }
        int end = (int) offset;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        if (end == b.limit()) {
            throw error("unterminated string at offset " + offset + " in " + table);
        }
        byte[] bytes = new byte[end - (int) offset];
        b.get((int) offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
