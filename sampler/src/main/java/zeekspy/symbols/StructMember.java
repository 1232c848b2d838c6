package zeekspy.symbols;

/**
 * A non-static data member of a {@link StructType}.
 *
 * @param name      the member name; null for an anonymous struct or union member
 * @param offset    byte offset from the start of the type that was asked ({@code
 *                  DW_AT_data_member_location}, plus base and anonymous-member offsets when found
 *                  through those)
 * @param byteSize  size of the member's type after typedefs and qualifiers (a pointer is 8, an
 *                  {@code enum : uint8_t} is 1), or -1 if DWARF does not say
 * @param typeName  the member's type as declared, e.g. {@code Kind}, {@code Stmt*},
 *                  {@code IntrusivePtr<zeek::FuncType>} (unqualified names)
 * @param anonymous the layout of an anonymous struct or union member, else null
 */
public record StructMember(String name, long offset, long byteSize, String typeName, StructType anonymous) {

    /** This member with {@code delta} added to its offset. */
    StructMember shifted(long delta) {
        return delta == 0 ? this : new StructMember(name, offset + delta, byteSize, typeName, anonymous);
    }
}
