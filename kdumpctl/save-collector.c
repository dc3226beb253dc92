// SPDX-License-Identifier: GPL-2.0-or-later
/* What runs to save the dump, and how much room it needs. */
#include <errno.h>
#include <fcntl.h>

#include "save.h"
#include "spawn.h"
#include "strv.h"
#include "util.h"

/* `makedumpfile -v` lists "zstd\tenabled" when it was built with zstd. */
static bool makedumpfile_has_zstd(void)
{
	char *argv[] = { "makedumpfile", "-v", NULL };
	char path[] = "/tmp/kdump-mdf-XXXXXX";
	_cleanup_free_ char *text = NULL;
	int fd = mkstemp(path);
	bool zstd = false;

	if (fd < 0)
		return false;
	unlink(path);
	if (spawn_wait(argv, fd, NULL) == 0 && lseek(fd, 0, SEEK_SET) == 0) {
		char buf[1024];
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n > 0) {
			buf[n] = '\0';
			zstd = strstr(buf, "zstd\tenabled") || strstr(buf, "zstd enabled");
		}
	}
	close(fd);
	return zstd;
}

int save_collector_argv(const struct kdump_conf *conf, const char *vmcore,
			const char *out, char ***argv)
{
	bool upgrade = conf->collector == CONF_COLLECTOR_MAKEDUMPFILE &&
		       streq(conf->core_collector, CONF_DEFAULT_COLLECTOR) &&
		       makedumpfile_has_zstd();
	char **v = NULL;
	int r = 0;

	for (char **a = conf->collector_argv; *a && r == 0; a++)
		r = strv_push(&v, upgrade && streq(*a, "-l") ? "-z" : *a);
	if (r == 0)
		r = strv_push(&v, vmcore);
	/* cat writes to its standard output, which the caller points at out */
	if (r == 0 && out && conf->collector != CONF_COLLECTOR_CAT)
		r = strv_push(&v, out);
	if (r < 0) {
		strv_free(v);
		return r;
	}
	*argv = v;
	return 0;
}

/*
 * When a thread of makedumpfile --num-threads ends, glibc loads
 * libgcc_s.so.1 to unwind it. In the crash kernel that late load failed
 * with the dump copied, and glibc aborted makedumpfile before it closed the
 * file (docs/SCALING.md); loaded at the start, it is there at the end.
 * dracut puts the library in every image with glibc's libpthread.
 */
char *const *save_collector_env(const struct kdump_conf *conf)
{
	static char preload[4096];
	static char *env[] = { preload, NULL };
	const char *old = getenv("LD_PRELOAD");
	int n;

	if (conf->collector != CONF_COLLECTOR_MAKEDUMPFILE || conf->mdf.num_threads == 0)
		return NULL;
	if (old && strstr(old, "libgcc_s.so.1"))
		return NULL;
	n = old && *old ? snprintf(preload, sizeof(preload), "LD_PRELOAD=%s:libgcc_s.so.1", old)
			: snprintf(preload, sizeof(preload), "LD_PRELOAD=libgcc_s.so.1");
	return n > 0 && (size_t)n < sizeof(preload) ? env : NULL;
}

int save_collector_argv_flattened(const struct kdump_conf *conf, const char *vmcore,
				  char ***argv)
{
	char **mdf = NULL, **v = NULL;
	int r = save_collector_argv(conf, vmcore, NULL, &mdf);

	if (r < 0 || conf->mdf.flattened) {
		*argv = mdf;
		return r;
	}
	r = strv_push(&v, mdf[0]) ?: strv_push(&v, "-F") ?: strv_extend(&v, mdf + 1);
	strv_free(mdf);
	if (r < 0) {
		strv_free(v);
		return r;
	}
	*argv = v;
	return 0;
}

/*
 * An unfiltered, uncompressed copy needs the whole memory; a filtered or
 * compressed one at least the page descriptors, which every dump level
 * keeps: 64 bytes per 4 KiB page, 1/64 of memory. With several dump
 * levels makedumpfile tries the next one when the target is full, so any
 * filtering level counts. The ELF format is never compressed. The
 * pre-check only refuses targets that cannot hold the dump at all; one
 * that fills up during the write fails the collector instead.
 */
uint64_t save_space_needed(const struct kdump_conf *conf, uint64_t memory_bytes)
{
	const struct conf_mdf *m = &conf->mdf;
	bool filtered = false;
	bool compressed = m->format == CONF_MDF_KDUMP && m->compression != CONF_MDF_UNCOMPRESSED;

	if (conf->collector != CONF_COLLECTOR_MAKEDUMPFILE)
		return memory_bytes;
	for (unsigned int i = 0; i < m->n_dump_levels; i++)
		filtered = filtered || m->dump_levels[i] != 0;
	return filtered || compressed ? memory_bytes / 64 : memory_bytes;
}
