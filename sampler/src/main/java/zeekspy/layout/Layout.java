package zeekspy.layout;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The memory layout of one Zeek build: the symbols to look up and the offsets and sizes of the
 * members zeek-spy reads, with where they came from. Immutable.
 */
public final class Layout {
    /** Fields that may be -1: members that exist only in some Zeek versions. */
    private static final Set<LayoutField> OPTIONAL =
            EnumSet.of(LayoutField.CALLINFO_FUNC, LayoutField.CALLINFO_FRAME, LayoutField.FRAME_CALL_LOC);

    private final long[] values;
    private final String callStackSymbol;
    private final String frameStackSymbol;
    private final String versionSymbol;
    private final StringAbi stringAbi;
    private final String source;

    Layout(long[] values, String callStackSymbol, String frameStackSymbol, String versionSymbol,
           StringAbi stringAbi, String source) {
        this.values = values.clone();
        this.callStackSymbol = callStackSymbol;
        this.frameStackSymbol = frameStackSymbol;
        this.versionSymbol = versionSymbol;
        this.stringAbi = stringAbi;
        this.source = source;
    }

    /** The value of {@code field}; -1 when the member does not exist in this build. */
    public long get(LayoutField field) {
        return values[field.ordinal()];
    }

    /** {@link #get} as an int, for offsets. */
    public int offset(LayoutField field) {
        return (int) values[field.ordinal()];
    }

    public boolean has(LayoutField field) {
        return values[field.ordinal()] >= 0;
    }

    /** The exported name of {@code zeek::detail::call_stack} (or {@code call_stack} in 3.x). */
    public String callStackSymbol() {
        return callStackSymbol;
    }

    /** The name of {@code g_frame_stack}, or null from Zeek 8.1 on, where it does not exist. */
    public String frameStackSymbol() {
        return frameStackSymbol;
    }

    public String versionSymbol() {
        return versionSymbol;
    }

    public StringAbi stringAbi() {
        return stringAbi;
    }

    /** Where this layout came from, e.g. {@code DWARF in /usr/lib/debug/.build-id/ab/cd.debug}. */
    public String source() {
        return source;
    }

    /** Whether call stack entries point to their frame (Zeek 8.1+) rather than to the function. */
    public boolean callInfoHasFrame() {
        return has(LayoutField.CALLINFO_FRAME);
    }

    /** This layout with another source description. */
    public Layout withSource(String newSource) {
        return new Layout(values, callStackSymbol, frameStackSymbol, versionSymbol, stringAbi, newSource);
    }

    /**
     * Checks that the layout is complete and self-consistent.
     *
     * @throws LayoutException naming the first problem
     */
    public Layout validate() {
        for (LayoutField f : LayoutField.values()) {
            if (!OPTIONAL.contains(f) && values[f.ordinal()] < 0
                    && !(stringAbi == StringAbi.LIBCXX && isStringField(f))) {
                throw new LayoutException("layout from " + source + " lacks " + f.key());
            }
            if (values[f.ordinal()] > 1 << 16) {
                throw new LayoutException("layout from " + source + " has an implausible " + f.key() + "="
                        + values[f.ordinal()]);
            }
        }
        if (has(LayoutField.CALLINFO_FUNC) == has(LayoutField.CALLINFO_FRAME)) {
            throw new LayoutException("layout from " + source
                    + " must have exactly one of CallInfo.func and CallInfo.frame");
        }
        if (!callInfoHasFrame() && frameStackSymbol == null) {
            throw new LayoutException("layout from " + source
                    + " has CallInfo.func but no g_frame_stack symbol to find frames with");
        }
        long kindSize = get(LayoutField.FUNC_KIND_SIZE);
        if (kindSize != 1 && kindSize != 2 && kindSize != 4 && kindSize != 8) {
            throw new LayoutException("layout from " + source + " has Func.kind.size=" + kindSize);
        }
        return this;
    }

    private static boolean isStringField(LayoutField f) {
        return f == LayoutField.STRING_DATA || f == LayoutField.STRING_SIZE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && Arrays.equals(values, l.values)
                && callStackSymbol.equals(l.callStackSymbol)
                && java.util.Objects.equals(frameStackSymbol, l.frameStackSymbol)
                && versionSymbol.equals(l.versionSymbol) && stringAbi == l.stringAbi;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values) * 31 + callStackSymbol.hashCode();
    }

    @Override
    public String toString() {
        return LayoutFile.format(this, null);
    }

    /** Collects values for a layout; unset fields are -1. */
    public static final class Builder {
        private final long[] values = new long[LayoutField.values().length];
        private String callStackSymbol;
        private String frameStackSymbol;
        private String versionSymbol = "version";
        private StringAbi stringAbi = StringAbi.LIBSTDCXX;

        public Builder() {
            Arrays.fill(values, -1);
        }

        public Builder set(LayoutField field, long value) {
            values[field.ordinal()] = value;
            return this;
        }

        public long get(LayoutField field) {
            return values[field.ordinal()];
        }

        public Builder callStackSymbol(String name) {
            callStackSymbol = name;
            return this;
        }

        public Builder frameStackSymbol(String name) {
            frameStackSymbol = name;
            return this;
        }

        public Builder versionSymbol(String name) {
            versionSymbol = name;
            return this;
        }

        public Builder stringAbi(StringAbi abi) {
            stringAbi = abi;
            return this;
        }

        public Layout build(String source) {
            if (callStackSymbol == null) {
                throw new LayoutException("layout from " + source + " lacks symbol.call_stack");
            }
            return new Layout(values, callStackSymbol, frameStackSymbol, versionSymbol, stringAbi, source);
        }
    }
}
