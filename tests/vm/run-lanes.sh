#!/bin/bash
# Run the kdump-cycle scenarios in LANES processes at once (make check-vm).
# Each guest has one vCPU, QEMU's TCG runs it on one host thread, so on a
# 2-core machine two lanes share the suite's time. A lane runs one
# tests/vm/kdump-cycle.sh per scenario (its own work folder and guest);
# the guest images they share are built once under the cache lock.
#
# Usage: tests/vm/run-lanes.sh LANES DESTDIR RESULTS_DIR [SCENARIO...]
#   Without scenarios, all of them (tests/vm/kdump-cycle.sh --list).
#   The scenarios form one queue, longest expected first; a lane that is
#   free takes the next, so a slow scenario delays only its own lane. A
#   scenario's expected time is its last total in RESULTS_DIR/NAME.times,
#   else in docs/VM-RESULTS.md, else 200 s. Each lane's output is printed
#   whole when all lanes are done (serial logs of failures included), each
#   line prefixed "lane N| ", then the sum of the scenarios' closing lines,
#   the one closing line of the run (tests/run-tests counts it); a
#   scenario whose run printed no closing line counts as failed. The exit
#   status is non-zero when any scenario failed.
set -euo pipefail
shopt -s inherit_errexit

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
top=$(cd -- "${here}/../.." && pwd)

die() {
	printf 'run-lanes: %s\n' "$*" >&2
	exit 2
}

[[ "$#" -ge 3 ]] || die "usage: $0 LANES DESTDIR RESULTS_DIR [SCENARIO...]"
lanes=$1 destdir=$2 results=$3
shift 3
[[ "${lanes}" =~ ^[1-9][0-9]*$ ]] || die "LANES \"${lanes}\": not a positive number"
scenarios=("$@")
if [[ "${#scenarios[@]}" -eq 0 ]]; then
	list=$("${here}/kdump-cycle.sh" --list)
	mapfile -t scenarios <<<"${list}"
fi
mkdir -p -- "${results}"
# what an earlier run's lanes left would be counted again
rm -f -- "${results}"/lane-*

# expected NAME: seconds, whole
expected() {
	local t=""
	[[ ! -f "${results}/$1.times" ]] || t=$(sed -n 's/^total \([0-9.]*\)$/\1/p' "${results}/$1.times")
	[[ -n "${t}" ]] || [[ ! -f "${top}/docs/VM-RESULTS.md" ]] ||
		t=$(awk -F'|' -v n="$1" '{ g = $2; gsub(/ /, "", g) } g == n { v = $(NF - 1); gsub(/ /, "", v) } END { print v }' \
			"${top}/docs/VM-RESULTS.md")
	[[ "${t}" =~ ^[0-9]+(\.[0-9]+)?$ ]] || t=200
	echo "${t%.*}"
}

weighed=""
for s in "${scenarios[@]}"; do
	secs=$(expected "${s}")
	weighed+="${secs} ${s}"$'\n'
done
sorted=$(sort -rn -k1,1 -s <<<"${weighed}")
queue=${results}/.queue
printf '%s\n' "${sorted}" | sed -n 's/^[0-9]* //p' >"${queue}"
: >"${queue}.lock"

# take: the next scenario of the queue, removed from it ("" at its end)
take() {
	local fd name
	exec {fd}>>"${queue}.lock"
	flock "${fd}"
	name=$(head -n 1 -- "${queue}")
	sed -i 1d -- "${queue}"
	exec {fd}>&-
	printf '%s' "${name}"
}

# lane N: scenarios from the queue until it is empty, each run's output in
# RESULTS_DIR/lane-N.NAME.out, all of them in RESULTS_DIR/lane-N.log
lane() {
	local n=$1 name rc=0
	: >"${results}/lane-${n}.log"
	while true; do
		name=$(take)
		[[ -n "${name}" ]] || break
		echo "run-lanes: lane ${n} takes ${name}" >>"${results}/lane-${n}.log"
		"${here}/kdump-cycle.sh" "${destdir}" "${results}" "${name}" >"${results}/lane-${n}.${name}.out" 2>&1 || rc=1
		cat -- "${results}/lane-${n}.${name}.out" >>"${results}/lane-${n}.log"
	done
	return "${rc}"
}

order=$(tr '\n' ' ' <"${queue}")
echo "run-lanes: ${lanes} lanes, the queue longest first: ${order}"
pids=()
for ((l = 1; l <= lanes; l++)); do
	lane "${l}" &
	pids[l]=$!
done

rc=0
for ((l = 1; l <= lanes; l++)); do
	lane_rc=0
	wait "${pids[l]}" || lane_rc=$?
	echo "=== lane ${l}: exit ${lane_rc}"
	# prefixed, so that only the sum below reads as a closing line
	sed "s/^/lane ${l}| /" "${results}/lane-${l}.log"
	[[ "${lane_rc}" -eq 0 ]] || rc=1
done

passed=0 failed=0
for out in "${results}"/lane-*.*.out; do
	[[ -f "${out}" ]] || continue
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "${out}" | tail -n 1 || true)
	if [[ -z "${line}" ]]; then
		echo "run-lanes: ${out##*/} printed no closing line"
		failed=$((failed + 1))
	else
		read -r p _ f _ <<<"${line}"
		passed=$((passed + p)) failed=$((failed + f))
	fi
done
echo "${passed} passed, ${failed} failed"
[[ "${rc}" -eq 0 && "${failed}" -eq 0 ]]
