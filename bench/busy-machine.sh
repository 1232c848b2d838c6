#!/usr/bin/env bash
# How true `zeek-spy record`'s samples stay when every CPU is busy, as on a sensor that falls
# behind: the test inferior (mini-zeek-8.0, workload mixed) pinned to the first CPU, a busy
# shell loop pinned to each other CPU, `record --rate 1000 --duration 12` (blocking). Prints
# Markdown: per run, the ticks taken and missed, the pause p50, and for the busiest functions
# their share of the non-idle samples (record's summary) against the inferior's ground truth.
#
# Usage: bench/busy-machine.sh [--runs 3] [--jar FILE] [--inferior FILE]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3 jar="" inferior=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --runs) runs=$2 ;;
    --jar) jar=$2 ;;
    --inferior) inferior=$2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "busy-machine.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift 2
done
if [[ -z $jar ]]; then
  jar=agent/target/zeek-spy.jar
  ./zeek-spy --version >/dev/null # the launcher builds the jar when it is missing or stale
fi
if [[ -z $inferior ]]; then
  bash examples/mini-zeek/build.sh examples/mini-zeek/build >/dev/null
  inferior=examples/mini-zeek/build/gcc/mini-zeek-8.0
fi
cpus=($(ls -d /sys/devices/system/cpu/cpu[0-9]* | sed 's/.*cpu//' | sort -n))
if (( ${#cpus[@]} < 2 )); then
  echo "busy-machine.sh: needs two CPUs or more" >&2; exit 2
fi
out=$(mktemp -d /tmp/zeek-spy-busy.XXXXXX)
loops=() zpid=""
trap 'for l in "${loops[@]}"; do kill "$l" 2>/dev/null; done; [[ -n $zpid ]] && kill $zpid 2>/dev/null; rm -rf "$out"' EXIT

echo "Machine: ${#cpus[@]} cores, $(uname -r); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M'); jar $jar"
echo
echo "| run | samples (12,000 ticks) | missed ticks | pause p50 | SlowDNS::hashit | \`<native>\` | sha256_hash | largest gap of a top-10 function |"
echo "|---|---|---|---|---|---|---|---|"
for (( run = 1; run <= runs; run++ )); do
  for c in "${cpus[@]:1}"; do
    taskset -c "$c" sh -c 'while :; do :; done' &
    loops+=($!)
  done
  taskset -c "${cpus[0]}" "$inferior" --run 16 --workload mixed >"$out/truth" &
  zpid=$!
  sleep 0.5
  java -jar "$jar" record --pid "$zpid" --rate 1000 --duration 12 --jfr "$out/run.jfr" 2>"$out/log" \
    || { echo "busy-machine.sh: zeek-spy record failed:" >&2; cat "$out/log" >&2; exit 1; }
  wait "$zpid"
  zpid=""
  for l in "${loops[@]}"; do kill "$l"; done
  loops=()
  # The truth: time per innermost function, idle left out; the samples: record's summary.
  awk -F'\t' '$1 == "truth" { n = split($3, f, ";"); sub(/@.*/, "", f[n]); t[f[n]] += $2 }
              $1 == "truth-native" { t["<native>"] += $2 }
              END { for (k in t) s += t[k]; for (k in t) printf "%s\t%.1f\n", k, 100 * t[k] / s }' "$out/truth" | sort >"$out/truth.tsv"
  sed -n 's/^ *\([0-9.]*\)%  \(.*\)$/\2\t\1/p' "$out/log" | sort >"$out/sampled.tsv"
  share() { awk -F'\t' -v k="$1" 'FNR == NR { t[$1] = $2; next } $1 == k { printf "%s %% (truth %s %%)", $2, t[k] }' \
    "$out/truth.tsv" "$out/sampled.tsv"; }
  gap=$(join -t$'\t' "$out/truth.tsv" "$out/sampled.tsv" | awk -F'\t' '{ d = $3 - $2; if (d < 0) d = -d; if (d > m) { m = d; n = $1 } }
    END { printf "%.1f points (%s)", m, n }')
  stats=$(sed -n 's/^zeek-spy: pid [0-9]*: \([0-9]*\) samples, .*, \([0-9]*\) missed ticks, pause p50 \([0-9.]* µs\).*/\1 | \2 | \3/p' "$out/log")
  echo "| $run | $stats | $(share SlowDNS::hashit) | $(share '<native>') | $(share sha256_hash) | $gap |"
done
echo
