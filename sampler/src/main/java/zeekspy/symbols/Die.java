package zeekspy.symbols;

/**
 * The attributes of one DIE that type lookups need; the rest are skipped. References are
 * kept raw (form and value) and resolved only when asked for.
 */
final class Die {
    static final long MISSING = Long.MIN_VALUE;

    DwarfUnit unit;
    int offset;
    int tag;
    boolean hasChildren;
    /** Offset just past the attribute values, where the children start. */
    int attributesEnd;

    int nameForm;
    long nameValue;
    boolean declaration;
    boolean external;
    boolean exportSymbols;
    long byteSize = -1;
    /** Absolute section offset of the next sibling, or -1. */
    long sibling = -1;
    int specificationForm;
    long specificationValue;
    int typeForm;
    long typeValue;
    boolean hasSignature;
    long signature;
    long memberLocation = MISSING;
    /** DW_AT_data_member_location is an expression that is not a constant offset. */
    boolean locationIsExpression;
    long dataBitOffset = -1;
    long virtuality;
    long count = -1;
    long upperBound = MISSING;
    long lowerBound;
    long strOffsetsBase = -1;

    boolean hasName() {
        return nameForm != 0;
    }

    boolean hasType() {
        return typeForm != 0;
    }

    boolean hasSpecification() {
        return specificationForm != 0;
    }

    boolean isAggregate() {
        return tag == Dw.TAG_STRUCTURE_TYPE || tag == Dw.TAG_CLASS_TYPE || tag == Dw.TAG_UNION_TYPE;
    }
}
