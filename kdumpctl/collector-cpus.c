// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * makedumpfile's --num-threads against the CPUs the crash command line
 * gives the crash kernel (nr_cpus=1 by default). Threads that outnumber
 * the CPUs share them: make bench measured a 4 GiB capture about nine
 * times slower with --num-threads=2 on one CPU, and makedumpfile 1.7.6
 * aborted in one such run.
 */
#include "crash-cmdline.h"
#include "kdumpctl.h"
#include "log.h"
#include "util.h"

int collector_cpus_check(const struct kdump_ctx *ctx, const char *cmdline, char *line,
			 size_t len)
{
	const struct kdump_conf *c = ctx->conf;
	unsigned int threads = c->mdf.num_threads;
	unsigned int cpus = crash_cmdline_cpus(cmdline);
	char have[64];

	if (c->collector != CONF_COLLECTOR_MAKEDUMPFILE) {
		snprintf(line, len, "not used (core_collector)");
		return 0;
	}
	if (cpus)
		snprintf(have, sizeof(have), "%u crash CPU%s (nr_cpus/maxcpus)", cpus,
			 cpus == 1 ? "" : "s");
	else
		snprintf(have, sizeof(have), "crash CPUs not limited by the command line");
	if (!threads) {
		snprintf(line, len, "%s; makedumpfile without --num-threads", have);
		return 0;
	}
	snprintf(line, len, "%s; makedumpfile --num-threads=%u", have, threads);
	if (!cpus || threads <= cpus)
		return 0;
	log_warn("core_collector asks makedumpfile for %u threads (--num-threads) but the crash "
		 "kernel gets %u CPU%s (nr_cpus/maxcpus of its command line): the threads share "
		 "%s and the capture gets slower, not faster (about nine times at 4 GiB with two "
		 "threads on one CPU). Give it the CPUs (KDUMP_COMMANDLINE_APPEND=\"nr_cpus=%u\" "
		 "in %s, and crashkernel= for their memory) or drop --num-threads",
		 threads, cpus, cpus == 1 ? "" : "s", cpus == 1 ? "it" : "them", threads,
		 ctx->defaults_path);
	return 1;
}
