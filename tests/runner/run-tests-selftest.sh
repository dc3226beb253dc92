#!/bin/bash
# The real tests/run-tests over fake steps (RUN_TESTS_STEPS) in a scratch
# directory (RUN_TESTS_DIR): a failing step fails the run and prints its log,
# a passing run closes with "N passed, N failed, N skipped" and exit 0,
# skips count as skipped, and the closing line adds up cmocka's lines, the
# shell suites' closing lines and automake's results. Also the skip of
# tests/cli/lib.sh and of the fuzzer, outside CI and under CI=true. Steps
# of mode bg run in the background while the run goes on, are waited for by
# the +wait steps and at the end, and fail the run as a go step does.
# The checks are chained as 'check && check || fail MESSAGE': fail runs when
# any check failed, as meant (SC2015); a command substitution inside a check
# or a message can only change what is compared or printed (SC2312).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2312
. "${top_srcdir:?run through make}/tests/cli/lib.sh"

RUNNER=$top_srcdir/tests/run-tests
unset CI RUN_TESTS_STEPS RUN_TESTS_DIR RUN_TESTS_INSTALL_DEPS

# a fresh scratch tree with an empty step list and no cache
W=""
setup() {
	W=$TMP/w.$RANDOM
	mkdir -p "$W/top" "$W/bin"
	: >"$W/steps"
	export KDUMP_SNP_CACHE=$W/no-cache
}

# fake NAME BODY: an executable step script $W/bin/NAME running BODY in
# the step's directory
fake() {
	printf '#!/bin/bash\n%s\n' "$2" >"$W/bin/$1"
	chmod +x "$W/bin/$1"
}

# step NAME MODE: the fake NAME as a step of MODE (stop, go, bg, go+wait,
# stop+wait)
step() {
	printf '%s %s %s\n' "$1" "$2" "$W/bin/$1" >>"$W/steps"
}

runner() {
	run env RUN_TESTS_STEPS="$W/steps" RUN_TESTS_DIR="$W/top" bash "$RUNNER"
}

last_line() {
	[ "$(tail -n 1 "$TMP/out")" = "$1" ] || fail "last line: $(tail -n 1 "$TMP/out"), expected: $1"
}

times_has() {
	grep -qxF -- "$1" "$W/top/ci-times.txt" || fail "ci-times.txt lacks the line: $1"
}

case_passing_run_closes_with_exit_0() {
	setup
	# shellcheck disable=SC2016 # the step's code: expands when it runs
	fake one 'echo "step one ran"; echo "env: ${RUN_TESTS_STEPS-unset} ${RUN_TESTS_INSTALL_DEPS-unset}"'
	fake two 'echo "3 passed, 0 failed, 1 skipped"'
	step one stop
	step two go
	run env RUN_TESTS_STEPS="$W/steps" RUN_TESTS_DIR="$W/top" RUN_TESTS_INSTALL_DEPS=1 bash "$RUNNER"
	expect_rc 0 &&
		expect_line out "env: unset unset" &&
		expect_line out "=== one" &&
		expect_in out "step one ran" &&
		grep -qE '^=== one: [0-9]+s$' "$TMP/out" &&
		grep -qE '^=== two: [0-9]+s$' "$TMP/out" &&
		grep -qE '^run-tests: all steps passed in [0-9]+s$' "$TMP/out" ||
		fail "missing step or total lines"
	last_line "3 passed, 0 failed, 1 skipped"
	times_has "cache: cold"
	times_has "closing: 3 passed, 0 failed, 1 skipped"
	times_has "result: all steps passed"
	grep -qE '^step one [0-9]+ pass$' "$W/top/ci-times.txt" &&
		grep -qE '^step two [0-9]+ pass$' "$W/top/ci-times.txt" &&
		grep -qE '^total: [0-9]+$' "$W/top/ci-times.txt" &&
		grep -qE '^date: [0-9]{4}-[0-9]{2}-[0-9]{2}T' "$W/top/ci-times.txt" &&
		grep -qE '^commit: .+' "$W/top/ci-times.txt" ||
		fail "ci-times.txt: $(cat "$W/top/ci-times.txt")"
}

# a failing test step fails the run and prints its log (the tail of its
# output); the run goes on to the next test step
case_failing_step_fails_the_run_and_prints_its_log() {
	setup
	fake bad 'echo "output-of-bad"; exit 3'
	fake after 'echo "after ran"'
	step bad go
	step after go
	runner
	expect_rc 1 &&
		grep -qE '^=== bad: [0-9]+s FAILED \(exit 3\)$' "$TMP/out" &&
		expect_in out "--- bad: the last 60 lines of its output" &&
		expect_in out "after ran" &&
		grep -qE '^=== after: [0-9]+s$' "$TMP/out" &&
		grep -qE '^run-tests: failed steps: bad \([0-9]+s\)$' "$TMP/out" ||
		fail "the failure is not reported"
	# the step's output, once as it ran and once in its log
	[ "$(grep -c '^output-of-bad$' "$TMP/out")" = 2 ] || fail "the log of bad is not printed"
	last_line "0 passed, 0 failed, 0 skipped"
	times_has "result: failed steps: bad"
	grep -qE '^step bad [0-9]+ fail$' "$W/top/ci-times.txt" || fail "$(cat "$W/top/ci-times.txt")"
}

# a failing make check prints the test-suite.log it wrote (with the logs
# of the failed tests), not an older one
case_failing_check_prints_test_suite_log() {
	setup
	echo "an old test-suite.log-marker" >"$W/top/test-suite.log"
	touch -d '2020-01-01' "$W/top/test-suite.log"
	mkdir -p "$W/top/sub"
	fake check 'echo "See ./sub/test-suite.log"; printf "%s\n" "FAIL: tests/x" "failed-test-log-marker" >sub/test-suite.log; exit 2'
	step check go
	runner
	expect_rc 1 &&
		grep -qE '^=== check: [0-9]+s FAILED \(exit 2\)$' "$TMP/out" &&
		expect_line out "--- check: ./sub/test-suite.log" &&
		expect_line out "failed-test-log-marker" &&
		expect_not_in out "old test-suite.log-marker" ||
		fail "test-suite.log is not printed"
}

# a failing bg step fails the run as a go step does and prints its log
# (once as its output when it is joined, once as the tail of its log);
# the steps after it run, even while it still runs
case_failing_bg_step_fails_the_run_and_prints_its_log() {
	setup
	fake bgbad 'echo "output-of-bgbad"; sleep 1; exit 5'
	fake after 'echo "after ran"'
	step bgbad bg
	step after go
	runner
	expect_rc 1 &&
		expect_line out "=== bgbad: started in the background" &&
		expect_line out "--- bgbad: its output (it ran in the background)" &&
		grep -qE '^=== bgbad: [0-9]+s FAILED \(exit 5\)$' "$TMP/out" &&
		expect_in out "--- bgbad: the last 60 lines of its output" &&
		grep -qE '^=== after: [0-9]+s$' "$TMP/out" &&
		expect_line out "run-tests: waiting for the background steps: bgbad" &&
		grep -qE '^run-tests: failed steps: bgbad \([0-9]+s\)$' "$TMP/out" ||
		fail "the failure of the bg step is not reported"
	[ "$(grep -c '^output-of-bgbad$' "$TMP/out")" = 2 ] || fail "the log of bgbad is not printed"
	[ "$(grep -c '^output-of-bgbad$' "$W/top/run-tests-logs/bgbad.log")" = 1 ] || fail "no log of bgbad"
	last_line "0 passed, 0 failed, 0 skipped"
	times_has "result: failed steps: bgbad"
	grep -qE '^step bgbad [0-9]+ fail$' "$W/top/ci-times.txt" || fail "$(cat "$W/top/ci-times.txt")"
}

# a passing bg step still running at the end is waited for, then recorded:
# its time from its start to its end, its line where it started, its
# closing line counted; the total is the run's, not the sum of the steps
case_passing_bg_step_is_joined_and_recorded() {
	setup
	fake bgok 'sleep 2; echo "2 passed, 0 failed"'
	fake quick 'echo "1 passed, 0 failed"'
	step bgok bg
	step quick go
	runner
	expect_rc 0 &&
		expect_line out "=== bgok: started in the background" &&
		expect_line out "run-tests: waiting for the background steps: bgok" &&
		grep -qE '^=== bgok: [0-9]+s$' "$TMP/out" &&
		grep -qE '^run-tests: all steps passed in [0-9]+s$' "$TMP/out" ||
		fail "the bg step is not joined"
	# its output, printed once when it is joined
	[ "$(grep -c '^2 passed, 0 failed$' "$TMP/out")" = 1 ] || fail "the output of bgok is not printed once"
	last_line "3 passed, 0 failed, 0 skipped"
	times_has "result: all steps passed"
	[ "$(sed -n 's/^step \([a-z]*\) .*/\1/p' "$W/top/ci-times.txt" | paste -sd,)" = bgok,quick ] ||
		fail "step order: $(cat "$W/top/ci-times.txt")"
	local secs total
	secs=$(sed -n 's/^step bgok \([0-9]*\) pass$/\1/p' "$W/top/ci-times.txt")
	total=$(sed -n 's/^total: //p' "$W/top/ci-times.txt")
	[ -n "$secs" ] && [ "$secs" -ge 2 ] && [ "$total" -ge "$secs" ] && [ "$total" -le $((secs + 1)) ] ||
		fail "bgok ${secs}s, total ${total}s: $(cat "$W/top/ci-times.txt")"
}

# a go step runs while the bg step still runs; a go+wait step starts only
# after it ended, and a stop+wait step too
case_wait_step_starts_after_the_bg_step_ended() {
	setup
	fake slow 'sleep 3; date +%s%N >slow-ended'
	fake beside '[ ! -e slow-ended ] && date +%s%N >beside-ran'
	fake waiter '[ -e slow-ended ] && date +%s%N >waiter-started'
	fake stopper '[ -e slow2-ended ] && touch stopper-ran'
	fake slow2 'sleep 1; touch slow2-ended'
	step slow bg
	step beside go
	step waiter go+wait
	step slow2 bg
	step stopper stop+wait
	runner
	expect_rc 0 &&
		grep -qE '^=== beside: [0-9]+s$' "$TMP/out" &&
		grep -qE '^=== waiter: [0-9]+s$' "$TMP/out" &&
		grep -qE '^=== stopper: [0-9]+s$' "$TMP/out" || fail "a step failed"
	[ -e "$W/top/beside-ran" ] && [ -e "$W/top/waiter-started" ] && [ -e "$W/top/stopper-ran" ] ||
		{ fail "the steps did not run in turn"; return 1; }
	[ "$(cat "$W/top/waiter-started")" -gt "$(cat "$W/top/slow-ended")" ] || fail "waiter started before slow ended"
	# printed in turn: the wait, the bg step's figures, then the step
	[ "$(grep -nE '^(=== waiter: waiting for the background steps: slow|=== slow: [0-9]+s|=== waiter)$' "$TMP/out" |
		cut -d: -f2- | paste -sd,)" = "=== waiter: waiting for the background steps: slow,=== slow: $(
		sed -n 's/^step slow \([0-9]*\) pass$/\1/p' "$W/top/ci-times.txt")s,=== waiter" ] ||
		fail "the wait is not reported in order: $(cat "$TMP/out")"
	grep -qE '^step slow [3-9] pass$' "$W/top/ci-times.txt" || fail "$(cat "$W/top/ci-times.txt")"
}

# a failing build step ends the run; the steps after it do not run
case_failing_stop_step_ends_the_run() {
	setup
	fake build 'echo "build broke"; exit 2'
	fake check 'touch check-ran'
	step build stop
	step check go
	runner
	expect_rc 1 &&
		grep -qE '^=== build: [0-9]+s FAILED \(exit 2\)$' "$TMP/out" &&
		expect_not_in out "=== check" &&
		grep -qE '^run-tests: failed steps: build; not run: check \([0-9]+s\)$' "$TMP/out" ||
		fail "the stop is not reported"
	[ ! -e "$W/top/check-ran" ] || fail "the step after a failed build ran"
	times_has "step check - not-run"
	last_line "0 passed, 0 failed, 0 skipped"
}

# a suite that counts a failure fails the run even when its step exits 0
case_counted_failure_fails_the_run() {
	setup
	fake suite 'echo "4 passed, 1 failed"'
	step suite go
	runner
	expect_rc 1 && expect_in out "run-tests: all steps passed"
	last_line "4 passed, 1 failed, 0 skipped"
}

# the closing line over cmocka logs, shell suite logs, automake results
# and the suites in the output of the other steps
case_summary_adds_up_every_suite() {
	setup
	fake check '
mkdir -p tests/unit tests/cli tests/fuzz tests/other
# cmocka, two groups in one test, one failing
printf "%s\n" "[==========] 5 test(s) run." "[  PASSED  ] 5 test(s)." \
	"[==========] 3 test(s) run." "[  PASSED  ] 1 test(s)." \
	"[  FAILED  ] 2 test(s), listed below:" "[  FAILED  ] test_a" "[  FAILED  ] test_b" \
	>tests/unit/test-a.log
echo ":test-result: FAIL" >tests/unit/test-a.trs
printf "%s\n" "[  PASSED  ] 2 test(s)." "[  SKIPPED ] 1 test(s), listed below:" "[  SKIPPED ] test_c" \
	>tests/unit/test-b.log
echo ":test-result: PASS" >tests/unit/test-b.trs
# a shell suite with skips, and one with the old closing line
printf "%s\n" "ok   x" "SKIP y" "4 passed, 0 failed, 2 skipped" >tests/cli/new.sh.log
echo ":test-result: PASS" >tests/cli/new.sh.trs
printf "%s\n" "3 passed, 0 failed" >tests/cli/old.sh.log
echo ":test-result: PASS" >tests/cli/old.sh.trs
# tests without counts: by their result
echo "PASS: fuzz-conf" >tests/fuzz/run-fuzz.sh.log
echo ":test-result: PASS" >tests/fuzz/run-fuzz.sh.trs
echo "SKIP: no clang" >tests/other/skipped.sh.log
echo ":test-result: SKIP" >tests/other/skipped.sh.trs
# counts, then a crash
echo "1 passed, 0 failed" >tests/other/crashed.sh.log
echo ":test-result: ERROR" >tests/other/crashed.sh.trs
# a log with no trace is not a test of this run
echo "9 passed, 9 failed" >tests/other/stale.log'
	fake vm 'echo "[vm 3s] note"; echo "10 passed, 0 failed (12s)"; echo "2 passed, 0 failed, 1 skipped"'
	step check go
	step vm go
	runner
	expect_rc 1 && expect_in out "run-tests: all steps passed"
	# passed 5+1+2 +4+3 +1 +1 +10+2 = 29; failed 2 +1 = 3; skipped 1+2 +1 +1 = 5
	last_line "29 passed, 3 failed, 5 skipped"
}

case_skipped_is_not_passed() {
	setup
	fake suite 'mkdir -p tests; echo "SKIP: no tool" >tests/s.log; echo ":test-result: SKIP" >tests/s.trs'
	step suite go
	runner
	expect_rc 0
	last_line "0 passed, 0 failed, 1 skipped"
}

# a run stopped from outside (CI's time limit) leaves the figures so far
case_stopped_run_leaves_its_figures() {
	setup
	fake one 'true'
	# shellcheck disable=SC2016 # the step's code: $PPID expands when it runs
	fake stopper 'kill -KILL "$PPID"'
	step one go
	step stopper go
	# through a shell that reports the kill in $TMP/err
	run bash -c 'env RUN_TESTS_STEPS="$1" RUN_TESTS_DIR="$2" bash "$3"; exit $?' _ \
		"$W/steps" "$W/top" "$RUNNER"
	[ "$rc" -ne 0 ] || fail "the killed runner exited 0"
	times_has "result: did not finish (the last step that ended: one)"
	times_has "closing: none"
	grep -qE '^step one [0-9]+ pass$' "$W/top/ci-times.txt" || fail "$(cat "$W/top/ci-times.txt")"
}

case_warm_cache_is_recorded() {
	setup
	mkdir -p "$W/cache" && : >"$W/cache/x"
	fake one 'true'
	step one go
	KDUMP_SNP_CACHE=$W/cache runner
	expect_rc 0
	times_has "cache: warm"
}

# the real step list: build steps stop, test steps go on; CI installs first
case_default_step_list() {
	run bash "$RUNNER" --list
	expect_rc 0 &&
		expect_line out "autogen stop ./autogen.sh" &&
		expect_line out "configure stop ./configure --enable-werror" &&
		expect_in out "check go make -j" &&
		expect_line out "check-vm go+wait make check-vm" &&
		expect_not_in out "install-deps"
	# make vm-images in the background from before the single-QEMU steps
	[ "$(grep -A1 -x 'vm-images bg make vm-images' "$TMP/out" | paste -sd,)" = \
		"vm-images bg make vm-images,check-kernel-smoke go make check-kernel-smoke" ] ||
		fail "vm-images is not a bg step right before check-kernel-smoke"
	# the crash kernel's build in the background from right after the
	# build: the longest step, which check-vm waits for
	[[ "$(grep -B1 -x 'crash-kernel bg nice -n 9 make check-crash-kernel' "$TMP/out" | paste -sd,)" =~ \
		^build\ stop\ make\ -j[0-9]+,crash-kernel\ bg\ nice\ -n\ 9\ make\ check-crash-kernel$ ]] ||
		fail "crash-kernel is not a bg step (at nice 19 with the kernel build's own 10) right after build"
	[ "$(awk '$2 == "bg" || $2 ~ /[+]wait$/ { print $1 }' "$TMP/out" | paste -sd,)" = crash-kernel,vm-images,check-vm ] ||
		fail "the bg and waiting steps are not crash-kernel, vm-images and check-vm"
	# the build steps, and only they, stop the run
	[ "$(awk '$2 == "stop" { print $1 }' "$TMP/out" | paste -sd,)" = autogen,configure,build ] ||
		fail "the stop steps are not autogen, configure, build"
	run env RUN_TESTS_INSTALL_DEPS=1 bash "$RUNNER" --list
	expect_rc 0 && [ "$(head -n 1 "$TMP/out")" = "install-deps stop tests/install-deps" ] ||
		fail "install-deps is not the first step"
	grep -q "RUN_TESTS_INSTALL_DEPS=1 tests/run-tests" "$top_srcdir/.ci/run" || fail ".ci/run does not install first"
}

case_bad_step_line_is_an_error() {
	setup
	fake one 'touch one-ran'
	step one go
	echo "two sometimes $W/bin/one" >>"$W/steps"
	runner
	expect_rc 2 && expect_in err "bad step line: two sometimes" &&
		[ ! -e "$W/top/one-ran" ] || fail "a step ran"
	# a bg step cannot wait (bg+wait is not a mode)
	sed -i '$d' "$W/steps"
	echo "two bg+wait $W/bin/one" >>"$W/steps"
	runner
	expect_rc 2 && expect_in err "bad step line: two bg+wait" &&
		[ ! -e "$W/top/one-ran" ] || fail "a step ran"
}

# tests/cli/lib.sh's skip: counted as skipped outside CI, a failure under CI
case_lib_skip_counts_as_skipped() {
	setup
	cat >"$W/suite.sh" <<-'EOF'
	. "$top_srcdir/tests/cli/lib.sh"
	case_runs() { run true; expect_rc 0; }
	case_cannot() { skip "no such tool"; return; }
	t runs case_runs
	t cannot case_cannot
	finish
	EOF
	run bash "$W/suite.sh"
	expect_rc 0 && expect_line out "SKIP cannot" && expect_line out "  skipped: no such tool" &&
		expect_line out "1 passed, 0 failed, 1 skipped"
	run env CI=true bash "$W/suite.sh"
	expect_rc 1 && expect_line out "FAIL cannot" &&
		expect_in out "CI=true, and this case cannot run: no such tool" &&
		expect_line out "1 passed, 1 failed, 0 skipped"
}

# the fuzzer without clang: SKIP (77) outside CI, FAIL (1) under CI
case_fuzz_without_clang() {
	run env CLANG=/nonexistent/clang sh "$top_srcdir/tests/fuzz/run-fuzz.sh"
	expect_rc 77 && expect_in out "SKIP: /nonexistent/clang not found"
	run env CI=true CLANG=/nonexistent/clang sh "$top_srcdir/tests/fuzz/run-fuzz.sh"
	expect_rc 1 && expect_in out "FAIL: CI=true, and the fuzzer cannot run: /nonexistent/clang not found"
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
