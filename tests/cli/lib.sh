# Helpers for CLI tests: run a built binary, then assert on its exit
# status, stdout and stderr. Sourced by tests/cli/*.sh.
set -u

: "${top_builddir:?run through make check}"
: "${FIXTURES:?run through make check}"

passed=0
failed=0
skipped=0
current=""
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

# skip REASON: the running case cannot run on this machine; it is counted
# as skipped, and as failed when CI is set
skip() {
	case_skipped=$1
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

# t NAME FUNCTION: run one test case; it fails when a check failed or when
# the function returns non-zero; a skipped case is counted apart
t() {
	local fn_rc=0
	case_failed=0
	case_skipped=
	"$2" || fn_rc=1
	if [ -n "$case_skipped" ] && [ -z "${CI:-}" ]; then
		printf 'skip %s: %s\n' "$1" "$case_skipped"
		skipped=$((skipped + 1))
	elif [ -n "$case_skipped" ]; then
		printf 'FAIL %s: cannot run in CI: %s\n' "$1" "$case_skipped"
		failed=$((failed + 1))
	elif [ "$fn_rc" = 0 ] && [ "$case_failed" = 0 ]; then
		printf 'ok   %s\n' "$1"
		passed=$((passed + 1))
	else
		printf 'FAIL %s\n' "$1"
		printf '  exit status: %s\n  stdout:\n' "$rc"
		sed 's/^/    /' "$TMP/out" | head -40
		printf '  stderr:\n'
		sed 's/^/    /' "$TMP/err" | head -40
		failed=$((failed + 1))
	fi
}

finish() {
	if [ "$skipped" -gt 0 ]; then
		printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
	else
		printf '%d passed, %d failed\n' "$passed" "$failed"
	fi
	[ "$failed" -eq 0 ]
}
