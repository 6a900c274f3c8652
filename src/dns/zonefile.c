/* The reader of RFC 1035 master files (§5) for --zone. */
#include "dns/zonefile.h"
#include "dns/zonereader.h"
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
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

int
zone_fail(struct reader *r, const char *fmt, ...)
{
	struct error what;
	va_list ap;

	va_start(ap, fmt);
	error_vset(&what, fmt, ap);
	va_end(ap);
	return error_set(r->err, "%s:%u: %s", r->label, r->start_line,
	    what.msg);
}

/* Tokens are quoted in messages as the user wrote them, made printable. */
const char *
zone_shown(const struct token *t)
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
push_token(struct reader *r, const char *text, size_t len, bool quoted,
    bool generic)
{
	struct token *t;

	r->tokens = array_grow(NULL, r->tokens, r->ntokens, &r->captokens,
	    sizeof(*r->tokens));
	t = &r->tokens[r->ntokens++];
	t->text = arena_memdup(r->zs->arena, text, len);
	t->len = len;
	t->quoted = quoted;
	t->generic = generic;
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
	bool generic = r->end - r->p >= 2 && r->p[0] == '\\' &&
	    r->p[1] == '#' && (r->end - r->p == 2 ||
	    isspace((unsigned char)r->p[2]) || r->p[2] == ')');
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
				return zone_fail(r, "bad escape sequence");
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
			return zone_fail(r, "unterminated quoted string");
		}
		r->p++;
	}
	push_token(r, buf, len, quoted, generic);
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
				return zone_fail(r, "')' without '('");
			}
			r->p++;
		} else if (r->ntokens >= ZONE_MAX_TOKENS) {
			return zone_fail(r, "too many fields on one line (at "
			    "most %d)", ZONE_MAX_TOKENS);
		} else if (read_token(r, buf) != 0) {
			return -1;
		}
	}
	if (depth > 0) {
		return zone_fail(r, "'(' without ')'");
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

const char *
zone_name_field(struct reader *r, const struct token *t)
{
	const char *name = complete_name(r, t);
	enum dns_name_error err;

	if (name == NULL) {
		zone_fail(r, "relative name '%s' with no $ORIGIN",
		    zone_shown(t));
		return NULL;
	}
	err = dns_name_check(name);
	if (name[0] != '\0' && err != DNS_NAME_OK) {
		zone_fail(r, "bad name '%s': %s", zone_shown(t),
		    dns_name_error_str(err));
		return NULL;
	}
	return name;
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
			return zone_fail(r, "$ORIGIN '%s' must end with a dot",
			    zone_shown(&r->tokens[1]));
		}
		r->origin = zone_name_field(r, &r->tokens[1]);
		if (r->origin == NULL) {
			return -1;
		}
		note_origin(r);
		return 0;
	}
	if (strcasecmp(t->text, "$TTL") == 0 && r->ntokens == 2 &&
	    zone_is_ttl(&r->tokens[1])) {
		return 0;
	}
	if (strcasecmp(t->text, "$INCLUDE") == 0) {
		return zone_fail(r, "$INCLUDE is not supported: give each file "
		    "with its own --zone");
	}
	return zone_fail(r, "bad directive '%s'", zone_shown(t));
}

static int
record_line(struct reader *r)
{
	const char *owner;
	size_t i = 0, k;

	if (r->leading_space) {
		if (r->owner == NULL) {
			return zone_fail(r, "record with no owner name");
		}
		owner = r->owner;
	} else {
		owner = zone_name_field(r, &r->tokens[0]);
		if (owner == NULL) {
			return -1;
		}
		i = 1;
	}
	r->owner = owner;
	/* TTL and class, in either order (RFC 1035 §5.1). */
	for (k = 0; k < 2 && i < r->ntokens; k++) {
		if (zone_is_ttl(&r->tokens[i])) {
			i++;
		} else if (!r->tokens[i].quoted &&
		    strcasecmp(r->tokens[i].text, "IN") == 0) {
			i++;
		} else if (!r->tokens[i].quoted &&
		    (strcasecmp(r->tokens[i].text, "CH") == 0 ||
		    strcasecmp(r->tokens[i].text, "HS") == 0)) {
			return zone_fail(r, "class '%s' is not supported "
			    "(only IN)", zone_shown(&r->tokens[i]));
		}
	}
	return zone_add_record(r, owner, i);
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

/* The notes of a file that loaded: what it holds that mailauth reads
 * for the names only, and records no zone of the set answers for. */
static void
add_notes(struct reader *r, size_t first)
{
	struct dns_zoneset *zs = r->zs;
	struct strbuf kept = STRBUF_INIT;
	size_t i, j, outside = 0;

	for (i = first; i < zs->n; i++) {
		const struct zone_rr *rr = &zs->rrs[i];
		size_t count = 0;

		if (!zoneset_answers_for(zs, rr->owner)) {
			outside++;
		}
		if (!rr->opaque || rr->type == DNS_T_SOA) {
			continue;
		}
		for (j = first; j < i && zs->rrs[j].type != rr->type; j++) {
		}
		if (j < i) {
			continue;	/* counted at its first record */
		}
		for (j = i; j < zs->n; j++) {
			count += zs->rrs[j].type == rr->type;
		}
		strbuf_addf(&kept, "%s%zu %s", kept.len ? ", " : "", count,
		    zone_type_name(rr->type));
	}
	if (kept.len > 0) {
		zoneset_add_note(zs, arena_printf(zs->arena, "%s: %s read "
		    "for the names only (mailauth does not use these types)",
		    r->label, strbuf_str(&kept)));
	}
	if (outside > 0) {
		zoneset_add_note(zs, arena_printf(zs->arena, "%s: %zu record%s "
		    "outside every zone loaded (SOA owners, or each $ORIGIN "
		    "of a file without SOA): never answered", r->label,
		    outside, outside == 1 ? "" : "s"));
	}
	strbuf_finish(&kept);
}

/* Which zones the text holds: its SOA owners, else each $ORIGIN it sets,
 * else the zone its file's name gives (example.com.zone, db.example.com)
 * when every owner lies under it. Text that none of these places would
 * answer nothing: that is an error. */
static int
place(struct reader *r, size_t first, const char *by_name)
{
	struct dns_zoneset *zs = r->zs;
	size_t i;

	for (i = 0; !r->saw_soa && i < r->norigins; i++) {
		zoneset_add_apex(zs, r->origins[i]);
	}
	if (r->saw_soa || r->norigins > 0 || first == zs->n) {
		return 0;
	}
	for (i = first; by_name != NULL && i < zs->n; i++) {
		if (!dns_name_is_under(zs->rrs[i].owner, by_name)) {
			by_name = NULL;
		}
	}
	if (by_name == NULL) {
		return error_set(r->err, "%s: no SOA record or $ORIGIN says "
		    "which zone it holds, so none of its records would be "
		    "answered: add '$ORIGIN example.com.' (the zone's name) as "
		    "its first line", r->label);
	}
	zoneset_add_apex(zs, by_name);
	zoneset_add_note(zs, arena_printf(zs->arena, "%s: no SOA record or "
	    "$ORIGIN: answering for %s, from the file's name", r->label,
	    by_name));
	return 0;
}

static int
load(struct dns_zoneset *zs, const char *text, size_t len,
    const char *origin, const char *label, const char *by_name,
    struct error *err)
{
	struct reader r;
	size_t first = zs->n;
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
	if (rc == 0) {
		rc = place(&r, first, by_name);
	}
	if (rc == 0) {
		add_notes(&r, first);
	}
	free(r.tokens);
	free(r.origins);
	return rc;
}

int
dns_zoneset_load_text(struct dns_zoneset *zs, const char *text, size_t len,
    const char *origin, const char *label, struct error *err)
{
	return load(zs, text, len, origin, label, NULL, err);
}

/* The zone a file's name gives by the usual conventions: example.com.zone
 * (Knot), db.example.com or example.com.db (BIND); NULL for others. */
static const char *
zone_from_path(struct arena *a, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;
	char *name;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 5 && strcmp(base + len - 5, ".zone") == 0) {
		name = arena_memdup(a, base, len - 5);
	} else if (len > 3 && strcmp(base + len - 3, ".db") == 0) {
		name = arena_memdup(a, base, len - 3);
	} else if (strncmp(base, "db.", 3) == 0 && len > 3) {
		name = arena_strdup(a, base + 3);
	} else {
		return NULL;
	}
	return dns_name_check(name) == DNS_NAME_OK ?
	    dns_name_normalize(a, name) : NULL;
}

int
dns_zoneset_load_file(struct dns_zoneset *zs, const char *path,
    struct error *err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char *text;
	size_t len;
	int rc, read_errno;

	if (f == NULL) {
		return error_set(err, "cannot read zone file '%s': %s", path,
		    strerror(errno));
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return error_set(err, "zone file '%s' is a directory: give a "
		    "file in it (--zone %s/example.com.zone)", path, path);
	}
	text = xcalloc(ZONE_MAX_FILE + 1, 1);
	len = fread(text, 1, ZONE_MAX_FILE + 1, f);
	read_errno = ferror(f) ? errno : 0;
	fclose(f);
	if (read_errno != 0 || len > ZONE_MAX_FILE) {
		free(text);
		return read_errno != 0 ? error_set(err, "cannot read zone "
		    "file '%s': %s", path, strerror(read_errno)) :
		    error_set(err, "zone file '%s' is larger than %d MiB",
		    path, ZONE_MAX_FILE / (1024 * 1024));
	}
	rc = load(zs, text, len, NULL, path, zone_from_path(zs->arena, path),
	    err);
	free(text);
	return rc;
}

int
dns_zone_parse_strings(struct arena *a, const char *text,
    struct dns_bytes **out, const char **err)
{
	struct dns_zoneset *zs = dns_zoneset_create();
	struct reader r;
	char *buf;
	struct error msg;
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
		rc = zone_fail(&r, "more than one line");
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
	free(buf);
	free(r.tokens);
	dns_zoneset_destroy(zs);
	return rc;
}
