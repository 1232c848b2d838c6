package zeekspy.jfr;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import jdk.jfr.Configuration;

/** zeek-spy's JFR settings, the resource {@value #RESOURCE} (also importable into JMC as a template). */
public final class ZeekRecordingSettings {
    /** Class path resource of the settings file. */
    public static final String RESOURCE = "/zeekspy/zeek.jfc";

    private ZeekRecordingSettings() {}

    /** The settings, parsed. */
    public static Configuration configuration() {
        try (InputStream in = ZeekRecordingSettings.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from zeek-spy's jar");
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Configuration.create(reader);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new IllegalStateException("bad " + RESOURCE + ": " + e.getMessage(), e);
        }
    }
}
