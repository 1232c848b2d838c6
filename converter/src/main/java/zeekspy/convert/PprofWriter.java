package zeekspy.convert;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import zeekspy.convert.pprof.PprofProto;

/**
 * Writes a {@link StackProfile} as a pprof profile: sample types samples/count and
 * cpu/nanoseconds, one location per frame (function and line), labels pid, node and kind.
 */
final class PprofWriter {
    private final StackProfile profile;
    private final PprofProto.Profile.Builder out = PprofProto.Profile.newBuilder();
    private final Map<String, Integer> strings = new HashMap<>();

    PprofWriter(StackProfile profile) {
        this.profile = profile;
    }

    void write(OutputStream stream) throws IOException {
        build().writeTo(stream);
    }

    PprofProto.Profile build() {
        string("");
        out.addSampleType(valueType("samples", "count"));
        out.addSampleType(valueType("cpu", "nanoseconds"));
        out.setPeriodType(valueType("cpu", "nanoseconds"));
        out.setPeriod(profile.period);
        out.setTimeNanos(profile.startNanos);
        out.setDurationNanos(Math.max(0, profile.endNanos - profile.startNanos));
        out.addComment(string("zeek-spy: " + profile.event + " samples from " + String.join(", ", profile.inputNames)));
        FrameTable frames = profile.frames;
        boolean[] functionWritten = new boolean[frames.functionCount()];
        boolean[] locationWritten = new boolean[frames.frameCount()];
        long pidKey = string("pid");
        long nodeKey = string("node");
        long kindKey = string("kind");
        for (int sample = 0; sample < profile.sampleCount(); sample++) {
            int stack = profile.stackOf(sample);
            PprofProto.Sample.Builder outSample = PprofProto.Sample.newBuilder();
            for (int i = profile.stacks.length(stack) - 1; i >= 0; i--) {
                int frame = profile.stacks.frame(stack, i);
                if (!locationWritten[frame]) {
                    locationWritten[frame] = true;
                    int function = frames.functionOf(frame);
                    if (!functionWritten[function]) {
                        functionWritten[function] = true;
                        addFunction(function);
                    }
                    out.addLocation(PprofProto.Location.newBuilder()
                            .setId(frame + 1L)
                            .addLine(PprofProto.Line.newBuilder().setFunctionId(function + 1L).setLine(frames.lineOf(frame))));
                }
                outSample.addLocationId(frame + 1L);
            }
            outSample.addValue(profile.countOf(sample)).addValue(profile.nanosOf(sample));
            LabelSet labels = profile.labelSetOf(sample);
            if (labels.hasPid()) {
                outSample.addLabel(PprofProto.Label.newBuilder().setKey(pidKey).setNum(labels.pid()));
            }
            if (labels.node() != null && !labels.node().isEmpty()) {
                outSample.addLabel(PprofProto.Label.newBuilder().setKey(nodeKey).setStr(string(labels.node())));
            }
            if (labels.kind() != null && !labels.kind().isEmpty()) {
                outSample.addLabel(PprofProto.Label.newBuilder().setKey(kindKey).setStr(string(labels.kind())));
            }
            out.addSample(outSample);
        }
        return out.build();
    }

    private void addFunction(int function) {
        FrameTable.Function f = profile.frames.function(function);
        long name = string(f.name());
        out.addFunction(PprofProto.Function.newBuilder()
                .setId(function + 1L)
                .setName(name)
                .setSystemName(name)
                .setFilename(string(f.file()))
                .setStartLine(profile.frames.startLine(function)));
    }

    private PprofProto.ValueType valueType(String type, String unit) {
        return PprofProto.ValueType.newBuilder().setType(string(type)).setUnit(string(unit)).build();
    }

    private long string(String s) {
        Integer index = strings.get(s);
        if (index == null) {
            index = strings.size();
            strings.put(s, index);
            out.addStringTable(s);
        }
        return index;
    }
}
