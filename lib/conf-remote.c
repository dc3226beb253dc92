// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The values of the network dump targets (see conf.h): `ssh user@host` and
 * `nfs host:/export`, in the forms kdump-utils' kdump.conf shows.
 *
 * Rules:
 *  - A host is a DNS name (RFC 1123 labels: letters, digits, '-' inside,
 *    1 to 63 bytes each, 253 in all, an optional final '.'), an IPv4
 *    address in dotted-quad form, or an IPv6 address, optionally with a
 *    zone (fe80::1%eth0) for a link-local one. A name made of digits and
 *    dots only must be a valid IPv4 address (300.1.1.1 is refused, not
 *    looked up).
 *  - ssh: user@host; the user is 1 to 32 bytes of [A-Za-z0-9._-] not
 *    starting with '-' (which ssh would read as an option). The IPv6
 *    address may be bare (user@2001:db8::1, as kdump-utils' example) or in
 *    brackets (user@[2001:db8::1]). Nothing follows the host: the remote
 *    directory is `path`, relative to the user's home.
 *  - nfs: host:/export; an IPv6 address must be in brackets
 *    ([2001:db8::1]:/export), as mount.nfs wants it. The export is an
 *    absolute path without ".." components.
 *  - nfs mount options (the host's, nfs-host-options.c; kdump.conf has
 *    none): name or name=value words separated by
 *    ',', names of [a-z0-9_], values of [A-Za-z0-9._:/+-]. Refused: addr=
 *    (the capture connects to the address recorded in the image), ro (the
 *    dump is written) and versions other than 4, 4.0, 4.1, 4.2 (the kernel
 *    client mounts NFSv4 without mount.nfs, rpcbind or lockd). Whether the
 *    server and the kernel take the rest, `kdumpctl start` finds out by
 *    mounting.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"

#define USER_MAX 32
#define HOST_MAX 253
#define LABEL_MAX 63
#define ZONE_MAX 15	/* IFNAMSIZ - 1 */

struct parse_error {
	size_t offset;
	const char *why;
};

static int fail(struct parse_error *e, size_t offset, const char *why)
{
	e->offset = offset;
	e->why = why;
	return -EINVAL;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool only_digits_and_dots(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '.' && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

/* A DNS name or IPv4 address of n bytes at s. */
static int check_name(const char *s, size_t n, size_t at, struct parse_error *e,
		      enum conf_host_kind *kind)
{
	char buf[HOST_MAX + 2];
	struct in_addr a4;
	size_t label = 0;

	if (n == 0)
		return fail(e, at, "the host is empty");
	if (only_digits_and_dots(s, n)) {
		if (n > 15)
			return fail(e, at, "not a valid IPv4 address");
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (inet_pton(AF_INET, buf, &a4) != 1)
			return fail(e, at, "not a valid IPv4 address");
		*kind = CONF_HOST_IPV4;
		return 0;
	}
	if (n > HOST_MAX + (s[n - 1] == '.'))
		return fail(e, at, "the host name is longer than 253 bytes");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return fail(e, at + i, "empty label in the host name");
			if (s[i - 1] == '-')
				return fail(e, at + i - 1, "a host name label ends with '-'");
			label = 0;
			continue;
		}
		if (c == '-' && label == 0)
			return fail(e, at + i, "a host name label starts with '-'");
		if (!is_alnum(c) && c != '-')
			return fail(e, at + i, "not a valid host name character");
		if (++label > LABEL_MAX)
			return fail(e, at + i, "a host name label is longer than 63 bytes");
	}
	if (s[n - 1] == '-')
		return fail(e, at + n - 1, "a host name label ends with '-'");
	*kind = CONF_HOST_NAME;
	return 0;
}

/* An IPv6 address, with an optional %zone, of n bytes at s. */
static int check_ipv6(const char *s, size_t n, size_t at, struct parse_error *e)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *pct = memchr(s, '%', n);
	size_t alen = pct ? (size_t)(pct - s) : n;
	struct in6_addr a6;

	if (alen == 0 || alen >= sizeof(buf))
		return fail(e, at, "not a valid IPv6 address");
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET6, buf, &a6) != 1)
		return fail(e, at, "not a valid IPv6 address");
	if (pct) {
		size_t zlen = n - alen - 1;

		if (zlen == 0 || zlen > ZONE_MAX)
			return fail(e, at + alen, "not a valid IPv6 zone (an interface name)");
		for (size_t i = alen + 1; i < n; i++)
			if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
				return fail(e, at + i, "not a valid IPv6 zone (an interface name)");
	}
	return 0;
}

/* host at s (n bytes): [v6], v6 when bare_v6, a name or IPv4. */
static int parse_host(const char *s, size_t n, size_t at, bool bare_v6,
		      struct conf_remote *r, struct parse_error *e)
{
	const char *in = s;
	size_t len = n;

	if (n > 0 && s[0] == '[') {
		if (s[n - 1] != ']')
			return fail(e, at, "'[' without a closing ']'");
		in = s + 1;
		len = n - 2;
		if (check_ipv6(in, len, at + 1, e) < 0)
			return -EINVAL;
		r->host_kind = CONF_HOST_IPV6;
	} else if (memchr(s, ':', n)) {
		if (!bare_v6)
			return fail(e, at, "an IPv6 address goes in brackets here: [address]");
		if (check_ipv6(s, n, at, e) < 0) {
			/* user@host:dir is scp's syntax, not kdump.conf's */
			if (e->offset == at && !memchr(s, '%', n))
				e->why = "not a valid IPv6 address (an ssh target takes no \":dir\"; "
					 "the directory is `path`)";
			return -EINVAL;
		}
		r->host_kind = CONF_HOST_IPV6;
	} else if (check_name(s, n, at, e, &r->host_kind) < 0) {
		return -EINVAL;
	}
	r->host = strndup(in, len);
	return r->host ? 0 : -ENOMEM;
}

static int parse_ssh(const char *v, struct conf_remote *r, struct parse_error *e)
{
	const char *at = strchr(v, '@');
	size_t ulen;

	if (!at)
		return fail(e, 0, "an ssh target is user@host");
	ulen = (size_t)(at - v);
	if (ulen == 0)
		return fail(e, 0, "the user before '@' is empty");
	if (ulen > USER_MAX)
		return fail(e, 0, "the user name is longer than 32 bytes");
	if (v[0] == '-')
		return fail(e, 0, "a user name cannot start with '-'");
	for (size_t i = 0; i < ulen; i++)
		if (!is_alnum(v[i]) && v[i] != '.' && v[i] != '_' && v[i] != '-')
			return fail(e, i, "not a valid user name character");
	if (strchr(at + 1, '@'))
		return fail(e, (size_t)(strchr(at + 1, '@') - v), "a second '@'");
	r->user = strndup(v, ulen);
	if (!r->user)
		return -ENOMEM;
	return parse_host(at + 1, strlen(at + 1), ulen + 1, true, r, e);
}

static bool has_dotdot(const char *path)
{
	for (const char *s = path; (s = strstr(s, "..")) != NULL; s += 2)
		if ((s == path || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return true;
	return false;
}

static int parse_nfs(const char *v, struct conf_remote *r, struct parse_error *e)
{
	const char *colon;
	size_t hlen;
	int ret;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');

		if (!close)
			return fail(e, 0, "'[' without a closing ']'");
		colon = close + 1;
		if (*colon != ':')
			return fail(e, (size_t)(colon - v), "an nfs target is host:/export");
	} else {
		colon = strchr(v, ':');
		if (!colon)
			return fail(e, 0, "an nfs target is host:/export");
		const char *slash = strchr(colon, '/');
		const char *second = strchr(colon + 1, ':');

		if (second && (!slash || second < slash))
			return fail(e, 0, "an IPv6 address goes in brackets here: [address]:/export");
	}
	hlen = (size_t)(colon - v);
	ret = parse_host(v, hlen, 0, false, r, e);
	if (ret < 0)
		return ret;
	if (colon[1] != '/')
		return fail(e, hlen + 1, "the export is not an absolute path");
	if (has_dotdot(colon + 1))
		return fail(e, hlen + 1, "the export contains a \"..\" component");
	r->export = strdup(colon + 1);
	return r->export ? 0 : -ENOMEM;
}

int conf_remote_parse(enum conf_target_type type, const char *value,
		      struct conf_remote *remote, size_t *offset, const char **why)
{
	struct conf_remote r = { 0 };
	struct parse_error e = { 0 };
	int ret;

	if (type == CONF_TARGET_SSH)
		ret = parse_ssh(value, &r, &e);
	else if (type == CONF_TARGET_NFS)
		ret = parse_nfs(value, &r, &e);
	else
		ret = -EINVAL;
	if (ret < 0) {
		conf_remote_clear(&r);
		*offset = e.offset;
		*why = e.why ? e.why : "not a network target";
		return ret;
	}
	*remote = r;
	return 0;
}

void conf_remote_clear(struct conf_remote *r)
{
	free(r->user);
	free(r->host);
	free(r->export);
	*r = (struct conf_remote){ 0 };
}

static bool is_option_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_option_value_char(char c)
{
	return is_alnum(c) || strchr("._:/+-", c) != NULL;
}

/* one word of n bytes at w (offset at) */
static int check_option(const char *w, size_t n, size_t at, struct parse_error *e)
{
	const char *eq = memchr(w, '=', n);
	size_t nlen = eq ? (size_t)(eq - w) : n;

	if (n == 0)
		return fail(e, at, "an empty mount option");
	for (size_t i = 0; i < nlen; i++)
		if (!is_option_name_char(w[i]))
			return fail(e, at + i, "not a mount option name character (a-z, 0-9, _)");
	if (nlen == 0)
		return fail(e, at, "a mount option without a name");
	if (eq) {
		if (eq + 1 == w + n)
			return fail(e, at + nlen, "a mount option with '=' and no value");
		for (size_t i = nlen + 1; i < n; i++)
			if (!is_option_value_char(w[i]))
				return fail(e, at + i, "not a mount option value character");
	}
#define IS(name) (nlen == sizeof(name) - 1 && memcmp(w, name, nlen) == 0)
	if (IS("addr"))
		return fail(e, at, "addr= is set by kdump-snp (the address recorded in the image)");
	if (IS("ro") && !eq)
		return fail(e, at, "ro: the dump is written to the export");
	if (IS("v2") || IS("v3") || ((IS("vers") || IS("nfsvers")) && eq &&
				      strspn(eq + 1, "23") == n - nlen - 1))
		return fail(e, at, "kdump-snp mounts NFS version 4 (4, 4.0, 4.1 or 4.2)");
	if ((IS("vers") || IS("nfsvers")) && eq) {
		static const char *const ok[] = { "4", "4.0", "4.1", "4.2" };
		size_t vlen = n - nlen - 1;

		for (size_t i = 0; i < ARRAY_SIZE(ok); i++)
			if (strlen(ok[i]) == vlen && memcmp(eq + 1, ok[i], vlen) == 0)
				return 0;
		return fail(e, at + nlen + 1, "not an NFS version 4 (4, 4.0, 4.1 or 4.2)");
	}
#undef IS
	return 0;
}

int conf_nfs_options_check(const char *value, size_t *offset, const char **why)
{
	struct parse_error e = { 0 };
	size_t at = 0;

	for (;;) {
		size_t n = strcspn(value + at, ",");

		if (check_option(value + at, n, at, &e) < 0) {
			*offset = e.offset;
			*why = e.why;
			return -EINVAL;
		}
		if (!value[at + n])
			return 0;
		at += n + 1;
	}
}

int conf_remote_host_for_url(const struct conf_remote *r, char **out)
{
	int n = r->host_kind == CONF_HOST_IPV6 ? asprintf(out, "[%s]", r->host)
					       : asprintf(out, "%s", r->host);

	return n < 0 ? -ENOMEM : 0;
}
