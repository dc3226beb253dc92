// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <libmount.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "blockdev.h"
#include "rootfs.h"
#include "sysroot.h"
#include "util.h"

#define MAX_LINKS 40

/* append "/" name (len bytes) to the resolved path res of *n bytes */
static int push(char *res, size_t *n, const char *name, size_t len)
{
	if (*n + 1 + len >= PATH_MAX)
		return -ENAMETOOLONG;
	res[(*n)++] = '/';
	memcpy(res + *n, name, len);
	*n += len;
	res[*n] = '\0';
	return 0;
}

static void pop(char *res, size_t *n)
{
	while (*n > 0 && res[*n - 1] != '/')
		(*n)--;
	if (*n > 0)
		(*n)--;
	res[*n] = '\0';
}

/* the link at root + res, read into buf; -EINVAL when it is not a link */
static int read_link(const char *root, const char *res, char *buf, size_t len, bool *missing)
{
	_cleanup_free_ char *full = NULL;
	struct stat st;
	ssize_t n;

	if (sysroot_path(root, res, &full) < 0)
		return -ENOMEM;
	if (lstat(full, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		*missing = true;
		return -EINVAL;
	}
	if (!S_ISLNK(st.st_mode))
		return -EINVAL;
	n = readlink(full, buf, len - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= len - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

int rootfs_resolve_path(const char *root, const char *path, char **out)
{
	char res[PATH_MAX] = "", todo[PATH_MAX], link[PATH_MAX];
	size_t n = 0;
	unsigned int links = 0;
	bool missing = false;
	char *p;

	if (snprintf(todo, sizeof(todo), "%s", path) >= (int)sizeof(todo))
		return -ENAMETOOLONG;
	p = todo;
	while (*p) {
		size_t len;
		int r;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			pop(res, &n);
			p += len;
			continue;
		}
		r = push(res, &n, p, len);
		if (r < 0)
			return r;
		p += len;
		if (missing)
			continue;
		r = read_link(root, res, link, sizeof(link), &missing);
		if (r == -EINVAL)
			continue;
		if (r < 0)
			return r;
		if (++links > MAX_LINKS)
			return -ELOOP;
		/* the rest of the path after the link's target */
		if (strlen(link) + 1 + strlen(p) >= sizeof(todo))
			return -ENAMETOOLONG;
		memmove(todo + strlen(link) + 1, p, strlen(p) + 1);
		memcpy(todo, link, strlen(link));
		todo[strlen(link)] = '/';
		p = todo;
		if (link[0] == '/')
			n = 0;
		else
			pop(res, &n);
		res[n] = '\0';
	}
	*out = strdup(n ? res : "/");
	return *out ? 0 : -ENOMEM;
}

/* target is a prefix of path at a component boundary */
static size_t mount_prefix(const char *target, const char *path)
{
	size_t len = strlen(target);

	if (streq(target, "/"))
		return 1;
	if (strncmp(target, path, len) != 0 || (path[len] != '\0' && path[len] != '/'))
		return 0;
	return len;
}

static struct libmnt_fs *find_mount(struct libmnt_table *tb, const char *path)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs, *best = NULL;
	size_t best_len = 0;

	if (!it)
		return NULL;
	/* the longest mount point wins; among equal ones the last mounted */
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *target = mnt_fs_get_target(fs);
		size_t len = target ? mount_prefix(target, path) : 0;

		if (len > 0 && len >= best_len) {
			best = fs;
			best_len = len;
		}
	}
	mnt_free_iter(it);
	return best;
}

/* a + b as a path, without a doubled or trailing "/" (except for "/") */
static char *join(const char *a, const char *b)
{
	char *s;
	size_t la = strlen(a);

	while (la > 0 && a[la - 1] == '/')
		la--;
	b += strspn(b, "/");
	if (asprintf(&s, "%.*s/%s", (int)la, a, b) < 0)
		return NULL;
	if (strlen(s) > 1 && s[strlen(s) - 1] == '/')
		s[strlen(s) - 1] = '\0';
	return s;
}

/* btrfs: the subvolume as mounted, and the fs root below it */
static int btrfs_subvol(struct libmnt_fs *fs, const char *fsroot, struct fs_location *loc,
			const char **below)
{
	char *v = NULL;
	size_t len = 0;
	const char *opts = mnt_fs_get_fs_options(fs);

	*below = fsroot;
	if (!opts || mnt_optstr_get_option(opts, "subvol", &v, &len) != 0 || !v || !len)
		return 0;
	if (asprintf(&loc->subvol, "%.*s", (int)len, v) < 0 ||
	    asprintf(&loc->options, "subvol=%s", loc->subvol) < 0)
		return -ENOMEM;
	len = strlen(loc->subvol);
	if (strncmp(fsroot, loc->subvol, len) == 0 && (fsroot[len] == '/' || !fsroot[len]))
		*below = fsroot + len;
	return 0;
}

/* "/dev/root" (a kernel that mounted root= itself) names no node: the
 * mount's device number does, as /dev/block/MAJ:MIN */
static int device_by_number(const char *root, struct libmnt_fs *fs, struct fs_location *loc)
{
	_cleanup_free_ char *node = NULL;
	char *byno = NULL;
	dev_t devno = mnt_fs_get_devno(fs);

	if (sysroot_path(root, loc->device, &node) < 0)
		return -ENOMEM;
	if (access(node, F_OK) == 0 || devno == 0)
		return 0;
	if (asprintf(&byno, "/dev/block/%u:%u", major(devno), minor(devno)) < 0)
		return -ENOMEM;
	free(node);
	node = NULL;
	if (sysroot_path(root, byno, &node) < 0 || access(node, F_OK) < 0) {
		free(byno);
		return node ? 0 : -ENOMEM;
	}
	free(loc->device);
	loc->device = byno;
	return 0;
}

static int fill_device(const char *root, struct fs_location *loc)
{
	_cleanup_free_ char *node = NULL;
	struct blockdev_info bi;

	if (sysroot_path(root, loc->device, &node) < 0)
		return -ENOMEM;
	if (blockdev_probe(node, &bi) == 0) {
		loc->uuid = bi.uuid;
		bi.uuid = NULL;
		if (loc->uuid && asprintf(&loc->spec, "UUID=%s", loc->uuid) < 0)
			loc->spec = NULL;
		else if (!loc->uuid && bi.partuuid && asprintf(&loc->spec, "PARTUUID=%s", bi.partuuid) < 0)
			loc->spec = NULL;
		blockdev_info_clear(&bi);
	}
	if (!loc->spec)
		loc->spec = strdup(loc->device);
	return loc->spec ? 0 : -ENOMEM;
}

int rootfs_locate(const char *root, const char *path, struct fs_location *loc)
{
	_cleanup_free_ char *info = NULL;
	_cleanup_free_ char *real = NULL;
	struct libmnt_table *tb;
	struct libmnt_fs *fs;
	const char *src, *fsroot, *below;
	int r;

	*loc = (struct fs_location){ 0 };
	r = rootfs_resolve_path(root, path, &real);
	if (r < 0)
		return r;
	if (sysroot_path(root, "/proc/self/mountinfo", &info) < 0)
		return -ENOMEM;
	if (access(info, R_OK) < 0)
		return -errno;
	tb = mnt_new_table_from_file(info);
	if (!tb)
		return -EINVAL;
	fs = find_mount(tb, real);
	if (!fs) {
		r = -ENODEV;
		goto out;
	}
	src = mnt_fs_get_srcpath(fs);
	fsroot = mnt_fs_get_root(fs);
	loc->fstype = strdup(mnt_fs_get_fstype(fs) ? mnt_fs_get_fstype(fs) : "?");
	loc->mountpoint = strdup(mnt_fs_get_target(fs));
	loc->device = strdup(src ? src : mnt_fs_get_source(fs) ? mnt_fs_get_source(fs) : "none");
	if (!loc->fstype || !loc->mountpoint || !loc->device) {
		r = -ENOMEM;
		goto out;
	}
	if (!src || strncmp(src, "/dev/", 5) != 0) {
		r = -ENOTBLK;
		goto out;
	}
	below = fsroot ? fsroot : "/";
	if (streq(loc->fstype, "btrfs"))
		r = btrfs_subvol(fs, below, loc, &below);
	if (r == 0) {
		_cleanup_free_ char *inside = join(below, real + strlen(loc->mountpoint));

		loc->dir = inside ? join("/", inside) : NULL;
		r = loc->dir ? device_by_number(root, fs, loc) : -ENOMEM;
		if (r == 0)
			r = fill_device(root, loc);
	}
out:
	mnt_unref_table(tb);
	if (r < 0 && r != -ENOTBLK) {
		fs_location_clear(loc);
	}
	return r;
}

static const struct field {
	const char *key;
	size_t offset;
} fields[] = {
	{ "device", offsetof(struct fs_location, device) },
	{ "uuid", offsetof(struct fs_location, uuid) },
	{ "spec", offsetof(struct fs_location, spec) },
	{ "fstype", offsetof(struct fs_location, fstype) },
	{ "subvol", offsetof(struct fs_location, subvol) },
	{ "options", offsetof(struct fs_location, options) },
	{ "mountpoint", offsetof(struct fs_location, mountpoint) },
	{ "dir", offsetof(struct fs_location, dir) },
};

#define FIELD(loc, f) (*(char **)((char *)(loc) + (f)->offset))

int fs_location_format(const struct fs_location *loc, char **text)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const char *v = FIELD(loc, &fields[i]);

		if (v && *v)
			fprintf(f, "%s=%s\n", fields[i].key, v);
	}
	if (fclose(f) != 0 || !s) {
		free(s);
		return -ENOMEM;
	}
	*text = s;
	return 0;
}

int fs_location_parse(const char *text, struct fs_location *loc)
{
	const char *line = text;

	*loc = (struct fs_location){ 0 };
	while (*line) {
		size_t len = strcspn(line, "\n");
		const char *eq = memchr(line, '=', len);

		for (size_t i = 0; eq && i < ARRAY_SIZE(fields); i++) {
			char **slot = &FIELD(loc, &fields[i]);

			if (strlen(fields[i].key) != (size_t)(eq - line) ||
			    strncmp(line, fields[i].key, (size_t)(eq - line)) != 0)
				continue;
			free(*slot);
			*slot = strndup(eq + 1, len - (size_t)(eq + 1 - line));
			if (!*slot) {
				fs_location_clear(loc);
				return -ENOMEM;
			}
		}
		line += len + (line[len] == '\n');
	}
	if (!loc->spec || !loc->fstype || !loc->dir || loc->dir[0] != '/') {
		fs_location_clear(loc);
		return -EINVAL;
	}
	return 0;
}

void fs_location_clear(struct fs_location *loc)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		free(FIELD(loc, &fields[i]));
	*loc = (struct fs_location){ 0 };
}
