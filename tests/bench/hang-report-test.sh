#!/bin/bash
# make check: what make bench and make check-vm learn from a guest that
# hung (tests/vm/lib.sh: vm_monitor, vm_hang_report, vm_monitor_socket),
# against a fake QEMU monitor on a UNIX socket: every question in one
# connection, the registers' RIP, CPL and HLT read off the answers, SysRq t
# and an NMI only when asked for, and a monitor that is missing or goes
# away mid-way (QEMU ended) costs nothing but the answers.
# The cases call their helpers in conditions (fake_monitor, needs_python,
# the checks): each reports its own failure through fail, none relies on
# set -e inside (SC2310). Substitutions inside messages only fill the
# message, and the compared values are checked where used (SC2312).
# shellcheck disable=SC2310,SC2312
set -euo pipefail

: "${top_srcdir:?run through make check}"

# TMP, fail, skip, expect_*, t and finish
# shellcheck source=tests/cli/lib.sh
. "${top_srcdir}/tests/cli/lib.sh"
# shellcheck source=tests/vm/lib.sh
. "${top_srcdir}/tests/vm/lib.sh"
# the waits meant for a real guest's serial log, a tenth of them
VM_HANG_PACE=0.1

# fake_monitor SOCKET LOG [ANSWERS]: a QEMU monitor at SOCKET that logs
# "CONNECTION: COMMAND" into LOG for each command and answers info
# registers as QEMU 10 does (RIP ffffffff8100000N, CPL 0 then 3, HLT 1),
# closing the connection after ANSWERS answers (default: never)
fake_monitor() {
	python3 - "$@" <<-'PY' &
	import os, socket, sys
	path, log = sys.argv[1], sys.argv[2]
	limit = int(sys.argv[3]) if len(sys.argv) > 3 else -1
	srv = socket.socket(socket.AF_UNIX)
	srv.bind(path)
	srv.listen(4)
	conn_no = answers = 0
	while True:
	    c, _ = srv.accept()
	    conn_no += 1
	    c.sendall(b"QEMU 10.0.2 monitor - type 'help' for more information\r\n(qemu) ")
	    buf = b""
	    while True:
	        d = c.recv(4096)
	        if not d:
	            break
	        buf += d
	        while b"\n" in buf:
	            line, buf = buf.split(b"\n", 1)
	            cmd = line.decode().strip()
	            with open(log, "a") as f:
	                f.write("%d: %s\n" % (conn_no, cmd))
	            if cmd == "info registers":
	                answers += 1
	                c.sendall(("RAX=0000000000000000 RBX=0000000000000001\r\n"
	                           "RIP=ffffffff8100000%d RFL=00000246 [---Z-P-] CPL=%d II=0 A20=1 SMM=0 HLT=1\r\n"
	                           "ES =0000 0000000000000000 ffffffff 00c00000\r\n(qemu) "
	                           % (answers, 0 if answers < 3 else 3)).encode())
	            else:
	                c.sendall(b"(qemu) ")
	            if answers == limit:
	                c.close()
	                sys.exit(0)
	    c.close()
	PY
	fake_pid=$!
	local i
	for i in $(seq 50); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

stop_monitor() {
	kill "${fake_pid}" 2>/dev/null || true
	wait "${fake_pid}" 2>/dev/null || true
}

needs_python() {
	command -v python3 >/dev/null 2>&1 || { skip "python3 is missing (the monitor client is python3)"; return 1; }
}

case_registers() {
	needs_python || return 0
	local sock=${TMP}/r.mon log=${TMP}/r.log
	rm -f -- "${sock}" "${log}"
	fake_monitor "${sock}" "${log}" || { fail "the fake monitor did not start"; return 1; }
	vm_hang_report "${sock}" "${TMP}/r.regs"
	stop_monitor
	[ "${VM_HANG_WHERE}" = "RIP=ffffffff81000001 CPL=0 HLT=1,RIP=ffffffff81000002 CPL=0 HLT=1,RIP=ffffffff81000003 CPL=3 HLT=1" ] ||
		fail "VM_HANG_WHERE: ${VM_HANG_WHERE}"
	cp -- "${log}" "${TMP}/out"
	expect_line out "1: info registers"
	[ "$(wc -l <"${log}")" = 3 ] || fail "the monitor got $(wc -l <"${log}") commands, not 3: $(tr '\n' ' ' <"${log}")"
	grep -v '^1: ' "${log}" >/dev/null && fail "more than one connection: $(tr '\n' ' ' <"${log}")"
	cp -- "${TMP}/r.regs" "${TMP}/out"
	expect_in out "RIP=ffffffff81000003 RFL=00000246 [---Z-P-] CPL=3"
	expect_not_in out "sysrq"
	return 0
}

case_full() {
	needs_python || return 0
	local sock=${TMP}/f.mon log=${TMP}/f.log
	rm -f -- "${sock}" "${log}"
	fake_monitor "${sock}" "${log}" || { fail "the fake monitor did not start"; return 1; }
	vm_hang_report "${sock}" "${TMP}/f.regs" full
	stop_monitor
	printf '1: info registers\n1: info registers\n1: info registers\n1: sendkey alt-sysrq-t\n1: nmi\n' >"${TMP}/want"
	diff -u "${TMP}/want" "${log}" >"${TMP}/diff" || fail "the commands: $(cat "${TMP}/diff")"
	[ -n "${VM_HANG_WHERE}" ] || fail "VM_HANG_WHERE is empty"
	return 0
}

# QEMU ended after the first answer: the one answer is kept, no error
case_monitor_gone() {
	needs_python || return 0
	local sock=${TMP}/g.mon log=${TMP}/g.log status=0
	rm -f -- "${sock}" "${log}"
	fake_monitor "${sock}" "${log}" 1 || { fail "the fake monitor did not start"; return 1; }
	vm_hang_report "${sock}" "${TMP}/g.regs" full || status=$?
	stop_monitor
	[ "${status}" = 0 ] || fail "vm_hang_report returned ${status}"
	[ "${VM_HANG_WHERE}" = "RIP=ffffffff81000001 CPL=0 HLT=1" ] || fail "VM_HANG_WHERE: ${VM_HANG_WHERE}"
	return 0
}

case_no_socket() {
	local status=0
	VM_HANG_WHERE=stale
	vm_hang_report "${TMP}/none.mon" "${TMP}/n.regs" full || status=$?
	[ "${status}" = 0 ] || fail "vm_hang_report returned ${status}"
	[ -z "${VM_HANG_WHERE}" ] || fail "VM_HANG_WHERE: ${VM_HANG_WHERE}"
	[ ! -e "${TMP}/n.regs" ] || fail "a register file without a monitor"
	return 0
}

# the socket's path fits a UNIX socket whatever the work folder, and goes
case_socket_path() {
	needs_python || return 0
	local sock
	sock=$(vm_monitor_socket)
	[ -n "${sock}" ] || { fail "no socket path"; return 1; }
	[ "${#sock}" -le 107 ] || fail "the path has ${#sock} bytes: ${sock}"
	[ -d "$(dirname -- "${sock}")" ] || fail "no folder for ${sock}"
	vm_monitor_done "${sock}"
	[ ! -e "$(dirname -- "${sock}")" ] || fail "$(dirname -- "${sock}") is left"
	return 0
}

# a killed run's folder: the next run removes it once it is a day old,
# and leaves a younger one (a guest of another run may still use it)
case_stale_folders() {
	needs_python || return 0
	local old young sock
	old=$(mktemp -d /tmp/kdump-snp-mon.XXXXXX)
	young=$(mktemp -d /tmp/kdump-snp-mon.XXXXXX)
	: >"${old}/qemu.mon"
	touch -d '25 hours ago' "${old}"
	touch -d '23 hours ago' "${young}"
	sock=$(vm_monitor_socket)
	[ ! -e "${old}" ] || fail "the day-old ${old} is left"
	[ -d "${young}" ] || fail "the younger ${young} was removed"
	rm -rf -- "${old}" "${young}"
	vm_monitor_done "${sock}"
	return 0
}

t "registers three times in one connection: RIP, CPL, HLT" case_registers
t "full: then SysRq t and an NMI, in that order" case_full
t "a monitor that goes away mid-way: the answers so far" case_monitor_gone
t "no monitor socket: nothing asked, nothing said" case_no_socket
t "the socket's path is short and removed after" case_socket_path
t "a killed run's monitor folder: removed by the next run after a day" case_stale_folders
finish
