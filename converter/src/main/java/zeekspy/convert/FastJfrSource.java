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
 * and decodes only what the converter needs: the target event's fields, the chunk's stack
 * traces (each converted once, before the events) and the constants they refer to. Memory is
 * one chunk plus its constant pools. About 3 to 10 times faster than jdk.jfr's RecordingFile,
 * whose by-name field access dominates; {@link RecordingFileSource} remains the reference.
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
                } else if (field.name.equals("duration") && number) {
                    action = DURATION;
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
        private final Map<Long, Map<Long, Object>> pools = new HashMap<>();
        private Map<Long, Object> stringPool = Map.of();
        private final LongIntMap stackOffsets = new LongIntMap();
        private long[] stackKeys = new long[256];
        private int[] stackPositions = new int[256];
        private int stackCount;
        private final LongIntMap stackIds = new LongIntMap();
        private final List<JfrStackReader.StackInfo> stackInfos = new ArrayList<>();
        private final LongIntMap functionIds = new LongIntMap();
        private final String[] cachedStrings = new String[256];
        private final byte[][] cachedBytes = new byte[256][];
        private int[] frameFunctions = new int[64];
        private int[] frameLines = new int[64];
        private long startNanos;
        private long startTicks;
        private double ticksPerNano;
        private long fromTicks;
        private long toTicks;
        /** Samples per stack trace id of plain events not yet handed to the reader. */
        private long[] plainCounts = new long[0];
        private long minTicks = Long.MAX_VALUE;
        private long maxTicks = Long.MIN_VALUE;
        /** Stack infos by stack trace id, for the small ids JFR gives out; larger ones go to {@link #stackIds}. */
        private JfrStackReader.StackInfo[] smallStackIds = new JfrStackReader.StackInfo[1024];
        // Field positions of the constant types, found in the metadata.
        private JfrType stackTraceType;
        private JfrType methodType;
        private JfrType classType;
        private JfrType loaderType;
        private JfrType symbolType;
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
            if (plainCounts.length > 0) {
                flushPlainCounts();
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
        }

        /** Reads one element and its children; classes and their fields go into {@link #types}. */
        private void readElement(String[] strings, JfrType enclosingType, String parentName) throws IOException {
            String name = strings[readInt()];
            int attributeCount = readInt();
            Map<String, String> attributes = new HashMap<>();
            for (int i = 0; i < attributeCount; i++) {
                String key = strings[readInt()];
                attributes.put(key, strings[readInt()]);
            }
            JfrType type = null;
            if (name.equals("class")) {
                type = new JfrType(Long.parseLong(attributes.get("id")), attributes.get("name"), attributes.get("superType"));
                types.put(type.id, type);
            } else if (name.equals("field") && enclosingType != null && "class".equals(parentName)) {
                enclosingType.fields.add(new JfrField(attributes.get("name"), Long.parseLong(attributes.get("class")),
                        "true".equals(attributes.get("constantPool")), attributes.containsKey("dimension")
                        && !"0".equals(attributes.get("dimension"))));
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

        private void readConstantPools(int lastOffset) throws IOException {
            Set<Long> wanted = new HashSet<>();
            for (JfrType type : new JfrType[] {methodType, classType, loaderType, symbolType}) {
                if (type != null) {
                    wanted.add(type.id);
                }
            }
            JfrType stringType = typeNamed("java.lang.String");
            if (stringType != null) {
                wanted.add(stringType.id);
            }
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
                    Map<Long, Object> pool = wanted.contains(typeId) ? pool(typeId) : null;
                    int count = readInt();
                    boolean stackTraces = type == stackTraceType;
                    for (int k = 0; k < count; k++) {
                        long key = readLong();
                        if (stackTraces) {
                            // Decoded after the walk, each once: see convertStackTraces.
                            if (stackOffsets.get(key) < 0) {
                                stackOffsets.putNew(key, pos);
                                if (stackCount == stackKeys.length) {
                                    stackKeys = java.util.Arrays.copyOf(stackKeys, 2 * stackCount);
                                    stackPositions = java.util.Arrays.copyOf(stackPositions, 2 * stackCount);
                                }
                                stackKeys[stackCount] = key;
                                stackPositions[stackCount++] = pos;
                            }
                            skipValue(type);
                        } else if (pool != null) {
                            pool.putIfAbsent(key, readValue(type));
                        } else {
                            skipValue(type);
                        }
                    }
                }
                if (delta == 0) {
                    break;
                }
                offset += (int) delta;
            }
            if (stringType != null) {
                stringPool = pools.getOrDefault(stringType.id, Map.of());
            }
            convertStackTraces();
        }

        /**
         * Converts every stack trace of the chunk before the events refer to them: the event
         * loop then only looks them up, and stays small enough for the JIT to compile quickly.
         */
        private void convertStackTraces() throws IOException {
            for (int i = 0; i < stackCount; i++) {
                long key = stackKeys[i];
                JfrStackReader.StackInfo info = readStackTrace(stackPositions[i]);
                if (key > 0 && key < SMALL_IDS) {
                    if (key >= smallStackIds.length) {
                        smallStackIds = java.util.Arrays.copyOf(smallStackIds, (int) Math.max(key + 1, 2L * smallStackIds.length));
                    }
                    smallStackIds[(int) key] = info;
                } else {
                    stackIds.putNew(key, stackInfos.size());
                    stackInfos.add(info);
                }
            }
        }

        private Map<Long, Object> pool(long typeId) {
            Map<Long, Object> pool = pools.get(typeId);
            if (pool == null) {
                pool = new HashMap<>();
                pools.put(typeId, pool);
            }
            return pool;
        }

        /** A value of {@code type}: Long, Boolean, Double, String or Object[] of field values (constants as Long keys). */
        private Object readValue(JfrType type) throws IOException {
            switch (type.encoding) {
                case JfrType.ONE_BYTE: return b[pos++] != 0;
                case JfrType.VARINT: return readLong();
                case JfrType.FOUR_BYTES: pos += 4; return 0.0;
                case JfrType.EIGHT_BYTES: pos += 8; return 0.0;
                case JfrType.STRING: return readString();
                default:
                    Object[] values = new Object[type.fields.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = readField(type.fields.get(i));
                    }
                    return values;
            }
        }

        private Object readField(JfrField field) throws IOException {
            if (field.array) {
                Object[] elements = new Object[readInt()];
                for (int i = 0; i < elements.length; i++) {
                    elements[i] = readElementValue(field);
                }
                return elements;
            }
            return readElementValue(field);
        }

        private Object readElementValue(JfrField field) throws IOException {
            if (field.constantPool) {
                return readLong();
            }
            return readValue(known(field));
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
                        for (int i = type.flatVarints; i > 0; i--) {
                            readLong();
                        }
                        return;
                    }
                    for (JfrField field : type.fields) {
                        skipField(field);
                    }
            }
        }

        private void skipField(JfrField field) throws IOException {
            int count = field.array ? readInt() : 1;
            for (int i = 0; i < count; i++) {
                if (field.constantPool) {
                    readLong();
                } else {
                    skipValue(known(field));
                }
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
                    readSample(plan);
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

        /** Reads an event of the target type, the hot path. */
        private void readSample(EventPlan plan) throws IOException {
            long start = 0;
            long stack = 0;
            long pid = -1;
            String node = null;
            String kind = null;
            long depth = 0;
            long period = 0;
            int[] actions = plan.actions;
            for (int i = 0; i < actions.length; i++) {
                switch (actions[i]) {
                    case EventPlan.SKIP_VARINT: readLong(); break;
                    case EventPlan.START: start = readLong(); break;
                    case EventPlan.STACK: stack = readLong(); break;
                    case EventPlan.PID: pid = readLong(); break;
                    case EventPlan.NODE: node = readStringField(plan.fields[i]); break;
                    case EventPlan.KIND: kind = readStringField(plan.fields[i]); break;
                    case EventPlan.DEPTH: depth = readLong(); break;
                    case EventPlan.PERIOD: period = readLong(); break;
                    case EventPlan.SKIP_BYTE: pos++; break;
                    case EventPlan.SKIP_STRING: skipString(); break;
                    default: skipField(plan.fields[i]);
                }
            }
            if (start < minTicks) {
                minTicks = start;
            }
            if (start > maxTicks) {
                maxTicks = start;
            }
            if (start >= fromTicks && start < toTicks) {
                if (plan.plain && stack > 0 && stack < SMALL_IDS) {
                    // Counted here and handed over per stack at the end of the chunk.
                    if (stack >= plainCounts.length) {
                        plainCounts = java.util.Arrays.copyOf(plainCounts, (int) Math.max(stack + 1, 2L * plainCounts.length));
                    }
                    plainCounts[(int) stack]++;
                } else {
                    reader.sample(stackInfo(stack), pid, node, kind, depth, period);
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

        private String readStringField(JfrField field) throws IOException {
            if (field.constantPool) {
                return (String) stringPool.get(readLong());
            }
            return readString();
        }

        // ---- Stacks ----

        /** The converted stack trace {@code key}; events without one, or with an unknown one, have none. */
        private JfrStackReader.StackInfo stackInfo(long key) {
            JfrStackReader.StackInfo info = null;
            if (key > 0 && key < SMALL_IDS) {
                if (key < smallStackIds.length) {
                    info = smallStackIds[(int) key];
                }
            } else if (key != 0) {
                int id = stackIds.get(key);
                info = id >= 0 ? stackInfos.get(id) : null;
            }
            return info != null ? info : reader.noStack();
        }

        /** Reads the stack trace constant at {@code offset}: frames innermost first, each a method and a line. */
        private JfrStackReader.StackInfo readStackTrace(int offset) throws IOException {
            int saved = pos;
            pos = offset;
            boolean truncated = false;
            int count = 0;
            List<JfrField> traceFields = stackTraceType.fields;
            for (int f = 0; f < traceFields.size(); f++) {
                JfrField field = traceFields.get(f);
                if (f == traceTruncated && !field.array && field.type.encoding == JfrType.ONE_BYTE) {
                    truncated = b[pos++] != 0;
                } else if (f == traceFrames && field.array && !field.constantPool) {
                    count = readInt();
                    if (frameFunctions.length < count) {
                        frameFunctions = new int[2 * count];
                        frameLines = new int[2 * count];
                    }
                    JfrType frameType = known(field);
                    if (frameType.flatVarints >= 0) {
                        readFlatFrames(frameType.flatVarints, count);
                    } else {
                        for (int i = 0; i < count; i++) {
                            readFrame(frameType, i);
                        }
                    }
                } else {
                    skipField(field);
                }
            }
            pos = saved;
            return reader.stack(frameFunctions, frameLines, count, truncated);
        }

        /** Reads frames whose fields are all varints, as jdk.jfr writes them: the common case, kept simple for the JIT. */
        private void readFlatFrames(int fieldCount, int count) {
            for (int i = 0; i < count; i++) {
                int function = JfrStackReader.SKIP;
                int line = 0;
                for (int f = 0; f < fieldCount; f++) {
                    long value = readLong();
                    if (f == frameMethod) {
                        function = function(value);
                    } else if (f == frameLine) {
                        line = (int) value;
                    }
                }
                frameFunctions[i] = function;
                frameLines[i] = line;
            }
        }

        private void readFrame(JfrType frameType, int index) throws IOException {
            frameFunctions[index] = JfrStackReader.SKIP;
            frameLines[index] = 0;
            List<JfrField> fields = frameType.fields;
            for (int f = 0; f < fields.size(); f++) {
                JfrField field = fields.get(f);
                if (f == frameMethod && field.constantPool && !field.array) {
                    frameFunctions[index] = function(readLong());
                } else if (f == frameLine && !field.constantPool && !field.array && field.type.encoding == JfrType.VARINT) {
                    frameLines[index] = (int) readLong();
                } else {
                    skipField(field);
                }
            }
        }

        private int function(long methodKey) {
            int cached = functionIds.get(methodKey);
            return cached >= 0 ? cached - 2 : resolveFunction(methodKey);
        }

        /** Looks a method up in the constant pools, once per method: kept apart so the JIT does not inline it. */
        private int resolveFunction(long methodKey) {
            Object[] method = (Object[]) constant(methodType, methodKey);
            int function;
            if (method == null) {
                function = JfrStackReader.SKIP;
            } else {
                Object[] type = (Object[]) constant(classType, key(method, methodClass));
                Object[] loader = type == null ? null : (Object[]) constant(loaderType, key(type, classLoader));
                Object[] loaderTypeValue = loader == null ? null : (Object[]) constant(classType, key(loader, loaderClass));
                function = reader.function(className(type), symbol(key(method, methodName)),
                        className(loaderTypeValue), loader == null ? null : symbol(key(loader, loaderName)));
            }
            functionIds.putNew(methodKey, function + 2);
            return function;
        }

        private String className(Object[] type) {
            String name = type == null ? null : symbol(key(type, className));
            return name == null ? null : name.replace('/', '.');
        }

        private String symbol(long key) {
            Object[] symbol = (Object[]) constant(symbolType, key);
            return symbol == null || symbolString < 0 ? null : (String) symbol[symbolString];
        }

        private static long key(Object[] value, int field) {
            return field < 0 || value[field] == null ? 0 : (Long) value[field];
        }

        private Object constant(JfrType type, long key) {
            if (type == null || key == 0) {
                return null;
            }
            Map<Long, Object> pool = pools.get(type.id);
            return pool == null ? null : pool.get(key);
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

        private String readString() throws IOException {
            byte encoding = b[pos++];
            switch (encoding) {
                case 0: return null;
                case 1: return "";
                case 2: return (String) stringPool.get(readLong());
                case 3: return bytes(readInt(), false);
                case 4: {
                    char[] chars = new char[readInt()];
                    for (int i = 0; i < chars.length; i++) {
                        chars[i] = (char) readInt();
                    }
                    return new String(chars);
                }
                case 5: return bytes(readInt(), true);
                default: throw new IOException("unknown string encoding " + encoding);
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
                case 4: for (int n = readInt(), i = 0; i < n; i++) readLong(); return;
                default: throw new IOException("unknown string encoding " + encoding);
            }
        }

        /** Decodes {@code length} bytes at pos; short strings come from a cache, so repeated labels cost no allocation. */
        private String bytes(int length, boolean latin1) {
            int from = pos;
            pos += length;
            if (pos > size) {
                throw new IndexOutOfBoundsException("string past the end of the chunk");
            }
            if (length > 48) {
                return new String(b, from, length, latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            }
            int hash = latin1 ? 1 : 2;
            for (int i = from; i < pos; i++) {
                hash = 31 * hash + b[i];
            }
            int slot = (hash ^ (hash >>> 8)) & 0xff;
            byte[] cached = cachedBytes[slot];
            if (cached != null && cached.length == length + 1 && cached[length] == (latin1 ? 1 : 0)
                    && java.util.Arrays.equals(cached, 0, length, b, from, pos)) {
                return cachedStrings[slot];
            }
            String value = new String(b, from, length, latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            byte[] key = java.util.Arrays.copyOfRange(b, from, pos + 1);
            key[length] = (byte) (latin1 ? 1 : 0);
            cachedBytes[slot] = key;
            cachedStrings[slot] = value;
            return value;
        }
    }
}
