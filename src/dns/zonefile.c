/* The reader of RFC 1035 master files (§5) for --zone. */
#include "dns/zonefile.h"
#include "dns/zoneset.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "bounds.h"
#include "dns/name.h"
#include "util/arena.h"
#include "util/xalloc.h"

/* One token of a logical line: the bytes after unescaping. */
struct token {
	char *text;		/* NUL-appended */
	size_t len;
	bool quoted;
};

/* The reader's state for one text. */
struct reader {
	struct dns_zoneset *zs;
	const char *label;	/* file name for messages */
	const char *p, *end;
	unsigned line;		/* line of the current position */
	unsigned start_line;	/* first line of the logical line */
	const char *origin;	/* current $ORIGIN, normalized, or NULL */
	const char *owner;	/* previous owner, for blank owners */
	const char **origins;	/* every origin set: the zones of a file
				 * without SOA */
	size_t norigins;
	bool saw_soa;
	struct token *tokens;
	size_t ntokens, captokens;
	bool leading_space;	/* the logical line began with a blank */
	char **err;
};

static int
fail(struct reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t len;
	char *out;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	len = strlen(r->label) + strlen(msg) + 32;
	out = xcalloc(len, 1);
	snprintf(out, len, "%s:%u: %s", r->label, r->start_line, msg);
	free(*r->err);
	*r->err = out;
	return -1;
}

/* Tokens are quoted in messages as the user wrote them, made printable. */
static const char *
shown(const struct token *t)
{
	static _Thread_local char buf[64];
	size_t i, j = 0;

	for (i = 0; i < t->len && j + 5 < sizeof(buf); i++) {
		unsigned char c = (unsigned char)t->text[i];

		j += (size_t)snprintf(buf + j, sizeof(buf) - j,
		    c >= 0x20 && c < 0x7f ? "%c" : "\\%03u", c);
	}
	buf[j] = '\0';
	return buf;
}

static void
push_token(struct reader *r, const char *text, size_t len, bool quoted)
{
	struct token *t;

	if (r->ntokens == r->captokens) {
		r->captokens = r->captokens ? r->captokens * 2 : 16;
		r->tokens = xreallocarray(r->tokens, r->captokens,
		    sizeof(*r->tokens));
	}
	t = &r->tokens[r->ntokens++];
	t->text = arena_memdup(r->zs->arena, text, len);
	t->len = len;
	t->quoted = quoted;
}

/* RFC 1035 §5.1: \X is X, \DDD is the octet DDD. Appends one character
 * from p to out; returns the bytes of input used, or 0 when malformed. */
static size_t
unescape(const char *p, const char *end, char *out)
{
	if (p + 1 >= end) {
		return 0;
	}
	if (isdigit((unsigned char)p[1])) {
		int v;

		if (p + 3 >= end || !isdigit((unsigned char)p[2]) ||
		    !isdigit((unsigned char)p[3])) {
			return 0;
		}
		v = (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
		if (v > 255) {
			return 0;
		}
		*out = (char)v;
		return 4;
	}
	*out = p[1];
	return 2;
}

/* Reads one token at r->p into buf; returns 0, or -1 on a syntax error. */
static int
read_token(struct reader *r, char *buf)
{
	bool quoted = *r->p == '"';
	size_t len = 0;

	if (quoted) {
		r->p++;
	}
	while (r->p < r->end) {
		char c = *r->p;

		if (quoted ? c == '"' : (isspace((unsigned char)c) ||
		    c == ';' || c == '(' || c == ')' || c == '"')) {
			break;
		}
		if (c == '\\') {
			size_t used = unescape(r->p, r->end, &buf[len]);

			if (used == 0) {
				return fail(r, "bad escape sequence");
			}
			r->p += used;
			len++;
			continue;
		}
		if (c == '\n') {
			r->line++;
		}
		buf[len++] = c;
		r->p++;
	}
	if (quoted) {
		if (r->p >= r->end) {
			return fail(r, "unterminated quoted string");
		}
		r->p++;
	}
	push_token(r, buf, len, quoted);
	return 0;
}

/* Splits the next logical line into tokens: comments dropped, lines
 * inside parentheses joined (RFC 1035 §5.1). Returns 1 when a line was
 * read, 0 at the end, -1 on error. */
static int
read_line(struct reader *r, char *buf)
{
	int depth = 0;

	r->ntokens = 0;
	r->start_line = r->line;
	r->leading_space = r->p < r->end && (*r->p == ' ' || *r->p == '\t');
	while (r->p < r->end) {
		char c = *r->p;

		if (c == '\n') {
			r->line++;
			r->p++;
			if (depth == 0 && r->ntokens > 0) {
				return 1;
			}
			if (depth == 0) {
				r->start_line = r->line;
				r->leading_space = r->p < r->end &&
				    (*r->p == ' ' || *r->p == '\t');
			}
		} else if (isspace((unsigned char)c)) {
			r->p++;
		} else if (c == ';') {
			while (r->p < r->end && *r->p != '\n') {
				r->p++;
			}
		} else if (c == '(') {
			depth++;
			r->p++;
		} else if (c == ')') {
			if (--depth < 0) {
				return fail(r, "')' without '('");
			}
			r->p++;
		} else if (r->ntokens >= ZONE_MAX_TOKENS) {
			return fail(r, "too many fields on one line (at most "
			    "%d)", ZONE_MAX_TOKENS);
		} else if (read_token(r, buf) != 0) {
			return -1;
		}
	}
	if (depth > 0) {
		return fail(r, "'(' without ')'");
	}
	return r->ntokens > 0;
}

/* Makes a name absolute (without the final dot) and lower case. */
static const char *
complete_name(struct reader *r, const struct token *t)
{
	char *full;

	if (t->len == 1 && t->text[0] == '@') {
		return r->origin;
	}
	if (t->len > 0 && t->text[t->len - 1] == '.') {
		return dns_name_normalize(r->zs->arena, t->text);
	}
	if (r->origin == NULL) {
		return NULL;
	}
	full = r->origin[0] ? arena_printf(r->zs->arena, "%s.%s", t->text,
	    r->origin) : arena_strdup(r->zs->arena, t->text);
	return dns_name_normalize(r->zs->arena, full);
}

static const char *
name_field(struct reader *r, const struct token *t)
{
	const char *name = complete_name(r, t);
	enum dns_name_error err;

	if (name == NULL) {
		fail(r, "relative name '%s' with no $ORIGIN", shown(t));
		return NULL;
	}
	err = dns_name_check(name);
	if (name[0] != '\0' && err != DNS_NAME_OK) {
		fail(r, "bad name '%s': %s", shown(t), dns_name_error_str(err));
		return NULL;
	}
	return name;
}

/* TTLs: seconds, or with units as BIND writes them (1h30m, 2d, 1w). */
static bool
is_ttl(const struct token *t)
{
	size_t i;

	if (t->quoted || t->len == 0 || !isdigit((unsigned char)t->text[0])) {
		return false;
	}
	for (i = 0; i < t->len; i++) {
		if (!isdigit((unsigned char)t->text[i]) &&
		    !strchr("smhdwSMHDW", t->text[i])) {
			return false;
		}
	}
	return true;
}

static bool
parse_number(const struct token *t, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (t->quoted || t->len == 0 || !isdigit((unsigned char)t->text[0])) {
		return false;
	}
	errno = 0;
	v = strtoul(t->text, &end, 10);
	if (errno != 0 || *end != '\0' || v > max) {
		return false;
	}
	*out = v;
	return true;
}

static const struct {
	const char *name;
	unsigned type;
	size_t min, max;	/* RDATA fields */
} types[] = {
	{ "A", DNS_T_A, 1, 1 },
	{ "AAAA", DNS_T_AAAA, 1, 1 },
	{ "MX", DNS_T_MX, 2, 2 },
	{ "PTR", DNS_T_PTR, 1, 1 },
	{ "CNAME", DNS_T_CNAME, 1, 1 },
	{ "NS", DNS_T_NS, 1, 1 },
	{ "SOA", DNS_T_SOA, 7, 7 },
	{ "TXT", DNS_T_TXT, 1, ZONE_MAX_TOKENS },
	{ "SPF", ZONE_T_SPF, 1, ZONE_MAX_TOKENS },
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

static int
parse_strings(struct reader *r, struct zone_rr *rr, const struct token *t,
    size_t n)
{
	struct dns_bytes *s = arena_calloc(r->zs->arena, n, sizeof(*s));
	size_t i;

	for (i = 0; i < n; i++) {
		s[i].data = (const unsigned char *)t[i].text;
		s[i].len = t[i].len;
	}
	rr->rd.txt.strings = s;
	rr->rd.txt.nstrings = n;
	return 0;
}

static int
parse_rdata(struct reader *r, struct zone_rr *rr, const struct token *t,
    size_t n)
{
	unsigned long v;
	size_t i;

	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (!ip_parse(t[0].text, &rr->rd.addr) ||
		    rr->rd.addr.family != (rr->type == DNS_T_A ? AF_INET :
		    AF_INET6)) {
			return fail(r, "bad %s address '%s'", rr->type ==
			    DNS_T_A ? "IPv4" : "IPv6", shown(&t[0]));
		}
		return 0;
	case DNS_T_MX:
		if (!parse_number(&t[0], 65535, &v)) {
			return fail(r, "bad MX preference '%s'", shown(&t[0]));
		}
		rr->rd.mx.preference = (unsigned)v;
		rr->rd.mx.host = name_field(r, &t[1]);
		return rr->rd.mx.host ? 0 : -1;
	case DNS_T_PTR:
	case DNS_T_CNAME:
	case DNS_T_NS:
		rr->rd.name = name_field(r, &t[0]);
		return rr->rd.name ? 0 : -1;
	case DNS_T_SOA:
		if (name_field(r, &t[0]) == NULL ||
		    name_field(r, &t[1]) == NULL) {
			return -1;
		}
		for (i = 2; i < 7; i++) {
			if (!parse_number(&t[i], UINT32_MAX, &v) &&
			    !(i > 2 && is_ttl(&t[i]))) {
				return fail(r, "bad SOA number '%s'",
				    shown(&t[i]));
			}
		}
		return 0;
	default:
		return parse_strings(r, rr, t, n);
	}
}

static int
add_record(struct reader *r, const char *owner, size_t first)
{
	struct dns_zoneset *zs = r->zs;
	const struct token *t = &r->tokens[first];
	size_t n = r->ntokens - first, k;
	struct zone_rr rr;

	if (n == 0) {
		return fail(r, "missing record type");
	}
	for (k = 0; k < NTYPES; k++) {
		if (!t->quoted && strcasecmp(t->text, types[k].name) == 0) {
			break;
		}
	}
	if (k == NTYPES) {
		return fail(r, "unknown record type '%s'", shown(t));
	}
	if (n - 1 < types[k].min || n - 1 > types[k].max) {
		return fail(r, "%s record needs %zu field%s, found %zu",
		    types[k].name, types[k].min, types[k].min == 1 ? "" : "s",
		    n - 1);
	}
	if (zs->n >= ZONE_MAX_RECORDS) {
		return fail(r, "more than %d records", ZONE_MAX_RECORDS);
	}
	memset(&rr, 0, sizeof(rr));
	rr.owner = owner;
	rr.type = types[k].type;
	if (parse_rdata(r, &rr, t + 1, n - 1) != 0) {
		return -1;
	}
	if (rr.type == DNS_T_SOA) {
		zoneset_add_apex(zs, owner);
		r->saw_soa = true;
	}
	zoneset_add_record(zs, &rr);
	return 0;
}

static void
note_origin(struct reader *r)
{
	r->origins = xreallocarray(r->origins, r->norigins + 1,
	    sizeof(*r->origins));
	r->origins[r->norigins++] = r->origin;
}

static int
directive(struct reader *r)
{
	const struct token *t = &r->tokens[0];

	if (strcasecmp(t->text, "$ORIGIN") == 0 && r->ntokens == 2) {
		if (r->tokens[1].text[r->tokens[1].len - 1] != '.' &&
		    r->origin == NULL) {
			return fail(r, "$ORIGIN '%s' must end with a dot",
			    shown(&r->tokens[1]));
		}
		r->origin = name_field(r, &r->tokens[1]);
		if (r->origin == NULL) {
			return -1;
		}
		note_origin(r);
		return 0;
	}
	if (strcasecmp(t->text, "$TTL") == 0 && r->ntokens == 2 &&
	    is_ttl(&r->tokens[1])) {
		return 0;
	}
	if (strcasecmp(t->text, "$INCLUDE") == 0) {
		return fail(r, "$INCLUDE is not supported: give each file "
		    "with its own --zone");
	}
	return fail(r, "bad directive '%s'", shown(t));
}

static int
record_line(struct reader *r)
{
	const char *owner;
	size_t i = 0, k;

	if (r->leading_space) {
		if (r->owner == NULL) {
			return fail(r, "record with no owner name");
		}
		owner = r->owner;
	} else {
		owner = name_field(r, &r->tokens[0]);
		if (owner == NULL) {
			return -1;
		}
		i = 1;
	}
	r->owner = owner;
	/* TTL and class, in either order (RFC 1035 §5.1). */
	for (k = 0; k < 2 && i < r->ntokens; k++) {
		if (is_ttl(&r->tokens[i])) {
			i++;
		} else if (!r->tokens[i].quoted &&
		    strcasecmp(r->tokens[i].text, "IN") == 0) {
			i++;
		} else if (!r->tokens[i].quoted &&
		    (strcasecmp(r->tokens[i].text, "CH") == 0 ||
		    strcasecmp(r->tokens[i].text, "HS") == 0)) {
			return fail(r, "class '%s' is not supported (only IN)",
			    shown(&r->tokens[i]));
		}
	}
	return add_record(r, owner, i);
}

static int
read_all(struct reader *r)
{
	char *buf = xcalloc((size_t)(r->end - r->p) + 1, 1);
	int rc;

	while ((rc = read_line(r, buf)) > 0) {
		if (!r->tokens[0].quoted && r->tokens[0].text[0] == '$' &&
		    !r->leading_space) {
			rc = directive(r);
		} else {
			rc = record_line(r);
		}
		if (rc != 0) {
			break;
		}
	}
	free(buf);
	return rc < 0 ? -1 : 0;
}

int
dns_zoneset_load_text(struct dns_zoneset *zs, const char *text, size_t len,
    const char *origin, const char *label, char **err)
{
	struct reader r;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	r.zs = zs;
	r.label = label ? label : "zone";
	r.p = text;
	r.end = text + len;
	r.line = 1;
	r.err = err;
	if (origin != NULL) {
		r.origin = dns_name_normalize(zs->arena, origin);
		note_origin(&r);
	}
	rc = read_all(&r);
	/* A file without SOA is authoritative for each origin it sets. */
	for (i = 0; rc == 0 && !r.saw_soa && i < r.norigins; i++) {
		zoneset_add_apex(zs, r.origins[i]);
	}
	free(r.tokens);
	free(r.origins);
	return rc;
}

/* Sets *err to a heap message about the file; returns -1. */
static int
file_error(char **err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*err = xstrdup(msg);
	return -1;
}

int
dns_zoneset_load_file(struct dns_zoneset *zs, const char *path, char **err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *text;
	size_t len;
	int rc, read_errno;

	if (f == NULL) {
		return file_error(err, "cannot read zone file '%s': %s", path,
		    strerror(errno));
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return file_error(err, "zone file '%s' is a directory: give a "
		    "file in it (--zone %s/example.com.zone)", path, path);
	}
	text = xcalloc(ZONE_MAX_FILE + 1, 1);
	len = fread(text, 1, ZONE_MAX_FILE + 1, f);
	read_errno = ferror(f) ? errno : 0;
	fclose(f);
	if (read_errno != 0 || len > ZONE_MAX_FILE) {
		free(text);
		return read_errno != 0 ? file_error(err, "cannot read zone "
		    "file '%s': %s", path, strerror(read_errno)) :
		    file_error(err, "zone file '%s' is larger than %d MiB",
		    path, ZONE_MAX_FILE / (1024 * 1024));
	}
	rc = dns_zoneset_load_text(zs, text, len, NULL, path, err);
	free(text);
	return rc;
}

int
dns_zone_parse_strings(struct arena *a, const char *text,
    struct dns_bytes **out, const char **err)
{
	struct dns_zoneset *zs = dns_zoneset_create();
	struct reader r;
	char *buf, *msg = NULL;
	struct dns_bytes *s;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	r.zs = zs;
	r.label = "record";
	r.p = text;
	r.end = text + strlen(text);
	r.line = 1;
	r.err = &msg;
	buf = xcalloc(strlen(text) + 1, 1);
	rc = read_line(&r, buf);
	if (rc > 0 && r.p < r.end) {
		rc = fail(&r, "more than one line");
	}
	if (rc <= 0) {
		*err = rc == 0 ? "no strings" : "unbalanced quotes, "
		    "parentheses or escapes";
		rc = -1;
	} else {
		s = arena_calloc(a, r.ntokens, sizeof(*s));
		for (i = 0; i < r.ntokens; i++) {
			s[i].data = (const unsigned char *)arena_memdup(a,
			    r.tokens[i].text, r.tokens[i].len);
			s[i].len = r.tokens[i].len;
		}
		*out = s;
		rc = (int)r.ntokens;
	}
	free(msg);
	free(buf);
	free(r.tokens);
	dns_zoneset_destroy(zs);
	return rc;
}
