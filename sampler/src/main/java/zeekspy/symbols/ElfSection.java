package zeekspy.symbols;

/**
 * One section header of an ELF file.
 *
 * @param index   position in the section header table
 * @param name    name from the section header string table, e.g. {@code .debug_info}
 * @param type    {@code sh_type}, e.g. {@link #SHT_NOBITS}
 * @param flags   {@code sh_flags}, e.g. {@link #SHF_COMPRESSED}
 * @param address {@code sh_addr}, the virtual address when loaded (0 if not loaded)
 * @param offset  {@code sh_offset} in the file
 * @param size    {@code sh_size} in the file (compressed size for compressed sections)
 * @param link    {@code sh_link}
 * @param info    {@code sh_info}
 * @param entrySize {@code sh_entsize}
 */
public record ElfSection(int index, String name, int type, long flags, long address, long offset,
        long size, int link, int info, long entrySize) {

    public static final int SHT_SYMTAB = 2;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_DYNSYM = 11;
    public static final long SHF_COMPRESSED = 0x800;

    /** Whether the section occupies bytes in the file ({@code SHT_NOBITS} does not). */
    public boolean hasFileData() {
        return type != SHT_NOBITS;
    }

    /** Whether the data is compressed with an {@code Elf64_Chdr} header. */
    public boolean isCompressed() {
        return (flags & SHF_COMPRESSED) != 0;
    }
}
