// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

#include "defaults.h"
#include "strv.h"
#include "suggest.h"
#include "text-check.h"
#include "util.h"

/* Where the SNP mode was set: KDUMP_SNP, or --snp= in KEXEC_ARGS. */
struct snp_setting {
	unsigned int line, column;
	enum snp_mode mode;
};

struct line_ctx {
	const char *file;
	unsigned int line;
	const char *start; /* of the line, for columns */
	struct conf_errors *errs;
	struct snp_setting snp_key, snp_arg;
};

#define col_of(c, p) ((unsigned int)((p) - (c)->start) + 1)

__attribute__((format(printf, 3, 4)))
static int add_err_at(struct line_ctx *c, const char *p, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = conf_errors_vaddf(c->errs, c->file, c->line, col_of(c, p), fmt, ap);
	va_end(ap);
	return r < 0 ? r : -EINVAL;
}

/* The value after '=': unquoted, "double" and 'single' quoted runs, as a
 * shell would read one word of an assignment, without expansions. */
static int parse_value(struct line_ctx *c, const char **pp, const char *end, char **out)
{
	_cleanup_free_ char *v = malloc((size_t)(end - *pp) + 1);
	const char *p = *pp;
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	while (p < end && !isspace((unsigned char)*p) && *p != '#') {
		if (*p == '\'') {
			const char *q = memchr(p + 1, '\'', (size_t)(end - p - 1));

			if (!q)
				return add_err_at(c, p, "unterminated %s quote", "single");
			memcpy(v + n, p + 1, (size_t)(q - p - 1));
			n += (size_t)(q - p - 1);
			p = q + 1;
		} else if (*p == '"') {
			const char *open = p++;

			while (p < end && *p != '"') {
				if (*p == '\\' && p + 1 < end && strchr("\"\\$`", p[1]))
					p++;
				else if (*p == '$' || *p == '`')
					return add_err_at(c, p, "\"%s\": shell expansion is not supported "
							  "here; write the value literally", *p == '$' ? "$" : "`");
				v[n++] = *p++;
			}
			if (p == end)
				return add_err_at(c, open, "unterminated %s quote", "double");
			p++;
		} else if (*p == '\\') {
			if (p + 1 == end)
				return add_err_at(c, p, "%s at the end of the line", "backslash");
			v[n++] = p[1];
			p += 2;
		} else if (*p == '$' || *p == '`' || *p == ';' || *p == '&' || *p == '|' ||
			   *p == '<' || *p == '>' || *p == '(' || *p == ')') {
			char word[2] = { *p, 0 };

			return add_err_at(c, p, "\"%s\": shell syntax is not supported here; "
					  "quote the value", word);
		} else {
			v[n++] = *p++;
		}
	}
	v[n] = '\0';
	*pp = p;
	*out = v;
	v = NULL;
	return 0;
}

static int set_string(char **field, char *value)
{
	free(*field);
	*field = value;
	return 0;
}

static const char *const capture_init_names[] = {
	[CAPTURE_INIT_AUTO] = "auto",
	[CAPTURE_INIT_MINIMAL] = "minimal",
	[CAPTURE_INIT_SYSTEMD] = "systemd",
};

const char *capture_init_name(enum capture_init init)
{
	return (size_t)init < ARRAY_SIZE(capture_init_names) ? capture_init_names[init] : "unknown";
}

static int capture_init_parse(const char *s, enum capture_init *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(capture_init_names); i++)
		if (streq(s, capture_init_names[i])) {
			*out = (enum capture_init)i;
			return 0;
		}
	return -EINVAL;
}

static const char *const net_mode_names[] = {
	[NET_MODE_STATIC] = "static",
	[NET_MODE_DHCP] = "dhcp",
};

const char *net_mode_name(enum net_mode mode)
{
	return (size_t)mode < ARRAY_SIZE(net_mode_names) ? net_mode_names[mode] : "unknown";
}

static int net_mode_parse(const char *s, enum net_mode *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(net_mode_names); i++)
		if (streq(s, net_mode_names[i])) {
			*out = (enum net_mode)i;
			return 0;
		}
	return -EINVAL;
}

/*
 * KDUMP_IMG and KDUMP_KERNELVER become parts of file names
 * (/boot/<img>-<ver>, /lib/modules/<ver>, initramfs-<ver>-kdump.img) and
 * arguments of dracut: one name, never a path or an option.
 * KDUMP_INITRD_DIR is a directory that kdumpctl creates: absolute.
 * Returns NULL when value is fine, else what is wrong with it.
 */
static const char *check_path_value(const char *key, const char *value)
{
	if (streq(key, "KDUMP_KERNEL")) {
		if (streq(value, "auto") || streq(value, "running"))
			return NULL;
		if (value[0] != '/')
			return "use auto, running or the absolute path of a kernel image";
		return strstr(value, "/..") ? "a path cannot contain \"/..\"" : NULL;
	}
	if (streq(key, "KDUMP_INITRD_DIR"))
		return value[0] == '/' ? NULL : "must be an absolute path";
	if (!streq(key, "KDUMP_IMG") && !streq(key, "KDUMP_KERNELVER"))
		return NULL;
	if (!*value)
		return streq(key, "KDUMP_IMG") ? "must name the kernel image (the default is "
						 DEFAULTS_IMG ")" : NULL;
	if (value[0] == '-')
		return "a file name cannot start with \"-\"";
	if (strchr(value, '/'))
		return "a file name cannot contain \"/\"";
	if (strstr(value, ".."))
		return "a file name cannot contain \"..\"";
	return NULL;
}

#define NOT_A_STRING SIZE_MAX

/* every key of the defaults file; the strings are stored at their offset */
static const struct {
	const char *key;
	size_t offset;
} settings[] = {
	{ "KDUMP_COMMANDLINE", offsetof(struct kdump_defaults, commandline) },
	{ "KDUMP_COMMANDLINE_APPEND", offsetof(struct kdump_defaults, commandline_append) },
	{ "KDUMP_COMMANDLINE_REMOVE", offsetof(struct kdump_defaults, commandline_remove) },
	{ "KDUMP_KERNELVER", offsetof(struct kdump_defaults, kernelver) },
	{ "KDUMP_KERNEL", offsetof(struct kdump_defaults, kernel) },
	{ "KDUMP_IMG", offsetof(struct kdump_defaults, img) },
	{ "KDUMP_INITRD_DIR", offsetof(struct kdump_defaults, initrd_dir) },
	{ "KDUMP_SNP", NOT_A_STRING },
	{ "KDUMP_CAPTURE_INIT", NOT_A_STRING },
	{ "KDUMP_NET", NOT_A_STRING },
	{ "KEXEC_ARGS", NOT_A_STRING },
};

static int unknown_key(struct line_ctx *c, const char *key, const char *keyp)
{
	const char *keys[ARRAY_SIZE(settings)];
	const char *near;

	for (size_t i = 0; i < ARRAY_SIZE(settings); i++)
		keys[i] = settings[i].key;
	near = suggest_closest(key, keys, ARRAY_SIZE(keys));
	if (near)
		return add_err_at(c, keyp, "unknown setting \"%s\"; did you mean \"%s\"?", key, near);
	return add_err_at(c, keyp, "unknown setting \"%s\"", key);
}

static int apply(struct line_ctx *c, struct kdump_defaults *d, const char *key,
		 const char *keyp, const char *valp, char *value)
{
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
		const char *why;

		if (settings[i].offset == NOT_A_STRING || !streq(key, settings[i].key))
			continue;
		why = check_path_value(key, value);
		if (why) {
			int r = add_err_at(c, valp, "%s \"%s\": %s", key, value, why);

			free(value);
			return r;
		}
		return set_string((char **)((char *)d + settings[i].offset), value);
	}

	if (streq(key, "KDUMP_SNP")) {
		int r = snp_mode_parse(value, &d->snp);

		if (r < 0)
			r = add_err_at(c, valp, "invalid KDUMP_SNP value \"%s\": use auto, on or off",
				       value);
		else
			c->snp_key = (struct snp_setting){ c->line, col_of(c, valp), d->snp };
		free(value);
		return r;
	}
	if (streq(key, "KDUMP_CAPTURE_INIT")) {
		int r = capture_init_parse(value, &d->capture_init);

		if (r < 0)
			r = add_err_at(c, valp, "invalid KDUMP_CAPTURE_INIT value \"%s\": "
				       "use auto, minimal or systemd", value);
		free(value);
		return r;
	}
	if (streq(key, "KDUMP_NET")) {
		int r = net_mode_parse(value, &d->net);

		if (r < 0)
			r = add_err_at(c, valp, "invalid KDUMP_NET value \"%s\": use static or dhcp",
				       value);
		free(value);
		return r;
	}
	if (streq(key, "KEXEC_ARGS")) {
		_cleanup_free_ char *owned = value;
		char **args = NULL;
		size_t pos;
		int r = strv_split_quoted(value, &args, &pos);

		if (r < 0)
			return add_err_at(c, valp, "KEXEC_ARGS \"%s\": unbalanced quotes", value);
		for (char **a = args; *a; a++) {
			if (streq(*a, "-s") || streq(*a, "--kexec-file-syscall"))
				continue;
			if (streq(*a, "-d") || streq(*a, "--debug")) {
				d->debug = true;
			} else if (strncmp(*a, "--snp=", 6) == 0 && snp_mode_parse(*a + 6, &d->snp) == 0) {
				c->snp_arg = (struct snp_setting){ c->line, col_of(c, valp), d->snp };
				continue;
			} else {
				r = add_err_at(c, valp, "KEXEC_ARGS: unsupported option \"%s\" "
					       "(supported: -s, -d, --snp=auto|on|off)", *a);
				break;
			}
		}
		strv_free(d->kexec_args);
		d->kexec_args = args;
		return r;
	}
	free(value);
	return unknown_key(c, key, keyp);
}

static int parse_line(struct line_ctx *c, struct kdump_defaults *d, const char *p, const char *end)
{
	_cleanup_free_ char *key = NULL;
	const char *keyp, *valp;
	char *value = NULL;
	int r;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	if ((size_t)(end - p) > 7 && strncmp(p, "export", 6) == 0 && isspace((unsigned char)p[6])) {
		p += 7;
		while (p < end && isspace((unsigned char)*p))
			p++;
	}
	keyp = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	if (p == keyp || isdigit((unsigned char)*keyp) || p == end || *p != '=') {
		key = strndup(keyp, strcspn(keyp, " \t\n"));
		if (!key)
			return -ENOMEM;
		return add_err_at(c, keyp, "\"%s\": expected KEY=value", key);
	}
	key = strndup(keyp, (size_t)(p - keyp));
	if (!key)
		return -ENOMEM;
	valp = ++p;
	r = parse_value(c, &p, end, &value);
	if (r < 0)
		return r;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p != '#') {
		_cleanup_free_ char *rest = strndup(p, (size_t)(end - p));

		free(value);
		if (!rest)
			return -ENOMEM;
		return add_err_at(c, p, "\"%s\": unexpected text after the value; quote values "
				  "with spaces", strip_trailing(rest));
	}
	return apply(c, d, key, keyp, valp, value);
}

/* KDUMP_SNP=on and KEXEC_ARGS="--snp=off" (or the other way round): an
 * error on the later of the two, not a silent last-one-wins. */
static int check_snp_conflict(struct line_ctx *c)
{
	const struct snp_setting *k = &c->snp_key, *a = &c->snp_arg;

	if (!k->line || !a->line || k->mode == a->mode)
		return 0;
	if (k->line > a->line)
		return conf_errors_addf(c->errs, c->file, k->line, k->column,
					"KDUMP_SNP=%s conflicts with KEXEC_ARGS \"--snp=%s\" on line "
					"%u; keep one", snp_mode_name(k->mode), snp_mode_name(a->mode),
					a->line) ?: -EINVAL;
	return conf_errors_addf(c->errs, c->file, a->line, a->column,
				"KEXEC_ARGS \"--snp=%s\" conflicts with KDUMP_SNP=%s on line %u; "
				"keep one", snp_mode_name(a->mode), snp_mode_name(k->mode), k->line) ?: -EINVAL;
}

static int defaults_init(struct kdump_defaults *d)
{
	*d = (struct kdump_defaults){ .snp = SNP_MODE_AUTO };
	d->img = strdup(DEFAULTS_IMG);
	d->initrd_dir = strdup(DEFAULTS_INITRD_DIR);
	d->kernelver = strdup("");
	d->kernel = strdup("auto");
	return d->img && d->initrd_dir && d->kernelver && d->kernel ? 0 : -ENOMEM;
}

int defaults_parse_buffer(const char *name, const char *buf, size_t len,
			  struct kdump_defaults **out, struct conf_errors *errs)
{
	struct kdump_defaults *d = malloc(sizeof(*d));
	struct line_ctx c = { .file = name, .errs = errs };
	const char *p = buf, *end = buf + len;
	struct text_problem tp;
	bool failed = false;
	int r;

	if (!d || defaults_init(d) < 0) {
		defaults_free(d);
		return -ENOMEM;
	}
	/* a DOS, BOM or binary file is one error, not one per line */
	if (text_file_problem(buf, len, "the defaults file", &tp)) {
		r = conf_errors_addf(errs, name, tp.line, tp.column, "%s", tp.message);
		defaults_free(d);
		return r < 0 ? r : -EINVAL;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		c.line++;
		c.start = p;
		if (memchr(p, '\0', (size_t)(eol - p)))
			r = add_err_at(&c, p, "%s byte: this is not a text file", "NUL");
		else
			r = parse_line(&c, d, p, eol);
		if (r == -ENOMEM) {
			defaults_free(d);
			return r;
		}
		failed |= r < 0;
		p = nl ? nl + 1 : end;
	}
	r = check_snp_conflict(&c);
	if (r == -ENOMEM) {
		defaults_free(d);
		return r;
	}
	failed |= r < 0;
	if (failed) {
		defaults_free(d);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

int defaults_parse_file(const char *path, bool missing_ok,
			struct kdump_defaults **out, struct conf_errors *errs)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n = read_file(path, &buf);

	if (n == -ENOENT && missing_ok)
		return defaults_parse_buffer(path, "", 0, out, errs);
	if (n < 0) {
		if (conf_errors_addf(errs, path, 0, 0, "cannot read: %s", strerror((int)-n)) < 0)
			return -ENOMEM;
		return (int)n;
	}
	return defaults_parse_buffer(path, buf, (size_t)n, out, errs);
}

void defaults_free(struct kdump_defaults *d)
{
	if (!d)
		return;
	free(d->commandline);
	free(d->commandline_append);
	free(d->commandline_remove);
	free(d->kernelver);
	free(d->kernel);
	free(d->img);
	free(d->initrd_dir);
	strv_free(d->kexec_args);
	free(d);
}
