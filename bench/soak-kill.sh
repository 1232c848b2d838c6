#!/usr/bin/env bash
# Soak test: zeek-spy killed by SIGKILL thousands of times while it samples a Zeek (the test
# inferior mini-zeek) at 10 kHz in blocking mode; after every kill Zeek must run on untraced,
# unstopped, alive and making progress, and a stream of SIGUSR1 sent all along must arrive whole.
# It is the JUnit test zeekspy.safety.KilledSamplerTest (200 kills in `mvn verify`) with more kills;
# with JAR_KILLS set, also zeekspy.safety.KilledRecordIT, which kills the shaded jar's `record`.
#
# usage: bench/soak-kill.sh [KILLS [SEED]]     (default 5000 kills, about half a second each)
#        JAR_KILLS=200 bench/soak-kill.sh 0     (only the jar: about 2 s a kill)
# A failure names the kill, where it landed and the seed; the same SEED repeats the same delays.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
kills=${1:-5000}
seed=${2:-}

common=(-B -Dbuild.suffix=-soak -pl agent -am -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false)
[[ -n $seed ]] && common+=(-Dzeekspy.safety.seed="$seed")

# run ARGS...: mvn with the common arguments; shows the tests' summary lines, the log on failure.
run() {
	local log
	log=$(mktemp /tmp/soak-kill.XXXXXX)
	if mvn "${common[@]}" "$@" >"$log" 2>&1; then
		grep -E "kill test:|Tests run:" "$log" || true
		rm -f "$log"
	else
		grep -E "kill test:|Tests run:|FAIL|AssertionError|ERROR\]" "$log" | head -40 || true
		echo "soak-kill: failed; full log in $log" >&2
		exit 1
	fi
}

if [[ $kills -gt 0 ]]; then
	run test -Dtest=KilledSamplerTest -Dzeekspy.safety.kills="$kills"
fi
if [[ -n ${JAR_KILLS:-} ]]; then
	run verify -Dtest=NoSuchTest -Dit.test=KilledRecordIT -Dzeekspy.safety.jarKills="$JAR_KILLS"
fi
