#!/usr/bin/env bash
# Builds every mini-zeek variant into OUTDIR (see README.md). Idempotent: a target is
# rebuilt only when a source or this script is newer. Compilers that are not installed
# are skipped (and reported).
set -euo pipefail

if [[ $# -ne 1 ]]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
SRCS=("$HERE/src/zeek_model.cc" "$HERE/src/mini_zeek.cc")
DEPS=("${SRCS[@]}" "$HERE/src/zeek_model.h" "$HERE/build.sh")
FAMILIES=(3.0 8.0 9.0)
# Like Zeek's RelWithDebInfo build with ENABLE_EXPORTS (-rdynamic puts the globals in .dynsym).
COMMON=(-std=c++17 -O2 -g -fPIE -pie -rdynamic -Wl,--build-id -Wall -Wno-invalid-offsetof)

built=0
skipped=()

# up_to_date TARGET: true if TARGET exists and is newer than every dependency.
up_to_date() {
	local t=$1 d
	[[ -e $t ]] || return 1
	for d in "${DEPS[@]}"; do
		[[ $t -nt $d ]] || return 1
	done
}

# compile CXX TARGET FAMILY EXTRA_FLAGS...
compile() {
	local cxx=$1 target=$2 fam=$3
	shift 3
	up_to_date "$target" && return 0
	mkdir -p "$(dirname "$target")"
	echo "build: $target"
	"$cxx" "${COMMON[@]}" -DMINI_ZEEK_FAMILY="${fam/./}" "$@" -o "$target.tmp" "${SRCS[@]}"
	mv -f "$target.tmp" "$target"
	built=$((built + 1))
}

# derived TARGET SOURCE: true if TARGET must be regenerated from SOURCE.
stale() {
	[[ ! -e $1 || $2 -nt $1 ]]
}

build_id() {
	readelf -n "$1" | awk '/Build ID:/ { print $3 }'
}

have() {
	command -v "$1" >/dev/null 2>&1
}

# ---- GCC ------------------------------------------------------------------------
if have g++; then
	for fam in "${FAMILIES[@]}"; do
		base="$OUT/gcc/mini-zeek-$fam"
		compile g++ "$base" "$fam"
		compile g++ "$base.zdebug" "$fam" -gz=zlib
		compile g++ "$base.dwarf4" "$fam" -gdwarf-4

		if stale "$base.stripped" "$base"; then
			echo "strip: $base.stripped"
			strip --strip-all -o "$base.stripped" "$base"
		fi

		dl="$OUT/gcc/debuglink/mini-zeek-$fam"
		if stale "$dl" "$base"; then
			echo "debuglink: $dl"
			mkdir -p "$OUT/gcc/debuglink"
			objcopy --only-keep-debug "$base" "$dl.debug"
			strip --strip-all -o "$dl" "$base"
			(cd "$OUT/gcc/debuglink" && objcopy --add-gnu-debuglink="mini-zeek-$fam.debug" "mini-zeek-$fam")
		fi

		bid="$OUT/gcc/buildid/mini-zeek-$fam"
		if stale "$bid" "$base"; then
			id=$(build_id "$base")
			if [[ -z $id ]]; then
				echo "error: no build id in $base" >&2
				exit 1
			fi
			dbg="$OUT/gcc/buildid/debug-root/.build-id/${id:0:2}/${id:2}.debug"
			echo "buildid: $bid ($dbg)"
			mkdir -p "$(dirname "$dbg")"
			objcopy --only-keep-debug "$base" "$dbg"
			strip --strip-all -o "$bid" "$base"
		fi
	done
else
	skipped+=("g++")
fi

# ---- clang with libstdc++ and with libc++ -------------------------------------------
if have clang++; then
	for fam in "${FAMILIES[@]}"; do
		compile clang++ "$OUT/clang/mini-zeek-$fam" "$fam" -Wno-unused-private-field
	done
	probe="$OUT/clang-libcxx/.probe"
	mkdir -p "$OUT/clang-libcxx"
	if echo 'int main() { return 0; }' | clang++ -x c++ -stdlib=libc++ -o "$probe" - >/dev/null 2>&1; then
		rm -f "$probe"
		for fam in "${FAMILIES[@]}"; do
			compile clang++ "$OUT/clang-libcxx/mini-zeek-$fam" "$fam" -stdlib=libc++ -Wno-unused-private-field
		done
	else
		rm -f "$probe"
		rmdir "$OUT/clang-libcxx" 2>/dev/null || true
		skipped+=("clang++ -stdlib=libc++ (does not link)")
	fi
else
	skipped+=("clang++" "clang++ -stdlib=libc++")
fi

echo "mini-zeek: $built binaries compiled into $OUT"
for s in "${skipped[@]+"${skipped[@]}"}"; do
	echo "mini-zeek: skipped $s (not installed)"
done
