# shellcheck shell=bash
# Shared by kernel/build-test-kernel and kernel/check-build. Source it; it
# defines functions and variables only.
# The command substitutions fill messages or compared values, where a
# failure shows; the series file is checked before sed reads it (SC2312).
# shellcheck disable=SC2312

KERNEL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PATCH_DIR=$KERNEL_DIR/patches
FRAGMENT=$KERNEL_DIR/config/kdump-test.config
# the cache root shared with tests/vm and tests/qemu; ours is its kernel/
CACHE=${KDUMP_SNP_CACHE:-/var/cache/kdump-snp}/kernel
TARBALL=/usr/src/linux-source-6.12.tar.xz
JOBS=${KDUMP_SNP_JOBS:-$(nproc)}
# One build directory for every bzImage built from the tree: check-build's
# patch-by-patch builds and build-test-kernel's patched and stock kernels.
# They share one config and differ only in the files the series touches,
# which reset_tree and apply_patch rewrite, so switching variants
# recompiles those few objects instead of the whole kernel.
# shellcheck disable=SC2034 # used by the scripts that source this file
TREE_BUILD=$CACHE/build/tree
START_TIME=${START_TIME:-$(date +%s)}
PROG=${PROG:-$(basename "$0")}

elapsed() {
	local s=$(($(date +%s) - START_TIME))
	printf '%d:%02d' $((s / 60)) $((s % 60))
}

# Progress and diagnostics go to stderr; stdout is for results.
log() { echo "$PROG [$(elapsed)]: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Serialise everything that touches the shared source tree and build dirs.
take_lock() {
	mkdir -p "$CACHE"
	exec 9>"$CACHE/.lock"
	if ! flock -n 9; then
		log "waiting for another build using $CACHE"
		flock 9
	fi
}

# The patches named in patches/series, in order, as absolute paths.
series_patches() {
	local p
	[ -f "$PATCH_DIR/series" ] || die "no $PATCH_DIR/series"
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$PATCH_DIR/series" |
		while read -r p; do
			[ -n "$p" ] || continue
			[ -f "$PATCH_DIR/$p" ] || die "series names missing patch $p"
			echo "$PATCH_DIR/$p"
		done
}

# Version of the installed (or extracted) linux-source-6.12.
source_version() {
	if [ -f "$TARBALL.version" ]; then
		cat "$TARBALL.version"
	else
		dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null
	fi
}

ensure_tarball() {
	if [ ! -f "$TARBALL" ]; then
		log "linux-source-6.12 missing; installing it from trixie"
		"$KERNEL_DIR/install-source" >/dev/null || die "cannot install linux-source-6.12"
	fi
	SRC_VERSION=$(source_version)
	[ -n "$SRC_VERSION" ] || die "cannot tell the version of $TARBALL"
}

# Unpacks the tarball once into a git repository whose tag "pristine" is
# the untouched tree; sets SRC.
ensure_tree() {
	ensure_tarball
	SRC=$CACHE/src/linux-$SRC_VERSION
	if [ -d "$SRC/.git" ] && git -C "$SRC" rev-parse -q --verify pristine >/dev/null; then
		return 0
	fi
	log "unpacking linux-source $SRC_VERSION into $SRC"
	rm -rf "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	tar -xJf "$TARBALL" -C "$SRC.tmp" --strip-components=1 ||
		die "cannot unpack $TARBALL"
	(
		cd "$SRC.tmp" &&
		git init -q &&
		# Debian's .gitignore hides the whole top level: add with -f.
		git add -A -f &&
		git -c user.name=kdump-snp -c user.email=kdump-snp@localhost \
			commit -q -m "linux-source-6.12 $SRC_VERSION (pristine)" &&
		git tag pristine
	) || die "cannot record the pristine tree"
	rm -rf "$SRC"
	mv "$SRC.tmp" "$SRC"
}

# Resets the tree to pristine. Files that differ are rewritten, so their
# mtime moves forward and make rebuilds what depends on them.
reset_tree() {
	if ! git -C "$SRC" checkout -q -f --detach pristine ||
		! git -C "$SRC" clean -q -f -d -x; then
		die "cannot reset $SRC to pristine"
	fi
}

# apply_patch FILE: applies one patch to the working tree (no fuzz).
apply_patch() {
	git -C "$SRC" apply --whitespace=nowarn "$1"
}

# configure BUILD_DIR: tinyconfig + fragment + olddefconfig, then checks
# that every option the fragment asks for survived.
# A build dir configured from the same fragment is only refreshed with
# olddefconfig, so an unchanged config never triggers a rebuild.
configure() {
	local b=$1 stamp sum
	stamp=$b/.kdump-snp-fragment.sha256
	sum=$(sha256sum <"$FRAGMENT" | cut -d' ' -f1)
	mkdir -p "$b"
	if [ ! -f "$b/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
		rm -f "$stamp"
		make -s -C "$SRC" O="$b" tinyconfig >/dev/null 2>&1 ||
			die "make tinyconfig failed"
		"$SRC/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" "$FRAGMENT" >/dev/null 2>&1 ||
			die "merging $FRAGMENT failed"
	fi
	make -s -C "$SRC" O="$b" olddefconfig >/dev/null 2>&1 ||
		die "make olddefconfig failed"
	echo "$sum" >"$stamp"
	"$KERNEL_DIR/check-config" "$FRAGMENT" "$b/.config" >&2 ||
		die "the fragment did not survive olddefconfig (see above)"
}

# kmake BUILD_DIR LOGFILE TARGET...: a niced parallel build, output to
# LOGFILE, with a progress line every 30 s on stderr.
kmake() {
	local b=$1 logf=$2 pid rc n
	shift 2
	nice -n 10 make -C "$SRC" O="$b" -j"$JOBS" "$@" >"$logf" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		for _ in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		if kill -0 "$pid" 2>/dev/null; then
			n=$(grep -c '^  CC ' "$logf" || true)
			log "  ... make $* ($n files compiled so far)"
		fi
	done
	wait "$pid"
	rc=$?
	return "$rc"
}
