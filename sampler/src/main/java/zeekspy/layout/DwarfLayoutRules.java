package zeekspy.layout;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where each {@link LayoutField} lives in DWARF, read from the resource
 * {@code zeekspy/dwarf-members.txt}: per field, candidate {@code Type.member},
 * {@code sizeof(Type)} or {@code sizeof(Type.member)} lookups, the first whose type exists wins.
 */
final class DwarfLayoutRules {

    /** What a rule needs to know about the binary's types. */
    interface Types {
        boolean defines(String type);

        /** Byte size of {@code type}, or -1. */
        long size(String type);

        /** Offset of {@code member} in {@code type}, base classes included, or -1. */
        long memberOffset(String type, String member);

        /** Byte size of the type of {@code member} of {@code type}, or -1. */
        long memberSize(String type, String member);
    }

    /** One way to find a value: sizeof a type, or a member's offset or size. */
    record Lookup(String type, String member, boolean sizeOf) {
        long apply(Types types) {
            if (member == null) {
                return types.size(type);
            }
            return sizeOf ? types.memberSize(type, member) : types.memberOffset(type, member);
        }

        @Override
        public String toString() {
            String s = member == null ? type : type + "." + member;
            return sizeOf ? "sizeof(" + s + ")" : s;
        }
    }

    record Rule(LayoutField field, List<Lookup> candidates, boolean optional) {}

    private static final List<Rule> RULES = load();

    private DwarfLayoutRules() {}

    static List<Rule> rules() {
        return RULES;
    }

    /** Every type name the rules may ask about. */
    static Set<String> typeNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Rule r : RULES) {
            for (Lookup l : r.candidates()) {
                names.add(l.type());
            }
        }
        return names;
    }

    /**
     * Fills {@code builder} with every field the rules find in {@code types}.
     *
     * @throws LayoutException naming the first required field that is missing
     */
    static void apply(Types types, Layout.Builder builder, String source) {
        for (Rule rule : RULES) {
            long value = -1;
            boolean typeFound = false;
            for (Lookup lookup : rule.candidates()) {
                if (types.defines(lookup.type())) {
                    typeFound = true;
                    value = lookup.apply(types);
                    break;
                }
            }
            if (value < 0 && !rule.optional()) {
                throw new LayoutException(source + ": " + (typeFound ? "no member for " : "no type for ")
                        + rule.field().key() + " (looked for " + rule.candidates() + ")");
            }
            builder.set(rule.field(), value);
        }
    }

    private static List<Rule> load() {
        List<Rule> rules = new ArrayList<>();
        DataResource.entries("/zeekspy/dwarf-members.txt").forEach((key, value) -> {
            boolean optional = value.endsWith("?");
            String spec = optional ? value.substring(0, value.length() - 1) : value;
            List<Lookup> candidates = new ArrayList<>();
            for (String c : spec.split("\\|")) {
                candidates.add(parseLookup(c.strip()));
            }
            rules.add(new Rule(LayoutField.byKey(key), List.copyOf(candidates), optional));
        });
        return List.copyOf(rules);
    }

    private static Lookup parseLookup(String s) {
        boolean sizeOf = s.startsWith("sizeof(") && s.endsWith(")");
        if (sizeOf) {
            s = s.substring(7, s.length() - 1);
        }
        // A member follows the last '.', which never occurs inside a C++ qualified type name here.
        int dot = s.lastIndexOf('.');
        if (dot < 0) {
            return new Lookup(s, null, true);
        }
        return new Lookup(s.substring(0, dot), s.substring(dot + 1), sizeOf);
    }
}
