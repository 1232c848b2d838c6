package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zeekspy.jfr.ZeekRecording.bif;
import static zeekspy.jfr.ZeekRecording.event;
import static zeekspy.jfr.ZeekRecording.fn;
import static zeekspy.jfr.ZeekRecording.record;
import static zeekspy.jfr.ZeekRecording.script;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmc.common.IMCClassLoader;
import org.openjdk.jmc.common.IMCFrame;
import org.openjdk.jmc.common.IMCStackTrace;
import org.openjdk.jmc.common.IMCType;
import org.openjdk.jmc.common.item.Attribute;
import org.openjdk.jmc.common.item.IAttribute;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IMemberAccessor;
import org.openjdk.jmc.common.item.ItemFilters;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.flightrecorder.JfrAttributes;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;
import zeekspy.convert.ZeekJfrFormat;
import zeekspy.sampling.Sample;

/** JDK Mission Control, the target UI, parses the recordings and shows Zeek frames. */
class JmcParserTest {
    private static final IAttribute<String> FUNCTION = Attribute.attr(ZeekJfrFormat.FIELD_FUNCTION, "Function", UnitLookup.PLAIN_TEXT);

    @Test
    void jmcReadsZeekFramesWithMethodLineClassAndLoader(@TempDir Path dir) throws Exception {
        String site = "/opt/zeek/share/zeek/site/slow-dns.zeek";
        Sample s = script(9, bif("fmt"), fn("SlowDNS::hashit", site, 12), event("dns_request", site, 40));
        JfrSampleSink sink = new JfrSampleSink(new ZeekFrames(), 50, "proxy-1", 1_000_000L);
        Path file = record(dir.resolve("jmc.jfr"), r -> {
            sink.accept(s);
            sink.flush();
        });

        IItemCollection samples = JfrLoaderToolkit.loadEvents(file.toFile()).apply(ItemFilters.type(ZeekJfrFormat.SAMPLE_EVENT));
        List<IItem> items = new ArrayList<>();
        List<IMCStackTrace> traces = new ArrayList<>();
        List<String> functions = new ArrayList<>();
        for (IItemIterable iterable : samples) {
            IMemberAccessor<IMCStackTrace, IItem> stack = JfrAttributes.EVENT_STACKTRACE.getAccessor(iterable.getType());
            IMemberAccessor<String, IItem> function = FUNCTION.getAccessor(iterable.getType());
            for (IItem item : iterable) {
                items.add(item);
                traces.add(stack.getMember(item));
                functions.add(function.getMember(item));
            }
        }
        assertEquals(1, items.size());
        assertEquals(List.of("fmt"), functions);
        List<? extends IMCFrame> frames = traces.get(0).getFrames();
        assertTrue(frames.size() >= 4, "frames: " + frames.size());
        assertFrame(frames.get(0), "fmt", 0, "zeek.builtin", ZeekJfrFormat.BUILTIN_FILE);
        assertFrame(frames.get(1), "SlowDNS::hashit", 12, "zeek.opt.zeek.share.zeek.site.slow-dns_zeek", site);
        assertFrame(frames.get(2), "dns_request", 40, "zeek.opt.zeek.share.zeek.site.slow-dns_zeek", site);
        assertEquals(ZeekJfrFormat.ROOT_CLASS, frames.get(3).getMethod().getType().getFullName());
        assertEquals(ZeekJfrFormat.ROOT_METHOD, frames.get(3).getMethod().getMethodName());
        assertEquals("zeek.opt.zeek.share.zeek.site", frames.get(1).getMethod().getType().getPackage().getName());
    }

    private static void assertFrame(IMCFrame frame, String function, int line, String className, String loaderName) throws Exception {
        assertEquals(function, ZeekJfrFormat.decodeMethodName(frame.getMethod().getMethodName()));
        assertEquals(line, frame.getFrameLineNumber());
        IMCType type = frame.getMethod().getType();
        assertEquals(className, type.getFullName());
        IMCClassLoader loader = classLoader(type);
        assertEquals(loaderName, loader.getName());
        assertEquals(ZeekJfrFormat.SCRIPT_LOADER_TYPE, loader.getType().getFullName());
    }

    /** JMC parses each class's loader, but its public API does not expose it (nor does its UI). */
    private static IMCClassLoader classLoader(IMCType type) throws ReflectiveOperationException {
        var field = type.getClass().getField("classLoader");
        field.setAccessible(true);
        return (IMCClassLoader) field.get(type);
    }
}
