package zeekspy.jfr;

import zeekspy.convert.ZeekJfrFormat;

/**
 * Defines the generated classes whose methods are the Zeek frames of one script file. Its name
 * is the exact script path ({@link ZeekJfrFormat#BUILTIN_FILE} or
 * {@link ZeekJfrFormat#SYNTHETIC_FILE} for frames without a file): readers of a recording take
 * the file from the loader name. A file may have several loaders, one per class version.
 */
public final class ScriptFileLoader extends ClassLoader {
    static {
        registerAsParallelCapable();
    }

    /** A loader for {@code file} (not empty) that delegates to {@code parent}. */
    public ScriptFileLoader(String file, ClassLoader parent) {
        super(requireFile(file), parent);
    }

    /** Defines a class from its class file bytes. */
    Class<?> define(String binaryName, byte[] classFile) {
        return defineClass(binaryName, classFile, 0, classFile.length);
    }

    private static String requireFile(String file) {
        if (file == null || file.isEmpty()) {
            throw new IllegalArgumentException("script file name must not be empty");
        }
        return file;
    }

    @Override
    public String toString() {
        return "ScriptFileLoader[" + getName() + "]";
    }
}
