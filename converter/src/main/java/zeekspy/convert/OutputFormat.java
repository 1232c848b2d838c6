package zeekspy.convert;

import java.nio.file.Path;
import java.util.Locale;

/** The formats the converter writes. */
public enum OutputFormat {
    /** pprof protobuf, gzipped ({@code .pb.gz}), as pprof expects on disk. */
    PPROF_GZ(".pb.gz"),
    /** pprof protobuf, not compressed ({@code .pb}). */
    PPROF(".pb"),
    /** A self-contained interactive flame graph page ({@code .html}). */
    HTML(".html"),
    /** One {@code frame;frame;frame count} line per stack, outermost frame first ({@code .collapsed}). */
    COLLAPSED(".collapsed"),
    /** A plain-text table of the hottest frames, like {@code pprof -top} ({@code .txt}, or standard output). */
    TOP(".txt");

    private final String extension;

    OutputFormat(String extension) {
        this.extension = extension;
    }

    /** The file name extension of this format, with its dot. */
    public String extension() {
        return extension;
    }

    /** The format named by the extension of {@code file}: .pb.gz, .pb, .html, .htm, .collapsed, .folded or .txt. */
    public static OutputFormat fromFileName(Path file) throws ConversionException {
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".pb.gz")) {
            return PPROF_GZ;
        } else if (name.endsWith(".pb")) {
            return PPROF;
        } else if (name.endsWith(".html") || name.endsWith(".htm")) {
            return HTML;
        } else if (name.endsWith(".collapsed") || name.endsWith(".folded")) {
            return COLLAPSED;
        } else if (name.endsWith(".txt")) {
            return TOP;
        }
        throw new ConversionException("cannot tell the output format from the name " + file
                + ": use .pb.gz, .pb, .html, .collapsed or .txt, or name the format");
    }

    /** The format called {@code name}: pprof (= pb.gz), pb.gz, pb, html, collapsed or top, in any case. */
    public static OutputFormat fromName(String name) throws ConversionException {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "pprof": case "pb.gz": case "pprof_gz": return PPROF_GZ;
            case "pb": return PPROF;
            case "html": case "flamegraph": return HTML;
            case "collapsed": case "folded": return COLLAPSED;
            case "top": case "txt": return TOP;
            default: throw new ConversionException("unknown output format " + name
                    + ": use pprof, pb.gz, pb, html, collapsed or top");
        }
    }
}
