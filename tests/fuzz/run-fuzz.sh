#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the kdump.conf fuzz target with clang's libFuzzer and sanitizers and
# run it for a bounded time over the parser corpus (tests/conf/valid and
# tests/conf/invalid as seeds). Exits 77 (automake's SKIP) when clang or
# libFuzzer is missing, or 1 under CI=true; on Debian 12, libFuzzer comes with clang in
# libclang-rt-14-dev (libclang_rt.fuzzer-x86_64.a).
#
# Environment: FUZZ_TIME (seconds, default 20), CLANG (default clang),
# top_srcdir (default: two levels up from this script), FUZZ_KEEP=1 to keep
# the work directory (new corpus entries, crash reproducers).
set -eu

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
fuzz_time=${FUZZ_TIME:-20}
clang=${CLANG:-clang}

# a missing prerequisite: SKIP (exit 77) for automake, but under CI=true a
# failure naming it, so that CI never passes without having fuzzed
skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: CI=true, and the fuzzer cannot run: $*"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

command -v "$clang" >/dev/null 2>&1 || skip "$clang not found (apt-get install clang)"
command -v pkg-config >/dev/null 2>&1 || skip "pkg-config not found"
blkid_cflags=$(pkg-config --cflags blkid 2>/dev/null) || skip "libblkid-dev not found"
blkid_libs=$(pkg-config --libs blkid)

work=$(mktemp -d "${TMPDIR:-/tmp}/kdump-fuzz-conf.XXXXXX")
cleanup() {
	if [ "${FUZZ_KEEP:-0}" = 1 ]; then
		echo "work directory kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# Is libFuzzer there? (clang without libclang-rt-*-dev fails to link this.)
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$work/probe.c"
"$clang" -fsanitize=fuzzer,address,undefined -o "$work/probe" "$work/probe.c" \
	>/dev/null 2>&1 || skip "$clang cannot link -fsanitize=fuzzer (libFuzzer missing: apt-get install libclang-rt-14-dev)"

# shellcheck disable=SC2086 # pkg-config output is a word list
"$clang" -std=gnu11 -D_GNU_SOURCE -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-I"$srcdir/lib" $blkid_cflags \
	-DFUZZ_ROOT="\"$srcdir/tests/conf/root\"" \
	-o "$work/fuzz-conf" \
	"$srcdir/tests/fuzz/fuzz-conf.c" \
	"$srcdir"/lib/conf.c "$srcdir"/lib/conf-*.c \
	"$srcdir/lib/strv.c" "$srcdir/lib/util.c" "$srcdir/lib/blockdev.c" "$srcdir/lib/raw-probe.c" \
	"$srcdir/lib/text-check.c" "$srcdir/lib/suggest.c" \
	$blkid_libs

mkdir "$work/corpus"
status=0
"$work/fuzz-conf" -max_total_time="$fuzz_time" -timeout=10 -rss_limit_mb=2048 \
	-max_len=8192 -dict="$srcdir/tests/fuzz/conf.dict" \
	-artifact_prefix="$work/" -print_final_stats=1 \
	"$work/corpus" "$srcdir/tests/conf/valid" "$srcdir/tests/conf/invalid" \
	>"$work/fuzz.log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
if [ "$status" -ne 0 ]; then
	tail -n 60 "$work/fuzz.log"
	ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null || true
	echo "FAIL: fuzz-conf exited with $status after ${runs:-?} runs"
	FUZZ_KEEP=1
	exit 1
fi
echo "PASS: fuzz-conf: ${runs:-?} runs in ${fuzz_time}s, no crash"
