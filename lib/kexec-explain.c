// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>

#include "kexec-file.h"
#include "util.h"

void kexec_explain_error(int err, bool on_crash, unsigned long long reserved,
			 char *buf, size_t len)
{
	switch (-err) {
	case EPERM:
		snprintf(buf, len, "%s",
			 getuid() != 0 ?
			 "permission denied: loading a kernel needs root (CAP_SYS_BOOT)" :
			 "the kernel refused the load although we are root: kexec is disabled "
			 "(kernel.kexec_load_disabled=1) or the kernel is locked down "
			 "(Secure Boot or lockdown=), which only accepts signed kernels");
		break;
	case EKEYREJECTED:
	case EKEYEXPIRED:
	case EKEYREVOKED:
	case EBADMSG:
	case ENOKEY:
		snprintf(buf, len,
			 "the kernel rejected the image's signature (%s): with Secure Boot or "
			 "CONFIG_KEXEC_SIG_FORCE it loads only kernels signed by a trusted key; "
			 "use your distribution's signed kernel", strerror(-err));
		break;
	case EADDRNOTAVAIL:
	case ENOMEM:
		if (on_crash && reserved == 0)
			snprintf(buf, len,
				 "no memory is reserved for a crash kernel: add crashkernel= "
				 "(for example crashkernel=384M) to the kernel command line and reboot");
		else if (on_crash)
			snprintf(buf, len,
				 "the crash kernel and initrd do not fit in the %llu MiB reserved by "
				 "crashkernel=: raise it (kdumpctl estimate suggests a size) or use a "
				 "smaller initrd", reserved >> 20);
		else
			snprintf(buf, len, "not enough memory to stage the kernel and initrd");
		break;
	case EBUSY:
		snprintf(buf, len,
			 "a kexec operation is already in progress, or a %s kernel is being "
			 "used; try again, or unload it first with kexec %s-u",
			 on_crash ? "crash" : "loaded", on_crash ? "-p " : "");
		break;
	case ENOEXEC:
		snprintf(buf, len,
			 "the kernel could not parse the image (ENOEXEC): it is not a bzImage "
			 "this kernel can load, or it was built without CONFIG_KEXEC_FILE support "
			 "for this format");
		break;
	case EINVAL:
		snprintf(buf, len,
			 "the kernel rejected an argument (EINVAL): the command line may be too "
			 "long for this kernel, or the initrd is not a valid image");
		break;
	case ENOSYS:
		snprintf(buf, len,
			 "this kernel has no kexec_file_load(2): it was built without "
			 "CONFIG_KEXEC_FILE");
		break;
	case ENOENT:
		snprintf(buf, len, "file not found");
		break;
	default:
		snprintf(buf, len, "kexec_file_load failed: %s", strerror(-err));
		break;
	}
}
