package zeekspy.convert;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * zeek-spy's own JFR parser: reads a recording chunk by chunk, driven by each chunk's metadata,
 * and decodes only what the converter needs, when it first needs it: the target event's fields,
 * the stack traces the events use (each once, up to zeek-spy's sampler root frame) and the
 * constants they refer to. The walk over the constant pools only notes where each constant
 * starts. Events of the target type whose bytes after the time fields repeat those of an
 * earlier event of the chunk are only counted ({@link SampleKeys}); events with nothing but a
 * stack (jdk.ExecutionSample) are counted per stack trace id. Memory is one chunk plus tables
 * of offsets. About 10 times faster than jdk.jfr's RecordingFile, whose by-name field access
 * dominates; {@link RecordingFileSource} remains the reference.
 *
 * <p>JFR 2.x layout, as jdk.jfr writes it: a chunk is a 68-byte header (magic {@code FLR\0},
 * version, size, offsets of the last constant pool event and of the metadata event, start
 * time, ticks) followed by events. Every event starts with its size and type id; integers
 * are LEB128-style varints; type 0 is the metadata (type, field and annotation elements),
 * type 1 a checkpoint of constant pools, each pointing back to the previous one.
 */
final class FastJfrSource implements SampleSource {
    private static final int HEADER_SIZE = 68;
    /** Stack trace ids below this are looked up in an array: JFR numbers stack traces from 1 up. */
    private static final long SMALL_IDS = 1 << 20;
    private static final int MAX_CHUNK = Integer.MAX_VALUE - 64;
    /** Slots of the cache of short event strings (node and kind labels): a power of two. */
    private static final int STRING_CACHE = 1024;

    @Override
    public void read(Path file, JfrStackReader reader) throws IOException {
        if (!supported(file)) {
            new RecordingFileSource().read(file, reader);
            return;
        }
        FileParse parse = new FileParse(reader);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            long position = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
            byte[] chunk = new byte[0];
            for (int index = 1; position < fileSize; index++) {
                if (fileSize - position < HEADER_SIZE) {
                    throw new EOFException("chunk " + index + " at byte " + position + " is cut short");
                }
                header.clear();
                readFully(channel, header, position);
                if (header.getInt(0) != 0x464c5200) {
                    throw new IOException("chunk " + index + " at byte " + position + " does not start with FLR");
                }
                int major = header.getShort(4);
                if (major != 2) {
                    throw new IOException("JFR format version " + major + "." + header.getShort(6) + " is not supported");
                }
                long size = header.getLong(8);
                long constantPools = header.getLong(16);
                long metadata = header.getLong(24);
                if (size < HEADER_SIZE || position + size > fileSize) {
                    throw new EOFException("chunk " + index + " at byte " + position + " ends past the end of the file");
                }
                if (size > MAX_CHUNK || constantPools <= 0 || metadata <= 0 || constantPools >= size || metadata >= size) {
                    throw new IOException("chunk " + index + " at byte " + position + " is incomplete or too large");
                }
                if (chunk.length < size) {
                    chunk = new byte[(int) Math.min(MAX_CHUNK, Math.max(size, 2L * chunk.length))];
                }
                readFully(channel, ByteBuffer.wrap(chunk, 0, (int) size), position);
                ChunkParser parser = new ChunkParser(chunk, (int) size, parse);
                try {
                    parser.parse((int) constantPools, (int) metadata, header.getLong(32), header.getLong(48),
                            header.getLong(56));
                } catch (RuntimeException e) {
                    // Out-of-bounds reads and the like: the chunk's content does not match its structure.
                    throw new IOException("chunk " + index + " at byte " + position + " is damaged: "
                            + JfrStackReader.oneLine(e), e);
                } finally {
                    parser.countEvents();
                }
                position += size;
            }
        } finally {
            parse.reportSettings();
        }
    }

    /**
     * Whether this parser reads the file: JFR 2.x with compressed integers, as JDK 11 and later
     * write it. Others (JFR 1.x of JDK 9 and 10) go to jdk.jfr's parser.
     */
    private static boolean supported(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < HEADER_SIZE) {
                return true; // reported as cut short
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
            readFully(channel, header, 0);
            boolean compressedIntegers = (header.get(67) & 1) != 0;
            return header.getShort(4) == 2 && compressedIntegers;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new EOFException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
    }

    /** What outlives the chunks of one file: period settings of the target event. */
    private static final class FileParse {
        final JfrStackReader reader;
        final Map<Long, Long> periodSettings = new HashMap<>();
        final Set<Long> targetTypeIds = new HashSet<>();

        FileParse(JfrStackReader reader) {
            this.reader = reader;
        }

        void reportSettings() {
            for (Long typeId : targetTypeIds) {
                Long period = periodSettings.get(typeId);
                if (period != null) {
                    reader.periodSetting(period);
                }
            }
        }
    }

    /** A type of the chunk's metadata. */
    private static final class JfrType {
        static final int STRUCT = 0;
        static final int ONE_BYTE = 1;
        static final int VARINT = 2;
        static final int FOUR_BYTES = 3;
        static final int EIGHT_BYTES = 4;
        static final int STRING = 5;

        final long id;
        final String name;
        final String superType;
        final List<JfrField> fields = new ArrayList<>();
        final int encoding;
        /** For structs of varints and constants only (stack frames): how many; else -1. */
        int flatVarints = -1;

        JfrType(long id, String name, String superType) {
            this.id = id;
            this.name = name;
            this.superType = superType;
            this.encoding = encodingOf(name);
        }

        int fieldIndex(String fieldName) {
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).name.equals(fieldName)) {
                    return i;
                }
            }
            return -1;
        }

        private static int encodingOf(String name) {
            switch (name) {
                case "boolean": case "byte": return ONE_BYTE;
                case "char": case "short": case "int": case "long": return VARINT;
                case "float": return FOUR_BYTES;
                case "double": return EIGHT_BYTES;
                case "java.lang.String": return STRING;
                default: return STRUCT;
            }
        }
    }

    /** A field of a metadata type. */
    private static final class JfrField {
        final String name;
        final long typeId;
        final boolean constantPool;
        final boolean array;
        JfrType type;

        JfrField(String name, long typeId, boolean constantPool, boolean array) {
            this.name = name;
            this.typeId = typeId;
            this.constantPool = constantPool;
            this.array = array;
        }
    }

    /** How to read the events of one type: an action per field, up to the last one needed. */
    private static final class EventPlan {
        static final int SKIP = 0;
        static final int SKIP_VARINT = 1;
        static final int SKIP_BYTE = 2;
        static final int SKIP_STRING = 14;
        static final int START = 3;
        static final int DURATION = 4;
        static final int STACK = 5;
        static final int PID = 6;
        static final int NODE = 7;
        static final int KIND = 8;
        static final int DEPTH = 9;
        static final int PERIOD = 10;
        static final int SETTING_ID = 11;
        static final int SETTING_NAME = 12;
        static final int SETTING_VALUE = 13;

        final JfrType type;
        final boolean target;
        final boolean hasStackTrace;
        final int[] actions;
        final JfrField[] fields;
        /** Whether samples of this type carry nothing but a time and a stack (jdk.ExecutionSample and the like). */
        final boolean plain;
        /** How many fields lead up to the last time field (start, duration); the sample's fields follow. */
        final int timeFields;
        /** Whether samples are known by the bytes after their time fields, up to the end of the event. */
        final boolean keyed;
        /** The samples of this type in the chunk by their bytes, counted until the end of the chunk; null unless keyed. */
        final SampleKeys sampleKeys;
        long count;

        EventPlan(JfrType type, String targetName) {
            this.type = type;
            this.target = type.name.equals(targetName);
            boolean setting = type.name.equals("jdk.ActiveSetting");
            this.hasStackTrace = type.fieldIndex("stackTrace") >= 0;
            this.fields = type.fields.toArray(new JfrField[0]);
            int[] all = new int[fields.length];
            int used = 0;
            for (int i = 0; i < all.length; i++) {
                JfrField field = fields[i];
                int encoding = field.type == null || field.array ? -1 : field.type.encoding;
                boolean number = encoding == JfrType.VARINT && !field.constantPool;
                boolean string = encoding == JfrType.STRING;
                int action = SKIP;
                if (field.name.equals("startTime") && number) {
                    action = START;
                } else if (field.name.equals("duration") && number && !target) {
                    action = DURATION; // the time span counts a sample at its start
                } else if (target) {
                    action = targetAction(field.name, number, string, field.constantPool);
                } else if (setting) {
                    action = field.name.equals("id") && number ? SETTING_ID
                            : field.name.equals("name") && string ? SETTING_NAME
                            : field.name.equals("value") && string ? SETTING_VALUE : SKIP;
                }
                if (action != SKIP) {
                    used = i + 1;
                } else if (!field.array && (field.constantPool || encoding == JfrType.VARINT)) {
                    action = SKIP_VARINT;
                } else if (encoding == JfrType.ONE_BYTE) {
                    action = SKIP_BYTE;
                } else if (encoding == JfrType.STRING && !field.array) {
                    action = SKIP_STRING;
                }
                all[i] = action;
            }
            this.actions = java.util.Arrays.copyOf(all, used);
            boolean labels = false;
            for (int action : actions) {
                labels |= action >= PID && action <= PERIOD;
            }
            this.plain = target && !labels;
            int times = 0;
            for (int i = 0; i < fields.length; i++) {
                if (fields[i].name.equals("startTime") || fields[i].name.equals("duration")) {
                    times = i + 1;
                }
            }
            boolean leading = true;
            for (int i = 0; i < Math.min(times, actions.length); i++) {
                leading &= actions[i] == START || actions[i] == SKIP_VARINT || actions[i] == SKIP_BYTE;
            }
            this.timeFields = leading ? Math.min(times, actions.length) : 0;
            // Fields after the last one read are part of the key: a recording whose events vary
            // there fills the table, and then its events are read one by one.
            this.keyed = target && !plain && leading;
            this.sampleKeys = keyed ? new SampleKeys() : null;
        }

        private static int targetAction(String name, boolean number, boolean string, boolean constantPool) {
            switch (name) {
                case "stackTrace": return constantPool ? STACK : SKIP;
                case ZeekJfrFormat.FIELD_PID: return number ? PID : SKIP;
                case ZeekJfrFormat.FIELD_NODE: return string ? NODE : SKIP;
                case ZeekJfrFormat.FIELD_KIND: return string ? KIND : SKIP;
                case ZeekJfrFormat.FIELD_DEPTH: return number ? DEPTH : SKIP;
                case ZeekJfrFormat.FIELD_PERIOD: return number ? PERIOD : SKIP;
                default: return SKIP;
            }
        }
    }

    /** Parses one chunk held in a byte array. */
    private static final class ChunkParser {
        private final byte[] b;
        private final int size;
        private final FileParse file;
        private final JfrStackReader reader;
        private int pos;
        private final Map<Long, JfrType> types = new HashMap<>();
        private final Map<Long, EventPlan> plans = new HashMap<>();
        // Constants are found by key and decoded when first needed: most are never needed.
        private final LongIntMap stackOffsets = new LongIntMap();
        private final LongIntMap methodOffsets = new LongIntMap();
        private final LongIntMap classOffsets = new LongIntMap();
        private final LongIntMap loaderOffsets = new LongIntMap();
        private final LongIntMap symbolOffsets = new LongIntMap();
        private final LongIntMap stringOffsets = new LongIntMap();
        private final LongIntMap pooledStringIds = new LongIntMap();
        private final List<String> pooledStrings = new ArrayList<>();
        /** Converted stack traces by id, for the small ids JFR gives out; null until first used. */
        private JfrStackReader.StackInfo[] smallStacks = new JfrStackReader.StackInfo[1024];
        private final LongIntMap largeStackIds = new LongIntMap();
        private final List<JfrStackReader.StackInfo> largeStacks = new ArrayList<>();
        private final LongIntMap functionIds = new LongIntMap();
        private final String[] cachedStrings = new String[STRING_CACHE];
        private final byte[][] cachedBytes = new byte[STRING_CACHE][];
        private int[] frameFunctions = new int[64];
        private int[] frameLines = new int[64];
        private long startNanos;
        private long startTicks;
        private double ticksPerNano;
        private long fromTicks;
        private long toTicks;
        // The fields of the sample being read.
        private long eventStart;
        private long eventStack;
        private long eventPid;
        private String eventNode;
        private String eventKind;
        private long eventDepth;
        private long eventPeriod;
        /** Samples per stack trace id of plain events not yet handed to the reader. */
        private long[] plainCounts = new long[0];
        private long minTicks = Long.MAX_VALUE;
        private long maxTicks = Long.MIN_VALUE;
        // Field positions of the constant types, found in the metadata.
        private JfrType stackTraceType;
        private JfrType methodType;
        private JfrType classType;
        private JfrType loaderType;
        private JfrType symbolType;
        private JfrType stringType;
        /** Varints per frame when stack traces are (truncated, frames of varints), as jdk.jfr writes them; else 0. */
        private int frameVarints;
        private int traceTruncated;
        private int traceFrames;
        private int frameMethod;
        private int frameLine;
        private int methodClass;
        private int methodName;
        private int classLoader;
        private int className;
        private int loaderClass;
        private int loaderName;
        private int symbolString;

        ChunkParser(byte[] b, int size, FileParse file) {
            this.b = b;
            this.size = size;
            this.file = file;
            this.reader = file.reader;
        }

        void parse(int constantPools, int metadata, long chunkStartNanos, long chunkStartTicks, long ticksPerSecond)
                throws IOException {
            startNanos = chunkStartNanos;
            startTicks = chunkStartTicks;
            ticksPerNano = ticksPerSecond / 1_000_000_000.0;
            fromTicks = ticks(reader.fromNanos());
            toTicks = ticks(reader.toNanos());
            readMetadata(metadata);
            readConstantPools(constantPools);
            readEvents();
        }

        void countEvents() {
            for (EventPlan plan : plans.values()) {
                if (plan.sampleKeys != null) {
                    plan.sampleKeys.flush(reader::count);
                }
            }
            if (plainCounts.length > 0) {
                try {
                    flushPlainCounts();
                } catch (RuntimeException e) {
                    // The chunk is damaged and its error already on its way: the counts go with it.
                }
            }
            for (EventPlan plan : plans.values()) {
                if (plan.count > 0) {
                    reader.countEvents(plan.type.name, plan.count, plan.hasStackTrace);
                    if (plan.target) {
                        reader.samplesRead(plan.count);
                    }
                }
            }
            if (minTicks <= maxTicks) {
                reader.eventTime(nanos(minTicks), nanos(maxTicks));
            }
        }

        // ---- Metadata ----

        private void readMetadata(int offset) throws IOException {
            pos = offset;
            readInt(); // size
            if (readLong() != 0) {
                throw new IOException("no metadata event at the metadata offset");
            }
            readLong(); // start time
            readLong(); // duration
            readLong(); // metadata id
            String[] strings = new String[readInt()];
            for (int i = 0; i < strings.length; i++) {
                strings[i] = readString();
            }
            readElement(strings, null, null);
            for (JfrType type : types.values()) {
                for (JfrField field : type.fields) {
                    field.type = types.get(field.typeId);
                }
            }
            for (JfrType type : types.values()) {
                boolean flat = type.encoding == JfrType.STRUCT;
                for (JfrField field : type.fields) {
                    flat &= !field.array && (field.constantPool || field.type != null && field.type.encoding == JfrType.VARINT);
                }
                type.flatVarints = flat ? type.fields.size() : -1;
            }
            stackTraceType = typeNamed("jdk.types.StackTrace");
            methodType = typeNamed("jdk.types.Method");
            classType = typeNamed("java.lang.Class");
            loaderType = typeNamed("jdk.types.ClassLoader");
            symbolType = typeNamed("jdk.types.Symbol");
            stringType = typeNamed("java.lang.String");
            JfrType frameType = typeNamed("jdk.types.StackFrame");
            traceTruncated = index(stackTraceType, "truncated");
            traceFrames = index(stackTraceType, "frames");
            frameMethod = index(frameType, "method");
            frameLine = index(frameType, "lineNumber");
            methodClass = index(methodType, "type");
            methodName = index(methodType, "name");
            classLoader = index(classType, "classLoader");
            className = index(classType, "name");
            loaderClass = index(loaderType, "type");
            loaderName = index(loaderType, "name");
            symbolString = index(symbolType, "string");
            frameVarints = plainStackTraces() ? frameType.flatVarints : 0;
        }

        /** Whether stack traces are a truncated flag and an array of frames made of varints, nothing else. */
        private boolean plainStackTraces() {
            if (stackTraceType == null || stackTraceType.fields.size() != 2 || traceTruncated != 0 || traceFrames != 1) {
                return false;
            }
            JfrField truncated = stackTraceType.fields.get(0);
            JfrField frames = stackTraceType.fields.get(1);
            return !truncated.array && !truncated.constantPool && truncated.type != null
                    && truncated.type.encoding == JfrType.ONE_BYTE && frames.array && !frames.constantPool
                    && frames.type != null && frames.type.flatVarints > 0;
        }

        /** Reads one element and its children; classes and their fields go into {@link #types}. */
        private void readElement(String[] strings, JfrType enclosingType, String parentName) throws IOException {
            String name = strings[readInt()];
            int attributeCount = readInt();
            String id = null;
            String typeName = null;
            String superType = null;
            String fieldType = null;
            boolean constantPool = false;
            boolean array = false;
            for (int i = 0; i < attributeCount; i++) {
                String key = strings[readInt()];
                String value = strings[readInt()];
                switch (key) {
                    case "id": id = value; break;
                    case "name": typeName = value; break;
                    case "superType": superType = value; break;
                    case "class": fieldType = value; break;
                    case "constantPool": constantPool = "true".equals(value); break;
                    case "dimension": array = !"0".equals(value); break;
                    default: break;
                }
            }
            JfrType type = null;
            if (name.equals("class")) {
                type = new JfrType(Long.parseLong(id), typeName, superType);
                types.put(type.id, type);
            } else if (name.equals("field") && enclosingType != null && "class".equals(parentName)) {
                enclosingType.fields.add(new JfrField(typeName, Long.parseLong(fieldType), constantPool, array));
            }
            int childCount = readInt();
            for (int i = 0; i < childCount; i++) {
                readElement(strings, type != null ? type : enclosingType, name);
            }
        }

        private JfrType typeNamed(String name) {
            for (JfrType type : types.values()) {
                if (type.name.equals(name)) {
                    return type;
                }
            }
            return null;
        }

        private static int index(JfrType type, String field) {
            return type == null ? -1 : type.fieldIndex(field);
        }

        // ---- Constant pools ----

        /** Walks the chunk's checkpoints and notes where each constant the converter may need starts. */
        private void readConstantPools(int lastOffset) throws IOException {
            int offset = lastOffset;
            for (int guard = 0; guard < 1_000_000; guard++) {
                pos = offset;
                readInt(); // size
                if (readLong() != 1) {
                    throw new IOException("no constant pool event at byte " + offset + " of the chunk");
                }
                readLong(); // start time
                readLong(); // duration
                long delta = readLong();
                pos++; // checkpoint kind (flush, chunk header, statics, thread)
                int poolCount = readInt();
                for (int i = 0; i < poolCount; i++) {
                    long typeId = readLong();
                    JfrType type = types.get(typeId);
                    if (type == null) {
                        throw new IOException("constant pool of unknown type " + typeId);
                    }
                    int count = readInt();
                    if (type == stackTraceType) {
                        readStackTraceOffsets(count);
                        continue;
                    }
                    LongIntMap offsets = offsetsOf(type);
                    for (int k = 0; k < count; k++) {
                        long key = readLong();
                        // The first constant seen of a key wins, as in jdk.jfr.
                        if (offsets != null && offsets.get(key) < 0) {
                            offsets.putNew(key, pos);
                        }
                        skipValue(type);
                    }
                }
                if (delta == 0) {
                    break;
                }
                offset += (int) delta;
            }
        }

        private void readStackTraceOffsets(int count) throws IOException {
            for (int k = 0; k < count; k++) {
                long key = readLong();
                if (stackOffsets.get(key) < 0) {
                    stackOffsets.putNew(key, pos);
                }
                if (frameVarints > 0) {
                    pos++; // truncated
                    int frames = readInt();
                    if (frames < 0 || frames > size) {
                        throw new IOException("stack trace " + key + " has " + frames + " frames");
                    }
                    skipVarints(frames * frameVarints);
                } else {
                    skipValue(stackTraceType);
                }
            }
        }

        private LongIntMap offsetsOf(JfrType type) {
            if (type == methodType) {
                return methodOffsets;
            } else if (type == classType) {
                return classOffsets;
            } else if (type == loaderType) {
                return loaderOffsets;
            } else if (type == symbolType) {
                return symbolOffsets;
            } else if (type == stringType) {
                return stringOffsets;
            }
            return null;
        }

        /** The constant pool key in field {@code field} of the struct of {@code type} at {@code offset}; 0 if none. */
        private long keyAt(JfrType type, int offset, int field) throws IOException {
            if (type == null || offset < 0 || field < 0) {
                return 0;
            }
            int saved = pos;
            JfrField target = seekField(type, offset, field);
            long key = target.constantPool && !target.array ? readLong() : 0;
            pos = saved;
            return key;
        }

        /** The string in field {@code field} of the struct of {@code type} at {@code offset}, or null. */
        private String stringAt(JfrType type, int offset, int field) throws IOException {
            if (type == null || offset < 0 || field < 0) {
                return null;
            }
            int saved = pos;
            JfrField target = seekField(type, offset, field);
            String value = null;
            if (!target.array && target.constantPool) {
                value = pooledString(readLong());
            } else if (!target.array && target.type != null && target.type.encoding == JfrType.STRING) {
                value = readString();
            }
            pos = saved;
            return value;
        }

        /** Moves to field {@code field} of the struct of {@code type} at {@code offset}; returns that field. */
        private JfrField seekField(JfrType type, int offset, int field) throws IOException {
            pos = offset;
            List<JfrField> fields = type.fields;
            for (int f = 0; f < field; f++) {
                skipField(fields.get(f));
            }
            return fields.get(field);
        }

        private static int offset(LongIntMap offsets, long key) {
            return key == 0 ? -1 : offsets.get(key);
        }

        private void skipValue(JfrType type) throws IOException {
            switch (type.encoding) {
                case JfrType.ONE_BYTE: pos++; break;
                case JfrType.VARINT: readLong(); break;
                case JfrType.FOUR_BYTES: pos += 4; break;
                case JfrType.EIGHT_BYTES: pos += 8; break;
                case JfrType.STRING: skipString(); break;
                default:
                    if (type.flatVarints >= 0) {
                        skipVarints(type.flatVarints);
                        return;
                    }
                    for (JfrField field : type.fields) {
                        skipField(field);
                    }
            }
        }

        private void skipField(JfrField field) throws IOException {
            int count = field.array ? readInt() : 1;
            if (field.constantPool) {
                skipVarints(count);
                return;
            }
            JfrType type = known(field);
            for (int i = 0; i < count; i++) {
                skipValue(type);
            }
        }

        private static JfrType known(JfrField field) throws IOException {
            if (field.type == null) {
                throw new IOException("field " + field.name + " has unknown type " + field.typeId);
            }
            return field.type;
        }

        // ---- Events ----

        private void readEvents() throws IOException {
            int next = HEADER_SIZE;
            long lastTypeId = -1;
            EventPlan plan = null;
            while (next < size) {
                pos = next;
                int eventSize = readInt();
                if (eventSize <= 0) {
                    throw new IOException("event of size " + eventSize + " at byte " + next + " of the chunk");
                }
                next += eventSize;
                if (next > size || next < 0) {
                    throw new IOException("event of size " + eventSize + " at byte " + (next - eventSize)
                            + " ends past the end of the chunk");
                }
                long typeId = readLong();
                if (typeId == 0 || typeId == 1) {
                    continue; // metadata and constant pools: read already
                }
                if (typeId != lastTypeId) {
                    plan = plan(typeId);
                    lastTypeId = typeId;
                }
                plan.count++;
                if (plan.target) {
                    readSample(plan, next);
                } else {
                    readOtherEvent(plan);
                }
            }
            flushPlainCounts();
        }

        private EventPlan plan(long typeId) throws IOException {
            EventPlan plan = plans.get(typeId);
            if (plan == null) {
                JfrType type = types.get(typeId);
                if (type == null) {
                    throw new IOException("event of unknown type " + typeId);
                }
                plan = new EventPlan(type, reader.targetEvent());
                plans.put(typeId, plan);
                if (plan.target) {
                    file.targetTypeIds.add(typeId);
                }
            }
            return plan;
        }

        /** Reads an event of the target type, which ends at {@code end}: the hot path. */
        private void readSample(EventPlan plan, int end) throws IOException {
            int[] actions = plan.actions;
            eventStart = 0;
            for (int i = 0; i < plan.timeFields; i++) {
                switch (actions[i]) {
                    case EventPlan.START: eventStart = readLong(); break;
                    case EventPlan.SKIP_BYTE: pos++; break;
                    default: readLong();
                }
            }
            if (plan.keyed) {
                if (!inTimeRange(eventStart)) {
                    return;
                }
                int from = pos;
                int hash = SampleKeys.hash(b, from, end);
                SampleKeys sampleKeys = plan.sampleKeys;
                if (sampleKeys.count(hash, b, from, end)) {
                    return;
                }
                readSampleFields(plan);
                int sample = reader.sampleOf(stackInfo(eventStack), eventPid, eventNode, eventKind, eventDepth, eventPeriod);
                if (!sampleKeys.add(hash, b, from, end, sample, eventPeriod)) {
                    reader.count(sample, eventPeriod);
                }
                return;
            }
            readSampleFields(plan);
            if (!inTimeRange(eventStart)) {
                return;
            }
            long stack = eventStack;
            if (plan.plain && stack > 0 && stack < SMALL_IDS) {
                // Counted here and handed over per stack at the end of the chunk.
                if (stack >= plainCounts.length) {
                    plainCounts = java.util.Arrays.copyOf(plainCounts, (int) Math.max(stack + 1, 2L * plainCounts.length));
                }
                plainCounts[(int) stack]++;
            } else {
                reader.sample(stackInfo(stack), eventPid, eventNode, eventKind, eventDepth, eventPeriod);
            }
        }

        /** Widens the chunk's time span to a sample's start; whether the sample is in the time range converted. */
        private boolean inTimeRange(long start) {
            if (start < minTicks) {
                minTicks = start;
            }
            if (start > maxTicks) {
                maxTicks = start;
            }
            return start >= fromTicks && start < toTicks;
        }

        /** Reads the fields of a sample after its time fields into the event fields of this parser. */
        private void readSampleFields(EventPlan plan) throws IOException {
            eventStack = 0;
            eventPid = -1;
            eventNode = null;
            eventKind = null;
            eventDepth = 0;
            eventPeriod = 0;
            int[] actions = plan.actions;
            for (int i = plan.timeFields; i < actions.length; i++) {
                switch (actions[i]) {
                    case EventPlan.SKIP_VARINT: readLong(); break;
                    case EventPlan.START: eventStart = readLong(); break;
                    case EventPlan.STACK: eventStack = readLong(); break;
                    case EventPlan.PID: eventPid = readLong(); break;
                    case EventPlan.NODE: eventNode = readStringField(plan.fields[i]); break;
                    case EventPlan.KIND: eventKind = readStringField(plan.fields[i]); break;
                    case EventPlan.DEPTH: eventDepth = readLong(); break;
                    case EventPlan.PERIOD: eventPeriod = readLong(); break;
                    case EventPlan.SKIP_BYTE: pos++; break;
                    case EventPlan.SKIP_STRING: skipString(); break;
                    default: skipField(plan.fields[i]);
                }
            }
        }

        /** Hands the counted plain samples to the reader. */
        private void flushPlainCounts() {
            long[] counts = plainCounts;
            plainCounts = new long[0];
            for (int key = 1; key < counts.length; key++) {
                if (counts[key] > 0) {
                    reader.samples(stackInfo(key), counts[key]);
                }
            }
        }

        /** Reads the times of any other event, and the period settings. */
        private void readOtherEvent(EventPlan plan) throws IOException {
            long start = 0;
            long duration = 0;
            long settingId = -1;
            String settingName = null;
            String settingValue = null;
            int[] actions = plan.actions;
            for (int i = 0; i < actions.length; i++) {
                switch (actions[i]) {
                    case EventPlan.SKIP_VARINT: readLong(); break;
                    case EventPlan.START: start = readLong(); break;
                    case EventPlan.DURATION: duration = readLong(); break;
                    case EventPlan.SETTING_ID: settingId = readLong(); break;
                    case EventPlan.SETTING_NAME: settingName = readStringField(plan.fields[i]); break;
                    case EventPlan.SETTING_VALUE: settingValue = readStringField(plan.fields[i]); break;
                    case EventPlan.SKIP_BYTE: pos++; break;
                    case EventPlan.SKIP_STRING: skipString(); break;
                    default: skipField(plan.fields[i]);
                }
            }
            if (start != 0) {
                minTicks = Math.min(minTicks, start);
                maxTicks = Math.max(maxTicks, start + duration);
            }
            if ("period".equals(settingName) && settingId >= 0) {
                long setting = JfrStackReader.parsePeriod(settingValue);
                if (setting > 0) {
                    file.periodSettings.put(settingId, setting);
                }
            }
        }

        /** The first tick whose time is at or after {@code epochNanos}; the extremes stay extreme. */
        private long ticks(long epochNanos) {
            if (epochNanos == Long.MIN_VALUE || epochNanos == Long.MAX_VALUE) {
                return epochNanos;
            }
            long ticks = startTicks + (long) Math.floor((epochNanos - startNanos) * ticksPerNano);
            while (nanos(ticks) < epochNanos) {
                ticks++;
            }
            while (nanos(ticks - 1) >= epochNanos) {
                ticks--;
            }
            return ticks;
        }

        private long nanos(long ticks) {
            return startNanos + (long) ((ticks - startTicks) / ticksPerNano);
        }

        // ---- Stacks ----

        /** The converted stack trace {@code key}; events without one, or with an unknown one, have none. */
        private JfrStackReader.StackInfo stackInfo(long key) {
            if (key > 0 && key < smallStacks.length) {
                JfrStackReader.StackInfo info = smallStacks[(int) key];
                if (info != null) {
                    return info;
                }
            }
            return convertStack(key);
        }

        /** Converts stack trace {@code key} on its first use: kept apart so the JIT does not inline it. */
        private JfrStackReader.StackInfo convertStack(long key) {
            if (key <= 0 || key >= SMALL_IDS) {
                int id = key == 0 ? -1 : largeStackIds.get(key);
                if (id >= 0) {
                    return largeStacks.get(id);
                }
            }
            int offset = key == 0 ? -1 : stackOffsets.get(key);
            JfrStackReader.StackInfo info;
            try {
                info = offset < 0 ? reader.noStack() : readStackTrace(offset);
            } catch (IOException e) {
                throw new IllegalStateException("stack trace " + key + ": " + e.getMessage(), e);
            }
            if (key > 0 && key < SMALL_IDS) {
                if (key >= smallStacks.length) {
                    smallStacks = java.util.Arrays.copyOf(smallStacks, (int) Math.max(key + 1, 2L * smallStacks.length));
                }
                smallStacks[(int) key] = info;
            } else if (key != 0) {
                largeStackIds.putNew(key, largeStacks.size());
                largeStacks.add(info);
            }
            return info;
        }

        /**
         * Reads the stack trace constant at {@code offset}: frames innermost first, each a method
         * and a line, up to the sampler root frame of zeek-spy's stacks (what lies below is dropped).
         */
        private JfrStackReader.StackInfo readStackTrace(int offset) throws IOException {
            int saved = pos;
            pos = offset;
            boolean truncated = false;
            int count = 0;
            List<JfrField> traceFields = stackTraceType.fields;
            for (int f = 0; f < traceFields.size() && (f <= traceTruncated || f <= traceFrames); f++) {
                JfrField field = traceFields.get(f);
                if (f == traceTruncated && !field.array && field.type != null && field.type.encoding == JfrType.ONE_BYTE) {
                    truncated = b[pos++] != 0;
                } else if (f == traceFrames && field.array && !field.constantPool) {
                    count = readInt();
                    if (count < 0 || count > size) {
                        throw new IOException("stack trace with " + count + " frames");
                    }
                    if (frameFunctions.length < count) {
                        frameFunctions = new int[2 * count];
                        frameLines = new int[2 * count];
                    }
                    JfrType frameType = known(field);
                    count = frameType.flatVarints >= 0 ? readFlatFrames(frameType.flatVarints, count)
                            : readFrames(frameType, count);
                } else {
                    skipField(field);
                }
            }
            pos = saved;
            return reader.stack(frameFunctions, frameLines, count, truncated);
        }

        /**
         * Reads frames whose fields are all varints, as jdk.jfr writes them, up to the root frame:
         * the common case, kept simple for the JIT. Returns the frames read.
         */
        private int readFlatFrames(int fieldCount, int count) {
            for (int i = 0; i < count; i++) {
                int function = JfrStackReader.SKIP;
                int line = 0;
                for (int f = 0; f < fieldCount; f++) {
                    if (f == frameMethod) {
                        function = function(readLong());
                    } else if (f == frameLine) {
                        line = (int) readLong();
                    } else {
                        skipVarint(); // bytecode index, frame type
                    }
                }
                frameFunctions[i] = function;
                frameLines[i] = line;
                if (function == JfrStackReader.ROOT) {
                    return i + 1;
                }
            }
            return count;
        }

        private int readFrames(JfrType frameType, int count) throws IOException {
            List<JfrField> fields = frameType.fields;
            for (int index = 0; index < count; index++) {
                frameFunctions[index] = JfrStackReader.SKIP;
                frameLines[index] = 0;
                for (int f = 0; f < fields.size(); f++) {
                    JfrField field = fields.get(f);
                    if (f == frameMethod && field.constantPool && !field.array) {
                        frameFunctions[index] = function(readLong());
                    } else if (f == frameLine && !field.constantPool && !field.array && field.type != null
                            && field.type.encoding == JfrType.VARINT) {
                        frameLines[index] = (int) readLong();
                    } else {
                        skipField(field);
                    }
                }
                if (frameFunctions[index] == JfrStackReader.ROOT) {
                    return index + 1;
                }
            }
            return count;
        }

        private int function(long methodKey) {
            int cached = functionIds.get(methodKey);
            return cached >= 0 ? cached - 2 : resolveFunction(methodKey);
        }

        /** Looks a method up in the constant pools, once per method: kept apart so the JIT does not inline it. */
        private int resolveFunction(long methodKey) {
            int function;
            try {
                int method = offset(methodOffsets, methodKey);
                if (method < 0) {
                    function = JfrStackReader.SKIP;
                } else {
                    int type = offset(classOffsets, keyAt(methodType, method, methodClass));
                    int loader = offset(loaderOffsets, keyAt(classType, type, classLoader));
                    int loaderTypeValue = offset(classOffsets, keyAt(loaderType, loader, loaderClass));
                    function = reader.function(className(type), symbol(keyAt(methodType, method, methodName)),
                            className(loaderTypeValue), symbol(keyAt(loaderType, loader, loaderName)));
                }
            } catch (IOException e) {
                throw new IllegalStateException("method " + methodKey + ": " + e.getMessage(), e);
            }
            functionIds.putNew(methodKey, function + 2);
            return function;
        }

        private String className(int classOffset) throws IOException {
            String name = symbol(keyAt(classType, classOffset, className));
            return name == null ? null : name.replace('/', '.');
        }

        private String symbol(long key) throws IOException {
            return stringAt(symbolType, offset(symbolOffsets, key), symbolString);
        }

        // ---- Strings ----

        private String readStringField(JfrField field) throws IOException {
            if (field.constantPool) {
                return pooledString(readLong());
            }
            byte encoding = b[pos++];
            switch (encoding) {
                case 0: return null;
                case 1: return "";
                case 2: return pooledString(readLong());
                case 3: case 4: case 5: return cachedString(encoding);
                default: throw new IOException("unknown string encoding " + encoding);
            }
        }

        /** A string of the chunk's string pool, decoded once. */
        private String pooledString(long key) throws IOException {
            int id = pooledStringIds.get(key);
            if (id >= 0) {
                return pooledStrings.get(id);
            }
            int offset = offset(stringOffsets, key);
            String value = null;
            if (offset >= 0) {
                int saved = pos;
                pos = offset;
                value = readString();
                pos = saved;
            }
            pooledStringIds.putNew(key, pooledStrings.size());
            pooledStrings.add(value);
            return value;
        }

        /**
         * A string of {@code encoding} 3 (UTF-8), 4 (chars) or 5 (Latin-1) at pos, past its
         * encoding byte; short strings come from a cache keyed by their bytes, so the labels every
         * event repeats cost no allocation and are the same String objects.
         */
        private String cachedString(byte encoding) throws IOException {
            int length = readInt();
            int from = pos;
            if (length < 0 || length > size - from) {
                throw new IndexOutOfBoundsException("string past the end of the chunk");
            }
            if (encoding == 4) {
                skipVarints(length);
            } else {
                pos += length;
            }
            int end = pos;
            int span = end - from;
            if (span > 64 || end > size) {
                return decodeString(encoding, from, length);
            }
            int hash = encoding;
            for (int i = from; i < end; i++) {
                hash = 31 * hash + b[i];
            }
            int slot = (hash ^ (hash >>> 10)) & (STRING_CACHE - 1);
            byte[] cached = cachedBytes[slot];
            if (cached != null && cached.length == span + 1 && cached[span] == encoding
                    && java.util.Arrays.equals(cached, 0, span, b, from, end)) {
                return cachedStrings[slot];
            }
            String value = decodeString(encoding, from, length);
            byte[] key = java.util.Arrays.copyOfRange(b, from, end + 1);
            key[span] = encoding;
            cachedBytes[slot] = key;
            cachedStrings[slot] = value;
            return value;
        }

        private String decodeString(byte encoding, int from, int length) {
            if (encoding == 3) {
                return new String(b, from, length, StandardCharsets.UTF_8);
            } else if (encoding == 5) {
                return new String(b, from, length, StandardCharsets.ISO_8859_1);
            }
            int saved = pos;
            pos = from;
            String value = readChars(length);
            pos = saved;
            return value;
        }

        /** {@code length} chars, each a varint, at pos. */
        private String readChars(int length) {
            int end = pos + length;
            if (end <= size && end >= pos && ascii(pos, end)) {
                // One byte a char: what jdk.jfr writes for the ASCII names of its metadata.
                String value = new String(b, pos, length, StandardCharsets.ISO_8859_1);
                pos = end;
                return value;
            }
            char[] chars = new char[length];
            for (int i = 0; i < length; i++) {
                chars[i] = (char) readLong();
            }
            return new String(chars);
        }

        private boolean ascii(int from, int to) {
            for (int i = from; i < to; i++) {
                if (b[i] < 0) {
                    return false;
                }
            }
            return true;
        }

        private String readString() throws IOException {
            byte encoding = b[pos++];
            switch (encoding) {
                case 0: return null;
                case 1: return "";
                case 2: return pooledString(readLong());
                case 3: {
                    int length = readInt();
                    checkLength(length);
                    String value = new String(b, pos, length, StandardCharsets.UTF_8);
                    pos += length;
                    return value;
                }
                case 4: {
                    int length = readInt();
                    checkLength(length);
                    return readChars(length);
                }
                case 5: {
                    int length = readInt();
                    checkLength(length);
                    String value = new String(b, pos, length, StandardCharsets.ISO_8859_1);
                    pos += length;
                    return value;
                }
                default: throw new IOException("unknown string encoding " + encoding);
            }
        }

        private void checkLength(int length) {
            if (length < 0 || length > size - pos) {
                throw new IndexOutOfBoundsException("string past the end of the chunk");
            }
        }

        private void skipString() throws IOException {
            byte encoding = b[pos++];
            switch (encoding) {
                case 0: case 1: return;
                case 2: readLong(); return;
                case 3: case 5: {
                    int length = readInt(); // read before pos is used: "pos += readInt()" would lose the varint's bytes
                    pos += length;
                    return;
                }
                case 4: skipVarints(readInt()); return;
                default: throw new IOException("unknown string encoding " + encoding);
            }
        }

        // ---- Primitives ----

        /** A JFR varint: 7 bits a byte, low bits first, up to 8 bytes, then a ninth byte of 8 bits. */
        private long readLong() {
            // Unrolled: most values (ids, small numbers) take one to three bytes.
            byte[] b = this.b;
            int p = pos;
            byte x = b[p++];
            if (x >= 0) {
                pos = p;
                return x;
            }
            long value = x & 0x7f;
            x = b[p++];
            value |= (x & 0x7fL) << 7;
            if (x >= 0) {
                pos = p;
                return value;
            }
            x = b[p++];
            value |= (x & 0x7fL) << 14;
            if (x >= 0) {
                pos = p;
                return value;
            }
            for (int shift = 21; shift < 56; shift += 7) {
                x = b[p++];
                value |= (x & 0x7fL) << shift;
                if (x >= 0) {
                    pos = p;
                    return value;
                }
            }
            value |= (b[p++] & 0xffL) << 56;
            pos = p;
            return value;
        }

        private int readInt() {
            return (int) readLong();
        }

        private void skipVarint() {
            int p = pos;
            for (int bytes = 1; b[p++] < 0; bytes++) {
                if (bytes == 8) {
                    p++;
                    break;
                }
            }
            pos = p;
        }

        /** Skips {@code count} varints: a byte without the continuation bit ends one, or the ninth byte. */
        private void skipVarints(int count) {
            byte[] b = this.b;
            int p = pos;
            for (int i = 0; i < count; i++) {
                int bytes = 1;
                while (b[p++] < 0) {
                    if (++bytes == 9) {
                        p++;
                        break;
                    }
                }
            }
            pos = p;
        }
    }
}
