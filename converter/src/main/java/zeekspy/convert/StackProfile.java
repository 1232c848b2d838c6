package zeekspy.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Samples aggregated by (label set, stack): what the writers write. Samples are numbered from 0;
 * each has a stack, a label set, a count and a value in nanoseconds.
 */
final class StackProfile {
    final FrameTable frames;
    final StackTable stacks = new StackTable();
    private final List<LabelSet> labelSets = new ArrayList<>();
    private final Map<LabelSet, Integer> labelSetIds = new HashMap<>();
    private final LongIntMap sampleIds = new LongIntMap();
    private int[] sampleStacks = new int[256];
    private int[] sampleLabels = new int[256];
    private long[] counts = new long[256];
    private long[] nanos = new long[256];
    private long[] unvalued = new long[256];
    private int sampleCount;

    String event;
    /** Sampling period in nanoseconds, for pprof's period field. */
    long period;
    /** Earliest start and latest end of any event read, in nanoseconds since the epoch; 0 if none. */
    long startNanos;
    long endNanos;
    long samplesRead;
    long samplesWritten;
    final Map<String, Long> eventTypes = new TreeMap<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> inputNames = new ArrayList<>();

    StackProfile(Granularity granularity) {
        this.frames = new FrameTable(granularity);
    }

    int labelSet(LabelSet labels) {
        Integer id = labelSetIds.get(labels);
        if (id == null) {
            id = labelSets.size();
            labelSets.add(labels);
            labelSetIds.put(labels, id);
        }
        return id;
    }

    LabelSet labelSetOf(int sample) {
        return labelSets.get(sampleLabels[sample]);
    }

    /** Counts one more sample worth {@code value} nanoseconds in the sample {@code sample}. */
    void add(int sample, long value) {
        counts[sample]++;
        nanos[sample] += value;
    }

    /** Counts {@code count} more samples worth {@code value} nanoseconds together in the sample {@code sample}. */
    void add(int sample, long count, long value) {
        counts[sample] += count;
        nanos[sample] += value;
    }

    /** Counts one more sample whose value is not known yet: see {@link #valueUnvalued}. */
    void addUnvalued(int sample) {
        counts[sample]++;
        unvalued[sample]++;
    }

    /** Counts {@code count} more samples whose value is not known yet. */
    void addUnvalued(int sample, long count) {
        counts[sample] += count;
        unvalued[sample] += count;
    }

    /** The sample with this stack and label set, added with count 0 if new. */
    int sample(int stack, int labelSet) {
        long key = ((long) labelSet << 32) | stack;
        int sample = sampleIds.get(key);
        if (sample < 0) {
            sample = sampleCount++;
            if (sample == counts.length) {
                int n = sample * 2;
                sampleStacks = Arrays.copyOf(sampleStacks, n);
                sampleLabels = Arrays.copyOf(sampleLabels, n);
                counts = Arrays.copyOf(counts, n);
                nanos = Arrays.copyOf(nanos, n);
                unvalued = Arrays.copyOf(unvalued, n);
            }
            sampleStacks[sample] = stack;
            sampleLabels[sample] = labelSet;
            sampleIds.putNew(key, sample);
        }
        return sample;
    }

    int sampleCount() {
        return sampleCount;
    }

    int stackOf(int sample) {
        return sampleStacks[sample];
    }

    long countOf(int sample) {
        return counts[sample];
    }

    long nanosOf(int sample) {
        return nanos[sample];
    }

    /** Whether {@link #addUnvalued} added samples whose value is still to be set. */
    boolean hasUnvalued() {
        for (int i = 0; i < sampleCount; i++) {
            if (unvalued[i] > 0) {
                return true;
            }
        }
        return false;
    }

    /** Values the samples added by {@link #addUnvalued} at {@code periodNanos} each. */
    void valueUnvalued(long periodNanos) {
        for (int i = 0; i < sampleCount; i++) {
            nanos[i] += unvalued[i] * periodNanos;
            unvalued[i] = 0;
        }
    }

    long totalCount() {
        long total = 0;
        for (int i = 0; i < sampleCount; i++) {
            total += counts[i];
        }
        return total;
    }

    /** Puts every stack under a root frame naming its sample's node (or pid); samples without either stay as they are. */
    void addNodeRoots() {
        // After this, stacks no longer match the keys of sampleIds: no add() may follow.
        Map<String, Integer> nodeFrames = new HashMap<>();
        int[] buffer = new int[64];
        for (int i = 0; i < sampleCount; i++) {
            String name = labelSetOf(i).nodeFrameName();
            if (name == null) {
                continue;
            }
            Integer root = nodeFrames.get(name);
            if (root == null) {
                root = frames.syntheticFrame(name);
                nodeFrames.put(name, root);
            }
            int stack = sampleStacks[i];
            int length = stacks.length(stack);
            if (buffer.length < length + 1) {
                buffer = new int[length + 1];
            }
            buffer[0] = root;
            for (int k = 0; k < length; k++) {
                buffer[k + 1] = stacks.frame(stack, k);
            }
            sampleStacks[i] = stacks.intern(buffer, 0, length + 1);
        }
    }

    /** The number of distinct stacks the samples use. */
    int distinctStacks() {
        boolean[] used = new boolean[stacks.count()];
        int distinct = 0;
        for (int i = 0; i < sampleCount; i++) {
            if (!used[sampleStacks[i]]) {
                used[sampleStacks[i]] = true;
                distinct++;
            }
        }
        return distinct;
    }
}
