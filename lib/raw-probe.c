// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a raw dump would overwrite (see raw-probe.h): libblkid's
 * superblock probe (file systems, swap, RAID and LVM members, crypto
 * containers) and its partition-table probe, on the whole device.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include "blkid-probe.h"
#include "raw-probe.h"
#include "util.h"

static int describe(blkid_probe pr, char **what)
{
	const char *type = NULL, *usage = NULL;
	int n;

	if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0 && type) {
		if (blkid_probe_lookup_value(pr, "USAGE", &usage, NULL) < 0 || !usage)
			usage = "other";
		if (streq(usage, "filesystem"))
			n = asprintf(what, "a file system (%s)", type);
		else if (streq(usage, "other"))
			n = asprintf(what, "a signature (%s)", type);
		else
			n = asprintf(what, "a %s signature (%s)", usage, type);
	} else if (blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL) == 0 && type) {
		n = asprintf(what, "a partition table (%s)", type);
	} else {
		return 0;
	}
	return n < 0 ? -ENOMEM : 0;
}

int raw_probe_signature(const char *path, char **what)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	blkid_probe pr;
	int r;

	*what = NULL;
	if (fd < 0)
		return -errno;
	r = blockdev_blkid_open(fd, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE, 0, &pr);
	if (r < 0)
		return r;
	r = blkid_do_safeprobe(pr);
	if (r == -2) {
		r = asprintf(what, "signatures of more than one file system") < 0 ? -ENOMEM : 0;
	} else if (r < 0) {
		r = -EIO;
	} else {
		r = r == 0 ? describe(pr, what) : 0;
	}
	blkid_free_probe(pr);
	return r;
}
