#!/bin/bash
# kdumpctl reset-crashkernel over copies of the fixture roots: the GRUB
# snippet it writes, what it keeps (a size the admin set, in the snippet or
# elsewhere in GRUB's configuration), and update-grub, replaced by a
# script that logs its runs. The checks are chained as
# 'check && check || fail MESSAGE' (SC2015); substitutions inside checks
# only change what is compared (SC2312). The GRUB lines are written
# literally, $GRUB_CMDLINE_LINUX_DEFAULT included, for grub_cmdline to
# source as grub-mkconfig does (SC2016, SC2154); that subshell changes no
# variable of the script (SC2031).
# shellcheck source=tests/cli/lib.sh disable=SC2015,SC2312,SC2016,SC2154,SC2031
. "${top_srcdir:?run through make}/tests/cli/lib.sh"

# shellcheck source=tests/cli/host-root.sh
. "$top_srcdir/tests/cli/host-root.sh"

# host: a writable copy of the amd-iommu fixture with 62.5 GiB of RAM, a
# kernel image, and an update-grub that logs its runs
host() {
	host_root amd-iommu
	printf 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX=""\n' >"$R/etc/default/grub"
	fake_update_grub
}

# estimate_value: the size `kdumpctl estimate` recommends
estimate_value() {
	"$KDUMPCTL" --config="$R/etc/kdump.conf" --defaults="$R/etc/default/kdump" estimate |
		sed -n 's/^Recommended: crashkernel=\([0-9]*M\).*/\1/p'
}

# grub_cmdline: GRUB_CMDLINE_LINUX_DEFAULT as grub-mkconfig leaves it after
# sourcing /etc/default/grub and the grub.d snippets in name order
grub_cmdline() {
	(
		# shellcheck disable=SC1090,SC1091 # the files under test
		. "$R/etc/default/grub"
		for f in "$R"/etc/default/grub.d/*.cfg; do
			# shellcheck disable=SC1090
			[ ! -e "$f" ] || . "$f"
		done
		printf '%s\n' "$GRUB_CMDLINE_LINUX_DEFAULT"
	)
}

case_writes_the_estimate() {
	host
	local want
	want=$(estimate_value)
	[ -n "$want" ] || fail "estimate printed no recommendation" || return
	kdumpctl reset-crashkernel
	expect_rc 0 &&
	expect_in out "$SNIPPET: crashkernel=$want (the estimate); it takes effect at the next boot" &&
	expect_in err "running $R/update-grub" && grub_runs 1 &&
	grep -qx "# kdump-snp-crashkernel: auto $want" "$S" &&
	[ "$(stat -c %a "$S")" = 644 ] || fail "snippet: $(cat "$S" 2>&1)" || return
	[ "$(grub_cmdline)" = "quiet crashkernel=$want" ] || fail "GRUB would pass: $(grub_cmdline)"
}

case_unchanged_estimate_is_left_alone() {
	host
	kdumpctl reset-crashkernel
	cp "$S" "$TMP/before"
	kdumpctl reset-crashkernel
	expect_rc 0 && expect_in out "unchanged" && grub_runs 1 && cmp -s "$S" "$TMP/before" ||
		fail "second run changed something"
}

case_estimate_follows_the_host() {
	host
	kdumpctl reset-crashkernel
	local before after
	before=$(sed -n 's/^# kdump-snp-crashkernel: auto //p' "$S")
	printf 'MemTotal:       1048576000 kB\n' >"$R/proc/meminfo"
	after=$(estimate_value)
	[ "$before" != "$after" ] || fail "the estimate did not change with 1 TB of RAM" || return
	kdumpctl reset-crashkernel
	expect_rc 0 && grub_runs 2 && grep -qx "# kdump-snp-crashkernel: auto $after" "$S" ||
		fail "snippet: $(cat "$S")"
}

case_hand_edited_size_is_kept() {
	host
	kdumpctl reset-crashkernel
	sed -i 's/crashkernel=[0-9]*M"/crashkernel=999M"/' "$S"
	cp "$S" "$TMP/edited"
	printf 'MemTotal:       1048576000 kB\n' >"$R/proc/meminfo"
	kdumpctl reset-crashkernel
	expect_rc 0 && expect_in out "crashkernel= edited by hand; kept" && grub_runs 1 &&
		cmp -s "$S" "$TMP/edited" || fail "the edited snippet was rewritten: $(cat "$S")"
}

case_snippet_written_by_the_admin_is_kept() {
	host
	mkdir -p "${S%/*}"
	printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=1G"\n' >"$S"
	cp "$S" "$TMP/mine"
	kdumpctl reset-crashkernel
	expect_rc 0 && expect_in out "edited by hand; kept" && grub_runs 0 && cmp -s "$S" "$TMP/mine"
}

case_size_is_kept_until_auto() {
	host
	kdumpctl reset-crashkernel --size=512M
	expect_rc 0 && expect_in out "crashkernel=512M (set with --size)" && grub_runs 1 &&
		grep -qx '# kdump-snp-crashkernel: size 512M' "$S" || return
	kdumpctl reset-crashkernel
	expect_rc 0 && expect_in out "set with --size, 512M; kept" && grub_runs 1 || return
	[ "$(grub_cmdline)" = "quiet crashkernel=512M" ] || fail "GRUB would pass: $(grub_cmdline)" || return
	kdumpctl reset-crashkernel --size=auto
	expect_rc 0 && expect_in out "(the estimate)" && grub_runs 2 &&
		grep -q '^# kdump-snp-crashkernel: auto ' "$S"
}

case_size_overrides_a_hand_edit() {
	host
	kdumpctl reset-crashkernel
	sed -i 's/crashkernel=[0-9]*M"/crashkernel=999M"/' "$S"
	kdumpctl reset-crashkernel --size=1G-4G:192M,4G-:384M
	expect_rc 0 && grub_runs 2 &&
		[ "$(grub_cmdline)" = "quiet crashkernel=1G-4G:192M,4G-:384M" ] || fail "GRUB would pass: $(grub_cmdline)"
}

case_set_in_etc_default_grub_is_kept() {
	host
	sed -i 's/^GRUB_CMDLINE_LINUX=""/GRUB_CMDLINE_LINUX="crashkernel=768M"/' "$R/etc/default/grub"
	kdumpctl reset-crashkernel
	expect_rc 0 && expect_in out "crashkernel= is set in /etc/default/grub:3 (crashkernel=768M); kept" &&
		grub_runs 0 && [ ! -e "$S" ] || fail "a snippet was written beside the admin's crashkernel="
}

case_set_elsewhere_removes_our_estimate() {
	host
	kdumpctl reset-crashkernel
	printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=2G"\n' >"$R/etc/default/grub.d/50-local.cfg"
	kdumpctl reset-crashkernel
	expect_rc 0 && expect_in out "crashkernel= is set in /etc/default/grub.d/50-local.cfg:1 (crashkernel=2G); removed $SNIPPET" &&
		grub_runs 2 && [ ! -e "$S" ] || return
	[ "$(grub_cmdline)" = "quiet crashkernel=2G" ] || fail "GRUB would pass: $(grub_cmdline)"
}

case_size_refused_when_set_elsewhere() {
	host
	mkdir -p "$R/etc/default/grub.d"
	printf '# the admin\n\nGRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX crashkernel=2G"\n' >"$R/etc/default/grub.d/50-local.cfg"
	kdumpctl reset-crashkernel --size=512M
	expect_rc 1 && expect_in err "/etc/default/grub.d/50-local.cfg:3 sets crashkernel=2G: change it there" &&
		grub_runs 0 && [ ! -e "$S" ]
}

case_comments_and_kdump_tools_do_not_count() {
	host
	printf '# GRUB_CMDLINE_LINUX="crashkernel=2G"\n' >>"$R/etc/default/grub"
	mkdir -p "$R/etc/default/grub.d"
	printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=512M-:192M"\n' >"$R/etc/default/grub.d/kdump-tools.cfg"
	kdumpctl reset-crashkernel
	expect_rc 0 && expect_in out "(the estimate)" && grub_runs 1 || return
	# ours is sourced after kdump-tools', and the kernel takes the last
	grub_cmdline | grep -qE '^quiet crashkernel=512M-:192M crashkernel=[0-9]+M$' ||
		fail "GRUB would pass: $(grub_cmdline)"
}

case_bad_size() {
	host
	kdumpctl reset-crashkernel --size=lots
	expect_rc 1 && expect_in err "--size=lots: not a crashkernel= value" && [ ! -e "$S" ] || return
	kdumpctl reset-crashkernel --size='1G;reboot'
	expect_rc 1 && [ ! -e "$S" ] || return
	kdumpctl estimate --size=1G
	expect_rc 2 && expect_in err "--size does not apply to estimate"
}

case_without_grub() {
	host
	unset KDUMP_SNP_UPDATE_GRUB
	kdumpctl reset-crashkernel
	expect_rc 0 && expect_in err "update-grub was not found" &&
		expect_in err "systemd-boot: /etc/kernel/cmdline" && [ -e "$S" ] && grub_runs 0
}

case_update_grub_fails() {
	host
	FAKE_UPDATE_GRUB_RC=3 kdumpctl reset-crashkernel
	expect_rc 1 && expect_in err "update-grub failed (exit status 3)" && [ -e "$S" ]
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "$f"
done
finish
