#!/usr/bin/env bash
# Soak test: runs the real `zeek-spy record` against the test inferior (mini-zeek) for a long
# time and watches zeek-spy from the outside, to show that a long recording does not leak.
#
# Usage: bench/soak.sh [--duration 10m] [--rate 1000] [--mode blocking|nonblocking]
#                      [--interval 10] [--warmup 60] [--workload deep|mixed] [--jar FILE] [--inferior FILE] [--out DIR]
#
#   --duration  how long to record: 600, 600s, 10m, 4h (default 10m)
#   --rate      samples per second (default 1000)
#   --mode      blocking (stops the inferior per sample) or nonblocking (default blocking)
#   --interval  seconds between two observations (default 10; use 60 for runs of hours)
#   --warmup    seconds left out of the verdict: JIT, class loading, heap sizing (default 60)
#   --workload  the inferior's workload (default deep)
#   --jar       zeek-spy.jar to run (default agent/target/zeek-spy.jar, built when missing)
#   --inferior  the mini-zeek binary (default examples/mini-zeek/build/gcc/mini-zeek-8.0, built)
#   --out       where the recording, the logs and the results go (default a new temp dir)
#   --report DIR  only print the report of an earlier run whose --out was DIR
#   ZEEK_SPY_JAVA_OPTS  extra JVM options for zeek-spy, e.g. -Xlog:class+load:file=/tmp/classes.txt:uptime
#
# Every --interval seconds it reads, for the zeek-spy JVM: RSS and threads (/proc/PID/status),
# open file descriptors (/proc/PID/fd), CPU time (/proc/PID/stat), heap used, then heap after a
# forced full GC and loaded classes (one `jcmd PID -f` call: GC.heap_info, GC.run, GC.heap_info,
# VM.classloader_stats), the JFR repository's size on disk; for the inferior its state
# and tracer. Recording throughput comes from the status line zeek-spy prints every 10 s.
# The forced GC costs zeek-spy a pause of a few ms per observation (a few missed ticks).
#
# Flat means, after the warm-up: threads and file descriptors do not grow (last <= first);
# loaded classes grow by at most 16 (code run for the first time late: JFR's first chunk
# rotation, at 12 MB of recording, loads 3; a leak of generated classes would add thousands);
# heap after GC grows by at most 10 % + 1 MiB; RSS by at most 10 % + 8 MiB;
# samples per second of every full minute are within +-5 % of the median minute; the inferior
# is alive at the end. Prints a Markdown report (also OUT/soak.md; raw rows in OUT/soak.tsv)
# and exits 0 when flat, 1 when not.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=10m rate=1000 mode=blocking interval=10 warmup=60 workload=deep jar="" inferior="" out="" report=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=$2 ;;
    --rate) rate=$2 ;;
    --mode) mode=$2 ;;
    --interval) interval=$2 ;;
    --warmup) warmup=$2 ;;
    --workload) workload=$2 ;;
    --jar) jar=$2 ;;
    --inferior) inferior=$2 ;;
    --out) out=$2 ;;
    --report) report=$2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift 2
done

zpid="" jpid="" started=""
seconds_of() { # 600 | 600s | 10m | 4h -> seconds
  case $1 in
    *h) echo $(( ${1%h} * 3600 )) ;;
    *m) echo $(( ${1%m} * 60 )) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}
kib_used() { sed -n 's/.*garbage-first heap .* used \([0-9]*\)K.*/\1/p' | sed -n "$1p"; }
status_value() { awk -v k="$2" '$1 == k { print $2 }' "/proc/$1/status"; }

cleanup() {
  [[ -n $jpid ]] && kill "$jpid" 2>/dev/null || true
  [[ -n $zpid ]] && kill "$zpid" 2>/dev/null || true
}
trap cleanup EXIT

observe() {
  local t jc repo
  t=$(awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN { printf "%.0f", n - s }')
  jc=$(jcmd "$jpid" -f "$out/jcmd.txt" 2>/dev/null) || return 1
  repo="$out/soak.jfr.part" # record keeps its JFR repository beside the output until the end
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" \
    "$(status_value "$jpid" VmRSS:)" \
    "$(kib_used 1 <<<"$jc")" "$(kib_used 2 <<<"$jc")" \
    "$(status_value "$jpid" Threads:)" \
    "$(ls "/proc/$jpid/fd" | wc -l)" \
    "$(awk '$1 == "Total" && $2 == "=" { print $4 }' <<<"$jc")" \
    "$( [[ -d $repo ]] && du -sb "$repo" | cut -f1 || echo 0)" \
    "$(sed -n 's/^zeek-spy: [0-9]* s, \([0-9]*\) samples.*/\1/p' "$out/zeek-spy.log" | tail -1)" \
    "$(awk '{ sub(/.*\) /, ""); printf "%.1f", ($12 + $13) / 100 }' "/proc/$jpid/stat")" \
    "$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$zpid/stat" 2>/dev/null || echo gone)/tracer=$(status_value "$zpid" TracerPid: 2>/dev/null || echo -)" \
    "$(cut -d' ' -f1 /proc/loadavg)" \
    >>"$out/soak.tsv"
}

run() {
  total=$(seconds_of "$duration")
  case $mode in blocking) mode_flag=() ;; nonblocking) mode_flag=(--nonblocking) ;;
    *) echo "soak.sh: --mode must be blocking or nonblocking" >&2; exit 2 ;; esac
  if (( total < warmup + 2 * 60 )); then
    echo "soak.sh: --duration must leave at least two minutes after the ${warmup} s warm-up" >&2; exit 2
  fi

  if [[ -z $jar ]]; then
    jar=agent/target/zeek-spy.jar
    [[ -f $jar ]] || ./zeek-spy --version >/dev/null # the launcher builds the jar
  fi
  out=${out:-$(mktemp -d /tmp/zeek-spy-soak.XXXXXX)}
  mkdir -p "$out"
  if [[ -z $inferior ]]; then
    echo "soak: building the test inferior (examples/mini-zeek/build.sh)" >&2
    bash examples/mini-zeek/build.sh examples/mini-zeek/build >/dev/null
    inferior=examples/mini-zeek/build/gcc/mini-zeek-8.0
  fi

  "$inferior" --run $(( total + 120 )) --workload "$workload" >"$out/mini-zeek.out" 2>&1 &
  zpid=$!
  sleep 0.5
  java -XX:FlightRecorderOptions:stackdepth=2048 ${ZEEK_SPY_JAVA_OPTS:-} -jar "$jar" record --pid "$zpid" --rate "$rate" "${mode_flag[@]}" \
    --duration "$total" --jfr "$out/soak.jfr" 2>"$out/zeek-spy.log" &
  jpid=$!
  started=$(date +%s.%N)

  printf 'GC.heap_info\nGC.run\nGC.heap_info\nVM.classloader_stats\n' >"$out/jcmd.txt"

  echo -e "t\trss_kib\theap_kib\theap_after_gc_kib\tthreads\tfds\tclasses\tjfr_repo_bytes\tsamples\tcpu_s\tinferior\tload" >"$out/soak.tsv"

  echo "soak: recording mini-zeek pid $zpid ($workload) at $rate Hz ($mode) for $total s; zeek-spy pid $jpid; output in $out" >&2
  sleep "$interval"
  while kill -0 "$jpid" 2>/dev/null && [[ -d /proc/$jpid/fd ]]; do
    observe || echo "soak: no observation at $(date +%T): jcmd $jpid failed" >&2
    sleep "$interval"
  done
  wait "$jpid" && code=0 || code=$?
  jpid=""
  inferior_alive=$(kill -0 "$zpid" 2>/dev/null && echo yes || echo no)
  kill -TERM "$zpid" 2>/dev/null || true
  wait "$zpid" 2>/dev/null || true
  zpid=""

  machine="$(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $(java -version 2>&1 | head -1); load at the end $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
  declare -p rate mode workload total interval warmup code inferior_alive machine >"$out/run.env"
}

report() {
  local out=$1
  # shellcheck disable=SC1091
  source "$out/run.env"
  awk -F'\t' -v warmup="$warmup" -v rate="$rate" -v mode="$mode" -v workload="$workload" -v total="$total" \
    -v interval="$interval" -v code="$code" -v cores="$(nproc)" -v alive="$inferior_alive" -v machine="$machine" \
    -v logfile="$out/zeek-spy.log" -v jfrsize="$(stat -c %s "$out/soak.jfr" 2>/dev/null || echo 0)" '
function fmt(v, unit) {
  if (unit == "MiB") return sprintf("%.1f", v / 1024)
  if (unit == "MB") return sprintf("%.1f", v / 1e6)
  return sprintf("%g", v)
}
function slope(col,   i, n, sx, sy, sxx, sxy, x, y) { # least squares, per minute, after the warm-up
  n = 0; sx = sy = sxx = sxy = 0
  for (i = 1; i <= rows; i++) if (T[i] >= warmup) { x = T[i] / 60; y = V[i, col]; n++; sx += x; sy += y; sxx += x * x; sxy += x * y }
  return n < 2 || n * sxx == sx * sx ? 0 : (n * sxy - sx * sy) / (n * sxx - sx * sx)
}
function at(t, col,   i) { # the value of column col at the first observation at or after time t
  for (i = 1; i <= rows; i++) if (T[i] >= t) return V[i, col]
  return V[rows, col]
}
function cpu_per_sample(t0, t1,   s) { # zeek-spy CPU time per recorded sample between t0 and t1, in us
  s = at(t1, 9) - at(t0, 9)
  return s > 0 ? 1e6 * (at(t1, 10) - at(t0, 10)) / s : 0
}
function line(name, col, unit, rule,   m, f, l, ok) {
  m = int((first + rows) / 2)
  f = V[first, col]; l = V[rows, col]
  if (rule == "nogrow") ok = l <= f
  else if (rule == "classes") ok = l <= f + 16
  else if (rule == "heap") ok = l <= f * 1.10 + 1024
  else if (rule == "rss") ok = l <= f * 1.10 + 8192
  else ok = 1
  if (rule != "" && !ok) failed = failed ", " name
  printf "| %s | %s | %s | %s | %s | %s |\n", name, fmt(f, unit), fmt(V[m, col], unit), fmt(l, unit), \
    (unit == "MiB" ? sprintf("%+.2f", slope(col) / 1024) : unit == "MB" ? sprintf("%+.2f", slope(col) / 1e6) : sprintf("%+.2f", slope(col))), \
    (rule == "" ? "(not judged)" : ok ? "flat" : "**grows**")
}
NR == 1 { next }
{ rows++; T[rows] = $1; for (c = 2; c <= 10; c++) V[rows, c] = $c; S[rows] = $11; L[rows] = $12 }
END {
  first = 0
  for (i = 1; i <= rows; i++) if (T[i] >= warmup) { first = i; break }
  printf "### Soak: %s s at %s Hz, %s, workload %s\n\n", total, rate, mode, workload
  printf "%s. One observation every %s s; warm-up %s s. Columns first/middle/last are after the warm-up, slope is a least-squares fit per minute after it.\n\n", machine, interval, warmup
  if (first == 0 || rows - first < 2) { print "Too few observations after the warm-up."; exit 1 }
  failed = ""
  print "| zeek-spy JVM | first | middle | last | slope / min | verdict |"
  print "|---|---:|---:|---:|---:|---|"
  line("RSS (MiB)", 2, "MiB", "rss")
  line("heap used (MiB)", 3, "MiB", "")
  line("heap after GC (MiB)", 4, "MiB", "heap")
  line("threads", 5, "", "nogrow")
  line("open fds", 6, "", "nogrow")
  line("loaded classes", 7, "", "classes")
  line("JFR repository (MB)", 8, "MB", "")
  line("samples so far", 9, "", "")
  line("CPU time (s)", 10, "", "")
  # Throughput: samples per second over each full minute after the warm-up, from the status lines.
  n = 0
  while ((getline l < logfile) > 0) if (l ~ /^zeek-spy: [0-9]+ s, [0-9]+ samples/) { split(l, w, /[ ,]+/); n++; ET[n] = w[2]; ES[n] = w[4] }
  minutes = 0
  for (a = 1; a <= n; a++) {
    if (ET[a] < warmup) continue
    for (b = a + 1; b <= n && ET[b] - ET[a] < 60; b++) ;
    if (b > n) break
    minutes++; MR[minutes] = (ES[b] - ES[a]) / (ET[b] - ET[a]); MT[minutes] = ET[a]
    a = b - 1
  }
  if (minutes < 2) { print "\nFewer than two full minutes of status lines after the warm-up."; exit 1 }
  for (i = 1; i <= minutes; i++) SR[i] = MR[i]
  for (i = 1; i <= minutes; i++) for (j = i + 1; j <= minutes; j++) if (SR[j] < SR[i]) { x = SR[i]; SR[i] = SR[j]; SR[j] = x }
  median = minutes % 2 ? SR[(minutes + 1) / 2] : (SR[minutes / 2] + SR[minutes / 2 + 1]) / 2
  lo = SR[1]; hi = SR[minutes]
  tput = lo >= median * 0.95 && hi <= median * 1.05
  if (!tput) failed = failed ", throughput"
  printf "\nThroughput over %d full minutes after the warm-up: median %.0f samples/s (%.1f %% of %s Hz), slowest minute %+.1f %%, fastest %+.1f %% of the median: %s.\n", \
    minutes, median, 100 * median / rate, rate, 100 * (lo / median - 1), 100 * (hi / median - 1), (tput ? "within +-5 %" : "**outside +-5 %**")
  printf "Samples/s per minute:"
  for (i = 1; i <= minutes; i++) printf " %.0f", MR[i]
  half = T[first] + (T[rows] - T[first]) / 2
  printf ". zeek-spy CPU per sample: %.0f us in the first half after the warm-up, %.0f us in the second.\n", \
    cpu_per_sample(T[first], half), cpu_per_sample(half, T[rows])
  printf "Recording: %.1f MB for %s samples (%.1f bytes a sample). zeek-spy exit code %s; inferior alive at the end: %s; inferior state at the last observation: %s.\n", \
    jfrsize / 1e6, V[rows, 9], (V[rows, 9] > 0 ? jfrsize / V[rows, 9] : 0), code, alive, S[rows]
  lmin = lmax = L[first]
  for (i = first; i <= rows; i++) { if (L[i] < lmin) lmin = L[i]; if (L[i] > lmax) lmax = L[i] }
  if (lmin != "") printf "Machine load (1-minute load average) after the warm-up: %s to %s on %s cores.\n", lmin, lmax, cores
  if (code != 0) failed = failed ", zeek-spy exit code"
  if (alive != "yes") failed = failed ", inferior ended"
  printf "\n**Verdict: %s.**\n", (failed == "" ? "flat" : "NOT flat (" substr(failed, 3) ")")
  exit (failed == "" ? 0 : 1)
}' "$out/soak.tsv" | tee "$out/soak.md"
}

if [[ -n $report ]]; then
  report "$report"
else
  run
  report "$out"
fi
