#!/bin/bash
# tests/ci-times over small sample runs: the plain output of an older
# tests/run-tests (cold) and a ci-times.txt (warm) side by side in
# docs/CI-TIMES.md and in README's marked block; bad input named by file
# and line.
# The checks are chained as 'check && check || fail MESSAGE': fail runs when
# any check failed, as meant (SC2015); a command substitution inside a check
# or a message can only change what is compared or printed (SC2312).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2312
. "${top_srcdir:?run through make}/tests/cli/lib.sh"

CT=$top_srcdir/tests/ci-times

# the output of the runner at 30ce990, cut down
cat >"$TMP/cold.log" <<'EOF'
install-deps: installing autoconf
=== autogen
=== autogen: 3s
=== build
  CC       lib/util.o
=== build: 40s
=== check-save
10 passed, 0 failed
=== check-save: 39s
=== check-vm
=== not-a-step line inside a suite
7 passed, 0 failed
=== check-vm: 900s
run-tests: all steps passed in 982s
17 passed, 0 failed
EOF

# what tests/run-tests writes now
cat >"$TMP/warm.txt" <<'EOF'
# tests/run-tests figures; tests/ci-times turns them into docs/CI-TIMES.md
date: 2026-12-02T08:00:00Z
commit: abc1234
cache: warm
step autogen 2 pass
step build 9 pass
step check 20 pass
step check-save 30 fail
step check-vm - not-run
total: 61
closing: 40 passed, 1 failed, 2 skipped
result: failed steps: check-save
EOF

case_imports_a_plain_log() {
	run "$CT" import "$TMP/cold.log" --cache cold --commit 30ce990 --date 2026-12-02T06:15:00Z
	expect_rc 0 &&
		expect_line out "date: 2026-12-02T06:15:00Z" &&
		expect_line out "commit: 30ce990" &&
		expect_line out "cache: cold" &&
		expect_line out "step autogen 3 pass" &&
		expect_line out "step build 40 pass" &&
		expect_line out "step check-save 39 pass" &&
		expect_line out "step check-vm 900 pass" &&
		expect_line out "total: 982" &&
		expect_line out "closing: 17 passed, 0 failed" &&
		expect_line out "result: all steps passed" &&
		expect_not_in out "not-a-step"
}

# an older runner stopped by set -e: the step without a time line
case_plain_log_of_a_run_that_stopped() {
	printf '%s\n' "=== autogen" "=== autogen: 3s" "=== check-qemu" "3 passed, 0 failed" >"$TMP/stopped.log"
	run "$CT" import "$TMP/stopped.log" --cache cold
	expect_rc 0 &&
		expect_line out "step check-qemu - unfinished" &&
		expect_line out "commit: not recorded" &&
		expect_line out "closing: none" &&
		expect_line out "result: the run did not finish (it stopped in check-qemu)" &&
		expect_not_in out "total:"
}

# the output of the runner now, with a failed step
case_plain_log_with_a_failed_step() {
	printf '%s\n' "=== build" "=== build: 9s" "=== check" "=== check: 20s FAILED (exit 2)" \
		"=== check-vm" "=== check-vm: 300s" "run-tests: failed steps: check (329s)" \
		"30 passed, 2 failed, 1 skipped" >"$TMP/failed.log"
	run "$CT" import "$TMP/failed.log" --cache warm
	expect_rc 0 &&
		expect_line out "step build 9 pass" &&
		expect_line out "step check 20 fail" &&
		expect_line out "step check-vm 300 pass" &&
		expect_line out "total: 329" &&
		expect_line out "closing: 30 passed, 2 failed, 1 skipped" &&
		expect_line out "result: failed steps: check"
}

# a bg step (tests/run-tests: make vm-images beside the single-QEMU steps):
# in the order it started, its own time; the total is the run's, never the
# sum of the steps (here 10 + 300 + 200 + 250 > 560)
case_background_step() {
	printf '%s\n' "=== build" "=== build: 10s" "=== vm-images: started in the background" \
		"=== check-kernel" "=== check-kernel: 300s" \
		"--- vm-images: its output (it ran in the background)" "prefetch-images: ready in 250s" \
		"=== vm-images: 250s" "=== check-vm: waiting for the background steps: vm-images" \
		"=== check-vm" "5 passed, 0 failed" "=== check-vm: 200s" \
		"run-tests: all steps passed in 560s" "5 passed, 0 failed, 0 skipped" >"$TMP/bg.log"
	run "$CT" import "$TMP/bg.log" --cache cold
	expect_rc 0 &&
		[ "$(grep '^step ' "$TMP/out" | paste -sd,)" = \
			"step build 10 pass,step vm-images 250 pass,step check-kernel 300 pass,step check-vm 200 pass" ] &&
		expect_line out "total: 560" &&
		expect_line out "result: all steps passed" || fail "$(cat "$TMP/out")"
	# a run stopped while the bg step ran
	printf '%s\n' "=== build" "=== build: 10s" "=== vm-images: started in the background" \
		"=== check-kernel" >"$TMP/bg-stopped.log"
	run "$CT" import "$TMP/bg-stopped.log" --cache cold
	expect_rc 0 && expect_line out "step vm-images - unfinished" &&
		expect_line out "result: the run did not finish (it stopped in check-kernel)" || fail "$(cat "$TMP/out")"
	# ci-times.txt of such a run, into the table
	D=$TMP/docs.$RANDOM
	{
		printf '%s\n' "date: 2026-12-03T08:00:00Z" "commit: abc1234" "cache: cold" "step build 10 pass"
		printf '%s\n' "step vm-images 250 pass" "step check-kernel 300 pass" "step check-vm 200 pass"
		printf '%s\n' "total: 560" "closing: 5 passed, 0 failed, 0 skipped" "result: all steps passed"
	} >"$TMP/bg.txt"
	run "$CT" update --docs "$D" --cold "$TMP/bg.txt"
	expect_rc 0 && grep -qxF "| vm-images | 250 | - |" "$D/CI-TIMES.md" &&
		grep -qxF "| total | 560 s (9.3 min) | not measured yet |" "$D/CI-TIMES.md" &&
		grep -q "the step times add up to more than the total" "$D/CI-TIMES.md" || fail "$(cat "$D/CI-TIMES.md")"
}

case_side_by_side_table() {
	D=$TMP/docs.$RANDOM
	run "$CT" update --docs "$D" --cold "$TMP/cold.log" --cold-commit 30ce990 \
		--cold-date 2026-12-02T06:15:00Z --warm "$TMP/warm.txt"
	expect_rc 0 || return 1
	M=$D/CI-TIMES.md
	for l in \
		"| date | 2026-12-02T06:15:00Z | 2026-12-02T08:00:00Z |" \
		"| commit | 30ce990 | abc1234 |" \
		"| closing line | \`17 passed, 0 failed\` | \`40 passed, 1 failed, 2 skipped\` |" \
		"| result | all steps passed | failed steps: check-save |" \
		"| total | 982 s (16.4 min) | 61 s (1.0 min) |" \
		"| autogen | 3 | 2 |" \
		"| build | 40 | 9 |" \
		"| check-save | 39 | FAILED after 30 |" \
		"| check-vm | 900 | not run |" \
		"| check | - | 20 |"; do
		grep -qxF -- "$l" "$M" || fail "CI-TIMES.md lacks: $l"
	done
	# the steps in the order they ran
	[ "$(grep -oE '^\| (autogen|build|check|check-save|check-vm) \|' "$M" | tr -d '| ' | paste -sd,)" = \
		autogen,build,check-save,check-vm,check ] || fail "step order: $(grep '^| [a-z]' "$M")"
	[ -s "$D/ci-times/cold.txt" ] && [ -s "$D/ci-times/warm.txt" ] || fail "figures not stored"
	# a later update of the warm run alone keeps the stored cold run
	sed 's/^step autogen 2 pass$/step autogen 5 pass/' "$TMP/warm.txt" >"$TMP/warm2.txt"
	run "$CT" update --docs "$D" --last "$TMP/warm2.txt"
	expect_rc 0 && grep -qxF "| autogen | 3 | 5 |" "$M" || fail "$(cat "$M")"
}

case_one_run_not_measured_yet() {
	D=$TMP/docs.$RANDOM
	run "$CT" update --docs "$D" --warm "$TMP/warm.txt"
	expect_rc 0 && grep -qxF "| commit | not measured yet | abc1234 |" "$D/CI-TIMES.md" &&
		grep -qxF "| autogen | - | 2 |" "$D/CI-TIMES.md" || fail "$(cat "$D/CI-TIMES.md")"
}

case_readme_block_replaced_between_the_markers() {
	D=$TMP/docs.$RANDOM
	printf '%s\n' "# Title" "before" "<!-- ci-times:begin -->" "old table" "<!-- ci-times:end -->" "after" >"$TMP/README.md"
	run "$CT" update --docs "$D" --warm "$TMP/warm.txt" --readme "$TMP/README.md"
	expect_rc 0 || return 1
	[ "$(head -n 3 "$TMP/README.md")" = "$(printf '%s\n' "# Title" "before" "<!-- ci-times:begin -->")" ] &&
		[ "$(tail -n 2 "$TMP/README.md")" = "$(printf '%s\n' "<!-- ci-times:end -->" "after")" ] &&
		! grep -q "old table" "$TMP/README.md" &&
		grep -qxF "| autogen | - | 2 |" "$TMP/README.md" || fail "$(cat "$TMP/README.md")"
	# without markers the file is left alone
	printf 'no markers\n' >"$TMP/README2.md"
	run "$CT" update --docs "$D" --warm "$TMP/warm.txt" --readme "$TMP/README2.md"
	expect_rc 0 && [ "$(cat "$TMP/README2.md")" = "no markers" ] || fail "README2.md changed"
	printf '%s\n' "<!-- ci-times:end -->" "<!-- ci-times:begin -->" >"$TMP/README3.md"
	run "$CT" update --docs "$D" --warm "$TMP/warm.txt" --readme "$TMP/README3.md"
	expect_rc 1 && expect_in err "README3.md: <!-- ci-times:end --> comes before <!-- ci-times:begin -->"
}

case_bad_step_line_names_file_and_line() {
	sed 's/^step build 9 pass$/step build nine pass/' "$TMP/warm.txt" >"$TMP/bad.txt"
	run "$CT" import "$TMP/bad.txt"
	expect_rc 1 && expect_line err "tests/ci-times: $TMP/bad.txt:6: bad step line: step build nine pass" &&
		expect_empty out
}

case_plain_log_needs_the_cache_state() {
	run "$CT" import "$TMP/cold.log"
	expect_rc 1 && expect_in err "$TMP/cold.log: a plain log does not say whether the cache was cold or warm"
}

case_cache_mismatch_is_an_error() {
	run "$CT" update --docs "$TMP/docs.$RANDOM" --cold "$TMP/warm.txt"
	expect_rc 1 && expect_line err "tests/ci-times: $TMP/warm.txt: its cache line says warm, not cold"
}

case_no_step_times_is_an_error() {
	printf 'make: *** No rule\n' >"$TMP/empty.log"
	run "$CT" import "$TMP/empty.log" --cache warm
	expect_rc 1 && expect_in err "$TMP/empty.log: no step times in it"
}

case_nothing_to_import() {
	run "$CT" update --docs "$TMP/docs.$RANDOM" --last "$TMP/none.txt"
	expect_rc 1 && expect_in err "nothing to import"
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
