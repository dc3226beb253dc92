#!/bin/bash
# Is the package installable the way a Debian user installs it? In a
# minimal chroot of a Debian release (debootstrap --variant=minbase; trixie,
# Debian 13, by default), `apt-get install --no-install-recommends
# ./kdump-snp_*.deb` must resolve every dependency from that release's
# archive and install them with the package, and the installed
# `kdumpctl --version` and `kexec --version` must run there and name the
# package's version.
#
# Usage: tests/deb/install-chroot.sh [--suite SUITE] DEB
#   --suite SUITE  the release to install into (default trixie)
#   DEB            the package (make deb, tests/build-deb)
#
# The chroot's apt source is the host's own archive entry with only its
# Suites line changed to SUITE (tests/derive-sources): the first deb822
# stanza of /etc/apt/sources.list.d/debian.sources (KDUMP_SNP_APT_SOURCES)
# that lists this release's own suite; debootstrap gets that stanza's first
# URI.
#
# Cache: the debootstrapped chroot with its package lists, in
# $KDUMP_SNP_CACHE/deb-install/SUITE-<key>/root (KDUMP_SNP_CACHE default
# /var/cache/kdump-snp), keyed by SUITE, the derived stanza and FORMAT
# below; the packages apt downloads, in $KDUMP_SNP_CACHE/deb-install/
# archives-SUITE (bind-mounted as the chroot's apt archive folder). Both
# under the lock $KDUMP_SNP_CACHE/deb-install/.lock. Every run works in a
# copy of the cached chroot, which stays as debootstrap and apt-get update
# left it; the copy's lists are updated first (the archive moves on).
#
# Prints one PASS or FAIL line per check, the phases' seconds, and
# "N passed, N failed" last. Needs root, debootstrap and the archive.
# shellcheck disable=SC2312 # substitutions fill messages and compared text; values that decide are checked where used
# shellcheck disable=SC2310 # vm_run_heartbeat and in_chroot, used in conditions, return their status explicitly
# shellcheck disable=SC2016 # dpkg-query formats are single-quoted on purpose
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/lib.sh
. "$here/../vm/lib.sh"

# Bump when the cached chroot is made differently (part of the key).
FORMAT=1
SOURCES=${KDUMP_SNP_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}

suite=trixie
while [[ $# -gt 0 ]]; do
	case $1 in
	--suite)
		[[ $# -ge 2 ]] || vm_die "install-chroot: --suite needs a release name"
		suite=$2
		shift 2
		;;
	-h | --help)
		sed -n '2,/^# shellcheck/{/^# shellcheck/d;s/^# \{0,1\}//;p}' "$0"
		exit 0
		;;
	-*) vm_die "install-chroot: unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
[[ $# -eq 1 ]] || vm_die "usage: $0 [--suite SUITE] DEB"
deb=$1
[[ -f "$deb" ]] || vm_die "install-chroot: $deb: no such file"
[[ "$suite" =~ ^[a-z]+$ ]] || vm_die "install-chroot: --suite '$suite': not a release code name"
[[ "$(id -u)" == 0 ]] || vm_die "install-chroot: needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null 2>&1 || vm_die "install-chroot: debootstrap is missing (tests/install-deps installs it)"
version=$(dpkg-deb -f "$deb" Version)
pkg=$(dpkg-deb -f "$deb" Package)

total_start=$(vm_now)
passed=0
failed=0
pass() {
	vm_say "PASS $*"
	passed=$((passed + 1))
}
fail() {
	vm_say "FAIL $*"
	failed=$((failed + 1))
}
phase() {
	vm_say "  phase $1: $2s"
}

# ---- the apt source -------------------------------------------------------

# derive_stanza FILE SUITE: FILE's stanza of this release's own suite, its
# Suites line set to SUITE (tests/derive-sources)
derive_stanza() {
	KDUMP_SNP_APT_SOURCES=$1 "$here/../derive-sources" "$2"
}

[[ -r "$SOURCES" ]] || vm_die "install-chroot: no $SOURCES to derive the $suite source from (set KDUMP_SNP_APT_SOURCES)"
stanza=$(derive_stanza "$SOURCES" "$suite")
grep -qx "Suites: $suite" <<<"$stanza" ||
	vm_die "install-chroot: $SOURCES has no stanza for the main Debian archive to derive $suite's from"
mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' <<<"$stanza")
[[ -n "$mirror" ]] || vm_die "install-chroot: the stanza derived from $SOURCES has no URIs"
vm_say "install-chroot: $pkg $version into a minimal $suite chroot; apt source:"
printf '    %s\n' "${stanza//$'\n'/$'\n'    }"

# ---- the cached chroot ------------------------------------------------------

cache=$VM_CACHE/deb-install
key=$(vm_sha256_str "format=$FORMAT suite=$suite stanza=$stanza")
base=$cache/$suite-$key
archives=$cache/archives-$suite
mkdir -p -- "$cache" "$archives/partial"

MOUNTS=()
work=
cleanup() {
	local i
	vm_heartbeat_kill
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" 2>/dev/null || true
	done
	MOUNTS=()
	[[ -n "$work" ]] || return 0
	# the archive folder is a bind mount of the same file system, which
	# --one-file-system would not stop at: never remove a tree that still
	# has a mount below it
	if awk -v d="$work/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		vm_say "install-chroot: WARNING: $work still has mounts; not removing it"
		return 0
	fi
	rm -rf --one-file-system -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# in_chroot ROOT LABEL LOG CMD...: CMD in ROOT with apt's environment
in_chroot() {
	local root=$1 label=$2 log=$3
	shift 3
	vm_run_heartbeat "$label" "$log" chroot "$root" \
		env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# write_source ROOT: the derived stanza as ROOT's only apt source
write_source() {
	rm -f -- "$1/etc/apt/sources.list"
	printf '%s\n' "$stanza" >"$1/etc/apt/sources.list.d/debian.sources"
	cp -- /etc/resolv.conf "$1/etc/resolv.conf"
}

build_base() {
	local tmp t
	tmp=$(mktemp -d "$cache/.base.XXXXXX")
	work=$tmp
	t=$(vm_now)
	vm_say "install-chroot: debootstrap --variant=minbase $suite $mirror (not cached)"
	vm_run_heartbeat debootstrap "$tmp/debootstrap.log" \
		debootstrap --variant=minbase --components=main "$suite" "$tmp/root" "$mirror" ||
		vm_die "install-chroot: debootstrap failed (log above)"
	write_source "$tmp/root"
	in_chroot "$tmp/root" apt-update "$tmp/apt-update.log" apt-get update -q ||
		vm_die "install-chroot: apt-get update in the new chroot failed (log above)"
	rm -rf -- "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/debootstrap"
	: >"$tmp/root/etc/resolv.conf"
	chroot "$tmp/root" dpkg-query -W -f='${Package} ${Version}\n' >"$tmp/packages.txt"
	rm -rf -- "$base"
	mv -- "$tmp" "$base"
	work=
	phase debootstrap "$(vm_elapsed "$t")"
	vm_say "install-chroot: cached as $base ($(du -sh --one-file-system -- "$base/root" | cut -f1), $(wc -l <"$base/packages.txt") packages)"
}

exec 9>"$cache/.lock"
if ! flock -n 9; then
	vm_say "install-chroot: waiting for another run (lock $cache/.lock)"
	flock 9
fi
find "$cache" -maxdepth 1 -name '.base.*' -mmin +120 -exec rm -rf --one-file-system -- {} + 2>/dev/null || true
if [[ -s "$base/packages.txt" ]]; then
	vm_say "install-chroot: $suite chroot cached ($base)"
else
	build_base
fi
touch -- "$base"
# the two newest chroots of this suite stay
while IFS= read -r old; do
	rm -rf --one-file-system -- "${cache:?}/$old"
done < <(find "$cache" -maxdepth 1 -type d -name "$suite-*" -printf '%T@ %f\n' | sort -rn | tail -n +3 | cut -d' ' -f2-)

# ---- a copy of it, the package installed --------------------------------------

t=$(vm_now)
work=$(mktemp -d "${TMPDIR:-/tmp}/install-chroot.XXXXXX")
root=$work/root
cp -a -- "$base/root" "$root"
phase copy "$(vm_elapsed "$t")"

write_source "$root"
# services do not start in the chroot; `ischroot` (debianutils) tells our
# postinst that this machine's memory is not the target's
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 -- "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
MOUNTS+=("$root/proc")
mount --bind "$archives" "$root/var/cache/apt/archives"
MOUNTS+=("$root/var/cache/apt/archives")
cp -- "$deb" "$root/tmp/"

t=$(vm_now)
in_chroot "$root" apt-update "$work/apt-update.log" apt-get update -q ||
	vm_die "install-chroot: apt-get update in the $suite chroot failed (log above)"
phase apt-update "$(vm_elapsed "$t")"

t=$(vm_now)
# Depends only: they decide whether it installs (a Recommends apt cannot
# meet is skipped), and trixie's dracut-core recommends a storage stack
# (lvm2, cryptsetup, mdadm) that doubles the time
if in_chroot "$root" apt-get "$work/apt-install.log" apt-get install -y -q --no-install-recommends "/tmp/${deb##*/}"; then
	pass "$suite: apt-get install ./${deb##*/} resolved and installed its dependencies from $suite"
else
	fail "$suite: apt-get install ./${deb##*/} (log above)"
fi
phase apt-install "$(vm_elapsed "$t")"
# what apt took from the archive for it
sed -n 's/^Setting up \([^ ]*\) (\([^)]*\)).*/\1=\2/p' "$work/apt-install.log" | grep -v "^$pkg=" |
	tr '\n' ' ' | fold -s -w 100 | sed 's/^/    from '"$suite"': /'
echo

status=$(chroot "$root" dpkg-query -W -f='${Status} ${Version}' "$pkg" 2>/dev/null) || true
if [[ "$status" == "install ok installed $version" ]]; then
	pass "$suite: dpkg says $pkg $version is installed"
else
	fail "$suite: dpkg says '$status' for $pkg, not 'install ok installed $version'"
fi
# the chroot's own database: every dependency of every package is there
if out=$(chroot "$root" apt-get check -qq 2>&1); then
	pass "$suite: apt-get check finds every dependency satisfied"
else
	fail "$suite: apt-get check: $out"
fi

for tool in kdumpctl kexec; do
	out=$(chroot "$root" "/usr/sbin/$tool" --version 2>&1) && rc=0 || rc=$?
	if [[ "$rc" == 0 && "$out" == "$tool (kdump-snp) $version" ]]; then
		pass "$suite: $tool --version: $out"
	else
		fail "$suite: $tool --version exited $rc: $out"
	fi
done
# dracut of that release finds our module (kdumpctl rebuild needs it)
out=$(chroot "$root" dracut --list-modules --no-kernel 2>&1) && rc=0 || rc=$?
if [[ "$rc" == 0 ]] && grep -qx 'kdump-snp' <<<"$out"; then
	pass "$suite: dracut $(chroot "$root" dpkg-query -W -f='${Version}' dracut-core) lists the kdump-snp module"
else
	fail "$suite: dracut --list-modules exited $rc without kdump-snp: $(tail -n 3 <<<"$out" | tr '\n' '|')"
fi

phase total "$(vm_elapsed "$total_start")"
vm_say "$passed passed, $failed failed"
[[ "$failed" == 0 ]]
