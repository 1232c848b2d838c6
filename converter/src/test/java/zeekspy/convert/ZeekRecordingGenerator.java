package zeekspy.convert;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jdk.jfr.Recording;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Ownership;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.ByteCodeAppender;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.Opcodes;
import zeekspy.jfr.ScriptFileLoader;
import zeekspy.jfr.StackCommitter;

/**
 * Test-only writer of zeek-format recordings: generates one Java method per Zeek frame (named
 * after the function, defined by a {@link ScriptFileLoader} named after the file, calling on at
 * the frame's line) and commits {@value ZeekJfrFormat#SAMPLE_EVENT} events from inside them.
 */
public final class ZeekRecordingGenerator {
    /** What a test does while the recording runs. */
    public interface Body {
        void run(ZeekRecordingGenerator generator) throws Throwable;
    }

    private static final MethodType FRAME_TYPE = MethodType.methodType(void.class, int[].class, int.class);
    private static final ByteBuddy BYTE_BUDDY = new ByteBuddy().with(TypeValidation.DISABLED);
    private static final Map<String, ScriptFileLoader> LOADERS = new HashMap<>();
    private static final Map<String, Integer> FRAME_IDS = new HashMap<>();

    private ZeekRecordingGenerator() {}

    /** Records what {@code body} samples into {@code file}. */
    public static Path record(Path file, Body body) throws IOException {
        try (Recording recording = new Recording()) {
            recording.enable(TestZeekSampleEvent.class).withStackTrace();
            recording.start();
            try {
                body.run(new ZeekRecordingGenerator());
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            recording.stop();
            recording.dump(file);
        }
        return file;
    }

    /** A generator for a recording its caller manages. */
    static ZeekRecordingGenerator unrecorded() {
        return new ZeekRecordingGenerator();
    }

    /** The id of the frame {@code function} at {@code file:line}, generated on first use. */
    public int frame(String file, String function, int line) {
        synchronized (LOADERS) {
            String key = file + '\0' + function + '\0' + line;
            Integer id = FRAME_IDS.get(key);
            if (id == null) {
                id = FRAME_IDS.size();
                TestFrameChain.register(id, generate(file, function, line, id));
                FRAME_IDS.put(key, id);
            }
            return id;
        }
    }

    /** Commits one script sample whose stack is {@code chain}, outermost frame first. */
    public void sample(long pid, String node, long periodNanos, int... chain) throws Throwable {
        sample(pid, node, "script", periodNanos, chain);
    }

    /** Commits one sample of the given kind whose stack is {@code chain}, outermost frame first. */
    public void sample(long pid, String node, String kind, long periodNanos, int... chain) throws Throwable {
        sampleWithDepth(pid, node, kind, periodNanos, chain.length, chain);
    }

    /** Commits one sample whose real stack was {@code depth} frames deep, of which the sampler kept {@code chain}. */
    public void sampleWithDepth(long pid, String node, String kind, long periodNanos, int depth, int... chain)
            throws Throwable {
        TestZeekSampleEvent event = new TestZeekSampleEvent();
        event.pid = pid;
        event.node = node;
        event.kind = kind;
        event.depth = depth;
        event.period = periodNanos;
        TestFrameChain.setPending(event);
        StackCommitter.commitZeekStack(chain);
    }

    private static MethodHandle generate(String file, String function, int line, int id) {
        ScriptFileLoader loader = LOADERS.computeIfAbsent(file,
                f -> new ScriptFileLoader(f, ZeekRecordingGenerator.class.getClassLoader()));
        String className = "zeek.script.F" + id;
        String methodName = ZeekJfrFormat.encodeMethodName(function);
        byte[] classFile = BYTE_BUDDY.subclass(Object.class)
                .name(className)
                .defineMethod(methodName, void.class, Visibility.PUBLIC, Ownership.STATIC)
                .withParameters(int[].class, int.class)
                .intercept(new Implementation.Simple(callNextAtLine(line)))
                .make()
                .getBytes();
        try {
            Class<?> frameClass = loader.define(className, classFile);
            return MethodHandles.publicLookup().findStatic(frameClass, methodName, FRAME_TYPE);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ByteCodeAppender callNextAtLine(int line) {
        return (visitor, context, method) -> {
            Label start = new Label();
            visitor.visitLabel(start);
            visitor.visitLineNumber(line, start);
            visitor.visitVarInsn(Opcodes.ALOAD, 0);
            visitor.visitVarInsn(Opcodes.ILOAD, 1);
            visitor.visitMethodInsn(Opcodes.INVOKESTATIC, "zeekspy/convert/TestFrameChain", "next", "([II)V", false);
            visitor.visitInsn(Opcodes.RETURN);
            return new ByteCodeAppender.Size(2, 2);
        };
    }
}
