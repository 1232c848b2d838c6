package zeekspy.layout;

/**
 * One number of a Zeek build's memory layout that zeek-spy reads.
 *
 * <p>The {@link #key()} is the name used in layout files, in the built-in tables and in the
 * test inferior's own report, so all three compare line by line. A value of {@code -1} means
 * the member does not exist in that build (for example {@code CallInfo.frame} before 8.1).
 */
public enum LayoutField {
    /** Offset of the begin pointer in a {@code std::vector}. */
    VECTOR_BEGIN("vector.begin"),
    /** Offset of the end pointer in a {@code std::vector}. */
    VECTOR_END("vector.end"),
    /** Offset of the character pointer in a libstdc++ {@code std::string}. */
    STRING_DATA("string.data"),
    /** Offset of the length in a libstdc++ {@code std::string}. */
    STRING_SIZE("string.size"),
    CALLINFO_SIZE("CallInfo.size"),
    CALLINFO_CALL("CallInfo.call"),
    /** {@code const Func*}, up to 8.0.x; -1 from 8.1. */
    CALLINFO_FUNC("CallInfo.func"),
    /** {@code Frame*}, from 8.1; -1 before. */
    CALLINFO_FRAME("CallInfo.frame"),
    FUNC_BODIES("Func.bodies"),
    FUNC_KIND("Func.kind"),
    /** Width of {@code Func::kind} in bytes: 4 before 8.0, 1 from 8.0. */
    FUNC_KIND_SIZE("Func.kind.size"),
    FUNC_NAME("Func.name"),
    /** The function's {@code FuncType} (a pointer, or an {@code IntrusivePtr} holding one). */
    FUNC_TYPE("Func.type"),
    /**
     * {@code FuncType::flavor}: 0 function, 1 event, 2 hook. A 4-byte enum in older versions and
     * {@code uint8_t} in 9.0; zeek-spy reads its low byte, right for both on little-endian.
     */
    FUNCTYPE_FLAVOR("FuncType.flavor"),
    BODY_SIZE("Body.size"),
    BODY_STMTS("Body.stmts"),
    OBJ_LOCATION("Obj.location"),
    LOCATION_FILENAME("Location.filename"),
    LOCATION_FIRST_LINE("Location.first_line"),
    LOCATION_LAST_LINE("Location.last_line"),
    FRAME_FUNCTION("Frame.function"),
    FRAME_NEXT_STMT("Frame.next_stmt"),
    FRAME_CALL("Frame.call"),
    /** Exists in 4.1 to 5.2 only; -1 elsewhere. */
    FRAME_CALL_LOC("Frame.call_loc");

    private final String key;

    LayoutField(String key) {
        this.key = key;
    }

    /** The name of this field in layout files and reports. */
    public String key() {
        return key;
    }

    /** The field named {@code key}, or null. */
    public static LayoutField byKey(String key) {
        for (LayoutField f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        return null;
    }
}
