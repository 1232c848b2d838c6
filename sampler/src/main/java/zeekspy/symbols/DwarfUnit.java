package zeekspy.symbols;

/** The header of one unit in {@code .debug_info} or {@code .debug_types}. */
final class DwarfUnit {
    /** Index of the section in {@link DwarfTypes}: 0 for .debug_info, 1 for .debug_types. */
    final int sectionId;
    final SectionBytes section;
    final int start;
    /** Offset just past the unit. */
    final int end;
    final int version;
    final int unitType;
    final int offsetSize;
    final int addrSize;
    final long abbrevOffset;
    /** Offset of the first (root) DIE. */
    final int firstDie;
    final long typeSignature;
    final long typeOffset;
    AbbrevTable abbrevs;
    long strOffsetsBase = -1;

    DwarfUnit(int sectionId, SectionBytes section, int start, int end, int version, int unitType,
            int offsetSize, int addrSize, long abbrevOffset, int firstDie, long typeSignature, long typeOffset) {
        this.sectionId = sectionId;
        this.section = section;
        this.start = start;
        this.end = end;
        this.version = version;
        this.unitType = unitType;
        this.offsetSize = offsetSize;
        this.addrSize = addrSize;
        this.abbrevOffset = abbrevOffset;
        this.firstDie = firstDie;
        this.typeSignature = typeSignature;
        this.typeOffset = typeOffset;
    }

    /** Whether this unit may hold type definitions worth scanning. */
    boolean isScannable() {
        return unitType == Dw.UT_COMPILE || unitType == Dw.UT_PARTIAL || unitType == Dw.UT_TYPE;
    }

    /**
     * Reads the header at {@code start}.
     *
     * @throws DwarfFormatException if the header is bad or the unit runs past the section
     */
    static DwarfUnit read(int sectionId, SectionBytes section, int start, boolean typesSection) {
        String where = section.description() + ": unit at offset 0x" + Integer.toHexString(start);
        section.ensure((long) start + 24);
        DwarfCursor c = new DwarfCursor(section.buffer(), start, section.size());
        try {
            long length = c.u32();
            int offsetSize = 4;
            if (length == 0xffffffffL) {
                length = c.u64();
                offsetSize = 8;
            } else if (length >= 0xfffffff0L) {
                throw new DwarfFormatException(where + ": reserved unit length 0x" + Long.toHexString(length));
            }
            long endLong = c.pos + length;
            if (length < 2 || length > section.size() || endLong > section.size()) {
                throw new DwarfFormatException(where + ": unit length " + length + " runs past the section end (size "
                        + section.size() + ")");
            }
            int end = (int) endLong;
            c.limit = end;
            section.ensure(end);
            int version = c.u16();
            if (version < 2 || version > 5) {
                throw new DwarfFormatException(where + ": unsupported DWARF version " + version);
            }
            int unitType;
            int addrSize;
            long abbrevOffset;
            long signature = 0;
            long typeOffset = 0;
            if (version >= 5) {
                unitType = c.u8();
                addrSize = c.u8();
                abbrevOffset = c.offset(offsetSize);
                switch (unitType) {
                    case Dw.UT_SKELETON:
                    case Dw.UT_SPLIT_COMPILE:
                        c.u64();
                        break;
                    case Dw.UT_TYPE:
                    case Dw.UT_SPLIT_TYPE:
                        signature = c.u64();
                        typeOffset = c.offset(offsetSize);
                        break;
                    default:
                        break;
                }
            } else {
                abbrevOffset = c.offset(offsetSize);
                addrSize = c.u8();
                unitType = Dw.UT_COMPILE;
                if (typesSection) {
                    unitType = Dw.UT_TYPE;
                    signature = c.u64();
                    typeOffset = c.offset(offsetSize);
                }
            }
            if (addrSize != 4 && addrSize != 8) {
                throw new DwarfFormatException(where + ": unsupported address size " + addrSize);
            }
            return new DwarfUnit(sectionId, section, start, end, version, unitType, offsetSize, addrSize,
                    abbrevOffset, c.pos, signature, typeOffset);
        } catch (IndexOutOfBoundsException e) {
            throw new DwarfFormatException(where + ": truncated unit header");
        }
    }

    String where() {
        return section.description() + ": unit at offset 0x" + Integer.toHexString(start);
    }
}
