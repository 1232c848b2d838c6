package zeekspy.stack;

import java.util.ArrayList;
import java.util.List;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutField;
import zeekspy.layout.StringAbi;
import zeekspy.memory.FakeMemory;

/**
 * Builds Zeek's script-stack data structures in a {@link FakeMemory} image for any layout:
 * functions, statements with locations, call expressions, frames, and the two stacks.
 */
final class FakeZeek {
    final FakeMemory memory = new FakeMemory();
    final Layout layout;
    final long callStack;
    final long frameStack;
    private final List<long[]> entries = new ArrayList<>(); // {call, func or frame}
    private final List<Long> frames = new ArrayList<>();
    private long callStackBuffer;
    private long frameStackBuffer;

    FakeZeek(Layout layout) {
        this.layout = layout;
        callStack = memory.allocate(24);
        frameStack = layout.callInfoHasFrame() ? 0 : memory.allocate(24);
    }

    private int off(LayoutField f) {
        return layout.offset(f);
    }

    long cString(String s) {
        long a = memory.allocate(s.length() + 1);
        memory.putCString(a, s);
        return a;
    }

    long location(long filename, int first, int last) {
        long loc = memory.allocate(48);
        memory.putLong(loc + off(LayoutField.LOCATION_FILENAME), filename);
        memory.putInt(loc + off(LayoutField.LOCATION_FIRST_LINE), first);
        memory.putInt(loc + off(LayoutField.LOCATION_LAST_LINE), last);
        return loc;
    }

    /** A Stmt or Expr: an Obj with a location. */
    long node(long filename, int first, int last) {
        long obj = memory.allocate(64);
        memory.putLong(obj + off(LayoutField.OBJ_LOCATION), location(filename, first, last));
        return obj;
    }

    /** A Func; flavor 0 function, 1 event, 2 hook; kind 1 = built-in. Bodies are Stmt addresses. */
    long func(String name, int kind, int flavor, long... bodies) {
        long f = memory.allocate(160);
        int kindSize = off(LayoutField.FUNC_KIND_SIZE);
        for (int i = 0; i < kindSize; i++) {
            memory.putByte(f + off(LayoutField.FUNC_KIND) + i, i == 0 ? kind : 0);
        }
        writeString(f + off(LayoutField.FUNC_NAME), name);
        long type = memory.allocate(128);
        memory.putInt(type + off(LayoutField.FUNCTYPE_FLAVOR), flavor);
        memory.putLong(f + off(LayoutField.FUNC_TYPE), type);
        if (bodies.length > 0) {
            int bodySize = off(LayoutField.BODY_SIZE);
            long arr = memory.allocate(bodySize * bodies.length);
            for (int i = 0; i < bodies.length; i++) {
                memory.putLong(arr + (long) i * bodySize + off(LayoutField.BODY_STMTS), bodies[i]);
            }
            memory.putLong(f + off(LayoutField.FUNC_BODIES) + off(LayoutField.VECTOR_BEGIN), arr);
            memory.putLong(f + off(LayoutField.FUNC_BODIES) + off(LayoutField.VECTOR_END), arr + (long) bodySize * bodies.length);
        }
        return f;
    }

    private void writeString(long at, String s) {
        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (layout.stringAbi() == StringAbi.LIBCXX) {
            if (utf8.length <= 22) {
                memory.putByte(at, utf8.length << 1);
                memory.putBytes(at + 1, utf8);
            } else {
                long chars = cString(s);
                memory.putLong(at, (utf8.length + 1L) | 1);
                memory.putLong(at + 8, utf8.length);
                memory.putLong(at + 16, chars);
            }
            return;
        }
        long inline = at + 16;
        long chars = utf8.length < 16 ? inline : cString(s);
        if (chars == inline) {
            memory.putBytes(inline, java.util.Arrays.copyOf(utf8, utf8.length + 1));
        }
        memory.putLong(at + off(LayoutField.STRING_DATA), chars);
        memory.putLong(at + off(LayoutField.STRING_SIZE), utf8.length);
    }

    /** A Frame of {@code func} (0 for top-level statements) running {@code nextStmt}. */
    long frame(long func, long nextStmt) {
        long fr = memory.allocate(256);
        memory.putLong(fr + off(LayoutField.FRAME_FUNCTION), func);
        memory.putLong(fr + off(LayoutField.FRAME_NEXT_STMT), nextStmt);
        return fr;
    }

    void setNextStmt(long frame, long stmt) {
        memory.putLong(frame + off(LayoutField.FRAME_NEXT_STMT), stmt);
    }

    /** Sets a frame's {@code call_loc} (a Location, ZAM in 4.1-5.2); the layout must have the member. */
    void setCallLoc(long frame, long location) {
        memory.putLong(frame + off(LayoutField.FRAME_CALL_LOC), location);
    }

    /**
     * Pushes a call of {@code func} with call expression {@code call} (0 if none) the way Zeek does:
     * a script function gets a frame ({@code isScript}); returns the frame or 0.
     */
    long push(long call, long func, boolean isScript) {
        long frame = 0;
        if (layout.callInfoHasFrame()) {
            frame = frame(func, 0);
            entries.add(new long[] {call, frame});
        } else {
            if (isScript) {
                frame = frame(func, 0);
                frames.add(frame);
            }
            entries.add(new long[] {call, func});
        }
        sync();
        return frame;
    }

    /** A frame on g_frame_stack only (startup statements, or one pushed before its entry). */
    long pushFrameOnly(long func) {
        long frame = frame(func, 0);
        if (layout.callInfoHasFrame()) {
            entries.add(new long[] {0, frame});
        } else {
            frames.add(frame);
        }
        sync();
        return frame;
    }

    void pop(boolean isScript) {
        entries.remove(entries.size() - 1);
        if (!layout.callInfoHasFrame() && isScript) {
            frames.remove(frames.size() - 1);
        }
        sync();
    }

    /**
     * From now on the vectors keep their storage while they hold at most {@code entries}
     * elements, as std::vector does within its capacity (by default every change moves them).
     */
    void reserve(int entries) {
        reserved = entries;
    }

    private int reserved;
    private int callStackCapacity;

    /** Writes both vectors (new buffers each time unless reserved, as a growing std::vector would). */
    void sync() {
        int size = off(LayoutField.CALLINFO_SIZE);
        int capacityOffset = 24 - off(LayoutField.VECTOR_BEGIN) - off(LayoutField.VECTOR_END); // offsets 0, 8, 16
        boolean keep = reserved > 0 && reserved >= entries.size() && reserved >= frames.size()
                && callStackCapacity == reserved;
        if (callStackBuffer != 0 && !keep) {
            memory.unmap(callStackBuffer);
            callStackBuffer = 0;
        }
        int capacity = Math.max(reserved, entries.size());
        if (callStackBuffer == 0) {
            callStackBuffer = memory.allocate(Math.max(size * capacity, 8));
            callStackCapacity = capacity;
        }
        for (int i = 0; i < entries.size(); i++) {
            long e = callStackBuffer + (long) i * size;
            memory.putLong(e + off(LayoutField.CALLINFO_CALL), entries.get(i)[0]);
            memory.putLong(e + off(layout.callInfoHasFrame() ? LayoutField.CALLINFO_FRAME : LayoutField.CALLINFO_FUNC),
                    entries.get(i)[1]);
        }
        memory.putLong(callStack + off(LayoutField.VECTOR_BEGIN), callStackBuffer);
        memory.putLong(callStack + off(LayoutField.VECTOR_END), callStackBuffer + (long) size * entries.size());
        memory.putLong(callStack + capacityOffset, callStackBuffer + (long) size * capacity);
        if (frameStack != 0) {
            if (frameStackBuffer != 0 && !keep) {
                memory.unmap(frameStackBuffer);
                frameStackBuffer = 0;
            }
            int frameCapacity = Math.max(reserved, frames.size());
            if (frameStackBuffer == 0) {
                frameStackBuffer = memory.allocate(Math.max(8 * frameCapacity, 8));
            }
            memory.putLong(frameStack + capacityOffset, frameStackBuffer + 8L * frameCapacity);
            for (int i = 0; i < frames.size(); i++) {
                memory.putLong(frameStackBuffer + 8L * i, frames.get(i));
            }
            memory.putLong(frameStack + off(LayoutField.VECTOR_BEGIN), frameStackBuffer);
            memory.putLong(frameStack + off(LayoutField.VECTOR_END), frameStackBuffer + 8L * frames.size());
        }
    }

    StackReader reader(int maxDepth) {
        return new StackReader(memory, layout, callStack, frameStack, maxDepth);
    }
}
