#!/bin/bash
# kdumpctl started with fds 0-2 closed, as a service or /init can be:
# files it opens must not take the place of stdin, stdout or stderr.
# The dump is the test: with stdout closed, the output file became fd 1 and
# `core_collector cat` wrote an empty vmcore ("cat: standard output: Bad
# file descriptor").
# shellcheck disable=SC2154 # top_srcdir, top_builddir: set by make check
# shellcheck source=tests/cli/lib.sh
. "${top_srcdir}/tests/cli/lib.sh"

# shellcheck disable=SC2154
KDUMPCTL=${top_builddir}/kdumpctl/kdumpctl

# le BYTES VALUE: VALUE as a BYTES-byte little-endian integer
le() {
	local i v=$2
	for ((i = 0; i < $1; i++)); do
		# shellcheck disable=SC2059 # the format is the escape being built
		printf "\\x$(printf %02x $((v & 255)))"
		v=$((v >> 8))
	done
}

# an x86_64 ELF core: the header, one PT_LOAD of 4 KiB, its contents
make_core() {
	{
		printf '\177ELF\002\001\001'
		le 9 0
		le 2 4 && le 2 62 && le 4 1 # ET_CORE, EM_X86_64, EV_CURRENT
		le 8 0 && le 8 64 && le 8 0 # entry, phoff, shoff
		le 4 0 && le 2 64 && le 2 56 && le 2 1 && le 2 0 && le 2 0 && le 2 0
		le 4 1 && le 4 7 && le 8 120 # PT_LOAD, RWX, offset
		le 8 0 && le 8 0 && le 8 4096 && le 8 4096 && le 8 4096
		head -c 4096 /dev/urandom
	} >"$1"
}

make_core "${TMP}/vmcore"
printf 'path /\ncore_collector cat\n' >"${TMP}/kdump.conf"

# save_closed REDIRECTIONS...: kdumpctl save to $TMP/target/<dir>/ with
# the given descriptors closed; sets rc and D (the dump directory)
save_closed() {
	rm -rf "${TMP}/target"
	mkdir "${TMP}/target"
	case $1 in
	stdout) "${KDUMPCTL}" --config="${TMP}/kdump.conf" --defaults=/dev/null save \
		--vmcore="${TMP}/vmcore" --target="${TMP}/target" >&- 2>"${TMP}/err" ;;
	all) "${KDUMPCTL}" --config="${TMP}/kdump.conf" --defaults=/dev/null save \
		--vmcore="${TMP}/vmcore" --target="${TMP}/target" <&- >&- 2>&- ;;
	*) return 1 ;;
	esac
	# shellcheck disable=SC2034 # rc is read by expect_rc (lib.sh)
	rc=$?
	D=$(find "${TMP}/target" -mindepth 1 -maxdepth 1 -type d)
}

expect_whole_vmcore() {
	[[ -f "${D}/vmcore" ]] || fail "no vmcore in '${D}': $(ls "${D}" 2>&1 || true)"
	cmp -s "${TMP}/vmcore" "${D}/vmcore" || fail "the vmcore differs from the dump"
}

case_save_with_stdout_closed() {
	save_closed stdout
	expect_rc 0 &&
	expect_whole_vmcore &&
	expect_not_in err "Bad file descriptor"
}

case_save_with_stdio_closed() {
	save_closed all
	expect_rc 0 && expect_whole_vmcore
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "${f}"
done
finish
