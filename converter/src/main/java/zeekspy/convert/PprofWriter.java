package zeekspy.convert;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import zeekspy.convert.pprof.PprofProto.Function;
import zeekspy.convert.pprof.PprofProto.Label;
import zeekspy.convert.pprof.PprofProto.Line;
import zeekspy.convert.pprof.PprofProto.Location;
import zeekspy.convert.pprof.PprofProto.Profile;
import zeekspy.convert.pprof.PprofProto.Sample;
import zeekspy.convert.pprof.PprofProto.ValueType;

/**
 * Writes a {@link StackProfile} as a pprof profile: sample types samples/count and
 * cpu/nanoseconds, one location per frame (function and line), labels pid, node and kind.
 *
 * <p>Encodes the messages of {@code pprof.proto} field by field ({@link ProtoOutput}): the
 * field numbers are the generated classes' constants, inlined by javac, so nothing of
 * protobuf-java loads at run time; message builders would cost more class loading and
 * copying than the rest of a typical conversion. The tests read the output with the
 * generated classes.
 */
final class PprofWriter {
    private final StackProfile profile;
    private final Map<String, Integer> stringIndex = new HashMap<>();
    private final List<String> strings = new ArrayList<>();
    private ProtoOutput out;

    PprofWriter(StackProfile profile) {
        this.profile = profile;
    }

    void write(OutputStream stream) throws IOException {
        out = new ProtoOutput(stream);
        string("");
        valueType(Profile.SAMPLE_TYPE_FIELD_NUMBER, string("samples"), string("count"));
        long cpu = string("cpu");
        long nanoseconds = string("nanoseconds");
        valueType(Profile.SAMPLE_TYPE_FIELD_NUMBER, cpu, nanoseconds);
        valueType(Profile.PERIOD_TYPE_FIELD_NUMBER, cpu, nanoseconds);
        int64(Profile.PERIOD_FIELD_NUMBER, profile.period);
        int64(Profile.TIME_NANOS_FIELD_NUMBER, profile.startNanos);
        int64(Profile.DURATION_NANOS_FIELD_NUMBER, Math.max(0, profile.endNanos - profile.startNanos));
        int64(Profile.COMMENT_FIELD_NUMBER,
                string("zeek-spy: " + profile.event + " samples from " + String.join(", ", profile.inputNames)));
        FrameTable frames = profile.frames;
        boolean[] usedFrames = new boolean[frames.frameCount()];
        long pidKey = string("pid");
        long nodeKey = string("node");
        long kindKey = string("kind");
        for (int sample = 0; sample < profile.sampleCount(); sample++) {
            writeSample(sample, usedFrames, pidKey, nodeKey, kindKey);
        }
        boolean[] usedFunctions = new boolean[frames.functionCount()];
        for (int frame = 0; frame < usedFrames.length; frame++) {
            if (usedFrames[frame]) {
                usedFunctions[frames.functionOf(frame)] = true;
                writeLocation(frame);
            }
        }
        for (int function = 0; function < usedFunctions.length; function++) {
            if (usedFunctions[function]) {
                writeFunction(function);
            }
        }
        for (String s : strings) {
            out.string(Profile.STRING_TABLE_FIELD_NUMBER, s);
        }
        out.flush();
    }

    private void writeSample(int sample, boolean[] usedFrames, long pidKey, long nodeKey, long kindKey) throws IOException {
        int stack = profile.stackOf(sample);
        int length = profile.stacks.length(stack);
        int locationsSize = 0;
        for (int i = 0; i < length; i++) {
            locationsSize += ProtoOutput.varintSize(profile.stacks.frame(stack, i) + 1L);
        }
        long count = profile.countOf(sample);
        long nanos = profile.nanosOf(sample);
        int valuesSize = ProtoOutput.varintSize(count) + ProtoOutput.varintSize(nanos);
        LabelSet labels = profile.labelSetOf(sample);
        long node = present(labels.node()) ? string(labels.node()) : 0;
        long kind = present(labels.kind()) ? string(labels.kind()) : 0;
        int pidSize = labels.hasPid() ? int64Size(Label.KEY_FIELD_NUMBER, pidKey) + int64Size(Label.NUM_FIELD_NUMBER, labels.pid()) : 0;
        int nodeSize = node != 0 ? int64Size(Label.KEY_FIELD_NUMBER, nodeKey) + int64Size(Label.STR_FIELD_NUMBER, node) : 0;
        int kindSize = kind != 0 ? int64Size(Label.KEY_FIELD_NUMBER, kindKey) + int64Size(Label.STR_FIELD_NUMBER, kind) : 0;
        int size = packedSize(Sample.LOCATION_ID_FIELD_NUMBER, locationsSize) + packedSize(Sample.VALUE_FIELD_NUMBER, valuesSize)
                + messageSize(Sample.LABEL_FIELD_NUMBER, pidSize, labels.hasPid())
                + messageSize(Sample.LABEL_FIELD_NUMBER, nodeSize, node != 0)
                + messageSize(Sample.LABEL_FIELD_NUMBER, kindSize, kind != 0);
        startMessage(Profile.SAMPLE_FIELD_NUMBER, size);
        if (length > 0) {
            startMessage(Sample.LOCATION_ID_FIELD_NUMBER, locationsSize);
            // pprof wants the innermost frame first.
            for (int i = length - 1; i >= 0; i--) {
                int frame = profile.stacks.frame(stack, i);
                usedFrames[frame] = true;
                out.varint(frame + 1L);
            }
        }
        startMessage(Sample.VALUE_FIELD_NUMBER, valuesSize);
        out.varint(count);
        out.varint(nanos);
        if (labels.hasPid()) {
            startMessage(Sample.LABEL_FIELD_NUMBER, pidSize);
            int64(Label.KEY_FIELD_NUMBER, pidKey);
            int64(Label.NUM_FIELD_NUMBER, labels.pid());
        }
        if (node != 0) {
            startMessage(Sample.LABEL_FIELD_NUMBER, nodeSize);
            int64(Label.KEY_FIELD_NUMBER, nodeKey);
            int64(Label.STR_FIELD_NUMBER, node);
        }
        if (kind != 0) {
            startMessage(Sample.LABEL_FIELD_NUMBER, kindSize);
            int64(Label.KEY_FIELD_NUMBER, kindKey);
            int64(Label.STR_FIELD_NUMBER, kind);
        }
    }

    private void writeLocation(int frame) throws IOException {
        long functionId = profile.frames.functionOf(frame) + 1L;
        int line = profile.frames.lineOf(frame);
        int lineSize = int64Size(Line.FUNCTION_ID_FIELD_NUMBER, functionId) + int64Size(Line.LINE_FIELD_NUMBER, line);
        int size = int64Size(Location.ID_FIELD_NUMBER, frame + 1L) + messageSize(Location.LINE_FIELD_NUMBER, lineSize, true);
        startMessage(Profile.LOCATION_FIELD_NUMBER, size);
        int64(Location.ID_FIELD_NUMBER, frame + 1L);
        startMessage(Location.LINE_FIELD_NUMBER, lineSize);
        int64(Line.FUNCTION_ID_FIELD_NUMBER, functionId);
        int64(Line.LINE_FIELD_NUMBER, line);
    }

    private void writeFunction(int function) throws IOException {
        FrameTable.Function f = profile.frames.function(function);
        long id = function + 1L;
        long name = string(f.name());
        // pprof demangles system names, which turns "<native>" into "": zeek-spy's own frames
        // then keep their name, so that -ignore=empty_call_stack still matches them.
        long system = f.name().startsWith("<") ? 0 : name;
        long file = string(f.file());
        long startLine = profile.frames.startLine(function);
        int size = int64Size(Function.ID_FIELD_NUMBER, id) + int64Size(Function.NAME_FIELD_NUMBER, name)
                + int64Size(Function.SYSTEM_NAME_FIELD_NUMBER, system) + int64Size(Function.FILENAME_FIELD_NUMBER, file)
                + int64Size(Function.START_LINE_FIELD_NUMBER, startLine);
        startMessage(Profile.FUNCTION_FIELD_NUMBER, size);
        int64(Function.ID_FIELD_NUMBER, id);
        int64(Function.NAME_FIELD_NUMBER, name);
        int64(Function.SYSTEM_NAME_FIELD_NUMBER, system);
        int64(Function.FILENAME_FIELD_NUMBER, file);
        int64(Function.START_LINE_FIELD_NUMBER, startLine);
    }

    private void valueType(int field, long type, long unit) throws IOException {
        startMessage(field, int64Size(ValueType.TYPE_FIELD_NUMBER, type) + int64Size(ValueType.UNIT_FIELD_NUMBER, unit));
        int64(ValueType.TYPE_FIELD_NUMBER, type);
        int64(ValueType.UNIT_FIELD_NUMBER, unit);
    }

    private void startMessage(int field, int size) throws IOException {
        out.startMessage(field, size);
    }

    private void int64(int field, long value) throws IOException {
        out.int64(field, value);
    }

    private static int int64Size(int field, long value) {
        return ProtoOutput.int64Size(field, value);
    }

    private static int packedSize(int field, int payload) {
        return payload == 0 ? 0 : ProtoOutput.messageSize(field, payload);
    }

    private static int messageSize(int field, int payload, boolean present) {
        return present ? ProtoOutput.messageSize(field, payload) : 0;
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }

    private long string(String s) {
        Integer index = stringIndex.get(s);
        if (index == null) {
            index = strings.size();
            stringIndex.put(s, index);
            strings.add(s);
        }
        return index;
    }
}
