package zeekspy.symbols;

/**
 * A base class of a {@link StructType} ({@code DW_TAG_inheritance}).
 *
 * @param name      the base's qualified name, e.g. {@code zeek::Obj}
 * @param offset    byte offset of the base subobject, or -1 for a virtual base
 * @param isVirtual whether the base is virtual (its offset is only known at run time)
 * @param type      the base's layout, or null if its definition was not found
 */
public record BaseClass(String name, long offset, boolean isVirtual, StructType type) {
}
