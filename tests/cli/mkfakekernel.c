// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes a small file with an x86 boot setup header, for CLI tests of the
 * image checks: mkfakekernel OUT [--protocol=0x20f] [--xloadflags=0x3]
 * [--loadflags=0x1] [--relocatable=1] [--no-magic] [--elf] [--cmdline-size=N] [--init-size=N]
 * [--release=R] (the kernel release its version string starts with)
 * [--pe] [--pe-signed] (an EFI stub's PE/COFF header, without or with an
 * Authenticode certificate table)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put16(unsigned char *p, unsigned long v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
}

static void put32(unsigned char *p, unsigned long v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static unsigned long arg_value(const char *arg, const char *name, unsigned long def)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return strtoul(arg + n + 1, NULL, 0);
	return def;
}

int main(int argc, char **argv)
{
	static unsigned char img[8192];
	unsigned long protocol = 0x020f, xload = 0x3, load = 0x1, reloc = 1, cmdsz = 2047;
	unsigned long init_size = 0x2b00000; /* 43 MiB, as a Debian 6.12 kernel */
	const char *release = "6.12.0-fake";
	int magic = 1, elf = 0, pe = 0, signed_pe = 0;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: mkfakekernel OUT [options]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		protocol = arg_value(argv[i], "--protocol", protocol);
		xload = arg_value(argv[i], "--xloadflags", xload);
		load = arg_value(argv[i], "--loadflags", load);
		reloc = arg_value(argv[i], "--relocatable", reloc);
		cmdsz = arg_value(argv[i], "--cmdline-size", cmdsz);
		init_size = arg_value(argv[i], "--init-size", init_size);
		if (strncmp(argv[i], "--release=", 10) == 0)
			release = argv[i] + 10;
		if (strcmp(argv[i], "--pe") == 0)
			pe = 1;
		if (strcmp(argv[i], "--pe-signed") == 0)
			pe = signed_pe = 1;
		if (strcmp(argv[i], "--no-magic") == 0)
			magic = 0;
		if (strcmp(argv[i], "--elf") == 0)
			elf = 1;
	}
	img[0x1f1] = 1;
	put16(img + 0x1fe, 0xaa55);
	if (magic)
		memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, protocol);
	put16(img + 0x20e, 0x1000 - 0x200);
	img[0x211] = (unsigned char)load;
	img[0x234] = (unsigned char)reloc;
	put16(img + 0x236, xload);
	put32(img + 0x238, cmdsz);
	put32(img + 0x260, init_size);
	snprintf((char *)img + 0x1000, 256, "%s (test@kdump-snp) #1 SMP", release);
	if (pe) {
		/* MZ, e_lfanew 0x40, PE32+ optional header with 16 directories */
		img[0] = 'M';
		img[1] = 'Z';
		put32(img + 0x3c, 0x40);
		memcpy(img + 0x40, "PE\0\0", 4);
		put16(img + 0x58, 0x20b);
		put32(img + 0x58 + 108, 16);
		if (signed_pe)
			put32(img + 0x58 + 112 + 4 * 8 + 4, 0x5a8);
	}
	if (elf)
		memcpy(img, "\177ELF", 4);
	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, sizeof(img), 1, f) != 1 || fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
