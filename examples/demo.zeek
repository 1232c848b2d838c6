# zeek-spy demo script: keeps a real Zeek's script interpreter busy for a while without any
# traffic, with a known hot spot (SlowDNS::hashit), a hook and a recursive function.
#   zeek -b examples/demo.zeek      (zeek-spy demo runs this when zeek is installed)

module SlowDNS;

export {
	## How long the demo runs.
	const run_for = 8 sec &redef;
	global hashit: function(s: string, n: count): string;
	global check: hook(name: string);
}

global deadline: time;
global rounds = 0;

function hashit(s: string, n: count): string
	{
	if ( n == 0 )
		return sha256_hash(s);
	return hashit(md5_hash(s), n - 1);
	}

hook check(name: string)
	{
	if ( |name| > 200 )
		break;
	}

event tick()
	{
	++rounds;
	local name = fmt("host-%d.example.com", rounds);
	hook check(name);
	hashit(name, 20);
	if ( current_time() < deadline )
		schedule 1 msec { tick() };
	else
		terminate();
	}

event zeek_init()
	{
	deadline = current_time() + run_for;
	event tick();
	}
