# shellcheck shell=bash
# The decisions of make bench's search for the smallest working
# crashkernel= (bench/run-bench), apart from QEMU, so that
# tests/bench/bisect-test.sh drives them with a fake probe.
#
# Sizes are grid indices 0..BISECT_MAX. A run at a size is "valid" when it
# saved a vmcore that makedumpfile reads; only valid runs are credited.
#   - A size works when it has a valid run and fewer than two failed runs;
#     it fails after two failed runs; otherwise it is not known yet.
#   - Bisection: a size is run until it is known, so a failure is retried
#     once (attempt "retry") before the search moves up.
#   - Confirmation: the size bisection found must reach 3 valid runs
#     (attempt "confirm") before it has two failed runs; otherwise the
#     next size up is confirmed the same way.
#
# Interface (sourced by a bash script that runs with `set -euo pipefail`):
#   BISECT_PROBE            the command "$BISECT_PROBE NAME INDEX ATTEMPT" runs
#                           one crash at that size; true when it saved a valid
#                           vmcore (ATTEMPT: first, retry or confirm)
#   BISECT_MAX              the highest grid index
#   bisect_seed NAME INDEX VALID FAILED
#                           runs already made at a size (the timed runs)
#   BISECT_HINT[NAME]       optional: the index expected to be the smallest
#                           working size (kdumpctl estimate's figure, or the
#                           result of the same tool at less memory). The
#                           search probes it first and then the size next
#                           to it on the side its outcome points to; when
#                           the hint was right these two settle the search
#                           (a failed size is still run twice, the result
#                           still confirmed), otherwise bisection goes on
#                           from the bounds they gave. Only the order of
#                           the probes changes, never what decides.
#   bisect_run NAME...      the searches, advancing in turns; sets
#                           BISECT_RESULT[NAME] to the index, or -1 when no
#                           size up to BISECT_MAX was confirmed
#   BISECT_VALID / BISECT_FAILED ["NAME INDEX"]  the runs counted at a size

# shellcheck disable=SC2034 # BISECT_RESULT is read by the caller
declare -gA BISECT_VALID=() BISECT_FAILED=() BISECT_RESULT=() BISECT_HINT=()
BISECT_CONFIRM_RUNS=3
BISECT_MAX=${BISECT_MAX:-}

# bisect_seed NAME INDEX VALID FAILED: credit runs made elsewhere
bisect_seed() {
	local k="$1 $2"
	BISECT_VALID[${k}]=$((${BISECT_VALID[${k}]:-0} + $3))
	BISECT_FAILED[${k}]=$((${BISECT_FAILED[${k}]:-0} + $4))
}

# bisect_status NAME INDEX: prints works, fails or unknown
bisect_status() {
	local k="$1 $2"
	if [[ ${BISECT_FAILED[${k}]:-0} -ge 2 ]]; then
		printf 'fails\n'
	elif [[ ${BISECT_VALID[${k}]:-0} -ge 1 ]]; then
		printf 'works\n'
	else
		printf 'unknown\n'
	fi
}

# bisect_probe NAME INDEX ATTEMPT: one run through BISECT_PROBE, counted
bisect_probe() {
	local k="$1 $2"
	# the probe's own failure is the outcome counted here, not an error
	# shellcheck disable=SC2310
	if "${BISECT_PROBE:?}" "$1" "$2" "$3"; then
		BISECT_VALID[${k}]=$((${BISECT_VALID[${k}]:-0} + 1))
	else
		BISECT_FAILED[${k}]=$((${BISECT_FAILED[${k}]:-0} + 1))
	fi
}

# bisect_try NAME INDEX: run the size until it is known (a failure is
# retried once); true when it works
bisect_try() {
	local st attempt
	while :; do
		st=$(bisect_status "$1" "$2")
		[[ ${st} == unknown ]] || break
		attempt=first
		[[ ${BISECT_FAILED["$1 $2"]:-0} == 0 ]] || attempt=retry
		bisect_probe "$1" "$2" "${attempt}"
	done
	[[ ${st} == works ]]
}

# bisect_run NAME...: the searches of all NAMEs, one step of each in turn
# (so that the tools alternate), then the confirmations
bisect_run() {
	local -A lo=() hi=()
	local name busy mid idx st
	[[ ${BISECT_MAX} =~ ^[0-9]+$ ]] || { printf 'bisect_run: BISECT_MAX=%s is not a grid index\n' "${BISECT_MAX}" >&2; return 1; }
	for name in "$@"; do
		lo[${name}]=-1
		hi[${name}]=$((BISECT_MAX + 1))
		# the smallest size already known to work (seeded runs)
		for ((idx = BISECT_MAX; idx >= 0; idx--)); do
			st=$(bisect_status "${name}" "${idx}")
			[[ ${st} != works ]] || hi[${name}]=${idx}
		done
	done
	# the hints: the hinted size, then its neighbour (side -1 or 1)
	local -A next=() side=()
	for name in "$@"; do
		[[ -z ${BISECT_HINT[${name}]:-} ]] || next[${name}]=${BISECT_HINT[${name}]}
	done
	busy=1
	while [[ ${busy} == 1 ]]; do
		busy=0
		for name in "$@"; do
			idx=${next[${name}]:-}
			if [[ -n ${idx} ]]; then
				unset 'next[${name}]'
				if [[ ${idx} -gt ${lo[${name}]} ]] && [[ ${idx} -lt ${hi[${name}]} ]]; then
					# shellcheck disable=SC2310 # its outcome is the decision
					if bisect_try "${name}" "${idx}"; then
						hi[${name}]=${idx}
						[[ -n ${side[${name}]:-} ]] || next[${name}]=$((idx - 1))
						side[${name}]=-1
					else
						lo[${name}]=${idx}
						[[ -n ${side[${name}]:-} ]] || next[${name}]=$((idx + 1))
						side[${name}]=1
					fi
					busy=1
					continue
				fi
			fi
			if [[ ${hi[${name}]} -gt ${BISECT_MAX} ]]; then
				# nothing known to work yet: the top of the grid
				# shellcheck disable=SC2310 # its outcome is the decision
				if bisect_try "${name}" "${BISECT_MAX}"; then
					hi[${name}]=${BISECT_MAX}
				else
					hi[${name}]=-1
				fi
				busy=1
				continue
			fi
			[[ ${hi[${name}]} -ge 0 ]] || continue
			[[ $((hi[${name}] - lo[${name}])) -gt 1 ]] || continue
			mid=$(((lo[${name}] + hi[${name}]) / 2))
			# shellcheck disable=SC2310 # its outcome is the decision
			if bisect_try "${name}" "${mid}"; then
				hi[${name}]=${mid}
			else
				lo[${name}]=${mid}
			fi
			busy=1
		done
	done
	for name in "$@"; do
		if [[ ${hi[${name}]} -lt 0 ]]; then
			BISECT_RESULT[${name}]=-1
		else
			bisect_confirm "${name}" "${hi[${name}]}"
		fi
	done
}

# bisect_confirm NAME INDEX: the first size from INDEX up with
# BISECT_CONFIRM_RUNS valid runs before two failed ones, in
# BISECT_RESULT[NAME] (-1 when none up to BISECT_MAX)
bisect_confirm() {
	local name=$1 idx=$2
	BISECT_RESULT[${name}]=-1
	while [[ ${idx} -le ${BISECT_MAX:?} ]]; do
		while [[ ${BISECT_VALID["${name} ${idx}"]:-0} -lt ${BISECT_CONFIRM_RUNS} ]] &&
			[[ ${BISECT_FAILED["${name} ${idx}"]:-0} -lt 2 ]]; do
			bisect_probe "${name}" "${idx}" confirm
		done
		if [[ ${BISECT_VALID["${name} ${idx}"]:-0} -ge ${BISECT_CONFIRM_RUNS} ]] &&
			[[ ${BISECT_FAILED["${name} ${idx}"]:-0} -lt 2 ]]; then
			# shellcheck disable=SC2034 # read by the caller
			BISECT_RESULT[${name}]=${idx}
			return 0
		fi
		idx=$((idx + 1))
	done
}
