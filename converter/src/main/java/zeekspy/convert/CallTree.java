package zeekspy.convert;

import java.util.Arrays;

/**
 * The stacks of a profile merged into a tree: node 0 is the root, every other node a frame
 * under its parent, with the number of samples whose stack passes through it.
 */
final class CallTree {
    private final LongIntMap children = new LongIntMap();
    private int[] frames = new int[1024];
    private int[] parents = new int[1024];
    private long[] totals = new long[1024];
    private int[] childCounts = new int[1024];
    private int size = 1;

    private CallTree() {
        parents[0] = -1;
        frames[0] = -1;
    }

    /** The tree of the profile's stacks, from the outermost frame, or from the innermost when {@code reverse}. */
    static CallTree of(StackProfile profile, boolean reverse) {
        CallTree tree = new CallTree();
        StackTable stacks = profile.stacks;
        for (int sample = 0; sample < profile.sampleCount(); sample++) {
            int stack = profile.stackOf(sample);
            long count = profile.countOf(sample);
            int length = stacks.length(stack);
            int node = 0;
            tree.totals[0] += count;
            for (int i = 0; i < length; i++) {
                int frame = stacks.frame(stack, reverse ? length - 1 - i : i);
                node = tree.child(node, frame);
                tree.totals[node] += count;
            }
        }
        return tree;
    }

    int size() {
        return size;
    }

    int frame(int node) {
        return frames[node];
    }

    long total(int node) {
        return totals[node];
    }

    int childCount(int node) {
        return childCounts[node];
    }

    /** All nodes in pre-order, the children of each node sorted by frame label. */
    int[] preorder(FrameTable frameTable) {
        // Children lists, built from the parent links.
        int[] firstChild = new int[size];
        int[] start = new int[size + 1];
        for (int node = 1; node < size; node++) {
            start[parents[node] + 1]++;
        }
        for (int i = 0; i < size; i++) {
            start[i + 1] += start[i];
        }
        int[] fill = Arrays.copyOf(start, size);
        int[] childList = new int[Math.max(0, size - 1)];
        for (int node = 1; node < size; node++) {
            childList[fill[parents[node]]++] = node;
        }
        System.arraycopy(start, 0, firstChild, 0, size);
        String[] labels = new String[frameTable.frameCount()];
        int[] order = new int[size];
        int count = 0;
        int[] stack = new int[size];
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            int node = stack[--top];
            order[count++] = node;
            int from = firstChild[node];
            int to = from + childCounts[node];
            Integer[] sorted = new Integer[to - from];
            for (int i = from; i < to; i++) {
                sorted[i - from] = childList[i];
                int frame = frames[childList[i]];
                if (labels[frame] == null) {
                    labels[frame] = frameTable.label(frame);
                }
            }
            Arrays.sort(sorted, new ByLabel(labels, frames));
            // Pushed in reverse so the first child in label order comes out first.
            for (int i = sorted.length - 1; i >= 0; i--) {
                stack[top++] = sorted[i];
            }
        }
        return order;
    }

    /** Orders nodes by the label of their frame. */
    private static final class ByLabel implements java.util.Comparator<Integer> {
        private final String[] labels;
        private final int[] frames;

        ByLabel(String[] labels, int[] frames) {
            this.labels = labels;
            this.frames = frames;
        }

        @Override
        public int compare(Integer a, Integer b) {
            return labels[frames[a]].compareTo(labels[frames[b]]);
        }
    }

    private int child(int parent, int frame) {
        long key = ((long) parent << 32) | frame;
        int node = children.get(key);
        if (node < 0) {
            node = size++;
            if (node == frames.length) {
                int n = node * 2;
                frames = Arrays.copyOf(frames, n);
                parents = Arrays.copyOf(parents, n);
                totals = Arrays.copyOf(totals, n);
                childCounts = Arrays.copyOf(childCounts, n);
            }
            frames[node] = frame;
            parents[node] = parent;
            childCounts[parent]++;
            children.putNew(key, node);
        }
        return node;
    }
}
