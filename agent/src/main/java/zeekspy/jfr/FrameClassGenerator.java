package zeekspy.jfr;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.ByteCodeAppender;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import zeekspy.convert.ZeekJfrFormat;

/**
 * Generates with Byte Buddy the classes whose methods are Zeek frames: function interfaces,
 * frame classes and commit threads. Generated code calls nothing but {@link FrameChain}, the next
 * frame's interface and {@link ZeekSampleEvent#commit()}, so no helper frame ever sits between
 * two Zeek frames.
 */
final class FrameClassGenerator {
    private static final AtomicLong GENERATED = new AtomicLong();
    private static final ByteBuddy BYTE_BUDDY = new ByteBuddy()
            .with(TypeValidation.DISABLED) // Zeek names are legal JVM names but not Java identifiers
            .with(Implementation.Context.Disabled.Factory.INSTANCE)
            // Every generated method is declared explicitly: no need to analyze inherited ones (4x faster).
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
    private static final String CHAIN = Type.getInternalName(FrameChain.class);
    private static final String EVENT = Type.getInternalName(ZeekSampleEvent.class);
    private static final String FRAME_DESCRIPTOR = Type.getMethodDescriptor(Type.VOID_TYPE, Type.getType(FrameChain.class), Type.INT_TYPE);

    private FrameClassGenerator() {}

    /** Classes generated in this JVM so far (interfaces, frame classes, commit threads). */
    static long generatedClasses() {
        return GENERATED.get();
    }

    /** Defines the interface {@code binaryName} in zeek-spy's package, with the abstract frame method {@code methodName}. */
    static Class<?> functionInterface(String binaryName, String methodName) {
        Class<?> type = BYTE_BUDDY.makeInterface()
                .name(binaryName)
                .defineMethod(methodName, void.class, Visibility.PUBLIC)
                .withParameters(FrameChain.class, int.class)
                .withoutCode()
                .make()
                .load(FrameClassGenerator.class.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(MethodHandles.lookup()))
                .getLoaded();
        GENERATED.incrementAndGet();
        return type;
    }

    /**
     * A new instance of a new frame class of {@code function}'s body in {@code file}: its frame
     * method runs {@code sites.get(chain.site(depth))}.
     */
    static Object frame(String file, String className, FunctionType function, List<Site> sites) {
        byte[] classFile = BYTE_BUDDY.subclass(Object.class, ConstructorStrategy.Default.DEFAULT_CONSTRUCTOR)
                .implement(function.type)
                .name(className)
                .defineMethod(function.methodName, void.class, Visibility.PUBLIC)
                .withParameters(FrameChain.class, int.class)
                .intercept(new Implementation.Simple(new SitesAppender(sites)))
                .make()
                .getBytes();
        ScriptFileLoader loader = new ScriptFileLoader(file, FrameClassGenerator.class.getClassLoader());
        return instantiate(loader.define(className, classFile), new Class<?>[0]);
    }

    /**
     * A new, unstarted commit thread of {@code loop} whose {@code run()} enters stacks whose
     * outermost function is one of {@code roots}, by slot ({@link CommitThread}).
     */
    static CommitThread commitThread(CommitLoop loop, List<FunctionType> roots) {
        byte[] classFile = BYTE_BUDDY.subclass(CommitThread.class, ConstructorStrategy.Default.IMITATE_SUPER_CLASS_OPENING)
                .name(ZeekJfrFormat.ROOT_CLASS)
                .defineMethod(ZeekJfrFormat.ROOT_METHOD, void.class, Visibility.PUBLIC)
                .intercept(new Implementation.Simple(new RunAppender(roots)))
                .make()
                .getBytes();
        Class<?> type = new CommitThreadLoader(FrameClassGenerator.class.getClassLoader()).define(ZeekJfrFormat.ROOT_CLASS, classFile);
        return (CommitThread) instantiate(type, new Class<?>[] {CommitLoop.class, int.class}, loop, roots.size());
    }

    /** A new instance of the generated class {@code type}, through its constructor of {@code parameters}. */
    private static Object instantiate(Class<?> type, Class<?>[] parameters, Object... arguments) {
        GENERATED.incrementAndGet();
        try {
            return type.getConstructor(parameters).newInstance(arguments);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException | NoSuchMethodException e) {
            throw new IllegalStateException("cannot instantiate generated class " + type.getName() + ": " + e, e);
        }
    }

    /** Pushes {@code chain.next(depth)} as {@code callee}'s interface, then calls its frame method with depth + 1. */
    private static void callNext(MethodVisitor mv, FunctionType callee, int depthSlot) {
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ILOAD, depthSlot);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CHAIN, "next", "(I)Ljava/lang/Object;", false);
        String calleeType = Type.getInternalName(callee.type);
        mv.visitTypeInsn(Opcodes.CHECKCAST, calleeType);
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ILOAD, depthSlot);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.IADD);
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, calleeType, callee.methodName, FRAME_DESCRIPTOR, true);
    }

    /**
     * {@code switch (chain.site(depth))}, one case per site, each starting a new line number
     * entry: the JVM reports the line of the instruction a frame is executing.
     */
    private record SitesAppender(List<Site> sites) implements ByteCodeAppender {
        @Override
        public Size apply(MethodVisitor mv, Implementation.Context context, MethodDescription method) {
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitVarInsn(Opcodes.ILOAD, 2);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CHAIN, "site", "(I)I", false);
            Label[] cases = new Label[sites.size()];
            for (int i = 0; i < cases.length; i++) {
                cases[i] = new Label();
            }
            Label bad = new Label();
            mv.visitTableSwitchInsn(0, cases.length - 1, bad, cases);
            for (int i = 0; i < cases.length; i++) {
                Site site = sites.get(i);
                mv.visitLabel(cases[i]);
                mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
                mv.visitLineNumber(site.line(), cases[i]);
                if (site.callee() == null) {
                    mv.visitVarInsn(Opcodes.ALOAD, 1);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CHAIN, "event", "()L" + EVENT + ";", false);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, EVENT, "commit", "()V", false);
                } else {
                    callNext(mv, site.callee(), 2);
                }
                mv.visitInsn(Opcodes.RETURN);
            }
            mv.visitLabel(bad);
            mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            mv.visitVarInsn(Opcodes.ALOAD, 1);
            mv.visitVarInsn(Opcodes.ILOAD, 2);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CHAIN, "badSite", "(I)V", false);
            mv.visitInsn(Opcodes.RETURN);
            return new Size(4, method.getStackSize());
        }
    }

    /**
     * {@code while (nextChain()) switch (chain().rootSlot()) { case i -> ((Fi) chain().next(-1)).fi(chain(), 0); }}:
     * no local variables, so every branch target has the method's initial frame.
     */
    private record RunAppender(List<FunctionType> roots) implements ByteCodeAppender {
        private static final String THREAD = Type.getInternalName(CommitThread.class);

        @Override
        public Size apply(MethodVisitor mv, Implementation.Context context, MethodDescription method) {
            Label loop = new Label();
            Label end = new Label();
            Label bad = new Label();
            Label[] cases = new Label[roots.size()];
            for (int i = 0; i < cases.length; i++) {
                cases[i] = new Label();
            }
            mv.visitLabel(loop);
            mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, THREAD, "nextChain", "()Z", false);
            mv.visitJumpInsn(Opcodes.IFEQ, end);
            loadChain(mv);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CHAIN, "rootSlot", "()I", false);
            mv.visitTableSwitchInsn(0, cases.length - 1, bad, cases);
            for (int i = 0; i < cases.length; i++) {
                FunctionType outermost = roots.get(i);
                String type = Type.getInternalName(outermost.type);
                mv.visitLabel(cases[i]);
                mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
                loadChain(mv);
                mv.visitInsn(Opcodes.ICONST_M1);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CHAIN, "next", "(I)Ljava/lang/Object;", false);
                mv.visitTypeInsn(Opcodes.CHECKCAST, type);
                loadChain(mv);
                mv.visitInsn(Opcodes.ICONST_0);
                mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, type, outermost.methodName, FRAME_DESCRIPTOR, true);
                mv.visitJumpInsn(Opcodes.GOTO, loop);
            }
            mv.visitLabel(bad);
            mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, THREAD, "badRoot", "()V", false);
            mv.visitJumpInsn(Opcodes.GOTO, loop);
            mv.visitLabel(end);
            mv.visitFrame(Opcodes.F_SAME, 0, null, 0, null);
            mv.visitInsn(Opcodes.RETURN);
            return new Size(3, method.getStackSize());
        }

        private static void loadChain(MethodVisitor mv) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, THREAD, "chain", "()L" + CHAIN + ";", false);
        }
    }
}
