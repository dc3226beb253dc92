/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KDUMP_MODULES_LOAD_H
#define KDUMP_MODULES_LOAD_H

/*
 * Kernel modules for the capture image's own init, without kmod (whose
 * library brings libcrypto, a third of a small image): every module that
 * modules.dep lists is loaded, each after the modules it needs.
 */

/*
 * The modules of a modules.dep text in load order: every module after its
 * dependencies, each once. Paths are as in the file (relative to the
 * modules directory). Returns 0 and *out (a string vector), -ENOMEM, or
 * -EINVAL for a line without ':' (*bad_line then has its 1-based number).
 */
int modules_load_order(const char *dep_text, char ***out, unsigned int *bad_line);

/* The modprobe.d file the capture image gets for kdump.conf's options. */
#define MODULES_OPTIONS_FILE "/etc/modprobe.d/kdump-snp-options.conf"

/*
 * The "options <module> <parameters>" lines of a modprobe.d text as
 * "<module> <parameters>" strings (other lines are skipped). Returns 0
 * and *out (a string vector, empty for none), or -ENOMEM.
 */
int modules_options_parse(const char *text, char ***out);

/*
 * The parameters options ("<module> <parameters>" strings, kdump.conf's
 * options; NULL for none) give the module at path (a modules.dep path,
 * '-' and '_' alike): a pointer into options, or "" for none.
 */
const char *modules_params_for(char *const *options, const char *path);

/*
 * Load every module of DIR/modules.dep with finit_module(2) (compressed
 * modules are handed to the kernel as they are), each with its parameters
 * from options (as modules_params_for; NULL for none). A module that is
 * already loaded counts as loaded. Returns the number loaded, or a
 * negative errno when modules.dep cannot be read; a module that fails is
 * logged and the others are still tried (*failed counts them).
 */
int modules_load_all(const char *dir, char *const *options, unsigned int *failed);

/* The same for the modules named (iTCO_wdt, i6300esb; '-' and '_' alike)
 * and what they need, only: those the capture needs before the others. */
int modules_load_order_of(const char *dep_text, char *const *names, char ***out,
			  unsigned int *bad_line);
int modules_load_some(const char *dir, char *const *names, char *const *options,
		      unsigned int *failed);

#endif
