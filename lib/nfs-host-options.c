// SPDX-License-Identifier: GPL-2.0-or-later
/* The NFS mount options the host uses for an export (nfs-host-options.h). */
#include <errno.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "nfs-host-options.h"
#include "strv.h"
#include "sysroot.h"
#include "util.h"

/* the host's connection, which mkdumprd's to_mount drops too */
static bool host_only(const char *w, size_t n)
{
	static const char *const names[] = { "addr", "mountaddr", "clientaddr", "proto",
					      "mountproto" };
	size_t nlen = strcspn(w, "=");

	if (nlen > n)
		nlen = n;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == nlen && memcmp(w, names[i], nlen) == 0)
			return true;
	return false;
}

static int append(char **out, size_t *len, const char *w, size_t n)
{
	char *p = realloc(*out, *len + n + 2);

	if (!p)
		return -ENOMEM;
	if (*len)
		p[(*len)++] = ',';
	memcpy(p + *len, w, n);
	*len += n;
	p[*len] = '\0';
	*out = p;
	return 0;
}

int nfs_host_options_filter(const char *raw, char **out, const char **why, char **bad)
{
	_cleanup_free_ char *user = NULL, *vfs = NULL, *fs = NULL;
	char *res = NULL;
	size_t len = 0, off = 0;
	const char *parts[2];
	int r = 0;

	*out = NULL;
	if (mnt_split_optstr(raw ? raw : "", &user, &vfs, &fs, 0, 0) < 0)
		return -ENOMEM;
	parts[0] = vfs;
	parts[1] = fs;
	for (size_t i = 0; i < ARRAY_SIZE(parts) && r == 0; i++) {
		for (const char *w = parts[i]; w && *w && r == 0;) {
			size_t n = strcspn(w, ",");

			if (n == 2 && memcmp(w, "ro", 2) == 0)
				r = append(&res, &len, "rw", 2);
			else if (n && !host_only(w, n) && !(n == 8 && memcmp(w, "defaults", 8) == 0))
				r = append(&res, &len, w, n);
			w += n + (w[n] == ',');
		}
	}
	if (r < 0) {
		free(res);
		return r;
	}
	if (!res && !(res = strdup("")))
		return -ENOMEM;
	if (*res && conf_nfs_options_check(res, &off, why) < 0) {
		size_t start = off, n;

		while (start > 0 && res[start - 1] != ',')
			start--;
		n = strcspn(res + start, ",");
		*bad = strndup(res + start, n);
		free(res);
		return *bad ? -EINVAL : -ENOMEM;
	}
	*out = res;
	return 0;
}

/* host:/export and host:/export/ name the same export */
static bool same_source(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/' && a[la - 2] != ':')
		la--;
	while (lb > 1 && b[lb - 1] == '/' && b[lb - 2] != ':')
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

static bool is_nfs(const char *fstype)
{
	return fstype && (streq(fstype, "nfs") || streq(fstype, "nfs4"));
}

/* fstab's octal escapes (\040 for a space) */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* the first nfs line of fstab for source: 0 and *opts, *line; -ENOENT */
static int fstab_find(const char *path, const char *source, char **opts, unsigned int *line)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0;
	unsigned int no = 0;

	if (!f)
		return -ENOENT;
	while (getline(&buf, &cap, f) >= 0) {
		char *save = NULL, *spec, *type, *o;

		no++;
		spec = strtok_r(buf, " \t\n", &save);
		if (!spec || spec[0] == '#')
			continue;
		(void)strtok_r(NULL, " \t\n", &save);
		type = strtok_r(NULL, " \t\n", &save);
		o = strtok_r(NULL, " \t\n", &save);
		unescape(spec);
		if (!is_nfs(type) || !same_source(spec, source))
			continue;
		*opts = strdup(o ? o : "");
		*line = no;
		return *opts ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

/* the first nfs mount of source in mountinfo: 0 and *opts, *target */
static int mountinfo_find(const char *path, const char *source, char **opts, char **target)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	int r = -ENOENT;

	if (access(path, R_OK) < 0)
		return -ENOENT;
	tb = mnt_new_table_from_file(path);
	if (!tb)
		return -ENOENT;
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it) {
		mnt_unref_table(tb);
		return -ENOMEM;
	}
	while (r == -ENOENT && mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *src = mnt_fs_get_source(fs), *o = mnt_fs_get_options(fs);

		if (!is_nfs(mnt_fs_get_fstype(fs)) || !src || !same_source(src, source))
			continue;
		*opts = strdup(o ? o : "");
		*target = strdup(mnt_fs_get_target(fs) ? mnt_fs_get_target(fs) : "?");
		r = *opts && *target ? 0 : -ENOMEM;
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	return r;
}

int nfs_host_options_find(const char *root, const char *source, struct nfs_host_options *o,
			  char **msg)
{
	_cleanup_free_ char *info = NULL, *fstab = NULL, *raw = NULL, *target = NULL;
	_cleanup_free_ char *bad = NULL;
	const char *why = NULL;
	unsigned int line = 0;
	int r;

	*o = (struct nfs_host_options){ 0 };
	*msg = NULL;
	if (sysroot_path(root, "/proc/self/mountinfo", &info) < 0 ||
	    sysroot_path(root, "/etc/fstab", &fstab) < 0)
		return -ENOMEM;
	r = mountinfo_find(info, source, &raw, &target);
	if (r == 0)
		r = asprintf(&o->origin, "%s (mounted on %s)", info, target) < 0 ? -ENOMEM : 0;
	else if (r == -ENOENT && (r = fstab_find(fstab, source, &raw, &line)) == 0)
		r = asprintf(&o->origin, "%s:%u", fstab, line) < 0 ? -ENOMEM : 0;
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		o->origin = NULL;
		return r;
	}
	r = nfs_host_options_filter(raw, &o->options, &why, &bad);
	if (r == -EINVAL &&
	    asprintf(msg, "%s: the host mounts %s with option \"%s\": %s", o->origin, source, bad,
		     why) < 0) {
		*msg = NULL;
		r = -ENOMEM;
	}
	if (r < 0) {
		nfs_host_options_clear(o);
		return r;
	}
	if (!*o->options) {
		free(o->options);
		o->options = NULL;
	}
	return 0;
}

void nfs_host_options_clear(struct nfs_host_options *o)
{
	free(o->options);
	free(o->origin);
	*o = (struct nfs_host_options){ 0 };
}
