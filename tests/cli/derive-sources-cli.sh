#!/bin/bash
# tests/derive-sources: the stanza for another suite of the machine's own
# archive, from fixture sources files: only Suites (and with --deb-src
# Types) changes, the stanza of the release's own suite is the one taken,
# and what cannot be derived is refused naming the file.
# shellcheck disable=SC2154 # top_srcdir: make check; TMP: lib.sh
# shellcheck source=/dev/null # lib.sh, found at run time
. "${top_srcdir}/tests/cli/lib.sh"

DERIVE=${top_srcdir}/tests/derive-sources

# sources NAME: a sources file in the deb822 format of Debian 12's images,
# the security stanza first in "security-first"
sources() {
	local main sec
	main=$'Types: deb\nURIs: http://archive.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg'
	sec=$'Types: deb\nURIs: http://archive.example/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg'
	case $1 in
	plain) printf '%s\n\n%s\n' "${main}" "${sec}" ;;
	security-first) printf '%s\n\n%s\n' "${sec}" "${main}" ;;
	*) return 1 ;;
	esac >"${TMP}/$1.sources"
}

derive() {
	run env KDUMP_SNP_APT_SOURCES="${TMP}/$1.sources" KDUMP_SNP_CODENAME=bookworm "${DERIVE}" "${@:2}"
}

case_only_suites_changes() {
	sources plain
	local want=$'Types: deb\nURIs: http://archive.example/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg'
	derive plain trixie
	expect_rc 0 || return
	printf '%s\n' "${want}" | diff -u - "${TMP}/out" >"${TMP}/diff" || fail "the stanza differs: $(<"${TMP}/diff")"
}

case_deb_src_adds_source_types() {
	sources plain
	derive plain forky --deb-src
	expect_rc 0 && expect_line out "Types: deb deb-src" && expect_line out "Suites: forky"
}

case_the_release_stanza_not_the_first() {
	sources security-first
	derive security-first trixie-backports
	expect_rc 0 && expect_line out "URIs: http://archive.example/debian" &&
		expect_not_in out "debian-security"
}

case_no_stanza_of_the_release() {
	sources plain
	run env KDUMP_SNP_APT_SOURCES="${TMP}/plain.sources" KDUMP_SNP_CODENAME=trixie "${DERIVE}" forky
	expect_rc 1 && expect_in err "${TMP}/plain.sources has no stanza whose Suites lists trixie"
}

case_missing_file_named() {
	derive absent trixie
	expect_rc 1 && expect_in err "no ${TMP}/absent.sources to derive the trixie sources from"
}

case_bad_suite_refused() {
	sources plain
	derive plain 'trixie; rm -rf /'
	expect_rc 1 && expect_in err "not a suite name"
}

for f in $(declare -F | awk '$3 ~ /^case_/ {print $3}'); do
	t "${f#case_}" "${f}"
done
finish
