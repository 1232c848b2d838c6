package zeekspy.symbols;

/**
 * One entry of {@code .dynsym} or {@code .symtab}.
 *
 * @param name         the exact (mangled) name
 * @param value        {@code st_value}: the link-time address for defined symbols
 * @param size         {@code st_size}
 * @param type         {@code ELF64_ST_TYPE}, e.g. {@link #STT_OBJECT}
 * @param binding      {@code ELF64_ST_BIND}, e.g. {@link #STB_GLOBAL}
 * @param sectionIndex {@code st_shndx}; {@link #SHN_UNDEF} for undefined symbols
 */
public record ElfSymbol(String name, long value, long size, int type, int binding, int sectionIndex) {

    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_TLS = 6;
    public static final int STB_LOCAL = 0;
    public static final int STB_GLOBAL = 1;
    public static final int STB_WEAK = 2;
    public static final int SHN_UNDEF = 0;

    /** Whether the symbol is defined in this file rather than imported. */
    public boolean isDefined() {
        return sectionIndex != SHN_UNDEF;
    }
}
