package zeekspy.jfr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import zeekspy.convert.ZeekJfrFormat;

/**
 * The frames of one Zeek function body (a function in a script file). Its frame class has every
 * call site seen so far; a new site makes a new class version that has the old sites at the
 * same indexes plus the new one. Lookups are lock-free and allocate nothing.
 */
final class ScriptBody {
    final String file;
    final FunctionType function;
    private final String className;
    private volatile Version current = Version.EMPTY;

    ScriptBody(String file, FunctionType function) {
        this.file = file;
        this.function = function;
        this.className = ScriptClassNames.forFile(file);
    }

    /** The current class version. */
    Version current() {
        return current;
    }

    /**
     * The version that has site {@code (line, callee)}, generating it if needed; null if the
     * body has {@code maxSites} sites already.
     */
    synchronized Version withSite(int line, FunctionType callee, int maxSites) {
        Version v = current;
        if (v.indexOf(Site.key(line, callee)) >= 0) {
            return v;
        }
        if (v.sites.size() >= maxSites) {
            return null;
        }
        List<Site> sites = new ArrayList<>(v.sites);
        sites.add(new Site(line, callee));
        Object frame = FrameClassGenerator.frame(file, className, function, sites);
        current = v = new Version(sites, frame, file);
        return v;
    }

    @Override
    public String toString() {
        return function + " in " + file;
    }

    /** One frame class of the body: its instance and its sites, immutable. */
    static final class Version {
        static final Version EMPTY = new Version(List.of(), null, "");

        final List<Site> sites;
        /** The instance of the frame class; null for {@link #EMPTY}. */
        final Object frame;
        private final long[] sortedKeys;
        private final int[] indexes;
        /** {@code file:line} of the innermost-frame (leaf) sites, null for the others. */
        private final String[] locations;

        private Version(List<Site> sites, Object frame, String file) {
            this.sites = List.copyOf(sites);
            this.frame = frame;
            int n = sites.size();
            long[][] pairs = new long[n][];
            for (int i = 0; i < n; i++) {
                pairs[i] = new long[] {sites.get(i).key(), i};
            }
            Arrays.sort(pairs, (a, b) -> Long.compare(a[0], b[0]));
            sortedKeys = new long[n];
            indexes = new int[n];
            locations = new String[n];
            for (int i = 0; i < n; i++) {
                sortedKeys[i] = pairs[i][0];
                indexes[i] = (int) pairs[i][1];
                Site s = sites.get(i);
                if (s.callee() == null) {
                    locations[i] = location(file, s.line());
                }
            }
        }

        /** The index of the site with {@code key}, or -1. */
        int indexOf(long key) {
            int i = Arrays.binarySearch(sortedKeys, key);
            return i < 0 ? -1 : indexes[i];
        }

        /** {@code file:line} of leaf site {@code index}. */
        String location(int index) {
            return locations[index];
        }

        /** {@code file:line}; just the file for built-in functions, which have no lines. */
        static String location(String file, int line) {
            return file.equals(ZeekJfrFormat.BUILTIN_FILE) ? file : file + ":" + line;
        }
    }
}
