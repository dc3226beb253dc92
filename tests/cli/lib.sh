# shellcheck shell=bash
# Helpers for CLI tests: run a built binary, then assert on its exit
# status, stdout and stderr. Sourced by tests/cli/*.sh.
set -u

: "${top_builddir:?run through make check}"
: "${FIXTURES:?run through make check}"

passed=0
failed=0
skipped=0
rc=""
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kdump-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# run CMD...: run CMD, keep its status and output for the checks below
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
}

# every failed check marks the running case failed, whatever the case's
# functions return afterwards
fail() {
	printf '  %s\n' "$1"
	case_failed=1
	return 1
}

expect_rc() {
	[ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"
}

# expect_in out|err STRING: the output contains STRING
expect_in() {
	grep -qF -- "$2" "$TMP/$1" || fail "$1 lacks: $2"
}

expect_not_in() {
	! grep -qF -- "$2" "$TMP/$1" || fail "$1 has: $2"
}

# expect_line out|err LINE: the output has LINE as a whole line
expect_line() {
	grep -qxF -- "$2" "$TMP/$1" || fail "$1 lacks the line: $2"
}

expect_empty() {
	[ ! -s "$TMP/$1" ] || fail "$1 is not empty"
}

# skip REASON: the running case cannot run here (a missing prerequisite);
# the case then returns. Outside CI the case counts as skipped, never as
# passed; under CI=true a missing prerequisite is a failure naming REASON.
skip() {
	if [ "${CI:-}" = true ]; then
		fail "CI=true, and this case cannot run: $1"
		return 1
	fi
	printf '  skipped: %s\n' "$1"
	case_skipped=1
	return 0
}

# t NAME FUNCTION: run one test case; it fails when a check failed or when
# the function returns non-zero, and is skipped when it called skip
t() {
	local status=0
	case_failed=0
	case_skipped=0
	# shellcheck disable=SC2310 # cases do not rely on set -e: their checks call fail
	"$2" || status=$?
	if [ "$case_failed" = 0 ] && [ "$case_skipped" = 1 ]; then
		printf 'SKIP %s\n' "$1"
		skipped=$((skipped + 1))
	elif [ "$case_failed" = 0 ] && [ "$status" = 0 ]; then
		printf 'ok   %s\n' "$1"
		passed=$((passed + 1))
	else
		printf 'FAIL %s\n' "$1"
		printf '  exit status: %s\n  stdout:\n' "$rc"
		sed -n '1,40s/^/    /p' "$TMP/out"
		printf '  stderr:\n'
		sed -n '1,40s/^/    /p' "$TMP/err"
		failed=$((failed + 1))
	fi
}

# the closing line that tests/run-tests adds up
finish() {
	printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
	[ "$failed" -eq 0 ]
}
