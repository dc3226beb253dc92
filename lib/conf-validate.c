// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kdump.conf values: text, paths, files under the root, devices and module
 * names (see conf-private.h).
 *
 * Rules this file adds:
 *  - Files named by the configuration (sshkey, kdump_pre, kdump_post,
 *    extra_bins) are absolute paths without ".." components, looked up
 *    below the root (struct conf_env), following symbolic links. An
 *    sshkey may be missing: kdumpctl propagate creates it, and start
 *    refuses to arm without it.
 *  - Devices are a /dev/... path or UUID=, LABEL=, PARTUUID=, PARTLABEL=
 *    with a value. conf_resolve_blkid() takes the root (const char *, NULL
 *    for "/") as its data: a /dev path must exist below that root, and be a
 *    block device when the root is "/"; tags are looked up on the running
 *    host with blkid_evaluate_spec(), whatever the root.
 *  - With that resolver, the file system libblkid finds on the device
 *    (below the root for a /dev path) must be the one the target directive
 *    names; a device without one is refused. A device the user cannot
 *    read (not root, nothing in the blkid cache) is not compared.
 *  - A raw target's device, probed the same way, must hold no file system,
 *    other signature or partition table: the dump would overwrite it.
 */
#include <blkid.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "blockdev.h"
#include "conf-private.h"
#include "raw-probe.h"
#include "util.h"

bool conf_check_text(struct conf_parser *p, unsigned int line,
		     const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = u[i], lo = 0x80, hi = 0xbf;
		size_t n, k;

		if (c == '\0') {
			conf_error(p, line, (unsigned int)i + 1,
				   "NUL byte; kdump.conf must be text");
			return false;
		}
		if (c == '\r') {
			conf_error(p, line, (unsigned int)i + 1,
				   "carriage return (DOS line ending?); kdump.conf must be text with \\n line endings");
			return false;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			conf_error(p, line, (unsigned int)i + 1,
				   "control character 0x%02x; kdump.conf must be text", c);
			return false;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		/* UTF-8: no overlong forms, surrogates or code points past
		 * U+10FFFF (RFC 3629). */
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			n = 0;
		}
		for (k = 1; n && k <= n; k++) {
			if (i + k >= len || u[i + k] < lo || u[i + k] > hi)
				n = 0;
			lo = 0x80;
			hi = 0xbf;
		}
		if (!n) {
			conf_error(p, line, (unsigned int)i + 1,
				   "invalid UTF-8 (byte 0x%02x); kdump.conf must be text", c);
			return false;
		}
		i += n + 1;
	}
	return true;
}

static bool has_dotdot(const char *path)
{
	const char *s = path;

	while ((s = strstr(s, "..")) != NULL) {
		if ((s == path || s[-1] == '/') && (s[2] == '\0' || s[2] == '/'))
			return true;
		s += 2;
	}
	return false;
}

/* root + path for a path that starts with '/'. */
static char *under_root(const char *root, const char *path)
{
	size_t rlen = strlen(root);
	char *s;

	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	if (asprintf(&s, "%.*s%s", (int)rlen, root, path) < 0)
		return NULL;
	return s;
}

static bool check_absolute(struct conf_parser *p, unsigned int line,
			   unsigned int column, const char *what, const char *value)
{
	if (value[0] != '/') {
		conf_error(p, line, column, "%s \"%s\" is not an absolute path",
			   what, value);
		return false;
	}
	if (has_dotdot(value)) {
		conf_error(p, line, column, "%s \"%s\" contains a \"..\" component",
			   what, value);
		return false;
	}
	return true;
}

bool conf_check_dump_path(struct conf_parser *p, unsigned int line,
			  unsigned int column, const char *value)
{
	const char *c;
	size_t n;

	if (!check_absolute(p, line, column, "path", value))
		return false;
	if (strlen(value) > CONF_DUMP_PATH_MAX) {
		conf_error(p, line, column,
			   "path is longer than %d bytes, which leaves no room for the dump's directory and files",
			   CONF_DUMP_PATH_MAX);
		return false;
	}
	for (c = value; *c; c += n) {
		c += strspn(c, "/");
		n = strcspn(c, "/");
		if (n > NAME_MAX) {
			conf_error(p, line, column,
				   "path \"%s\" has a component longer than %d bytes",
				   value, NAME_MAX);
			return false;
		}
	}
	return true;
}

bool conf_check_file(struct conf_parser *p, unsigned int line,
		     unsigned int column, const char *what, const char *value,
		     enum conf_file_kind kind)
{
	_cleanup_free_ char *full = NULL;
	struct stat st;

	if (!check_absolute(p, line, column, what, value))
		return false;
	full = under_root(p->root, value);
	if (!full) {
		p->fatal = -ENOMEM;
		return false;
	}
	if (stat(full, &st) < 0) {
		if (errno == ENOENT && kind == CONF_FILE_KEY)
			return true;
		if (errno == ENOENT || errno == ENOTDIR)
			conf_error(p, line, column, "%s \"%s\" does not exist",
				   what, value);
		else
			conf_error(p, line, column, "%s \"%s\": %s", what, value,
				   strerror(errno));
		return false;
	}
	if (kind != CONF_FILE_EXECUTABLE && !S_ISREG(st.st_mode)) {
		conf_error(p, line, column, "%s \"%s\" is not a regular file",
			   what, value);
		return false;
	}
	if (kind == CONF_FILE_EXECUTABLE &&
	    (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))) {
		conf_error(p, line, column,
			   "%s \"%s\" is not an executable regular file", what, value);
		return false;
	}
	return true;
}

bool conf_module_name_valid(const char *name)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	/* MODULE_NAME_LEN is 64 - sizeof(unsigned long), NUL included */
	return i > 0 && i <= 55;
}

static bool device_spec_valid(const char *spec)
{
	static const char *const tags[] = { "UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=" };
	size_t i;

	if (strncmp(spec, "/dev/", 5) == 0)
		return spec[5] != '\0';
	for (i = 0; i < ARRAY_SIZE(tags); i++) {
		size_t n = strlen(tags[i]);

		if (strncmp(spec, tags[i], n) == 0)
			return spec[n] != '\0';
	}
	return false;
}

bool conf_check_device(struct conf_parser *p, unsigned int line,
		       unsigned int column, const char *spec, char **devnode)
{
	char *dev = NULL;
	int r;

	if (!device_spec_valid(spec)) {
		conf_error(p, line, column,
			   "device \"%s\" is not a /dev path, UUID=, LABEL=, PARTUUID= or PARTLABEL=",
			   spec);
		return false;
	}
	r = p->resolve(spec, &dev, p->resolve_data);
	if (r == -ENOENT || r == -ENOTDIR) {
		conf_error(p, line, column, "device \"%s\" does not exist", spec);
		return false;
	}
	if (r == -ENOTBLK) {
		conf_error(p, line, column, "device \"%s\" is not a block device", spec);
		return false;
	}
	if (r == -ENOMEM) {
		p->fatal = r;
		return false;
	}
	if (r < 0 || !dev) {
		conf_error(p, line, column, "cannot resolve device \"%s\": %s", spec,
			   strerror(r < 0 ? -r : EINVAL));
		return false;
	}
	free(*devnode);
	*devnode = dev;
	return true;
}

int conf_resolve_blkid(const char *spec, char **devnode, void *data)
{
	const char *root = data ? data : "/";
	bool host = streq(root, "/");
	char *dev;

	if (strncmp(spec, "/dev/", 5) == 0) {
		_cleanup_free_ char *full = under_root(root, spec);
		struct stat st;

		if (!full)
			return -ENOMEM;
		if (stat(full, &st) < 0)
			return -errno;
		if (!host) {
			dev = strdup(spec);
			goto out;
		}
		if (!S_ISBLK(st.st_mode))
			return -ENOTBLK;
	} else if (!strchr(spec, '=')) {
		return -EINVAL;
	}
	/* Canonical node for /dev paths (symlinks under /dev/disk), lookup
	 * through the blkid cache or udev links for tags. */
	dev = blkid_evaluate_spec(spec, NULL);
	if (!dev)
		return -ENOENT;
out:
	if (!dev)
		return -ENOMEM;
	*devnode = dev;
	return 0;
}

bool conf_check_fstype(struct conf_parser *p, unsigned int line, unsigned int column,
		       const char *fstype, const char *spec, const char *devnode)
{
	_cleanup_free_ char *below = NULL;
	struct blockdev_info bi;
	bool ok = true;
	int r;

	if (p->resolve != conf_resolve_blkid)
		return true; /* the device may appear later: compared at rebuild */
	if (!streq(p->root, "/") && strncmp(devnode, "/dev/", 5) == 0) {
		below = under_root(p->root, devnode);
		if (!below) {
			p->fatal = -ENOMEM;
			return false;
		}
	}
	r = blockdev_probe(below ? below : devnode, &bi);
	if (r == -EACCES)
		return true;
	if (r < 0) {
		conf_error(p, line, column, "cannot read device \"%s\" to check its file system: %s",
			   spec, strerror(-r));
		return false;
	}
	if (!bi.type) {
		conf_error(p, line, column, "device \"%s\" holds no file system; make one with mkfs.%s first",
			   spec, fstype);
		ok = false;
	} else if (!streq(bi.type, fstype)) {
		conf_error(p, line, column, "the file system on \"%s\" is %s, not %s",
			   spec, bi.type, fstype);
		ok = false;
	}
	blockdev_info_clear(&bi);
	return ok;
}

bool conf_check_raw(struct conf_parser *p, unsigned int line, unsigned int column,
		    const char *spec, const char *devnode)
{
	_cleanup_free_ char *below = NULL, *what = NULL;
	int r;

	if (p->resolve != conf_resolve_blkid)
		return true;
	if (!streq(p->root, "/") && strncmp(devnode, "/dev/", 5) == 0) {
		below = under_root(p->root, devnode);
		if (!below) {
			p->fatal = -ENOMEM;
			return false;
		}
	}
	r = raw_probe_signature(below ? below : devnode, &what);
	if (r == -EACCES || r == -EPERM)
		return true;
	if (r == -ENOMEM) {
		p->fatal = r;
		return false;
	}
	if (r < 0) {
		conf_error(p, line, column, "cannot read raw device \"%s\" to check that it is free: %s",
			   spec, strerror(-r));
		return false;
	}
	if (what) {
		conf_error(p, line, column, "raw device \"%s\" holds %s, which a raw dump would "
			   "overwrite; give a device without one (wipefs -a clears it)", spec, what);
		return false;
	}
	return true;
}
