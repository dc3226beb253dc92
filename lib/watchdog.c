// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/watchdog.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "strv.h"
#include "util.h"
#include "watchdog.h"

/* The last component of the target of the symlink path, or NULL. */
static char *link_name(const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	const char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	return strdup(slash ? slash + 1 : buf);
}

static bool contains(char **v, const char *s)
{
	for (; v && *v; v++)
		if (streq(*v, s))
			return true;
	return false;
}

/* Modules of the drivers of the device at dir and of its parents, up to
 * the root of /sys/devices; the device's own first. */
static int collect_modules(const char *dir, char ***modules)
{
	_cleanup_free_ char *real = realpath(dir, NULL);
	char *top, *slash;

	if (!real)
		return -errno;
	top = strstr(real, "/sys/devices/");
	if (!top)
		return 0;
	top += strlen("/sys/devices");
	for (;;) {
		_cleanup_free_ char *path = NULL, *module = NULL;

		if (asprintf(&path, "%s/driver/module", real) < 0)
			return -ENOMEM;
		module = link_name(path);
		if (module && !contains(*modules, module) && strv_push(modules, module) < 0)
			return -ENOMEM;
		slash = strrchr(real, '/');
		if (!slash || slash <= top)
			return 0;
		*slash = '\0';
	}
}

static unsigned int read_uint(const char *path)
{
	_cleanup_free_ char *line = NULL;

	if (read_first_line(path, &line) < 0)
		return 0;
	return (unsigned int)strtoul(line, NULL, 10);
}

/* The first device bound to the driver directory drvdir, for its
 * modules; else the driver's own module. */
static int driver_modules(const char *drvdir, char ***modules)
{
	_cleanup_free_ char *mod = NULL, *modlink = NULL;
	DIR *d = opendir(drvdir);
	struct dirent *e;
	int r = -ENOENT;

	if (!d)
		return -errno;
	while (r == -ENOENT && (e = readdir(d))) {
		_cleanup_free_ char *path = NULL, *real = NULL;

		if (e->d_type != DT_LNK || streq(e->d_name, "module"))
			continue;
		if (asprintf(&path, "%s/%s", drvdir, e->d_name) < 0) {
			r = -ENOMEM;
			break;
		}
		real = realpath(path, NULL);
		if (real && strstr(real, "/sys/devices/"))
			r = collect_modules(path, modules);
	}
	closedir(d);
	if (r != -ENOENT)
		return r;
	if (asprintf(&modlink, "%s/module", drvdir) < 0)
		return -ENOMEM;
	mod = link_name(modlink);
	return mod ? strv_push(modules, mod) : 0;
}

/* A watchdog registered without a parent (i6300esb in Linux 6.12) has a
 * virtual class device with no device link; its identity is the name of
 * its driver, looked up on every bus. */
static int probe_by_identity(const char *root, const char *identity,
			     struct watchdog_host *info)
{
	_cleanup_free_ char *bus = NULL;
	struct dirent *e;
	int r = -ENOENT;
	DIR *d;

	if (!identity || strchr(identity, '/') || streq(identity, ".") || streq(identity, ".."))
		return -ENOENT;
	if (asprintf(&bus, "%s/sys/bus", root) < 0)
		return -ENOMEM;
	d = opendir(bus);
	if (!d)
		return -ENOENT;
	while (r == -ENOENT && (e = readdir(d))) {
		_cleanup_free_ char *drvdir = NULL;

		if (e->d_name[0] == '.')
			continue;
		if (asprintf(&drvdir, "%s/%s/drivers/%s", bus, e->d_name, identity) < 0) {
			r = -ENOMEM;
			break;
		}
		if (access(drvdir, F_OK) != 0)
			continue;
		info->driver = strdup(identity);
		r = info->driver ? driver_modules(drvdir, &info->modules) : -ENOMEM;
	}
	closedir(d);
	return r;
}

static int probe_one(const char *root, const char *class, const char *name,
		     struct watchdog_host *info)
{
	_cleanup_free_ char *dev = NULL, *drv = NULL, *id = NULL, *max = NULL;
	char *line = NULL;
	int r;

	if (asprintf(&dev, "%s/%s/device", class, name) < 0 ||
	    asprintf(&drv, "%s/driver", dev) < 0 ||
	    asprintf(&id, "%s/%s/identity", class, name) < 0 ||
	    asprintf(&max, "%s/%s/max_timeout", class, name) < 0)
		return -ENOMEM;
	if (read_first_line(id, &line) == 0 && *strip_trailing(line))
		info->identity = line;
	else
		free(line);
	info->driver = link_name(drv);
	if (info->driver)
		r = collect_modules(dev, &info->modules);
	else
		r = probe_by_identity(root, info->identity, info);
	if (r < 0)
		return r;
	info->device = strdup(name);
	if (!info->device)
		return -ENOMEM;
	info->max_timeout = read_uint(max);
	if (r == 0 && !info->modules)
		r = strv_extend(&info->modules, NULL);
	return r;
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strverscmp((*a)->d_name, (*b)->d_name);
}

int watchdog_probe(const char *root, struct watchdog_host *info)
{
	_cleanup_free_ char *class = NULL;
	struct dirent **names = NULL;
	int n, r = -ENOENT;

	*info = (struct watchdog_host){ 0 };
	if (asprintf(&class, "%s/sys/class/watchdog", root) < 0)
		return -ENOMEM;
	n = scandir(class, &names, NULL, cmp_names);
	if (n < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	for (int i = 0; i < n; i++) {
		if (r == -ENOENT && strncmp(names[i]->d_name, "watchdog", 8) == 0) {
			r = probe_one(root, class, names[i]->d_name, info);
			if (r < 0)
				watchdog_host_clear(info);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

void watchdog_host_clear(struct watchdog_host *info)
{
	free(info->device);
	free(info->driver);
	free(info->identity);
	strv_free(info->modules);
	*info = (struct watchdog_host){ 0 };
}

unsigned int watchdog_timeout_for(unsigned int capture_timeout, unsigned int max_timeout)
{
	unsigned int t = capture_timeout ? capture_timeout + WATCHDOG_MARGIN
					 : WATCHDOG_UNBOUNDED_TIMEOUT;

	return max_timeout && t > max_timeout ? max_timeout : t;
}

int watchdog_record_format(const struct watchdog_host *h, unsigned int timeout, char **text)
{
	_cleanup_free_ char *modules = NULL;
	size_t len = 0;

	for (char **m = h->modules; m && *m; m++)
		len += strlen(*m) + 1;
	modules = calloc(1, len + 1);
	if (!modules)
		return -ENOMEM;
	for (char **m = h->modules; m && *m; m++) {
		if (m != h->modules)
			strcat(modules, " ");
		strcat(modules, *m);
	}
	return asprintf(text, "driver=%s\nmodules=%s\ntimeout=%u\n", h->driver, modules,
			timeout) < 0 ? -ENOMEM : 0;
}

static int split_modules(const char *s, char ***out)
{
	_cleanup_free_ char *copy = strdup(s);
	char *save = NULL;
	int r = strv_extend(out, NULL);

	if (!copy)
		return -ENOMEM;
	for (char *w = strtok_r(copy, " ", &save); w && r == 0; w = strtok_r(NULL, " ", &save))
		r = strv_push(out, w);
	return r;
}

int watchdog_record_parse(const char *text, struct watchdog_record *rec)
{
	_cleanup_free_ char *copy = strdup(text);
	char *save = NULL, *end;
	int r = 0;

	*rec = (struct watchdog_record){ 0 };
	if (!copy)
		return -ENOMEM;
	for (char *l = strtok_r(copy, "\n", &save); l && r == 0; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "driver=", 7) == 0 && l[7] && !rec->driver) {
			rec->driver = strdup(l + 7);
			r = rec->driver ? 0 : -ENOMEM;
		} else if (strncmp(l, "modules=", 8) == 0 && !rec->modules) {
			r = split_modules(l + 8, &rec->modules);
		} else if (strncmp(l, "timeout=", 8) == 0 && l[8] >= '1' && l[8] <= '9') {
			unsigned long t = strtoul(l + 8, &end, 10);

			r = *end || t > 0xffffff ? -EINVAL : 0;
			rec->timeout = (unsigned int)t;
		} else {
			r = -EINVAL;
		}
	}
	if (r == 0 && (!rec->driver || !rec->modules || !rec->timeout))
		r = -EINVAL;
	if (r < 0)
		watchdog_record_clear(rec);
	return r;
}

void watchdog_record_clear(struct watchdog_record *rec)
{
	free(rec->driver);
	strv_free(rec->modules);
	*rec = (struct watchdog_record){ 0 };
}

int watchdog_arm(const char *devnode, unsigned int timeout, unsigned int *armed)
{
	int fd = open(devnode, O_WRONLY | O_CLOEXEC);
	int t = (int)timeout;

	if (fd < 0)
		return -errno;
	/* opening starts it. A device whose maximum sysfs does not tell
	 * refuses a longer timeout with EINVAL and keeps its own default (30 s
	 * for iTCO_wdt): take the longest of timeout, timeout/2, ... it accepts */
	while (ioctl(fd, WDIOC_SETTIMEOUT, &t) < 0 && errno == EINVAL && t > 1)
		t = (int)(timeout /= 2);
	if (ioctl(fd, WDIOC_GETTIMEOUT, &t) < 0)
		t = 0;
	*armed = t > 0 ? (unsigned int)t : 0;
	ioctl(fd, WDIOC_KEEPALIVE, 0);
	return fd;
}

int watchdog_pet(int fd)
{
	return ioctl(fd, WDIOC_KEEPALIVE, 0) < 0 ? -errno : 0;
}

int watchdog_disarm(int fd)
{
	int r = 0;

	if (write(fd, "V", 1) != 1)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}
