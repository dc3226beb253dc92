// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Test module of the watchdog-hang VM scenario (tests/vm/kdump-cycle.sh):
 * loaded in the crash kernel through kdump.conf extra_modules, it spins
 * forever with interrupts off, the way a broken driver hangs a crash
 * kernel. With nr_cpus=1 nothing else runs, so only a hardware watchdog
 * can end it. Never load it anywhere else.
 */
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <asm/processor.h>

static int __init kdump_snp_hang_init(void)
{
	/* the tag of the VM tests' markers: the host times the hang from it */
	pr_emerg("KDUMP-SNP-TEST: hang: spinning with interrupts off\n");
	local_irq_disable();
	for (;;)
		cpu_relax();
	return 0;
}
module_init(kdump_snp_hang_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdump-snp VM test: hang the kernel with interrupts off");
