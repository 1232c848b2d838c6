#!/bin/sh
# Conversion benchmark: zeek-spy's converter on 10^5 and 10^6 samples, next to async-profiler's
# jfrconv (Maven Central tools.profiler:jfr-converter), in one JVM and as fresh processes (the
# shaded zeek-spy.jar as users run it, and the converter alone). Prints markdown tables on stdout
# and the exact process commands on stderr. Recordings are generated once into WORKDIR and reused.
# Usage: converter/src/test/bench/run-bench.sh [WORKDIR]   (from the repository root)
set -e
work=${1:-/tmp/zeek-spy-bench}
mkdir -p "$work"
suffix=-bench
jfrconv_version=4.5
mvn -q -B -Dbuild.suffix=$suffix -pl agent -am package -DskipTests
mvn -q -B -Dbuild.suffix=$suffix -pl converter test-compile
mvn -q -B -Dbuild.suffix=$suffix -pl converter dependency:build-classpath \
    -Dmdep.outputFile="$work.cp" -Dmdep.includeScope=test
mvn -q -B dependency:get -Dartifact=tools.profiler:jfr-converter:$jfrconv_version
jar=$HOME/.m2/repository/tools/profiler/jfr-converter/$jfrconv_version/jfr-converter-$jfrconv_version.jar
exec java -XX:FlightRecorderOptions:stackdepth=512 \
    -cp "converter/target$suffix/classes:converter/target$suffix/test-classes:$(cat "$work.cp")" \
    zeekspy.convert.ConvertBench "$work" "$jar" "agent/target$suffix/zeek-spy.jar"
