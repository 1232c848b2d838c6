package zeekspy.symbols;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The layout of a C++ struct, class or union, as read from DWARF.
 *
 * <p>Immutable. Member lookups return offsets relative to the start of this type.
 */
public final class StructType {
    /** What kind of aggregate the DWARF described. */
    public enum Kind { STRUCT, CLASS, UNION }

    private static final int MAX_BASE_DEPTH = 64;

    private final String name;
    private final Kind kind;
    private final long byteSize;
    private final List<StructMember> members;
    private final List<BaseClass> bases;

    StructType(String name, Kind kind, long byteSize, List<StructMember> members, List<BaseClass> bases) {
        this.name = name;
        this.kind = kind;
        this.byteSize = byteSize;
        this.members = List.copyOf(members);
        this.bases = List.copyOf(bases);
    }

    /** The qualified name, e.g. {@code zeek::Func::Body}; null for an anonymous struct or union. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** {@code sizeof} the type, or -1 if DWARF does not say. */
    public long byteSize() {
        return byteSize;
    }

    /** The direct non-static data members, in declaration order. */
    public List<StructMember> members() {
        return members;
    }

    /** The direct base classes, in declaration order. */
    public List<BaseClass> bases() {
        return bases;
    }

    /**
     * A member declared in this type itself, or inside one of its anonymous struct/union
     * members (offset then includes the anonymous member's offset). Base classes are not searched.
     */
    public Optional<StructMember> member(String memberName) {
        for (StructMember m : members) {
            if (memberName.equals(m.name())) {
                return Optional.of(m);
            }
        }
        for (StructMember m : members) {
            if (m.name() == null && m.anonymous() != null) {
                Optional<StructMember> inner = m.anonymous().member(memberName);
                if (inner.isPresent()) {
                    return Optional.of(inner.get().shifted(m.offset()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A member of this type or, failing that, of its non-virtual base classes (depth first, in
     * declaration order), with the offset relative to this type: for {@code location} of
     * {@code zeek::detail::Frame} that is Frame's offset of its {@code zeek::Obj} base plus
     * {@code Obj::location}'s offset.
     */
    public Optional<StructMember> findMember(String memberName) {
        return findMember(memberName, 0);
    }

    private Optional<StructMember> findMember(String memberName, int depth) {
        Optional<StructMember> own = member(memberName);
        if (own.isPresent() || depth >= MAX_BASE_DEPTH) {
            return own;
        }
        for (BaseClass b : bases) {
            if (b.type() != null && !b.isVirtual()) {
                Optional<StructMember> inBase = b.type().findMember(memberName, depth + 1);
                if (inBase.isPresent()) {
                    return Optional.of(inBase.get().shifted(b.offset()));
                }
            }
        }
        return Optional.empty();
    }

    /** The offset of {@link #findMember(String)}, or empty. */
    public OptionalLong memberOffset(String memberName) {
        Optional<StructMember> m = findMember(memberName);
        return m.isPresent() ? OptionalLong.of(m.get().offset()) : OptionalLong.empty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(kind.name().toLowerCase()).append(' ').append(name == null ? "(anonymous)" : name);
        sb.append(" size ").append(byteSize);
        for (BaseClass b : bases) {
            sb.append(" : ").append(b.name()).append('@').append(b.offset());
        }
        sb.append(" {");
        for (StructMember m : members) {
            sb.append(' ').append(m.name() == null ? "(anonymous)" : m.name()).append('@').append(m.offset())
                    .append('/').append(m.byteSize()).append(';');
        }
        return sb.append(" }").toString();
    }
}
