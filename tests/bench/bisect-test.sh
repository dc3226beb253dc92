#!/bin/bash
# make check: the decisions of make bench's crashkernel= search
# (bench/bisect.sh), driven by a fake probe instead of QEMU runs: a failed
# size is retried once, two failures move the search up, and the
# confirmation counts only runs that saved a valid vmcore.
set -euo pipefail

: "${top_srcdir:?run through make check}"
# shellcheck source=bench/bisect.sh
. "${top_srcdir}/bench/bisect.sh"

passed=0
failed=0
case_failed=0
# every probe the search made, "NAME INDEX ATTEMPT valid|failed" a line
CALLS=()
# per "NAME INDEX": the outcomes still to come, V (valid) or F (failed),
# one a probe; after them a size works from THRESHOLD[NAME] up
declare -A SCRIPT=() THRESHOLD=()

fake_probe() {
	local k="$1 $2" next ok
	next=${SCRIPT[${k}]:-}
	if [[ -n ${next} ]]; then
		SCRIPT[${k}]=${next:1}
		[[ ${next:0:1} == V ]] && ok=1 || ok=0
	else
		[[ $2 -ge ${THRESHOLD[$1]} ]] && ok=1 || ok=0
	fi
	if [[ ${ok} == 1 ]]; then
		CALLS+=("$1 $2 $3 valid")
		return 0
	fi
	CALLS+=("$1 $2 $3 failed")
	return 1
}

# reset MAX: a fresh search over the grid 0..MAX
reset() {
	BISECT_VALID=()
	BISECT_FAILED=()
	BISECT_RESULT=()
	BISECT_HINT=()
	SCRIPT=()
	THRESHOLD=()
	CALLS=()
	BISECT_MAX=$1
	BISECT_PROBE=fake_probe
}

fail() {
	printf '  %s\n' "$*"
	case_failed=1
}

expect_result() {
	[[ ${BISECT_RESULT[$1]:-unset} == "$2" ]] || fail "$1: result ${BISECT_RESULT[$1]:-unset}, expected $2"
}

# calls_like REGEX: how many probes match REGEX
calls_like() {
	local c n=0
	for c in "${CALLS[@]}"; do
		[[ ! ${c} =~ $1 ]] || n=$((n + 1))
	done
	printf '%s\n' "${n}"
}

expect_calls() {
	local n
	n=$(calls_like "$1")
	[[ ${n} == "$2" ]] || fail "${n} probes like '$1', expected $2"
}

t() {
	case_failed=0
	"$2" || fail "returned non-zero"
	if [[ ${case_failed} == 0 ]]; then
		printf 'ok   %s\n' "$1"
		passed=$((passed + 1))
	else
		printf 'FAIL %s\n  probes:\n' "$1"
		printf '    %s\n' "${CALLS[@]}"
		failed=$((failed + 1))
	fi
}

# 5 works, but its first run fails: the retry passes and the search
# settles on 5, not 6; both attempts are reported to the probe
flaky_retried() {
	reset 28
	THRESHOLD[snp]=5
	SCRIPT["snp 5"]=F
	bisect_run snp
	expect_result snp 5
	expect_calls '^snp 5 first failed$' 1
	expect_calls '^snp 5 retry valid$' 1
	# 4 failed twice: a retry before moving up there too
	expect_calls '^snp 4 first failed$' 1
	expect_calls '^snp 4 retry failed$' 1
	# confirmed with 3 valid runs (1 from bisection, 2 more)
	expect_calls '^snp 5 confirm valid$' 2
}

# 5 fails twice: the search moves up to 6, and 5 is not run a third time
two_failures_move_up() {
	reset 28
	THRESHOLD[snp]=5
	SCRIPT["snp 5"]=FF
	bisect_run snp
	expect_result snp 6
	expect_calls '^snp 5 ' 2
	expect_calls '^snp 6 confirm valid$' 2
}

# the timed runs at 20 (index of 384M): 2 valid, 1 invalid. The invalid
# one is not credited: one more run at 20 confirms it
confirm_counts_valid_only() {
	reset 28
	THRESHOLD[snp]=20
	bisect_seed snp 20 2 1
	bisect_run snp
	expect_result snp 20
	expect_calls '^snp 20 confirm' 1
	# the seeded size was known to work: no probe at the top of the grid
	expect_calls '^snp 28 ' 0
}

# the same, and the extra run at 20 fails: two failures there, so 21 is
# confirmed instead
confirm_second_failure_moves_up() {
	reset 28
	THRESHOLD[snp]=20
	bisect_seed snp 20 2 1
	SCRIPT["snp 20"]=F
	bisect_run snp
	expect_result snp 21
	expect_calls '^snp 20 confirm failed$' 1
	expect_calls '^snp 21 confirm valid$' 3
}

# nothing works: the top of the grid fails twice, no result
none_works() {
	reset 28
	THRESHOLD[snp]=99
	bisect_run snp
	expect_result snp -1
	expect_calls '^snp 28 ' 2
	expect_calls . 2
}

# two tools: their probes alternate, each search its own result
tools_alternate() {
	reset 28
	THRESHOLD[snp]=3
	THRESHOLD[tools]=9
	bisect_run snp tools
	expect_result snp 3
	expect_result tools 9
	if [[ ${CALLS[0]} != "snp 28 first valid" ]] || [[ ${CALLS[1]} != "tools 28 first valid" ]]; then
		fail "the first probes do not alternate: ${CALLS[0]}; ${CALLS[1]}"
	fi
}

# a right hint: the hinted size works, the one below fails twice, the
# hinted size is confirmed; nothing else is run
hint_right() {
	reset 28
	THRESHOLD[snp]=5
	bisect_seed snp 20 3 0
	BISECT_HINT[snp]=5
	bisect_run snp
	expect_result snp 5
	expect_calls '^snp 5 first valid$' 1
	expect_calls '^snp 4 first failed$' 1
	expect_calls '^snp 4 retry failed$' 1
	expect_calls '^snp 5 confirm valid$' 2
	expect_calls . 5
}

# a hint below the smallest size: it and the size above it fail, and the
# bisection goes on from there to the same result as without a hint
hint_too_low() {
	reset 28
	THRESHOLD[snp]=9
	bisect_seed snp 20 3 0
	BISECT_HINT[snp]=5
	bisect_run snp
	expect_result snp 9
	expect_calls '^snp 5 ' 2
	expect_calls '^snp 6 ' 2
	expect_calls '^snp [0-4] ' 0
}

# a hint above it: it and the size below it work, and the bisection goes
# on below them
hint_too_high() {
	reset 28
	THRESHOLD[snp]=3
	bisect_seed snp 20 3 0
	BISECT_HINT[snp]=10
	bisect_run snp
	expect_result snp 3
	expect_calls '^snp 10 first valid$' 1
	expect_calls '^snp 9 first valid$' 1
	expect_calls '^snp 2 retry failed$' 1
	expect_calls '^snp 1[1-9] ' 0
}

# a hint at or above a size already known to work is not probed
hint_above_known() {
	reset 28
	THRESHOLD[snp]=4
	bisect_seed snp 20 3 0
	BISECT_HINT[snp]=24
	bisect_run snp
	expect_result snp 4
	expect_calls '^snp 24 ' 0
}

t 'a right hint settles the search in five runs' hint_right
t 'a hint below the smallest size: the search moves up' hint_too_low
t 'a hint above the smallest size: the search moves down' hint_too_high
t 'a hint above a size known to work is not run' hint_above_known
t 'a flaky failure is retried and the size passes' flaky_retried
t 'two failures at a size move the search up' two_failures_move_up
t 'confirmation does not credit an invalid timed run' confirm_counts_valid_only
t 'a second failure during confirmation moves a step up' confirm_second_failure_moves_up
t 'no working size: none reported' none_works
t 'the searches of two tools alternate' tools_alternate

printf '%d passed, %d failed, 0 skipped\n' "${passed}" "${failed}"
[[ ${failed} == 0 ]]
