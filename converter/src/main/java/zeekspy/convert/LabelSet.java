package zeekspy.convert;

/**
 * The labels of a sample: Zeek process id, cluster node and sample kind.
 *
 * @param pid  the process id, or -1 when the event has none
 * @param node the cluster node name, or null
 * @param kind script, native, idle or error; null when the event has none
 */
record LabelSet(long pid, String node, String kind) {
    static final LabelSet NONE = new LabelSet(-1, null, null);

    // Written out: a record's generated equals and hashCode bootstrap method handles, slow to start.
    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSet && ((LabelSet) o).pid == pid && java.util.Objects.equals(((LabelSet) o).node, node)
                && java.util.Objects.equals(((LabelSet) o).kind, kind);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(pid) * 31 + java.util.Objects.hashCode(node)) * 31 + java.util.Objects.hashCode(kind);
    }

    boolean hasPid() {
        return pid >= 0;
    }

    /** The root frame name of this sample's node: the node name, {@code pid N}, or null if neither is known. */
    String nodeFrameName() {
        if (node != null && !node.isEmpty()) {
            return node;
        }
        return hasPid() ? "pid " + pid : null;
    }
}
