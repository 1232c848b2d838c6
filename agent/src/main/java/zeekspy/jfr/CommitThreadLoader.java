package zeekspy.jfr;

/** Defines one generation of the generated commit thread class (see {@link CommitThread}). */
final class CommitThreadLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    CommitThreadLoader(ClassLoader parent) {
        super("zeek-spy commit thread", parent);
    }

    Class<?> define(String binaryName, byte[] classFile) {
        return defineClass(binaryName, classFile, 0, classFile.length);
    }
}
