package zeekspy.symbols;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The abbreviations of one {@code .debug_abbrev} offset, for one address and offset size. */
final class AbbrevTable {
    private static final int MAX_DENSE_CODE = 1 << 16;
    private static final int MAX_ATTRIBUTES = 4096;

    private final Abbrev[] dense;
    private final Map<Integer, Abbrev> sparse;

    private AbbrevTable(Abbrev[] dense, Map<Integer, Abbrev> sparse) {
        this.dense = dense;
        this.sparse = sparse;
    }

    /** The abbreviation of this code, or null. */
    Abbrev get(long code) {
        if (code > 0 && code < dense.length) {
            return dense[(int) code];
        }
        return sparse == null ? null : sparse.get((int) Math.min(code, Integer.MAX_VALUE));
    }

    /**
     * Parses the table at {@code offset}.
     *
     * @throws DwarfFormatException if the table is truncated or uses an unknown form
     */
    static AbbrevTable parse(SectionBytes section, long offset, int addrSize, int offsetSize, int version) {
        ByteBuffer b = section.buffer();
        if (offset < 0 || offset >= section.size()) {
            throw new DwarfFormatException(section.description() + ": abbreviation table offset 0x"
                    + Long.toHexString(offset) + " out of range");
        }
        DwarfCursor c = new DwarfCursor(b, (int) offset, section.size());
        List<Abbrev> all = new ArrayList<>();
        int maxDense = 0;
        int[] attrs = new int[16];
        int[] forms = new int[16];
        long[] consts = new long[16];
        try {
            while (true) {
                long code = c.uleb();
                if (code == 0) {
                    break;
                }
                if (code > Integer.MAX_VALUE) {
                    throw new DwarfFormatException(section.description() + ": abbreviation code " + code
                            + " too large at offset 0x" + Long.toHexString(offset));
                }
                int tag = (int) c.uleb();
                boolean children = c.u8() != 0;
                int n = 0;
                boolean anyConst = false;
                while (true) {
                    int at = (int) c.uleb();
                    int form = (int) c.uleb();
                    if (at == 0 && form == 0) {
                        break;
                    }
                    if (n == MAX_ATTRIBUTES) {
                        throw new DwarfFormatException(section.description() + ": abbreviation " + code
                                + " has more than " + MAX_ATTRIBUTES + " attributes");
                    }
                    if (n == attrs.length) {
                        attrs = Arrays.copyOf(attrs, n * 2);
                        forms = Arrays.copyOf(forms, n * 2);
                        consts = Arrays.copyOf(consts, n * 2);
                    }
                    attrs[n] = at;
                    forms[n] = form;
                    if (form == Dw.FORM_IMPLICIT_CONST) {
                        consts[n] = c.sleb();
                        anyConst = true;
                    } else {
                        consts[n] = 0;
                    }
                    n++;
                }
                Abbrev a = new Abbrev((int) code, tag, children, Arrays.copyOf(attrs, n), Arrays.copyOf(forms, n),
                        anyConst ? Arrays.copyOf(consts, n) : null, addrSize, offsetSize, version);
                if (a.unknownForm != 0) {
                    throw new DwarfFormatException(section.description() + ": unknown attribute form 0x"
                            + Integer.toHexString(a.unknownForm) + " in abbreviation " + code + " at offset 0x"
                            + Long.toHexString(offset));
                }
                all.add(a);
                if (code < MAX_DENSE_CODE) {
                    maxDense = Math.max(maxDense, (int) code);
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new DwarfFormatException(section.description() + ": abbreviation table at offset 0x"
                    + Long.toHexString(offset) + " is truncated");
        }
        Abbrev[] dense = new Abbrev[maxDense + 1];
        Map<Integer, Abbrev> sparse = null;
        for (Abbrev a : all) {
            if (a.code < dense.length) {
                if (dense[a.code] == null) {
                    dense[a.code] = a;
                }
            } else {
                if (sparse == null) {
                    sparse = new HashMap<>();
                }
                sparse.putIfAbsent(a.code, a);
            }
        }
        return new AbbrevTable(dense, sparse);
    }
}
