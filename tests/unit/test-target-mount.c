// SPDX-License-Identifier: GPL-2.0-or-later
/* target-mount.c: waiting for a device, mounting, and walking to the dump
 * directory without leaving the mounted file system. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <time.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "target-mount.h"

static char top[] = "/tmp/test-target-mount.XXXXXX";

static char *at(const char *rel)
{
	static char path[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s%s", top, rel);
	return path[i];
}

static int setup(void **state)
{
	if (!mkdtemp(top))
		return -1;
	mkdir(at("/fs"), 0755);
	mkdir(at("/fs/etc"), 0755);
	mkdir(at("/fs/var"), 0755);
	symlink("/etc", at("/fs/var/abs"));        /* absolute: the file system's /etc */
	symlink("../../../../..", at("/fs/var/up")); /* climbs no further than the top */
	mkdir(at("/outside"), 0755);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	umount(at("/fs/mnt"));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd);
}

static void test_open_dir_creates(void **state)
{
	char *real = NULL;
	struct stat st;

	assert_int_equal(target_open_dir(at("/fs"), "/var/crash/a", &real), 0);
	assert_string_equal(real, at("/fs/var/crash/a"));
	assert_int_equal(stat(real, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	free(real);
	/* an existing one is fine, and "/" is the mount itself */
	assert_int_equal(target_open_dir(at("/fs"), "/var/crash/a", &real), 0);
	free(real);
	assert_int_equal(target_open_dir(at("/fs"), "/", &real), 0);
	assert_string_equal(real, at("/fs"));
	free(real);
}

/* links resolve inside the file system, never to the initramfs around it */
static void test_open_dir_links_stay_inside(void **state)
{
	char *real = NULL;

	assert_int_equal(target_open_dir(at("/fs"), "/var/abs/x", &real), 0);
	assert_string_equal(real, at("/fs/etc/x"));
	free(real);
	assert_int_equal(target_open_dir(at("/fs"), "/var/up/outside", &real), 0);
	assert_string_equal(real, at("/fs/outside"));
	free(real);
	assert_int_equal(access(at("/outside/x"), F_OK), -1);
}

static void test_open_dir_not_a_directory(void **state)
{
	char *real = NULL;
	FILE *f = fopen(at("/fs/var/file"), "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(target_open_dir(at("/fs"), "/var/file/x", &real), -ENOTDIR);
	assert_null(real);
	assert_int_equal(target_open_dir(at("/no-such-mount"), "/x", &real), -ENOENT);
}

static void test_wait_device(void **state)
{
	struct timespec t0, t1;
	long ms;
	char *dev = NULL;
	FILE *f = fopen(at("/disk.img"), "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(target_wait_device(at("/disk.img"), 0, &dev), 0);
	assert_string_equal(dev, at("/disk.img"));
	free(dev);
	dev = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(target_wait_device(at("/no-such-disk"), 400, &dev), -ENODEV);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_null(dev);
	/* disk_timeout by the clock: not shorter, and at most one look more */
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 400 && ms < 1000);
	assert_int_equal(target_wait_device("PARTUUID=00000000-dead-beef-0000-000000000000", 0, &dev),
			 -ENODEV);
}

/* mounting needs root: a tmpfs, then a mount point the walk must not cross */
static void test_mount_and_no_crossing(void **state)
{
	char *real = NULL;

	if (geteuid() != 0)
		skip();
	assert_int_equal(target_mount("tmpfs", "tmpfs", "size=1m,mode=0755", at("/fs/mnt")), 0);
	assert_int_equal(target_open_dir(at("/fs"), "/mnt/x", &real), -EXDEV);
	assert_int_equal(target_open_dir(at("/fs/mnt"), "/x", &real), 0);
	assert_string_equal(real, at("/fs/mnt/x"));
	free(real);
	assert_int_equal(target_umount(at("/fs/mnt")), 0);
	assert_int_equal(access(at("/fs/mnt/x"), F_OK), -1);
	assert_int_not_equal(target_mount("tmpfs", "no-such-fs-type", NULL, at("/fs/mnt")), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_dir_creates),
		cmocka_unit_test(test_open_dir_links_stay_inside),
		cmocka_unit_test(test_open_dir_not_a_directory),
		cmocka_unit_test(test_wait_device),
		cmocka_unit_test(test_mount_and_no_crossing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
