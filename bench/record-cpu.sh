#!/usr/bin/env bash
# What `zeek-spy record` costs, seen from outside as an operator would: runs the real jar
# against the test inferior (mini-zeek, workload deep) and reads the zeek-spy JVM's CPU time
# from /proc every 10 s, nothing else (no jcmd, no agent: the measurement adds no work to the
# JVM). Prints Markdown: per run, the start-up (JVM, layout, JFR: the first 10 s), each
# following minute, the average after the first minute of sampling (JIT done) and over the
# whole run, the pause's median (record's summary) and the busiest threads after the first minute.
#
# Usage: bench/record-cpu.sh [--rate 100] [--duration 6m] [--runs 2] [--jar FILE] [--inferior FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

rate=100 duration=6m runs=2 jar="" inferior=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --rate) rate=$2 ;;
    --duration) duration=$2 ;;
    --runs) runs=$2 ;;
    --jar) jar=$2 ;;
    --inferior) inferior=$2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "record-cpu.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift 2
done
case $duration in
  *m) total=$(( ${duration%m} * 60 )) ;;
  *s) total=${duration%s} ;;
  *) total=$duration ;;
esac
if (( total < 190 )); then
  echo "record-cpu.sh: --duration must be at least 190 s (start-up, a first minute, two more)" >&2; exit 2
fi
if [[ -z $jar ]]; then
  jar=agent/target/zeek-spy.jar
  ./zeek-spy --version >/dev/null # the launcher builds the jar when it is missing or stale
fi
if [[ -z $inferior ]]; then
  bash examples/mini-zeek/build.sh examples/mini-zeek/build >/dev/null
  inferior=examples/mini-zeek/build/gcc/mini-zeek-8.0
fi
out=$(mktemp -d /tmp/zeek-spy-record-cpu.XXXXXX)
zpid="" jpid=""
trap '[[ -n $jpid ]] && kill $jpid 2>/dev/null; [[ -n $zpid ]] && kill $zpid 2>/dev/null; rm -rf "$out"' EXIT

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null; }
threads() { # "name ticks" per thread of process $1, ticks summed by name
  for f in /proc/"$1"/task/*/stat; do
    awk '{ n = $0; sub(/^[^(]*\(/, "", n); sub(/\).*/, "", n); gsub(/ /, "_", n); sub(/.*\) /, ""); print n, $12 + $13 }' "$f" 2>/dev/null
  done | awk '{ t[$1] += $2 } END { for (n in t) print n, t[n] }'
}

echo "Machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M')"
echo
echo "\`zeek-spy record --rate $rate --duration $total\` (blocking, default fields) of \`mini-zeek-8.0 --workload deep\`; the JVM's CPU time from \`/proc/PID/stat\`, % of one core"
echo
minutes=$(( (total - 10) / 60 ))
header="| run | start-up, 0–10 s (CPU s) |"
rule="|---|---|"
for (( m = 0; m < minutes; m++ )); do header+=" $((10 + 60 * m))–$((70 + 60 * m)) s |"; rule+="---|"; done
echo "$header after 70 s | whole run | pause p50 | busiest threads after 70 s |"
echo "$rule---|---|---|---|"

for (( run = 1; run <= runs; run++ )); do
  "$inferior" --run $(( total + 60 )) --workload deep >/dev/null 2>&1 &
  zpid=$!
  sleep 0.5
  start=$(date +%s.%N)
  _JAVA_SR_SIGNUM=39 java -XX:FlightRecorderOptions:stackdepth=2048 -jar "$jar" record --pid "$zpid" --rate "$rate" \
    --duration "$total" --jfr "$out/run.jfr" 2>"$out/zeek-spy.log" &
  jpid=$!
  declare -A at=()
  t=10
  while kill -0 "$jpid" 2>/dev/null; do
    sleep "$(awk -v s="$start" -v t="$t" -v n="$(date +%s.%N)" 'BEGIN { d = s + t - n; print (d > 0 ? d : 0) }')"
    c=$(cpu_ticks "$jpid") || break
    [[ -n $c ]] || break
    at[$t]=$c
    if (( t == 70 )); then threads "$jpid" >"$out/threads70"; fi
    if (( t + 10 <= total )); then threads "$jpid" >"$out/threadsLast"; last=$t; fi
    t=$(( t + 10 ))
  done
  wait "$jpid" || { echo "record-cpu.sh: zeek-spy record failed:" >&2; cat "$out/zeek-spy.log" >&2; exit 1; }
  jpid=""
  kill "$zpid" 2>/dev/null || true
  wait "$zpid" 2>/dev/null || true
  zpid=""
  row="| $run | $(awk -v c="${at[10]}" -v k="$ticks" 'BEGIN { printf "%.2f", c / k }') |"
  for (( m = 0; m < minutes; m++ )); do
    a=$(( 10 + 60 * m )) b=$(( 70 + 60 * m ))
    row+=" $(awk -v a="${at[$a]}" -v b="${at[$b]:-}" -v k="$ticks" 'BEGIN { if (b == "") print "–"; else printf "%.2f %%", 100 * (b - a) / k / 60 }') |"
  done
  row+=" $(awk -v a="${at[70]}" -v b="${at[$last]}" -v s=$(( last - 70 )) -v k="$ticks" 'BEGIN { printf "%.2f %%", 100 * (b - a) / k / s }') |"
  row+=" $(awk -v b="${at[$last]}" -v s="$last" -v k="$ticks" 'BEGIN { printf "%.2f %%", 100 * b / k / s }') |"
  row+=" $(sed -n 's/.*pause p50 \([0-9.]* µs\) p99.*/\1/p' "$out/zeek-spy.log" | head -1) |"
  row+=" $(join -a2 -e 0 -o '2.1,1.2,2.2' <(sort "$out/threads70") <(sort "$out/threadsLast") \
    | awk -v s=$(( last - 70 )) -v k="$ticks" '{ d = $3 - $2; if (d > 0) printf "%s\t%.2f\n", $1, 100 * d / k / s }' \
    | sort -t$'\t' -k2 -rn | head -4 | awk -F'\t' '{ printf "%s%s %s %%", (NR > 1 ? ", " : ""), $1, $2 }') |"
  echo "$row"
  unset at
done
echo
