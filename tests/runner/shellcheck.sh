#!/bin/bash
# Runs shellcheck over the test runner, CI and the suite drivers (make check).
# The first list is clean with every optional check (.shellcheckrc turns
# them all on, as `shellcheck -o all`, and says why two are off). When the
# tool is missing: SKIP (77), but under CI=true a failure.
set -euo pipefail
shopt -s inherit_errexit
cd "${top_srcdir:?run through make}"
# without it only the default checks would run, silently
if [[ ! -f .shellcheckrc ]]; then
	echo "FAIL: no .shellcheckrc in ${PWD}"
	exit 1
fi

if ! command -v shellcheck >/dev/null 2>&1; then
	if [[ "${CI:-}" == true ]]; then
		echo "FAIL: CI=true, and shellcheck is not installed (tests/install-deps installs it)"
		exit 1
	fi
	echo "SKIP: shellcheck is not installed (apt-get install shellcheck)"
	exit 77
fi

# every optional check
strict=(
	tests/run-tests .ci/run tests/install-deps tests/ci-times demo tests/derive-sources
	tests/cli/*.sh tests/runner/*.sh tests/bench/*.sh
	tests/save/save-tests.sh tests/save/ssh-tests.sh tests/dracut/dracut-tests.sh tests/fuzz/run-fuzz.sh
	tests/vm/kexec-cycle.sh tests/vm/make-vmcore.sh tests/vm/kdump-cycle.sh tests/vm/run-lanes.sh
	tests/vm/lib.sh tests/vm/nfs-server.sh tests/vm/ssh-server.sh tests/vm/vlan-server.sh tests/vm/write-results.sh tests/vm/boot-guest.sh tests/vm/guest-image.sh
	tests/vm/hang-module/build.sh tests/vm/prefetch-images.sh
	tests/snp-matrix/run-matrix tests/snp-matrix/lib.sh tests/snp-matrix/init.sh
	tests/snp-matrix/write-doc.sh kernel/qemu-smoke
	kernel/build-crash-kernel kernel/check-crash-kernel
	tests/qemu/run-tests tests/qemu/build-qemu tests/qemu/boot-loop
	bench/run-bench bench/lib.sh bench/write-report bench/bisect.sh bench/newer-makedumpfile
	tests/build-deb tests/vm/scenario-deb.sh tests/vm/scenario-snp.sh tests/deb/install-chroot.sh debian/kdump-snp.postinst debian/kdump-snp.prerm debian/kdump-snp.postrm
	debian/kernel/postinst.d/kdump-snp debian/kernel/postrm.d/kdump-snp
)
# Scripts that run inside a guest or a capture image, and the dracut module
# (dracut sets its variables): shellcheck's default checks only (--norc).
default_only=(
	tests/vm/init-kexec.sh tests/vm/guest/kdump-snp-test.sh bench/guest/kdump-bench.sh
	dracut-module/99kdump-snp/module-setup.sh dracut-module/99kdump-snp/capture-init.sh
)

passed=0
failed=0
# check LABEL SHELLCHECK-OPTIONS... -- FILES...: one shellcheck run over
# FILES; a file is clean when the run reports nothing in it
check() {
	local label=$1 opts=() files=() out st=0 line f other=""
	local -A found=()
	shift
	while [[ "$1" != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	files=("$@")
	out=$(shellcheck -x -f gcc "${opts[@]}" -- "${files[@]}" 2>&1) || st=$?
	while IFS= read -r line; do
		[[ -n "${line}" ]] || continue
		f=${line%%:*}
		if [[ " ${files[*]} " == *" ${f} "* ]]; then
			found[${f}]+="  ${line}"$'\n'
		else
			other+="  ${line}"$'\n'
		fi
	done <<<"${out}"
	for f in "${files[@]}"; do
		if [[ -n "${found[${f}]:-}" ]]; then
			printf 'FAIL %s (%s)\n%s' "${f}" "${label}" "${found[${f}]}"
			failed=$((failed + 1))
		else
			printf 'ok   %s (%s)\n' "${f}" "${label}"
			passed=$((passed + 1))
		fi
	done
	# exit status 1: it reported something; any other failure, or a message that
	# names no listed file, is a failure of the check itself
	if [[ -n "${other}" || "${st}" -gt 1 || ("${st}" -eq 1 && "${#found[@]}" -eq 0) ]]; then
		printf 'FAIL shellcheck %s exited with %d:\n%s' "${opts[*]}" "${st}" "${other}"
		failed=$((failed + 1))
	fi
}

check "every check" -- "${strict[@]}"
check "default checks" --norc -- "${default_only[@]}"
printf '%d passed, %d failed, 0 skipped\n' "${passed}" "${failed}"
[[ "${failed}" -eq 0 ]]
