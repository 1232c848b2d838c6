#!/usr/bin/env bash
# Runs zeek-spy's benchmarks and prints their results as Markdown (copy them to BENCHMARKS.md
# with the date and the machine). Usage: bench/run.sh [sampling|jfr|convert|dwarf|memory|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
mvn -q -B -Dstyle.color=never -DskipTests install >/dev/null
cp_of() { # the test classpath of a module
  local out; out=$(mktemp)
  (cd "$1" && mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile="$out" -Dmdep.includeScope=test >/dev/null)
  cat "$out"; rm -f "$out"
}
run() { # module main-class args...
  local module=$1 cls=$2; shift 2
  java -XX:FlightRecorderOptions:stackdepth=2048 -cp "$module/target/test-classes:$module/target/classes:$(cp_of "$module")" "$cls" "$@"
}
echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), $(java -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%Y-%m-%d)"
echo
case $what in sampling|all) run sampler zeekspy.sampling.SamplingBench; run sampler zeekspy.sampling.WakeUpFloor ;; esac
case $what in memory|all) run sampler zeekspy.memory.MemoryBenchmark ;; esac
case $what in dwarf|all) run sampler zeekspy.symbols.DwarfBench ;; esac
case $what in jfr|all) run agent zeekspy.jfr.JfrSinkBenchmark; run agent zeekspy.record.RecordBench ;; esac
case $what in convert|all) run converter zeekspy.convert.ConvertBench ;; esac
