package zeekspy.stack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import zeekspy.layout.Layout;
import zeekspy.layout.LayoutField;
import zeekspy.layout.StringAbi;
import zeekspy.memory.ProcessMemory;
import zeekspy.memory.ReadBatch;

/**
 * Reads Zeek's script call stack out of its memory. One instance per process, used by one thread.
 *
 * <h2>The rules (from Zeek's {@code render_call_stack}, {@code backtrace()} and debugger; see
 * zeek-internals §6, §8, §9)</h2>
 * <ol>
 *   <li>{@code call_stack} ({@code std::vector<CallInfo>}) lists the active calls, outermost
 *       first. Up to 8.0 an entry points to its {@code Func}; from 8.1 to its {@code Frame},
 *       whose {@code function} is the {@code Func}. Entries without a function (top-level
 *       statements, compiled code) are not frames.</li>
 *   <li>Up to 8.0 the frames are in {@code g_frame_stack}, which holds script activations only
 *       (built-in functions get none), plus a startup frame and, briefly, a frame pushed before
 *       its call stack entry. Walk both stacks down from the top: a script entry takes the next
 *       frame whose {@code function} is its {@code Func}; frames that do not match are skipped.
 *       Never pair them by index.</li>
 *   <li>The line of script frame {@code i}: the location of entry {@code i+1}'s call expression
 *       when there is an entry above and its {@code call} is set (the exact call site in frame
 *       {@code i}); else the location of frame {@code i}'s {@code next_stmt} (the statement
 *       running, which contains any call in progress); else its {@code call_loc} (ZAM in
 *       4.2–5.2); else, for ZAM or compiled bodies that never set {@code next_stmt}, the first
 *       line of the function's first body, marked approximate.</li>
 *   <li>The file is that same location's file, so an event handler is attributed to the body
 *       that is running, whatever file declared the event.</li>
 *   <li>Built-in functions have a name only.</li>
 *   <li>{@code Func::kind} 1 is a built-in function; otherwise {@code FuncType::flavor} tells a
 *       function (0), an event (1) or a hook (2).</li>
 * </ol>
 *
 * <h2>Cost</h2>
 * Function names and locations never change while their objects live, so they are cached by
 * address in bounded caches. A steady-state sample then takes two batched reads: the vector
 * headers together with the innermost entries where they were at the last sample (the vectors
 * keep their storage; a miss costs a third read), and the frames; a fourth in non-blocking mode
 * detects torn reads.
 *
 * <h2>Hostile memory</h2>
 * Whatever the target's memory holds, a sample ends in a stack or a {@link StackError}, never an
 * exception (only {@link zeekspy.memory.ProcessGoneException} passes through), and its cost is
 * bounded by {@code maxDepth} alone: no pointer chain is followed, every length is checked
 * before it is used ({@value #MAX_NAME}-byte names, {@value #MAX_FILENAME}-byte file names read
 * in {@value #FILENAME_CHUNK}-byte chunks), so a sample makes at most {@code 6 + 41·maxDepth}
 * read requests. The caches have fixed slots and hold at most {@value #MAX_CACHED_CHARS}
 * characters of names before they start over, and a torn sample takes back what it cached.
 */
public final class StackReader {
    /** Longest function name decoded, in bytes. */
    static final int MAX_NAME = 1024;
    /** Longest script file name decoded, in bytes with its NUL. */
    static final int MAX_FILENAME = 4096;
    /** File names are read in chunks of this many bytes, until the NUL. */
    static final int FILENAME_CHUNK = 256;
    static final int MAX_LINE = 100_000_000;
    /** More entries than this cannot be a real stack (Zeek 9 stops at depth 1000 by default). */
    static final long MAX_ENTRIES = 1_000_000;
    static final int MAX_BODIES = 4096;
    /** The most characters of names and file names the caches keep before they start over. */
    static final long MAX_CACHED_CHARS = 1L << 22;
    /** Cache insertions of one sample remembered to take them back if it is torn. */
    private static final int MAX_LOGGED_INSERTS = 4096;
    private static final int FUNC_CACHE = 4096;
    private static final int OBJECT_LOCATION_CACHE = 1 << 16;
    private static final int LOCATION_CACHE = 4096;
    private static final int FILENAME_CACHE = 4096;
    private static final int FRAME_CACHE = 1 << 14;
    /** Entries read on the guess that the stack still lives where it did (see VectorGuess). */
    private static final int GUESS_WINDOW = 64;

    private final ProcessMemory memory;
    private final long callStackAddress;
    private final long frameStackAddress;
    private final int maxDepth;
    private final StringAbi stringAbi;

    // Layout, unpacked once.
    private final int vecBegin;
    private final int vecEnd;
    private final int strData;
    private final int strSize;
    private final int entrySize;
    private final int entryCall;
    private final int entryTarget;
    private final boolean entryHasFrame;
    private final int funcBodies;
    private final int funcKind;
    private final int funcKindSize;
    private final int funcName;
    private final int funcType;
    private final int flavorOffset;
    private final int bodySize;
    private final int bodyStmts;
    private final int objLocation;
    private final int locFile;
    private final int locFirst;
    private final int locLast;
    private final int locSpan;
    private final int frameFunction;
    private final int frameNextStmt;
    private final int frameCall;
    private final int frameCallLoc;
    private final int frameSpanStart;
    private final int frameSpan;
    private final int funcSpan;

    private final ReadBatch batch;
    private final ReadBatch headers;
    private final VectorGuess callStackGuess;
    private final VectorGuess frameStackGuess;
    /** std::vector is three pointers (begin, end, end of storage) in libstdc++ and libc++ alike. */
    private final int vecCapacity;
    private final ReadBatch verify = new ReadBatch(2, 64);
    private final byte[] scratch = new byte[MAX_FILENAME];
    private final ByteBuffer scratchView = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);

    // Per-sample state, preallocated for maxDepth entries.
    private final long[] entryCalls;
    private final long[] entryTargets;
    private final long[] funcs;
    private final long[] frames;
    private final long[] frameFuncs;
    private final long[] frameNext;
    private final long[] frameCallLocs;
    private final long[] entryFrameNext;
    private final long[] entryFrameCallLoc;
    private final FrameMatcher matcher;

    private final AddressCache<FuncInfo> funcCache;
    private final AddressCache<LocationInfo> objectLocations;
    private final AddressCache<LocationInfo> locations;
    private final AddressCache<String> filenames;
    private final AddressCache<InternedFrame> internedFrames;
    private long cachedChars;
    private long cacheResets;
    // This sample's cache insertions, taken back if it turns out torn.
    private final AddressCache<?>[] insertedIn;
    private final long[] insertedKeys;
    private int inserted;

    private boolean verifyConsistency;
    private long headerBegin;
    private long headerEnd;
    private long headerFsBegin;
    private long headerFsEnd;
    private int lastDepth;
    private boolean lastTruncated;
    private StackError error;

    /**
     * @param callStackAddress runtime address of {@code call_stack}
     * @param frameStackAddress runtime address of {@code g_frame_stack}, or 0 from Zeek 8.1 on
     * @param maxDepth the most entries read; deeper stacks keep their innermost entries
     */
    public StackReader(ProcessMemory memory, Layout layout, long callStackAddress, long frameStackAddress,
                       int maxDepth) {
        this(memory, layout, callStackAddress, frameStackAddress, maxDepth, 1);
    }

    /** @param cacheDivisor a power of two the cache sizes are divided by (tests: many evictions, cheap resets) */
    StackReader(ProcessMemory memory, Layout layout, long callStackAddress, long frameStackAddress,
                int maxDepth, int cacheDivisor) {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("stack depth must be at least 1, not " + maxDepth);
        }
        this.memory = memory;
        this.callStackAddress = callStackAddress;
        this.frameStackAddress = layout.callInfoHasFrame() ? 0 : frameStackAddress;
        this.maxDepth = maxDepth;
        this.stringAbi = layout.stringAbi();
        vecBegin = layout.offset(LayoutField.VECTOR_BEGIN);
        vecEnd = layout.offset(LayoutField.VECTOR_END);
        strData = layout.offset(LayoutField.STRING_DATA);
        strSize = layout.offset(LayoutField.STRING_SIZE);
        entrySize = layout.offset(LayoutField.CALLINFO_SIZE);
        entryCall = layout.offset(LayoutField.CALLINFO_CALL);
        entryHasFrame = layout.callInfoHasFrame();
        entryTarget = layout.offset(entryHasFrame ? LayoutField.CALLINFO_FRAME : LayoutField.CALLINFO_FUNC);
        funcBodies = layout.offset(LayoutField.FUNC_BODIES);
        funcKind = layout.offset(LayoutField.FUNC_KIND);
        funcKindSize = layout.offset(LayoutField.FUNC_KIND_SIZE);
        funcName = layout.offset(LayoutField.FUNC_NAME);
        funcType = layout.offset(LayoutField.FUNC_TYPE);
        flavorOffset = layout.offset(LayoutField.FUNCTYPE_FLAVOR);
        bodySize = layout.offset(LayoutField.BODY_SIZE);
        bodyStmts = layout.offset(LayoutField.BODY_STMTS);
        objLocation = layout.offset(LayoutField.OBJ_LOCATION);
        locFile = layout.offset(LayoutField.LOCATION_FILENAME);
        locFirst = layout.offset(LayoutField.LOCATION_FIRST_LINE);
        locLast = layout.offset(LayoutField.LOCATION_LAST_LINE);
        locSpan = Math.max(locFile + 8, Math.max(locFirst, locLast) + 4);
        frameFunction = layout.offset(LayoutField.FRAME_FUNCTION);
        frameNextStmt = layout.offset(LayoutField.FRAME_NEXT_STMT);
        frameCall = layout.offset(LayoutField.FRAME_CALL);
        frameCallLoc = layout.offset(LayoutField.FRAME_CALL_LOC);
        int lo = Math.min(frameFunction, Math.min(frameNextStmt, frameCall));
        int hi = Math.max(frameFunction, Math.max(frameNextStmt, frameCall));
        if (frameCallLoc >= 0) {
            lo = Math.min(lo, frameCallLoc);
            hi = Math.max(hi, frameCallLoc);
        }
        frameSpanStart = lo;
        frameSpan = hi + 8 - lo;
        int stringSpan = stringAbi == StringAbi.LIBCXX ? 24 : Math.max(strData, strSize) + 8 + 16;
        funcSpan = Math.max(Math.max(funcKind + funcKindSize, funcName + Math.max(stringSpan, 32)),
                Math.max(funcType + 8, funcBodies + Math.max(vecBegin, vecEnd) + 8));
        if (funcSpan > scratch.length || frameSpan > 4096 || locSpan > scratch.length || entrySize <= 0
                || bodySize <= 0 || Math.max(vecBegin, vecEnd) > 16 || vecBegin == vecEnd
                || vecBegin % 8 != 0 || vecEnd % 8 != 0 || vecBegin < 0 || vecEnd < 0
                || Math.max(entryCall, entryTarget) + 8 > entrySize) {
            throw new IllegalArgumentException("implausible layout: " + layout.source());
        }
        entryCalls = new long[maxDepth];
        entryTargets = new long[maxDepth];
        funcs = new long[maxDepth];
        frames = new long[maxDepth];
        frameFuncs = new long[maxDepth];
        frameNext = new long[maxDepth];
        frameCallLocs = new long[maxDepth];
        entryFrameNext = new long[maxDepth];
        entryFrameCallLoc = new long[maxDepth];
        matcher = new FrameMatcher(maxDepth);
        int bytes = maxDepth * Math.max(entrySize, 8) + maxDepth * 8 + maxDepth * frameSpan + 64;
        batch = new ReadBatch(2 * maxDepth + 4, bytes);
        int window = Math.min(maxDepth, GUESS_WINDOW);
        callStackGuess = new VectorGuess(entrySize, window);
        frameStackGuess = new VectorGuess(8, window);
        headers = new ReadBatch(4, 48 + window * (entrySize + 8));
        vecCapacity = 24 - vecBegin - vecEnd; // the pointer that is neither begin nor end
        funcCache = new AddressCache<>(Math.max(1, FUNC_CACHE / cacheDivisor));
        objectLocations = new AddressCache<>(Math.max(1, OBJECT_LOCATION_CACHE / cacheDivisor));
        locations = new AddressCache<>(Math.max(1, LOCATION_CACHE / cacheDivisor));
        filenames = new AddressCache<>(Math.max(1, FILENAME_CACHE / cacheDivisor));
        internedFrames = new AddressCache<>(Math.max(1, FRAME_CACHE / cacheDivisor));
        int logSize = (int) Math.min(MAX_LOGGED_INSERTS, 8L * maxDepth + 8);
        insertedIn = new AddressCache<?>[logSize];
        insertedKeys = new long[logSize];
    }

    /** Re-read the vector headers after each sample to detect a stack that changed meanwhile. */
    public void setVerifyConsistency(boolean verify) {
        this.verifyConsistency = verify;
    }

    /** Number of call stack entries of the last sample, before truncation to {@code maxDepth}. */
    public int lastDepth() {
        return lastDepth;
    }

    /** Whether the last sample had more entries than {@code maxDepth}. */
    public boolean lastTruncated() {
        return lastTruncated;
    }

    /**
     * Reads the current stack into {@code out} (cleared first), innermost frame first.
     *
     * @return null on success (an empty {@code out} means no script is running), else why not
     *     (and {@code out} is empty)
     */
    public StackError read(List<ScriptFrame> out) {
        out.clear();
        error = null;
        lastDepth = 0;
        lastTruncated = false;
        if (cachedChars > MAX_CACHED_CHARS) {
            clearCaches();
            cacheResets++;
        }
        inserted = 0;
        StackError result = readStack(out);
        if (verifyConsistency && result != StackError.UNREADABLE_CALL_STACK && result != StackError.BAD_VECTOR) {
            // In non-blocking mode a stack that changed underneath explains any failure on the way.
            StackError changed = verify(headerBegin, headerEnd, headerFsBegin, headerFsEnd);
            if (changed != null) {
                out.clear();
                forgetThisSample();
                return changed;
            }
        }
        if (result != null) {
            out.clear(); // the frames decoded before the failure are no stack
        }
        return result;
    }

    /** Empties the caches. */
    void clearCaches() {
        funcCache.clear();
        objectLocations.clear();
        locations.clear();
        filenames.clear();
        internedFrames.clear();
        cachedChars = 0;
        inserted = 0;
    }

    /** Characters of names held by the caches (an upper bound), for tests. */
    long cachedChars() {
        return cachedChars;
    }

    /** How often the caches started over for holding too many characters. */
    long cacheResets() {
        return cacheResets;
    }

    /** Cache slots in use, and their total, for tests: {used, capacity}. */
    int[] cacheOccupancy() {
        AddressCache<?>[] all = {funcCache, objectLocations, locations, filenames, internedFrames};
        int used = 0;
        int capacity = 0;
        for (AddressCache<?> c : all) {
            used += c.size();
            capacity += c.capacity();
        }
        return new int[] {used, capacity};
    }

    /** A torn sample may have decoded objects caught in mid-change: what it cached goes. */
    private void forgetThisSample() {
        if (inserted > insertedKeys.length) {
            clearCaches();
            return;
        }
        for (int i = 0; i < inserted; i++) {
            insertedIn[i].remove(insertedKeys[i]);
            insertedIn[i] = null;
        }
        inserted = 0;
    }

    private <V> void cache(AddressCache<V> cache, long key, V value) {
        cache.put(key, value);
        if (inserted < insertedKeys.length) {
            insertedIn[inserted] = cache;
            insertedKeys[inserted] = key;
        }
        inserted++;
    }

    private StackError readStack(List<ScriptFrame> out) {

        // Round 1: the vector headers, and the innermost elements where they were last time.
        ReadBatch h = headers;
        h.clear();
        int csHeader = h.add(callStackAddress, 24);
        int fsHeader = frameStackAddress != 0 ? h.add(frameStackAddress, 24) : -1;
        callStackGuess.addTo(h);
        if (fsHeader >= 0) {
            frameStackGuess.addTo(h);
        }
        memory.read(h);
        if (!h.ok(csHeader)) {
            callStackGuess.forget();
            return StackError.UNREADABLE_CALL_STACK;
        }
        long begin = h.getLong(csHeader, vecBegin);
        long end = h.getLong(csHeader, vecEnd);
        long fsBegin = 0;
        long fsEnd = 0;
        if (fsHeader >= 0) {
            if (!h.ok(fsHeader)) {
                frameStackGuess.forget();
                return StackError.UNREADABLE_CALL_STACK;
            }
            fsBegin = h.getLong(fsHeader, vecBegin);
            fsEnd = h.getLong(fsHeader, vecEnd);
        }
        // Guesses for the next sample, made before this one is checked: a guess is only an address.
        callStackGuess.remember(begin, end, h.getLong(csHeader, vecCapacity));
        if (fsHeader >= 0) {
            frameStackGuess.remember(fsBegin, fsEnd, h.getLong(fsHeader, vecCapacity));
        }
        headerBegin = begin;
        headerEnd = end;
        headerFsBegin = fsBegin;
        headerFsEnd = fsEnd;
        if (begin == end) {
            return null;
        }
        // Both ends are checked before they are subtracted: a wrapped difference is no size.
        if (!plausibleArray(begin, end, entrySize) || fsBegin != fsEnd && !plausibleArray(fsBegin, fsEnd, 8)) {
            return StackError.BAD_VECTOR;
        }
        long n = (end - begin) / entrySize;
        long m = (fsEnd - fsBegin) / 8;
        lastDepth = (int) n;
        int count = (int) Math.min(n, maxDepth);
        lastTruncated = count < n;
        int frameCount = (int) Math.min(m, maxDepth);

        // Round 2: the innermost entries and frame pointers, unless round 1 guessed them.
        long entriesFrom = end - (long) count * entrySize;
        long framesFrom = fsEnd - frameCount * 8L;
        int entriesAt = callStackGuess.find(h, begin, entriesFrom, end);
        int framesAt = frameCount == 0 ? 0 : frameStackGuess.find(h, fsBegin, framesFrom, fsEnd);
        ReadBatch entrySource = h;
        int entries = callStackGuess.slot();
        ReadBatch frameSource = h;
        int framePtrs = frameStackGuess.slot();
        if (entriesAt < 0 || framesAt < 0) {
            batch.clear();
            if (entriesAt < 0) {
                entrySource = batch;
                entries = batch.add(entriesFrom, count * entrySize);
                entriesAt = 0;
            }
            if (framesAt < 0) {
                frameSource = batch;
                framePtrs = batch.add(framesFrom, frameCount * 8);
                framesAt = 0;
            }
            memory.read(batch);
            if ((entrySource == batch && !batch.ok(entries)) || (frameSource == batch && !batch.ok(framePtrs))) {
                return StackError.UNREADABLE_ENTRY;
            }
        }
        for (int i = 0; i < count; i++) {
            entryCalls[i] = entrySource.getLong(entries, entriesAt + i * entrySize + entryCall);
            entryTargets[i] = entrySource.getLong(entries, entriesAt + i * entrySize + entryTarget);
        }
        for (int j = 0; j < frameCount; j++) {
            frames[j] = frameSource.getLong(framePtrs, framesAt + j * 8);
        }

        // Round 3: the frames (from g_frame_stack up to 8.0, from the entries from 8.1).
        if (entryHasFrame) {
            if (!readFrames(entryTargets, count)) {
                return error;
            }
            for (int i = 0; i < count; i++) {
                funcs[i] = frameFuncs[i];
                entryFrameNext[i] = frameNext[i];
                entryFrameCallLoc[i] = frameCallLocs[i];
            }
        } else {
            if (!readFrames(frames, frameCount)) {
                return error;
            }
            System.arraycopy(entryTargets, 0, funcs, 0, count);
            pairFrames(count, frameCount);
        }

        // Functions and locations, mostly from the caches; then the frames, innermost first.
        for (int i = count - 1; i >= 0; i--) {
            long func = funcs[i];
            if (func == 0) {
                continue;
            }
            FuncInfo info = func(func);
            if (info == null) {
                return error;
            }
            ScriptFrame frame = info.kind() == FunctionKind.BUILTIN ? builtinFrame(func, info) : scriptFrame(i, count, func, info);
            if (frame == null) {
                return error;
            }
            out.add(frame);
        }
        return null;
    }

    /** Reads function, next_stmt and call_loc of each frame; false (with {@link #error}) if one fails. */
    private boolean readFrames(long[] framePointers, int count) {
        batch.clear();
        for (int i = 0; i < count; i++) {
            long f = framePointers[i];
            if (f != 0 && !plausiblePointer(f)) {
                error = StackError.UNREADABLE_ENTRY;
                return false;
            }
            batch.add(f == 0 ? 0 : f + frameSpanStart, f == 0 ? 0 : frameSpan);
        }
        memory.read(batch);
        for (int i = 0; i < count; i++) {
            if (framePointers[i] == 0) {
                frameFuncs[i] = 0;
                frameNext[i] = 0;
                frameCallLocs[i] = 0;
                continue;
            }
            if (!batch.ok(i)) {
                error = StackError.UNREADABLE_ENTRY;
                return false;
            }
            frameFuncs[i] = batch.getLong(i, frameFunction - frameSpanStart);
            frameNext[i] = batch.getLong(i, frameNextStmt - frameSpanStart);
            frameCallLocs[i] = frameCallLoc >= 0 ? batch.getLong(i, frameCallLoc - frameSpanStart) : 0;
        }
        return true;
    }

    /** Rule 2: gives each script entry its frame's next_stmt and call_loc, walking down from the top. */
    private void pairFrames(int count, int frameCount) {
        matcher.index(frameFuncs, frameCount);
        int j = frameCount - 1;
        for (int i = count - 1; i >= 0; i--) {
            entryFrameNext[i] = 0;
            entryFrameCallLoc[i] = 0;
            long func = funcs[i];
            if (func == 0) {
                continue;
            }
            int k = matcher.match(func, j);
            if (k >= 0) {
                entryFrameNext[i] = frameNext[k];
                entryFrameCallLoc[i] = frameCallLocs[k];
                j = k - 1;
            }
            // No frame: a built-in function (never has one) or a frame not yet pushed.
        }
    }

    private ScriptFrame builtinFrame(long func, FuncInfo info) {
        return intern(func, 0, 0, info, LocationInfo.NONE, false);
    }

    /** Rules 3 and 4. */
    private ScriptFrame scriptFrame(int i, int count, long func, FuncInfo info) {
        long locationKey;
        LocationInfo loc;
        boolean approximate = false;
        if (i + 1 < count && entryCalls[i + 1] != 0) {
            locationKey = entryCalls[i + 1];
            loc = objectLocation(locationKey);
        } else if (entryFrameNext[i] != 0) {
            locationKey = entryFrameNext[i];
            loc = objectLocation(locationKey);
        } else if (entryFrameCallLoc[i] != 0) {
            locationKey = entryFrameCallLoc[i];
            loc = location(locationKey);
        } else {
            locationKey = 1;
            loc = info.firstBody();
            approximate = true;
        }
        if (loc == null) {
            return null;
        }
        return intern(func, locationKey, approximate ? 1 : 0, info, loc, approximate);
    }

    /** The one ScriptFrame object for (function, location object): samples share them. */
    private ScriptFrame intern(long func, long locationKey, int variant, FuncInfo info, LocationInfo loc,
                               boolean approximate) {
        long key = func * 31 + locationKey * 7 + variant;
        InternedFrame e = internedFrames.get(key);
        if (e != null && e.func == func && e.locationKey == locationKey && e.info == info && e.location == loc) {
            return e.frame;
        }
        ScriptFrame frame = new ScriptFrame(info.name(), info.kind(), loc.file(), loc.firstLine(), approximate);
        cache(internedFrames, key, new InternedFrame(func, locationKey, info, loc, frame));
        return frame;
    }

    private record InternedFrame(long func, long locationKey, FuncInfo info, LocationInfo location, ScriptFrame frame) {}

    private StackError verify(long begin, long end, long fsBegin, long fsEnd) {
        verify.clear();
        int a = verify.add(callStackAddress, 24);
        int b = frameStackAddress != 0 ? verify.add(frameStackAddress, 24) : -1;
        memory.read(verify);
        if (!verify.ok(a) || (b >= 0 && !verify.ok(b))) {
            return StackError.UNREADABLE_CALL_STACK;
        }
        if (verify.getLong(a, vecBegin) != begin || verify.getLong(a, vecEnd) != end
                || (b >= 0 && (verify.getLong(b, vecBegin) != fsBegin || verify.getLong(b, vecEnd) != fsEnd))) {
            return StackError.TORN;
        }
        return null;
    }

    // ---- Cold path: decode objects seen for the first time (plain single reads). ----

    private FuncInfo func(long address) {
        FuncInfo info = funcCache.get(address);
        if (info != null) {
            return info;
        }
        if (!plausiblePointer(address) || !readFully(address, funcSpan)) {
            error = StackError.UNREADABLE_ENTRY;
            return null;
        }
        long kindValue = switch (funcKindSize) {
            case 1 -> scratch[funcKind] & 0xff;
            case 2 -> scratchView.getShort(funcKind) & 0xffff;
            case 4 -> scratchView.getInt(funcKind) & 0xffffffffL;
            default -> scratchView.getLong(funcKind);
        };
        long typePtr = scratchView.getLong(funcType);
        long bodiesBegin = scratchView.getLong(funcBodies + vecBegin);
        long bodiesEnd = scratchView.getLong(funcBodies + vecEnd);
        String name = decodeString(address + funcName, funcName);
        if (name == null) {
            return null;
        }
        FunctionKind kind;
        if (kindValue == 1) {
            kind = FunctionKind.BUILTIN;
        } else if (kindValue != 0) {
            error = StackError.BAD_FUNCTION;
            return null;
        } else {
            kind = flavor(typePtr);
            if (kind == null) {
                return null;
            }
        }
        LocationInfo firstBody = LocationInfo.NONE;
        if (kind != FunctionKind.BUILTIN && bodiesEnd > bodiesBegin) {
            if ((bodiesEnd - bodiesBegin) / bodySize > MAX_BODIES || !plausiblePointer(bodiesBegin)) {
                error = StackError.BAD_FUNCTION;
                return null;
            }
            if (!readFully(bodiesBegin + bodyStmts, 8)) {
                error = StackError.UNREADABLE_ENTRY;
                return null;
            }
            long stmts = scratchView.getLong(0);
            if (stmts != 0) {
                firstBody = objectLocation(stmts);
                if (firstBody == null) {
                    return null;
                }
            }
        }
        info = new FuncInfo(name, kind, firstBody);
        cache(funcCache, address, info);
        cachedChars += name.length();
        return info;
    }

    private FunctionKind flavor(long typePtr) {
        if (typePtr == 0) {
            return FunctionKind.FUNCTION;
        }
        if (!plausiblePointer(typePtr) || !readFully(typePtr + flavorOffset, 1)) {
            error = StackError.UNREADABLE_ENTRY;
            return null;
        }
        return switch (scratch[0]) {
            case 0 -> FunctionKind.FUNCTION;
            case 1 -> FunctionKind.EVENT;
            case 2 -> FunctionKind.HOOK;
            default -> {
                error = StackError.BAD_FUNCTION;
                yield null;
            }
        };
    }

    /** The location of a Stmt or Expr (any Obj), cached by the object's address. */
    private LocationInfo objectLocation(long object) {
        LocationInfo loc = objectLocations.get(object);
        if (loc != null) {
            return loc;
        }
        if (!plausiblePointer(object)) {
            error = StackError.UNREADABLE_ENTRY;
            return null;
        }
        if (!readFully(object + objLocation, 8)) {
            error = StackError.UNREADABLE_ENTRY;
            return null;
        }
        long locPtr = scratchView.getLong(0);
        loc = locPtr == 0 ? LocationInfo.NONE : location(locPtr);
        if (loc != null) {
            cache(objectLocations, object, loc);
        }
        return loc;
    }

    /** A Location object, cached by address. */
    private LocationInfo location(long address) {
        LocationInfo loc = locations.get(address);
        if (loc != null) {
            return loc;
        }
        if (!plausiblePointer(address) || !readFully(address, locSpan)) {
            error = StackError.UNREADABLE_ENTRY;
            return null;
        }
        long filePtr = scratchView.getLong(locFile);
        int first = scratchView.getInt(locFirst);
        int last = scratchView.getInt(locLast);
        if (first < 0 || first > MAX_LINE || last < 0 || last > MAX_LINE) {
            error = StackError.BAD_LOCATION;
            return null;
        }
        String file = filePtr == 0 ? "" : cString(filePtr);
        if (file == null) {
            return null;
        }
        loc = new LocationInfo(file, first, last);
        cache(locations, address, loc);
        return loc;
    }

    /** A NUL-terminated file name: at most {@value #MAX_FILENAME} bytes in as many chunk reads. */
    private String cString(long address) {
        String s = filenames.get(address);
        if (s != null) {
            return s;
        }
        if (!plausiblePointer(address)) {
            error = StackError.BAD_STRING;
            return null;
        }
        int len = 0;
        while (len < MAX_FILENAME) {
            int chunk = Math.min(FILENAME_CHUNK, MAX_FILENAME - len);
            int got = memory.read(address + len, scratch, len, chunk);
            if (got <= 0) {
                break;
            }
            for (int k = len; k < len + got; k++) {
                if (scratch[k] == 0) {
                    s = new String(scratch, 0, k, StandardCharsets.UTF_8);
                    cache(filenames, address, s);
                    cachedChars += s.length();
                    return s;
                }
            }
            len += got;
            if (got < chunk) {
                break; // the readable memory ends before the NUL
            }
        }
        error = StackError.BAD_STRING;
        return null;
    }

    /**
     * Decodes the std::string at remote {@code address}, whose first bytes are already in
     * {@code scratch} at {@code at}.
     */
    private String decodeString(long address, int at) {
        String s = decodeStdString(address, at);
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < 0x20) {
                    // No Zeek name holds a control character or NUL: this is not a name.
                    error = StackError.BAD_STRING;
                    return null;
                }
            }
        }
        return s;
    }

    private String decodeStdString(long address, int at) {
        long ptr;
        long len;
        if (stringAbi == StringAbi.LIBCXX) {
            int b0 = scratch[at] & 0xff;
            if ((b0 & 1) == 0) {
                len = b0 >>> 1;
                if (len > 22) {
                    error = StackError.BAD_STRING;
                    return null;
                }
                return new String(scratch, at + 1, (int) len, StandardCharsets.UTF_8);
            }
            len = scratchView.getLong(at + 8);
            ptr = scratchView.getLong(at + 16);
        } else {
            ptr = scratchView.getLong(at + strData);
            len = scratchView.getLong(at + strSize);
        }
        if (len < 0 || len > MAX_NAME) {
            error = StackError.BAD_STRING;
            return null;
        }
        long inline = address + Math.max(strData, strSize) + 8;
        if (stringAbi == StringAbi.LIBSTDCXX && ptr == inline) {
            // Short-string optimisation: the characters are inside the object, already read;
            // its buffer holds 15 and a NUL, so a longer inline string is no string.
            if (len >= 16) {
                error = StackError.BAD_STRING;
                return null;
            }
            return new String(scratch, (int) (at + (inline - address)), (int) len, StandardCharsets.UTF_8);
        }
        if (!plausiblePointer(ptr)) {
            error = StackError.BAD_STRING;
            return null;
        }
        byte[] chars = new byte[(int) len];
        if (memory.read(ptr, chars, 0, chars.length) != chars.length) {
            error = StackError.BAD_STRING;
            return null;
        }
        return new String(chars, StandardCharsets.UTF_8);
    }

    private boolean readFully(long address, int length) {
        return memory.read(address, scratch, 0, length) == length;
    }

    /** Whether {@code [begin, end)} can be a non-empty user-space array of at most {@link #MAX_ENTRIES} elements. */
    private static boolean plausibleArray(long begin, long end, int elementSize) {
        return plausiblePointer(begin) && plausiblePointer(end) && end > begin
                && (end - begin) % elementSize == 0 && (end - begin) / elementSize <= MAX_ENTRIES;
    }

    /** A user-space address on x86_64 that is not in the first page. */
    private static boolean plausiblePointer(long p) {
        return p >= 4096 && p < 0x0000_8000_0000_0000L;
    }
}
