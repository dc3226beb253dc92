#!/bin/bash
# Run the kdump-cycle scenarios in LANES processes at once (make check-vm).
# Each guest has one vCPU, QEMU's TCG runs it on one host thread, so on a
# 2-core machine two lanes finish the suite in about half the time. A lane
# is one tests/vm/kdump-cycle.sh with its own scenarios, work folder and
# guest; the guest images they share are built once under the cache lock.
#
# Usage: tests/vm/run-lanes.sh LANES DESTDIR RESULTS_DIR [SCENARIO...]
#   Without scenarios, all of them (tests/vm/kdump-cycle.sh --list).
#   Scenarios go to the lane with the least expected time, longest first;
#   a scenario's expected time is its last total in RESULTS_DIR/NAME.times,
#   else in docs/VM-RESULTS.md, else 200 s. Each lane's output is printed
#   whole when all lanes are done (serial logs of failures included), each
#   line prefixed "lane N| ", then the sum of their closing lines, the one
#   closing line of the run (tests/run-tests counts it); the exit status is
#   non-zero when any lane failed.
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
declare -a load plan
for ((l = 0; l < lanes; l++)); do
	load[l]=0 plan[l]=""
done
while read -r secs name; do
	[[ -n "${name}" ]] || continue
	best=0
	for ((l = 1; l < lanes; l++)); do
		[[ "${load[l]}" -lt "${load[best]}" ]] && best=${l}
	done
	load[best]=$((load[best] + secs))
	plan[best]+=" ${name}"
done <<<"${sorted}"

pids=()
for ((l = 0; l < lanes; l++)); do
	[[ -n "${plan[l]}" ]] || continue
	echo "run-lanes: lane $((l + 1)):${plan[l]} (about ${load[l]} s)"
	read -ra names <<<"${plan[l]}"
	"${here}/kdump-cycle.sh" "${destdir}" "${results}" "${names[@]}" >"${results}/lane-$((l + 1)).log" 2>&1 &
	pids[l]=$!
done

rc=0 passed=0 failed=0
for ((l = 0; l < lanes; l++)); do
	[[ -n "${pids[l]:-}" ]] || continue
	lane_rc=0
	wait "${pids[l]}" || lane_rc=$?
	echo "=== lane $((l + 1)): exit ${lane_rc}"
	# prefixed, so that only the sum below reads as a closing line
	sed "s/^/lane $((l + 1))| /" "${results}/lane-$((l + 1)).log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "${results}/lane-$((l + 1)).log" | tail -n 1 || true)
	if [[ -z "${line}" ]]; then
		echo "run-lanes: lane $((l + 1)) printed no closing line"
		failed=$((failed + 1))
	else
		read -r p _ f _ <<<"${line}"
		passed=$((passed + p)) failed=$((failed + f))
	fi
	[[ "${lane_rc}" -eq 0 ]] || rc=1
done
echo "${passed} passed, ${failed} failed"
[[ "${rc}" -eq 0 && "${failed}" -eq 0 ]]
