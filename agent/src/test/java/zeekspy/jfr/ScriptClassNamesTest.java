package zeekspy.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import zeekspy.convert.ZeekJfrFormat;

class ScriptClassNamesTest {
    @Test
    void directoriesBecomeThePackageAndTheFileTheClass() {
        assertEquals("zeek.opt.zeek.share.zeek.site.slow-dns_zeek", ScriptClassNames.forFile("/opt/zeek/share/zeek/site/slow-dns.zeek"));
        assertEquals("zeek.base.init-bare_zeek", ScriptClassNames.forFile("base/init-bare.zeek"));
        assertEquals("zeek.site.local_zeek", ScriptClassNames.forFile("./site/local.zeek"));
        assertEquals("zeek.up.x.y_bro", ScriptClassNames.forFile("../x//y.bro"));
        assertEquals("zeek.zeek-6_0.a_b_c__d", ScriptClassNames.forFile("/zeek-6.0/a;b[c<>d"));
        assertEquals("zeek.dir", ScriptClassNames.forFile("/dir/"));
        assertEquals("zeek._", ScriptClassNames.forFile("/"));
    }

    @Test
    void frameFilesWithoutScriptHaveFixedNames() {
        assertEquals("zeek.builtin", ScriptClassNames.forFile(ZeekJfrFormat.BUILTIN_FILE));
        assertEquals("zeek.zeek-spy", ScriptClassNames.forFile(ZeekJfrFormat.SYNTHETIC_FILE));
    }

    @Test
    void loaderIsNamedAfterTheExactFile() {
        ScriptFileLoader loader = new ScriptFileLoader("/opt/zeek/a b.zeek", getClass().getClassLoader());
        assertEquals("/opt/zeek/a b.zeek", loader.getName());
        assertThrows(IllegalArgumentException.class, () -> new ScriptFileLoader("", getClass().getClassLoader()));
    }
}
