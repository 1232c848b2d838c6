package zeekspy.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Distinct functions and frames, numbered from 0. A frame is a function at a line; with
 * {@link Granularity#FUNCTIONS} every frame of a function has line 0, but the lowest line seen
 * is still kept as the function's start line.
 */
final class FrameTable {
    /** A function: {@code file} is "" for built-in and synthetic functions. */
    record Function(String name, String file, FrameKind kind) {
        // Written out: a record's generated equals and hashCode bootstrap method handles, slow to start.
        @Override
        public boolean equals(Object o) {
            return o instanceof Function && ((Function) o).name.equals(name) && ((Function) o).file.equals(file)
                    && ((Function) o).kind == kind;
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + file.hashCode()) * 31 + kind.ordinal();
        }
    }

    private final boolean keepLines;
    private final List<Function> functions = new ArrayList<>();
    private final Map<Function, Integer> functionIds = new HashMap<>();
    private int[] startLines = new int[64];
    private final LongIntMap frameIds = new LongIntMap();
    private int[] frameFunctions = new int[64];
    private int[] frameLines = new int[64];
    private int frameCount;
    private String[] labels = new String[0];

    FrameTable(Granularity granularity) {
        this.keepLines = granularity == Granularity.LINES;
    }

    /** The id of a function, added if new. */
    int function(String name, String file, FrameKind kind) {
        Function function = new Function(name, file == null ? "" : file, kind);
        Integer id = functionIds.get(function);
        if (id == null) {
            id = functions.size();
            functions.add(function);
            functionIds.put(function, id);
            if (id == startLines.length) {
                startLines = Arrays.copyOf(startLines, id * 2);
            }
            startLines[id] = Integer.MAX_VALUE;
        }
        return id;
    }

    /** The id of the frame of {@code function} at {@code line} (at line 0 without line granularity), added if new. */
    int frame(int function, int line) {
        if (line > 0 && line < startLines[function]) {
            startLines[function] = line;
        }
        int frameLine = keepLines && line > 0 ? line : 0;
        long key = ((long) function << 32) | frameLine;
        int id = frameIds.get(key);
        if (id < 0) {
            id = frameCount++;
            if (id == frameFunctions.length) {
                frameFunctions = Arrays.copyOf(frameFunctions, id * 2);
                frameLines = Arrays.copyOf(frameLines, id * 2);
            }
            frameFunctions[id] = function;
            frameLines[id] = frameLine;
            frameIds.putNew(key, id);
        }
        return id;
    }

    /** The id of a made-up frame such as {@code [truncated]}. */
    int syntheticFrame(String name) {
        return frame(function(name, "", FrameKind.SYNTHETIC), 0);
    }

    int frameCount() {
        return frameCount;
    }

    int functionCount() {
        return functions.size();
    }

    Function function(int id) {
        return functions.get(id);
    }

    /** The lowest line seen in the function, or 0. */
    int startLine(int function) {
        int line = startLines[function];
        return line == Integer.MAX_VALUE ? 0 : line;
    }

    int functionOf(int frame) {
        return frameFunctions[frame];
    }

    /** The frame's line; 0 when unknown or without line granularity. */
    int lineOf(int frame) {
        return frameLines[frame];
    }

    FrameKind kindOf(int frame) {
        return functions.get(frameFunctions[frame]).kind();
    }

    /** How the frame is shown: {@code function (file:line)}, {@code function (file)} or {@code function}. */
    String label(int frame) {
        if (frame >= labels.length) {
            labels = Arrays.copyOf(labels, Math.max(frameCount, frame + 1));
        }
        String label = labels[frame];
        if (label == null) {
            Function function = functions.get(frameFunctions[frame]);
            int line = frameLines[frame];
            if (function.file().isEmpty()) {
                label = function.name();
            } else if (line > 0) {
                label = function.name() + " (" + function.file() + ":" + line + ")";
            } else {
                label = function.name() + " (" + function.file() + ")";
            }
            labels[frame] = label;
        }
        return label;
    }
}
