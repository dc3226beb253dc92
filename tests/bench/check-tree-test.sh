#!/bin/bash
# make check: bench/run-bench --check-tree, without QEMU: the report names
# the commit measured and the working tree's state (git describe --always
# --dirty), and docs/BENCHMARKS.md is not written from a dirty tree unless
# BENCH_ALLOW_DIRTY=1. Runs on a copy of the harness in a scratch git
# repository, so the state of the checkout under test does not matter.
set -euo pipefail

: "${top_srcdir:?run through make check}"

# TMP, fail, expect_*, t and finish
# shellcheck source=tests/cli/lib.sh
. "${top_srcdir}/tests/cli/lib.sh"

if ! command -v git >/dev/null 2>&1; then
	if [[ ${CI:-} == true ]]; then
		printf 'FAIL git is missing: the check of the tree cannot run\n'
		printf '0 passed, 1 failed, 0 skipped\n'
		exit 1
	fi
	printf 'SKIP git is missing\n0 passed, 0 failed, 1 skipped\n'
	exit 77
fi

# the repository: the harness files run-bench reads before it does anything
repo=${TMP}/repo
mkdir -p -- "${repo}/bench" "${repo}/tests/vm" "${repo}/docs"
cp -- "${top_srcdir}/bench/run-bench" "${top_srcdir}/bench/lib.sh" "${top_srcdir}/bench/bisect.sh" \
	"${top_srcdir}/bench/write-report" "${repo}/bench/"
cp -- "${top_srcdir}/tests/vm/lib.sh" "${top_srcdir}/tests/vm/ssh-server.sh" "${top_srcdir}/tests/vm/nfs-server.sh" \
	"${repo}/tests/vm/"
printf '# Benchmarks\n' >"${repo}/docs/BENCHMARKS.md"
g() {
	git -C "${repo}" -c user.name=bench-test -c user.email=bench-test@invalid \
		-c init.defaultBranch=main -c core.hooksPath=/dev/null "$@"
}
g init -q
g add -A
g commit -q -m 'the harness'
commit=$(g rev-parse --short=7 HEAD)

# run ENV...: run-bench --check-tree of the scratch repository
run_check_tree() {
	run env -u BENCH_DOC -u BENCH_ALLOW_DIRTY -u BENCH_DESTDIR "$@" \
		"${repo}/bench/run-bench" --check-tree
}

clean_tree() {
	run_check_tree
	expect_rc 0
	expect_in out "measures ${commit}; harness (bench/, tests/vm/) from the working tree at ${commit}"
	expect_not_in out dirty
}

dirty_refused() {
	printf '# changed\n' >>"${repo}/bench/lib.sh"
	run_check_tree
	expect_rc 1
	expect_in out "at ${commit}-dirty"
	expect_in err "the working tree is ${commit}-dirty"
	expect_in err "so ${repo}/docs/BENCHMARKS.md is not written"
	expect_in err BENCH_ALLOW_DIRTY=1
}

dirty_allowed() {
	run_check_tree BENCH_ALLOW_DIRTY=1
	expect_rc 0
	expect_in out "WARNING: writing ${repo}/docs/BENCHMARKS.md from a dirty tree (${commit}-dirty"
	expect_in out 'as BENCH_ALLOW_DIRTY=1 asks; the report says so'
}

dirty_elsewhere() {
	run_check_tree BENCH_DOC="${TMP}/report.md"
	expect_rc 0
	expect_in out "the working tree is dirty; the report (${TMP}/report.md) says so"
}

bad_value() {
	run_check_tree BENCH_ALLOW_DIRTY=yes
	expect_rc 1
	expect_in err 'BENCH_ALLOW_DIRTY=yes: give 0 or 1'
}

bad_jobs() {
	run_check_tree BENCH_BISECT_JOBS=0
	expect_rc 1
	expect_in err 'BENCH_BISECT_JOBS=0: not a number of searches at once'
}

new_file_refused() {
	g checkout -q -- bench/lib.sh
	run_check_tree
	expect_rc 0
	printf 'true\n' >"${repo}/tests/vm/new-helper.sh"
	run_check_tree
	expect_rc 1
	expect_in err 'files not in git: tests/vm/new-helper.sh'
	rm -f -- "${repo}/tests/vm/new-helper.sh"
}

no_git_refused() {
	rm -rf -- "${repo}/.git"
	run_check_tree
	expect_rc 1
	expect_in out 'measures not a git checkout'
	expect_in err 'the working tree is not a git checkout'
}

t 'a clean tree: the commit is named, the report may be written' clean_tree
t 'a dirty tree: docs/BENCHMARKS.md is refused' dirty_refused
t 'a dirty tree with BENCH_ALLOW_DIRTY=1: written, and said' dirty_allowed
t 'a dirty tree, the report outside docs/: written, and said' dirty_elsewhere
t 'BENCH_ALLOW_DIRTY takes 0 or 1' bad_value
t 'BENCH_BISECT_JOBS is checked at the start, not hours in' bad_jobs
t 'a file git does not know under tests/vm/ makes the tree dirty' new_file_refused
t 'no git checkout: refused' no_git_refused

finish
