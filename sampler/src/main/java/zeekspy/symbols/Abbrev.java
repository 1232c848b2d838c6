package zeekspy.symbols;

/**
 * One abbreviation declaration, with the sizes needed to skip a DIE without decoding it.
 */
final class Abbrev {
    final int code;
    final int tag;
    final boolean hasChildren;
    final int[] attributes;
    final int[] forms;
    /** DW_FORM_implicit_const values by attribute index, or null if there are none. */
    final long[] implicitConstants;
    /** A form this reader does not know, or 0. */
    final int unknownForm;
    /** Bytes of all attribute values together, or {@link Dw#VARIABLE}. */
    final int fixedSize;
    /** Offset of the DW_AT_sibling value after the abbreviation code, or -1 if not fixed. */
    final int siblingOffset;
    /** Form of DW_AT_sibling, or 0. */
    final int siblingForm;
    /** Offset of the DW_AT_name value after the abbreviation code, or -1 if absent or not fixed. */
    final int nameOffset;
    /** Form of DW_AT_name, or 0 if there is none. */
    final int nameForm;
    /** Has DW_AT_specification or DW_AT_export_symbols, which change how the DIE is named. */
    final boolean namedIndirectly;

    Abbrev(int code, int tag, boolean hasChildren, int[] attributes, int[] forms, long[] implicitConstants,
            int addrSize, int offsetSize, int version) {
        this.code = code;
        this.tag = tag;
        this.hasChildren = hasChildren;
        this.attributes = attributes;
        this.forms = forms;
        this.implicitConstants = implicitConstants;
        int total = 0;
        int sibling = -1;
        int sibForm = 0;
        int name = -1;
        int nForm = 0;
        boolean indirect = false;
        int unknown = 0;
        for (int i = 0; i < forms.length; i++) {
            int size = Dw.fixedSize(forms[i], addrSize, offsetSize, version);
            if (size == Dw.UNKNOWN && unknown == 0) {
                unknown = forms[i];
            }
            if (attributes[i] == Dw.AT_SIBLING && total >= 0) {
                sibling = total;
                sibForm = forms[i];
            }
            if (attributes[i] == Dw.AT_NAME && nForm == 0) {
                nForm = forms[i];
                name = total;
            }
            if (attributes[i] == Dw.AT_SPECIFICATION || attributes[i] == Dw.AT_EXPORT_SYMBOLS) {
                indirect = true;
            }
            if (size < 0 || total < 0) {
                total = Dw.VARIABLE;
            } else {
                total += size;
            }
        }
        if (sibForm != Dw.FORM_REF1 && sibForm != Dw.FORM_REF2 && sibForm != Dw.FORM_REF4
                && sibForm != Dw.FORM_REF8) {
            sibling = -1;
        }
        this.unknownForm = unknown;
        this.nameOffset = nForm == Dw.FORM_INDIRECT ? -1 : name;
        this.nameForm = nForm;
        this.namedIndirectly = indirect;
        this.fixedSize = total;
        this.siblingOffset = sibling;
        this.siblingForm = sibling >= 0 ? sibForm : 0;
    }
}
