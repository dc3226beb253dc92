#!/bin/bash
# make check: bench/run-bench's own bisect and bench/write-report, with
# the crash runs replaced (no QEMU): the timed runs seed the search with
# their failures, a failed size is retried, every attempt is a line of
# bisect.tsv, and the report lists them with the attempt.
# shellcheck disable=SC2016 # the report's Markdown backquotes in single-quoted patterns
set -euo pipefail

: "${top_srcdir:?run through make check}"
BENCH_FUNCTIONS_ONLY=1
# shellcheck source=bench/run-bench
. "${top_srcdir}/bench/run-bench"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kdump-bench-run.XXXXXX")
trap 'rm -rf -- "${TMP}"' EXIT
WORK=${TMP}
RES=${TMP}/results
mkdir -p -- "${RES}"
: >"${RES}/results.tsv"
: >"${RES}/bisect.tsv"
# 3 timed runs per configuration at 384M; one of ours failed
printf '%s\t%s\n' crashkernel 384M snp-default-run1 ok snp-default-run2 'failed: hang' \
	snp-default-run3 ok tools-default-run1 ok tools-default-run2 ok tools-default-run3 ok \
	snp-dedicated-kver 6.12.117+deb13-amd64 snp-dedicated-run1 ok snp-dedicated-run2 ok \
	snp-dedicated-run3 ok >"${RES}/info.tsv"
# the guests' estimates: the dedicated kernel's +16 MiB over its smallest
# size (met), Debian's kernel's +32 MiB (missed)
printf 'Recommended: crashkernel=80M (the sum and its memory map, rounded up to 16 MiB)\n' \
	>"${RES}/snp-dedicated-estimate.txt"
printf 'Recommended: crashkernel=272M (the sum and its memory map, rounded up to 16 MiB)\n' \
	>"${RES}/snp-default-estimate.txt"

declare -A RUNS=()
# crash_run NAME SIZE LABEL (replaces run-bench's): ours saves a valid
# vmcore from 240M up, except in its first run at 240M; kdump-tools from
# 160M; the dedicated kernel from 64M; at 48M it runs out of memory, then hangs
crash_run() {
	local name=$1 mib=${2%M} n
	n=$((${RUNS["${name} ${mib}"]:-0} + 1))
	RUNS["${name} ${mib}"]=${n}
	RUN_OK=0
	FAIL_WHY=OOM
	RUN_SAVED=''
	if [[ ${name} == snp-default ]] && [[ ${mib} == 240 ]] && [[ ${n} == 1 ]]; then
		FAIL_WHY='a hang'
	elif [[ ${name} == snp-dedicated ]] && [[ ${mib} == 48 ]] && [[ ${n} == 2 ]]; then
		FAIL_WHY='hang: crash kernel stopped after the time limit'
	elif { [[ ${name} == snp-default ]] && [[ ${mib} -ge 240 ]]; } ||
		{ [[ ${name} == tools-default ]] && [[ ${mib} -ge 160 ]]; } ||
		{ [[ ${name} == snp-dedicated ]] && [[ ${mib} -ge 64 ]]; }; then
		RUN_OK=1
		FAIL_WHY=''
		RUN_SAVED=5.0
	fi
	# the scaling runs (BENCH_MEM_MIB set): panic to vmcore grows by
	# 1 s per GiB for ours, by 3 s for kdump-tools; two crash CPUs save a
	# third; kdump-tools fails at 8 GiB
	if [[ -n ${BENCH_MEM_MIB:-} ]]; then
		local gib=$((BENCH_MEM_MIB / 1024))
		printf '[ 40.0] KDUMP-SNP-TEST: filled user=25%% cache=25%% in 3s: MemTotal:%dM\r\n' \
			"${BENCH_MEM_MIB}" >"${RES}/${name}-${3}.log"
		RUN_OK=1
		FAIL_WHY=''
		case ${name} in
		snp-default) RUN_SAVED=$((6 + gib)) ;;
		snp-threads) RUN_SAVED=$(((6 + gib) * 2 / 3)) ;;
		tools-default) RUN_SAVED=$((10 + 3 * gib)) ;;
		*) RUN_SAVED=0 ;;
		esac
		RUN_CAPTURE=$((RUN_SAVED - 3))
		RUN_BYTES=$((60 * 1048576 + gib * 1048576))
		if [[ ${name} == tools-default ]] && [[ ${gib} == 8 ]] && [[ ${3} != *-ck* ]]; then
			RUN_OK=0
			FAIL_WHY='hang: crash kernel stopped after the time limit'
		fi
		# ours hangs once at 2 GiB, and not when run once more
		if [[ ${name} == snp-default ]] && [[ ${3} == mem2048-1 ]]; then
			RUN_OK=0
			FAIL_WHY='hang: crash kernel stopped after the time limit'
		fi
		# the searches at 1 and 8 GiB: ours needs 96M and 112M (128M
		# with two crash CPUs; at 112M makedumpfile saves on one thread),
		# kdump-tools 128M and 176M
		if [[ ${3} == *-ck* ]]; then
			local need
			case ${name}:${gib} in
			snp-default:1) need=96 ;;
			snp-default:8) need=112 ;;
			snp-threads:8) need=128 ;;
			tools-default:1) need=128 ;;
			*) need=176 ;;
			esac
			if [[ ${name}:${gib} == snp-threads:8 ]] && [[ ${mib} -ge 112 ]] && [[ ${mib} -lt ${need} ]]; then
				# short of memory for the threads: saved on one
				printf "The kernel version is not supported.\r\nThere isn't enough memory for multi-threads.\r\n" \
					>>"${RES}/${name}-${3}.log"
			elif [[ ${mib} -lt ${need} ]]; then
				RUN_OK=0
				FAIL_WHY=OOM
			fi
		fi
	fi
}

# the service's start at boot in the timed runs, and our wait for udev in it
printf '%s\t%s\n' kdump-snp/default/boot-start-s 20.0 kdump-snp/default/boot-start-s 22.0 \
	kdump-snp/default/boot-start-s 21.0 kdump-tools/default/boot-start-s 10.0 >>"${RES}/results.tsv"
for n in 1 2 3; do
	printf '[   50.99] kdumpctl[408]: kdumpctl: waited 1%s.5 s for udev to load the drivers of this boot'"'"'s devices\r\n' \
		"${n}" >"${RES}/snp-default-run${n}.log"
done
# the dumps of the default guest and of the one with the newer makedumpfile
printf '%s\t%s\n' kdump-snp/default/vmcore-bytes 70254592 kdump-snp/default/vmcore-bytes 70778880 \
	kdump-snp/mdf/vmcore-bytes 52428800 >>"${RES}/results.tsv"
printf '%s\t%s\n' snp-default-version-makedumpfile 1:1.7.6-1 snp-mdf-version-makedumpfile 1:1.7.8-1 \
	snp-mdf-kver 6.12.117+deb13-amd64 >>"${RES}/info.tsv"
# the memory-scaling runs, as run-bench's scaling makes them
HAVE_TOOLS=1
scaling >"${TMP}/scaling.out"
# the searches, as main asks for them: at 2 GiB, then at 1 and 8 GiB
# seeded with the scaling runs at 384M; two at once (BENCH_BISECT_JOBS)
bisect snp-default tools-default snp-dedicated snp-default@1024 tools-default@1024 \
	snp-default@8192 tools-default@8192 snp-threads@8192 >"${TMP}/bisect.out"
printf '%s\t%s\n' scaling 1 scaling-mem "${BENCH_SCALING_MEM}" scaling-runs 1 scaling-fill 25,25 scaling-bisect "1024 8192" \
	snp-threads-collector "${COLLECTOR[threads]}" >>"${RES}/info.tsv"
"${top_srcdir}/bench/write-report" "${RES}" >"${TMP}/report.md"
# the same with ours growing faster than kdump-tools: 40 s at 4 GiB (a size
# both tools have: the growth figures leave out 8 GiB, where kdump-tools hung)
cp -r -- "${RES}" "${TMP}/slower"
printf '%s\t%s\n' kdump-snp/default/mem4096/to-vmcore-s 40 kdump-snp/default/mem4096/to-vmcore-s 40 \
	>>"${TMP}/slower/results.tsv"
"${top_srcdir}/bench/write-report" "${TMP}/slower" >"${TMP}/slower.md"
# boots where start did not wait for udev: the reason gives when each tool
# armed and when the watchdog's driver came, from the kernels' logs
cp -r -- "${RES}" "${TMP}/nowait"
for n in 1 2 3; do
	printf '[   3%s.00] iTCO_wdt iTCO_wdt.1.auto: initialized. heartbeat=30 sec\r\n[   6%s.50] kdumpctl[408]: kdumpctl: crash kernel loaded\r\n[   70.00] Kernel panic - not syncing: sysrq triggered crash\r\n[    0.90] iTCO_wdt iTCO_wdt.1.auto: initialized. heartbeat=30 sec\r\n' \
		"${n}" "${n}" >"${TMP}/nowait/snp-default-run${n}.log"
	printf '[    7.90] iTCO_wdt iTCO_wdt.1.auto: initialized. heartbeat=30 sec\r\n[   4%s.00] kdump-tools[324]: loaded kdump kernel.\r\n' \
		"${n}" >"${TMP}/nowait/tools-default-run${n}.log"
done
"${top_srcdir}/bench/write-report" "${TMP}/nowait" >"${TMP}/nowait.md"
# the same when both guests booted with the kdump-tools guest's initramfs
cp -r -- "${TMP}/nowait" "${TMP}/sameboot"
printf '%s\t%s\n' boot-initramfs "both tools' guests boot with the kdump-tools guest's initramfs-tools image (MODULES=most, kernel 6.12.117+deb13-amd64), as a Debian host does (BENCH_BOOT_INITRD=tools)" \
	>>"${TMP}/sameboot/info.tsv"
"${top_srcdir}/bench/write-report" "${TMP}/sameboot" >"${TMP}/sameboot.md"
# without the search with two crash CPUs
cp -r -- "${RES}" "${TMP}/nosearch"
grep -v '^kdump-snp/threads/mem8192/smallest' "${RES}/results.tsv" >"${TMP}/nosearch/results.tsv"
"${top_srcdir}/bench/write-report" "${TMP}/nosearch" >"${TMP}/nosearch.md"
# a development run that searched at 1 GiB only (BENCH_SCALING_ONLY=1,
# BENCH_SCALING_BISECT=1024): what was not searched is not "quick mode"
cp -r -- "${RES}" "${TMP}/onesize"
grep -v -E 'smallest-crashkernel-mib' "${RES}/results.tsv" >"${TMP}/onesize/results.tsv"
grep -E '/mem1024/smallest-crashkernel-mib' "${RES}/results.tsv" >>"${TMP}/onesize/results.tsv"
# and without the configuration with two crash CPUs
grep -v '^snp-threads-collector' "${RES}/info.tsv" >"${TMP}/onesize/info.tsv"
printf '%s\t%s\n' scaling-bisect 1024 bisect-secs 942 >>"${TMP}/onesize/info.tsv"
"${top_srcdir}/bench/write-report" "${TMP}/onesize" >"${TMP}/onesize.md"
# a development run at 8 GiB only, where kdump-tools' run hung: no size
# has a valid run of both tools, so no growth figure compares them
cp -r -- "${RES}" "${TMP}/nopair"
printf '%s\t%s\n' scaling-mem 8192 >>"${TMP}/nopair/info.tsv"
"${top_srcdir}/bench/write-report" "${TMP}/nopair" >"${TMP}/nopair.md"
# the network targets (issue #16): both tools over ssh, kdump-snp over
# nfs; kdump-tools' nfs run failed, so none of its nfs figures exists
cp -r -- "${RES}" "${TMP}/net"
printf '%s\t%s\n' net 1 net-runs 1 crashkernel 384M snp-ssh-run1 ok tools-ssh-run1 ok snp-nfs-run1 ok \
	tools-nfs-run1 'failed: no dump directory in / (lost+found)' \
	snp-ssh-dump-file "var/crash/kdump-guest-2026-12-03-14:40:01/vmcore.flat in root's home on the server" \
	tools-ssh-dump-file "var/crash/kdump-guest-202612031441/dump.202612031441 in root's home on the server" \
	snp-nfs-dump-file 'var/crash/kdump-guest-2026-12-03-14:45:09/vmcore in the export' \
	snp-ssh-validator guest-makedumpfile tools-ssh-validator host-makedumpfile snp-nfs-validator guest-makedumpfile \
	tools-ssh-makedump-ran '-F -c -d 31' tools-ssh-hosttag hostname tools-ssh-dump-rearranged-bytes 73400320 \
	>>"${TMP}/net/info.tsv"
printf '%s\t%s\n' kdump-snp/ssh/to-vmcore-s 31.5 kdump-snp/ssh/capture-s 12.25 kdump-snp/ssh/vmcore-bytes 62914560 \
	kdump-snp/ssh/to-userspace-s 4.0 kdump-snp/ssh/to-off-or-reset-s 33.0 \
	kdump-tools/ssh/to-vmcore-s 58.25 kdump-tools/ssh/capture-s 20.5 kdump-tools/ssh/vmcore-bytes 73924608 \
	kdump-tools/ssh/to-userspace-s 3.5 kdump-tools/ssh/to-off-or-reset-s 60.0 \
	kdump-snp/nfs/to-vmcore-s 29.0 kdump-snp/nfs/capture-s 11.0 kdump-snp/nfs/vmcore-bytes 62914560 \
	>>"${TMP}/net/results.tsv"
"${top_srcdir}/bench/write-report" "${TMP}/net" >"${TMP}/net.md"
# the same as a run of the network targets alone (BENCH_NET_ONLY=1)
cp -r -- "${TMP}/net" "${TMP}/netonly"
printf '%s\t%s\n' net-only 1 >>"${TMP}/netonly/info.tsv"
"${top_srcdir}/bench/write-report" "${TMP}/netonly" >"${TMP}/netonly.md"
# where each tool's dump lands on the ssh server: kdump-snp's
# vmcore.flat, kdump-tools' dump.STAMP (HOSTTAG=hostname), and the copy
# of /proc/vmcore kdump-tools falls back to when makedumpfile fails
SRV=${TMP}/srv
mkdir -p -- "${SRV}/snp/kdump-guest-2026-12-03-14:40:01" "${SRV}/kt/kdump-guest-202612031441" \
	"${SRV}/kt-ip/10.0.2.15-202612031441" "${SRV}/kt-raw/kdump-guest-202612031441"
printf 'result: saved\ncollector: makedumpfile -z -d 31 --message-level 7 /proc/vmcore (zstd)\n' \
	>"${SRV}/snp/kdump-guest-2026-12-03-14:40:01/kdump-info.txt"
: >"${SRV}/snp/kdump-guest-2026-12-03-14:40:01/vmcore.flat"
: >"${SRV}/kt/kdump-guest-202612031441/dump.202612031441"
: >"${SRV}/kt/kdump-guest-202612031441/dmesg.202612031441"
: >"${SRV}/kt-ip/10.0.2.15-202612031441/dump.202612031441"
: >"${SRV}/kt-raw/kdump-guest-202612031441/vmcore.202612031441"
found() {
	FAIL_WHY=
	DUMP_FILE=
	"$@" || true
	printf '%s|%s|%s\n' "${DUMP_FILE}" "${DUMP_COLLECTOR:-}" "${FAIL_WHY}"
}
# kdump-tools' settings for its ssh target, on a base without ip(8) and with it
KT_ROOT=${TMP}/kt-root
mkdir -p -- "${KT_ROOT}/etc/default"
printf 'USE_KDUMP=1\n#SSH=""\n' >"${KT_ROOT}/etc/default/kdump-tools"
tools_net_defaults "${KT_ROOT}" ssh tools-ssh >"${TMP}/kt-ssh.defaults"
mkdir -p -- "${KT_ROOT}/usr/bin"
printf '#!/bin/sh\n' >"${KT_ROOT}/usr/bin/ip"
chmod +x "${KT_ROOT}/usr/bin/ip"
tools_net_defaults "${KT_ROOT}" nfs tools-nfs >"${TMP}/kt-nfs.defaults"

passed=0
failed=0
# check NAME COMMAND...: one assertion
check() {
	local name=$1
	shift
	if "$@"; then
		printf 'ok   %s\n' "${name}"
		passed=$((passed + 1))
	else
		printf 'FAIL %s\n' "${name}"
		failed=$((failed + 1))
	fi
}
# has_line FILE TAB-SEPARATED-FIELDS...
has_line() {
	local f=$1 line
	shift
	line=$(printf '%s\t' "$@")
	grep -qxF -- "${line%$'\t'}" "${f}"
}
# lacks FILE STRING
lacks() {
	! grep -qF -- "$2" "$1"
}

check 'the searches ran two at once, each chain of a tool and kernel in one slot' \
	eval 'has_line "${RES}/info.tsv" bisect-jobs 2 &&
		has_line "${RES}/info.tsv" bisect-slot1 "snp-default snp-default@1024 snp-default@8192 snp-threads@8192" &&
		has_line "${RES}/info.tsv" bisect-slot2 "tools-default tools-default@1024 tools-default@8192 snp-dedicated"'
check 'each slot had its own scratch folder, and both ran' \
	eval '[[ -d ${WORK}/slot1 ]] && [[ -d ${WORK}/slot2 ]] && grep -q "^\[search 1\] " "${TMP}/bisect.out" &&
		grep -q "^\[search 2\] " "${TMP}/bisect.out"'
check "a search starts at its guest's estimate less 16 MiB" \
	eval 'has_line "${RES}/info.tsv" snp-default-hint 256M && has_line "${RES}/info.tsv" snp-dedicated-hint 64M'
check 'kdump-tools has no estimate: its first search has no hint' \
	eval '! grep -q "^tools-default-hint" "${RES}/info.tsv"'
check 'a search at more memory starts at the smallest size of the one before it' \
	eval 'has_line "${RES}/info.tsv" snp-default@1024-hint 240M && has_line "${RES}/info.tsv" tools-default@1024-hint 160M &&
		has_line "${RES}/info.tsv" snp-default@8192-hint 96M && has_line "${RES}/info.tsv" snp-threads@8192-hint 112M'
check 'a right hint: the dedicated kernel probed 64M and 48M only' \
	eval '[[ $(awk -F"\t" "\$1 == \"kdump-snp, dedicated kernel\" { print \$2 }" "${RES}/bisect.tsv" | sort -u | tr "\n" " ") == "48M 64M " ]]'
check 'the report says the searches ran two at once, which in each, and where each started' \
	eval 'grep -qF "2 searches ran at a time" "${TMP}/report.md" &&
		grep -qxF -- "- at once, 2: tools-default tools-default@1024 tools-default@8192 snp-dedicated" "${TMP}/report.md" &&
		grep -qxF -- "- snp-default@8192: the search started at 96M" "${TMP}/report.md"'
check "the report's probes of a search stay together though two searches ran at once" \
	eval '[[ $(grep -E "^\| kdump-(snp|tools)(,[^|]*)? \| [0-9]+M \|" "${TMP}/report.md" | cut -d"|" -f2 | uniq | wc -l) == $(cut -f1 "${RES}/bisect.tsv" | sort -u | wc -l) ]]'
check 'a run that searched one RAM size says what it did not search, not quick mode' \
	eval 'grep -qF "| #8 | smallest working crashkernel= at most 2/3 of kdump-tools'"'"' | not measured (not searched in this run) |" "${TMP}/onesize.md" &&
		grep -qF "not measured (a smallest size at fewer than two RAM sizes: 1024 MiB searched)" "${TMP}/onesize.md" &&
		! grep -qF "(quick mode)" "${TMP}/onesize.md"'
check 'a run without two crash CPUs does not describe them with an empty collector' \
	eval 'grep -qF "\"2 crash CPUs\" did not run in this run." "${TMP}/onesize.md" && ! grep -qF "(KDUMP_COMMANDLINE_APPEND) and \`\`" "${TMP}/onesize.md"'
check 'one search at a time: one slot with every chain' \
	eval '[[ $(search_slots 1 snp-default tools-default@1024 snp-threads@8192) == "snp-default snp-threads@8192 tools-default@1024" ]]'
check 'the failed first run at 240M is in bisect.tsv' \
	has_line "${RES}/bisect.tsv" kdump-snp 240M first failed 'a hang'
check 'its retry is there too' \
	has_line "${RES}/bisect.tsv" kdump-snp 240M retry ok 'valid vmcore, 5.0 s to vmcore saved'
check '224M failed twice, a retry before moving up' \
	has_line "${RES}/bisect.tsv" kdump-snp 224M retry failed OOM
check 'the smallest size is the flaky 240M' \
	has_line "${RES}/results.tsv" kdump-snp/default/smallest-crashkernel-mib 240
check "kdump-tools' search is its own" \
	has_line "${RES}/results.tsv" kdump-tools/default/smallest-crashkernel-mib 160
check 'the timed runs are credited with their failure' \
	has_line "${RES}/info.tsv" snp-default-seed '2 valid and 1 failed timed runs at 384M'
# at_top LABEL: the search of LABEL probed the top of the grid
at_top() {
	awk -F'\t' -v l="$1" '$1 == l && $2 == "512M" { f = 1 } END { exit !f }' "${RES}/bisect.tsv"
}
check 'the timed runs made a probe at the top of the grid needless' \
	eval '! at_top kdump-snp && ! at_top kdump-tools' 
check 'the report lists the retry with its attempt' \
	grep -qF '| kdump-snp | 240M | retry | ok |' "${TMP}/report.md"
check 'the report says how the smallest size was confirmed' \
	grep -qF -- '- snp-default: confirmed with 3 valid, 1 failed at 240M' "${TMP}/report.md"
check "the dedicated kernel's search is its own, under its own label" \
	has_line "${RES}/results.tsv" kdump-snp/dedicated/smallest-crashkernel-mib 64
check 'the grid goes below 64M' \
	has_line "${RES}/bisect.tsv" 'kdump-snp, dedicated kernel' 48M first failed OOM
check "the dedicated kernel's half of kdump-tools' is met (64M against 80M)" \
	grep -qE '^\| #15 \| dedicated crash kernel: smallest working crashkernel= at most 1/2 .*\| 64M \| 160M .*\| met \|$' "${TMP}/report.md"
check 'its estimate at +16 MiB is met' \
	grep -qE '^\| #15, #18 \| dedicated crash kernel: `kdumpctl estimate` .*\| 80M for a smallest size of 64M \(\+16 MiB\) \| \| met \|$' "${TMP}/report.md"
check "Debian's kernel's estimate at +32 MiB is missed" \
	grep -qE '^\| #18 \| `kdumpctl estimate` .*\| 272M for a smallest size of 240M \(\+32 MiB\) \| \| \*\*missed\*\* \|$' "${TMP}/report.md"
check 'a hang below the smallest size misses its target' \
	grep -qE '^\| #15 \| dedicated crash kernel: no hang .*\| hung at 48M \| \| \*\*missed\*\* \|$' "${TMP}/report.md"
check 'and the report says why' \
	grep -qF 'Dedicated crash kernel below its smallest size: hung at 48M' "${TMP}/report.md"
check 'the figures have a column for the dedicated kernel' \
	grep -qF '| figure | kdump-snp | kdump-snp, dedicated crash kernel | kdump-tools |' "${TMP}/report.md"
check 'the newer makedumpfile row gives both sizes and the difference' \
	grep -qF '| makedumpfile 1:1.7.6-1: 67.2 MiB; 1:1.7.8-1: 50.0 MiB (-17.2 MiB) | | measured |' "${TMP}/report.md"
check 'and its section lists both' \
	grep -qE '^\| 1:1\.7\.8-1 \| 50\.0 \(1 run\) \|' "${TMP}/report.md"
check 'arming at boot slower than kdump-tools is missed' \
	grep -qE '^\| #18 \| arming at boot .*\| 21\.0 s \| 10\.0 s \| \*\*missed\*\* \|$' "${TMP}/report.md"
check "and its reason gives the udev wait of each run from the logs" \
	grep -qF 'a median 12.5 s (runs: 11.5 12.5 13.5 s) is kdumpctl start waiting' "${TMP}/report.md"
check 'each scaling run has its figures under its memory size' \
	has_line "${RES}/results.tsv" kdump-tools/default/mem2048/to-vmcore-s 16
check 'two crash CPUs run from 4 GiB on only' \
	lacks "${RES}/results.tsv" kdump-snp/threads/mem2048
check "kdump-tools' run that hung at 8 GiB is a failed run, with no figure" \
	has_line "${RES}/info.tsv" tools-default-mem8192-run1 \
	'failed: hang: crash kernel stopped after the time limit; run once more as tools-default-mem8192-retry1'
check "and, hung, it was run once more, in vain" \
	has_line "${RES}/info.tsv" tools-default-mem8192-retry1 'failed: hang: crash kernel stopped after the time limit'
check 'a scaling run that hung is a failed run that names its second run' \
	has_line "${RES}/info.tsv" snp-default-mem2048-run1 \
	'failed: hang: crash kernel stopped after the time limit; run once more as snp-default-mem2048-retry1'
check 'and the second run gives the size its figures' \
	has_line "${RES}/info.tsv" snp-default-mem2048-retry1 ok
n2048=$(grep -c "^kdump-snp/default/mem2048/to-vmcore-s	" "${RES}/results.tsv" || true)
check '(under the memory size, once)' test "${n2048}" = 1
check '(its figure)' has_line "${RES}/results.tsv" kdump-snp/default/mem2048/to-vmcore-s 8
check 'the report lists the hang and the failed second run of kdump-tools' \
	grep -qF -- '- tools-default-mem8192-retry1: failed: hang' "${TMP}/report.md"
check 'and the hang of ours that its second run made good' \
	grep -qF -- '- snp-default-mem2048-run1: failed: hang: crash kernel stopped after the time limit; run once more' "${TMP}/report.md"
check 'the guest memory before the panic is kept' \
	has_line "${RES}/info.tsv" snp-default-mem4096-fill 'user=25% cache=25% in 3s: MemTotal:4096M'
check 'growth per GiB: 1 s for ours, 3 s for kdump-tools over the sizes both have, met' \
	grep -qE '^\| #18 \| panic to vmcore saved grows per GiB .*\| 1\.00 s/GiB \| 3\.00 s/GiB \| met \|$' "${TMP}/report.md"
check "and the sizes compared are those both have: kdump-tools' failed 8 GiB is left out for ours too" \
	grep -qF '(memory filled; 1024/2048/4096 MiB of RAM; 8192 MiB left out for both: a tool without a valid run there, section "Failed runs") |' "${TMP}/report.md"
check 'with no size that both tools have, the growth row says so and names no size as compared' \
	eval 'grep -qF "(memory filled; no size with a valid run of both tools; 8192 MiB left out for both: a tool without a valid run there, section \"Failed runs\") |" "${TMP}/nopair.md" &&
		! grep -qF "8192 MiB of RAM;" "${TMP}/nopair.md"'
check 'and so does the growth row of its scaling table' \
	grep -qF '| growth per GiB (no size with a valid run of both tools; 8192 MiB left out for both: a tool without a valid run there, section "Failed runs") |' "${TMP}/nopair.md"
check 'the growth row of the scaling table names the same sizes' \
	grep -qF '| growth per GiB (1024/2048/4096 MiB; 8192 MiB left out for both: a tool without a valid run there, section "Failed runs") | 1.00 s /' "${TMP}/report.md"
check 'the scaling table has the failed size as -' \
	grep -qF '| 8 GiB | 14.0 s / 11.0 s / 68.0 MiB | - | 9.0 s / 6.0 s / 68.0 MiB |' "${TMP}/report.md"
check 'a second crash CPU that saves a third is worth it' \
	grep -qF 'A second crash CPU: at 8 GiB it saves 5.0 s of 14.0 s (36 %): worth using' "${TMP}/report.md"
check "a search at 8 GiB runs the disk with that memory, filled, under its own label" \
	has_line "${RES}/bisect.tsv" 'kdump-tools, 8 GiB filled' 160M first failed OOM
check 'and is seeded with the scaling run that hung at 384M' \
	has_line "${RES}/info.tsv" 'tools-default@8192-seed' '0 valid and 2 failed timed runs at 384M'
check 'its smallest size is kept under the memory size' \
	has_line "${RES}/results.tsv" kdump-tools/default/mem8192/smallest-crashkernel-mib 176
check 'the crash memory growth per GiB: 16/7 MiB for ours, 48/7 for kdump-tools, met' \
	grep -qE '^\| #18 \| smallest working crashkernel= grows per GiB .*\| 2\.3 MiB/GiB \| 6\.9 MiB/GiB \| met \|$' "${TMP}/report.md"
check 'the scaling table has the smallest sizes, two crash CPUs too' \
	grep -qF '| smallest crashkernel= at 8 GiB | 112M | 176M | 128M |' "${TMP}/report.md"
check 'a two-CPU run where makedumpfile had no memory for its threads is not counted as two-CPU' \
	eval 'has_line "${RES}/bisect.tsv" "kdump-snp, 2 crash CPUs, 8 GiB filled" 112M first failed \
		"makedumpfile ran on one thread (\"There isn'"'"'t enough memory for multi-threads\"): saved, but not a capture on two CPUs"'
check 'and one crash CPU only at 1 GiB' \
	grep -qF '| smallest crashkernel= at 1 GiB | 96M | 128M |  |' "${TMP}/report.md"
check "the second crash CPU's extra memory is the difference of the searches" \
	grep -qF 'Its extra crash memory: at 8 GiB the smallest crashkernel= is 128M against 112M with one (+16 MiB).' "${TMP}/report.md"
check 'without that search it is not measured' \
	grep -qF 'Its extra crash memory: not measured in this run' "${TMP}/nosearch.md"
check 'arming without a udev wait: when each tool armed and when the watchdog came, before the panic' \
	grep -qF 'Armed at 62.5 s of uptime against 42.0 s (medians).' "${TMP}/nowait.md"
check 'and the watchdog driver of the first kernel, not the crash kernel' \
	grep -qF '(the hardware watchdog'"'"'s driver came at 32.0 s of uptime), while kdump-tools'"'"' guest boots with initramfs-tools, which loads them before (at 7.9 s)' "${TMP}/nowait.md"
check 'with the same boot initramfs for both, the reason says so' \
	grep -qF 'Both guests boot with the same initramfs-tools image, which loads the drivers before the switch to the root file system (the hardware watchdog'"'"'s driver came at 32.0 s of uptime in ours, 7.9 s in kdump-tools'"'"')' "${TMP}/sameboot.md"
check 'and the run names its boot initramfs' \
	grep -qF -- "- boot initramfs: both tools' guests boot with the kdump-tools guest's initramfs-tools image" "${TMP}/sameboot.md"
check 'a run before that says each its own' \
	grep -qF -- '- boot initramfs: each guest its own' "${TMP}/nowait.md"
check 'ours growing faster misses the target' \
	grep -qE '^\| #18 \| panic to vmcore saved grows per GiB .*\| \*\*missed\*\* \|$' "${TMP}/slower.md"
check 'and says why with the capture and size growth' \
	grep -qF 'Memory scaling: panic to vmcore saved grows by' "${TMP}/slower.md"
check 'the network targets have their section, both tools side by side' \
	grep -qF '| ssh | panic to vmcore saved on the server (s) | 31.50 (1 run) | 58.25 (1 run) |' "${TMP}/net.md"
check 'with the capture and the dump as saved on the server' \
	grep -qF '| ssh | dump as saved on the server (MiB) | 60.0 (1 run) | 70.5 (1 run) |' "${TMP}/net.md"
check 'kdump-snp over nfs has its figure' \
	grep -qF '| nfs | panic to vmcore saved on the server (s) | 29.00 (1 run) | not measured |' "${TMP}/net.md"
check "every figure of kdump-tools' failed nfs run says not measured, none a number" \
	eval '[[ $(grep -cE "^\| nfs \| .* \| not measured \|$" "${TMP}/net.md") == 7 ]]'
check 'the report names the dumps and what read them' \
	grep -qF "| ssh | the dump on the server | var/crash/kdump-guest-2026-12-03-14:40:01/vmcore.flat in root's home on the server | var/crash/kdump-guest-202612031441/dump.202612031441 in root's home on the server |" "${TMP}/net.md"
check "and what kdump-tools ran, its HOSTTAG and the size of its flattened dump rearranged" \
	eval 'grep -qxF -- "- kdump-tools over ssh ran \`makedumpfile -F -c -d 31 /proc/vmcore\`" "${TMP}/net.md" &&
		grep -qxF -- "- kdump-tools over nfs ran: not measured" "${TMP}/net.md" &&
		grep -qF ", and HOSTTAG=hostname;" "${TMP}/net.md" && grep -qF "dump.STAMP (70.0 MiB rearranged)" "${TMP}/net.md"'
check "the failed nfs run is listed with its reason" \
	grep -qF -- '- tools-nfs-run1: failed: no dump directory in / (lost+found)' "${TMP}/net.md"
check 'a run without them says so instead of figures' \
	grep -qF 'Not measured in this run (BENCH_NET=0' "${TMP}/report.md"
check 'the network targets alone: the other targets are not measured, not missed' \
	eval 'grep -qF "Not measured in this run (BENCH_NET_ONLY=1" "${TMP}/netonly.md" &&
		! grep -qF "**missed**" "${TMP}/netonly.md" && ! grep -qF "## Figures at each" "${TMP}/netonly.md" &&
		grep -qF "| ssh | panic to vmcore saved on the server (s) | 31.50 (1 run) | 58.25 (1 run) |" "${TMP}/netonly.md"'
check "kdump-snp's dump over ssh is its vmcore.flat, with the collector it ran" \
	eval '[[ $(found find_dump_snp_dir "${SRV}/snp") == "${SRV}/snp/kdump-guest-2026-12-03-14:40:01/vmcore.flat|makedumpfile -z -d 31 --message-level 7|" ]]'
check "kdump-tools' is dump.STAMP in its directory, named by the host or its address" \
	eval '[[ $(found find_dump_tools_dir "${SRV}/kt") == "${SRV}/kt/kdump-guest-202612031441/dump.202612031441||" ]] &&
		[[ $(found find_dump_tools_dir "${SRV}/kt-ip") == "${SRV}/kt-ip/10.0.2.15-202612031441/dump.202612031441||" ]]'
check "a copy of /proc/vmcore after a failed makedumpfile is no dump" \
	eval '[[ $(found find_dump_tools_dir "${SRV}/kt-raw") == "||kdump-guest-202612031441 has vmcore.202612031441: makedumpfile failed and kdump-config copied /proc/vmcore whole" ]]'
check "kdump-tools' ssh settings: the server, our key, root's home/var/crash, HOSTTAG without ip(8)" \
	eval 'tail -n 4 "${TMP}/kt-ssh.defaults" | tr "\n" " " | grep -qxF "SSH=\"root@${SSH_SERVER}\" SSH_KEY=\"/root/.ssh/kdump_id_ed25519\" KDUMP_COREDIR=\"/root/var/crash\" HOSTTAG=\"hostname\" " &&
		head -n 2 "${TMP}/kt-ssh.defaults" | grep -qx "#SSH=\"\""'
check "its nfs settings keep HOSTTAG's default where the guest has ip(8)" \
	eval 'tail -n 1 "${TMP}/kt-nfs.defaults" | grep -qxF "NFS=\"${NFS_SERVER_ADDR}:/srv\""'
if [[ ${failed} != 0 ]]; then
	printf 'bisect output:\n'
	sed 's/^/    /' "${TMP}/bisect.out"
	printf 'bisect.tsv:\n'
	sed 's/^/    /' "${RES}/bisect.tsv"
fi

printf '%d passed, %d failed, 0 skipped\n' "${passed}" "${failed}"
[[ ${failed} == 0 ]]
