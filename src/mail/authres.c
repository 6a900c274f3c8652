#include "mail/authres.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/rfc5322.h"
#include "util/arena.h"
#include "util/strbuf.h"

struct parser {
	struct arena *a;
	const char *p;
	const char *comment;	/* the first comment skipped since reset */
	struct authres *out;
	size_t cap;		/* room in out->results */
	size_t capprops;	/* room in the props of the last result */
};

static void
problem(struct parser *ps, const char *what)
{
	if (ps->out->error == NULL) {
		ps->out->error = what;
	}
}

/* Skips CFWS, keeping the text of the first comment. */
static void
skip(struct parser *ps)
{
	for (;;) {
		const char *start;

		while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' ||
		    *ps->p == '\n') {
			ps->p++;
		}
		if (*ps->p != '(') {
			return;
		}
		start = ps->p;
		ps->p = rfc5322_comment_end(ps->p);
		if (ps->comment == NULL && ps->p - start >= 2) {
			ps->comment = arena_memdup(ps->a, start + 1,
			    (size_t)(ps->p - start - 2));
		}
	}
}

/* A value: a quoted string (unquoted here), or a run of characters up to
 * a blank, a comment, ';' or one of stop. */
static char *
word(struct parser *ps, const char *stop)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;

	if (*ps->p == '"') {
		for (ps->p++; *ps->p && *ps->p != '"'; ps->p++) {
			if (*ps->p == '\\' && ps->p[1] != '\0') {
				ps->p++;
			}
			strbuf_addc(&sb, *ps->p);
		}
		ps->p += *ps->p == '"';
	} else {
		while (*ps->p && strchr(" \t(;", *ps->p) == NULL &&
		    strchr(stop, *ps->p) == NULL) {
			strbuf_addc(&sb, *ps->p++);
		}
	}
	out = arena_strdup(ps->a, strbuf_str(&sb));
	strbuf_finish(&sb);
	return out;
}

static char *
lower(char *s)
{
	char *p;

	for (p = s; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
	}
	return s;
}

/* Moves to the ';' that ends the current result (or the end). */
static void
to_next(struct parser *ps)
{
	while (*ps->p && *ps->p != ';') {
		if (*ps->p == '(') {
			ps->p = rfc5322_comment_end(ps->p);
		} else if (*ps->p == '"') {
			(void)word(ps, "");
		} else {
			ps->p++;
		}
	}
}

static struct authres_result *
new_result(struct parser *ps)
{
	struct authres *ar = ps->out;

	ar->results = array_grow(ps->a, ar->results, ar->nresults, &ps->cap,
	    sizeof(*ar->results));
	ps->capprops = 0;
	return &ar->results[ar->nresults++];
}

/* The room for properties doubles, so a field with many of them costs
 * linear memory. */
static void
add_prop(struct parser *ps, struct authres_result *r, char *ptype,
    char *property, char *value)
{
	r->props = array_grow(ps->a, r->props, r->nprops, &ps->capprops,
	    sizeof(*r->props));
	r->props[r->nprops].ptype = lower(ptype);
	r->props[r->nprops].property = lower(property);
	r->props[r->nprops].value = value;
	r->nprops++;
}

/* RFC 8601 §2.2: [reasonspec] and propspecs after "method=result". */
static void
read_details(struct parser *ps, struct authres_result *r)
{
	for (;;) {
		char *key, *prop;

		skip(ps);
		if (*ps->p == '\0' || *ps->p == ';') {
			return;
		}
		key = word(ps, "=.");
		skip(ps);
		if (strcasecmp(key, "reason") == 0 && *ps->p == '=') {
			ps->p++;
			skip(ps);
			r->reason = word(ps, "");
			continue;
		}
		if (*ps->p == '=' && key[0] != '\0') {
			/* Microsoft's "action=none": no ptype. */
			problem(ps, "a property has no ptype");
			ps->p++;
			skip(ps);
			add_prop(ps, r, arena_strdup(ps->a, ""), key,
			    word(ps, ""));
			continue;
		}
		if (*ps->p != '.' || key[0] == '\0') {
			problem(ps, "a result property is not ptype.property="
			    "value");
			to_next(ps);
			return;
		}
		ps->p++;
		skip(ps);
		prop = word(ps, "=");
		skip(ps);
		if (*ps->p != '=') {
			problem(ps, "a property has no value");
			to_next(ps);
			return;
		}
		ps->p++;
		skip(ps);
		add_prop(ps, r, key, prop, word(ps, ""));
	}
}

/* RFC 8601 §2.2: one resinfo, from the method to its end. */
static void
read_result(struct parser *ps)
{
	struct authres_result *r;
	char *method;

	ps->comment = NULL;
	skip(ps);
	method = word(ps, "=/");
	skip(ps);
	if (*ps->p == '/') {		/* a method version */
		ps->p++;
		skip(ps);
		(void)word(ps, "=");
		skip(ps);
	}
	if (method[0] == '\0' || *ps->p != '=') {
		if (strcasecmp(method, "none") != 0 || ps->out->nresults > 0) {
			problem(ps, "a result is not method=result");
		}
		to_next(ps);
		return;
	}
	ps->p++;
	skip(ps);
	r = new_result(ps);
	r->method = lower(method);
	ps->comment = NULL;
	r->result = lower(word(ps, ""));
	read_details(ps, r);
	r->comment = ps->comment;
}

/* RFC 8617 §4.1.1: "i=N;" before the payload of an AAR. */
static bool
read_instance(struct parser *ps)
{
	char *end;

	skip(ps);
	if (tolower((unsigned char)*ps->p) != 'i') {
		return false;
	}
	ps->p++;
	skip(ps);
	if (*ps->p != '=') {
		return false;
	}
	ps->p++;
	skip(ps);
	if (!isdigit((unsigned char)*ps->p)) {
		return false;
	}
	ps->out->instance = strtol(ps->p, &end, 10);
	ps->p = end;
	skip(ps);
	if (*ps->p != ';') {
		return false;
	}
	ps->p++;
	return true;
}

void
authres_parse(struct arena *a, const char *value, bool arc,
    struct authres *out)
{
	struct parser ps = { a, value, NULL, out, 0, 0 };
	const char *start;
	char *id;

	memset(out, 0, sizeof(*out));
	out->instance = -1;
	if (arc && !read_instance(&ps)) {
		problem(&ps, "no i= instance before the authserv-id");
		return;
	}
	skip(&ps);
	start = ps.p;
	id = word(&ps, "=");
	skip(&ps);
	if (*ps.p == '=' || *ps.p == '/') {
		/* A result where the authserv-id belongs (Microsoft). */
		problem(&ps, "no authserv-id");
		ps.p = start;
		read_result(&ps);
	} else {
		out->authserv_id = id[0] ? id : NULL;
		if (id[0] == '\0') {
			problem(&ps, "no authserv-id");
		}
		if (isdigit((unsigned char)*ps.p)) {	/* authres-version */
			(void)word(&ps, "");
			skip(&ps);
		}
		if (*ps.p != ';' && *ps.p != '\0') {
			problem(&ps, "text after the authserv-id");
			to_next(&ps);
		}
	}
	while (*ps.p == ';') {
		ps.p++;
		read_result(&ps);
	}
}

const char *
authres_prop(const struct authres_result *r, const char *ptype,
    const char *property)
{
	size_t i;

	for (i = 0; i < r->nprops; i++) {
		if (strcmp(r->props[i].ptype, ptype) == 0 &&
		    strcmp(r->props[i].property, property) == 0) {
			return r->props[i].value;
		}
	}
	return NULL;
}

/* RFC 8601 §2.2 (with RFC 5322's grammar): a header field is US-ASCII.
 * Text written into one is made so: "§" becomes "section", another
 * non-ASCII character '?', a control character a blank. */
static void
add_ascii(struct strbuf *sb, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;

	while (*p) {
		if (p[0] == 0xc2 && p[1] == 0xa7) {
			strbuf_adds(sb, "section ");
			p += 2;
			p += *p == ' ';
		} else if (*p >= 0x80) {
			strbuf_addc(sb, '?');
			for (p++; (*p & 0xc0) == 0x80; p++) {
			}
		} else {
			strbuf_addc(sb, *p < 0x20 || *p == 0x7f ? ' ' :
			    (char)*p);
			p++;
		}
	}
}

/* A value as it may stand unquoted: a token of RFC 2045 §5.1, or for a
 * property an address or domain ('@' allowed). */
static void
add_value(struct strbuf *sb, const char *value, bool prop)
{
	struct strbuf v = STRBUF_INIT;
	const char *p;
	bool plain;

	add_ascii(&v, value);
	plain = v.len > 0;
	for (p = strbuf_str(&v); *p && plain; p++) {
		unsigned char c = (unsigned char)*p;

		plain = c > 0x20 && c < 0x7f && (strchr("()<>,;:\\\"/[]?=",
		    c) == NULL) && (prop || c != '@');
	}
	if (plain) {
		strbuf_adds(sb, strbuf_str(&v));
		strbuf_finish(&v);
		return;
	}
	strbuf_addc(sb, '"');
	for (p = strbuf_str(&v); *p; p++) {
		if (*p == '"' || *p == '\\') {
			strbuf_addc(sb, '\\');
		}
		strbuf_addc(sb, *p);
	}
	strbuf_addc(sb, '"');
	strbuf_finish(&v);
}

/* A comment, its parentheses and backslashes quoted (RFC 5322 §3.2.2). */
static void
add_comment(struct strbuf *sb, const char *text)
{
	struct strbuf v = STRBUF_INIT;
	const char *p;

	add_ascii(&v, text);
	strbuf_adds(sb, " (");
	for (p = strbuf_str(&v); *p; p++) {
		if (*p == '(' || *p == ')' || *p == '\\') {
			strbuf_addc(sb, '\\');
		}
		strbuf_addc(sb, *p);
	}
	strbuf_addc(sb, ')');
	strbuf_finish(&v);
}

char *
authres_format(struct arena *a, const struct authres *ar, const char *sep)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;
	size_t i, k;

	if (ar->instance >= 0) {
		strbuf_addf(&sb, "i=%ld;%s", ar->instance, sep);
	}
	add_value(&sb, ar->authserv_id ? ar->authserv_id : "unknown", false);
	if (ar->nresults == 0) {
		strbuf_addf(&sb, ";%snone", sep);
	}
	for (i = 0; i < ar->nresults; i++) {
		const struct authres_result *r = &ar->results[i];

		strbuf_addf(&sb, ";%s", sep);
		add_ascii(&sb, r->method);
		strbuf_addc(&sb, '=');
		add_ascii(&sb, r->result);
		if (r->comment != NULL) {
			add_comment(&sb, r->comment);
		}
		if (r->reason != NULL) {
			strbuf_adds(&sb, " reason=");
			add_value(&sb, r->reason, false);
		}
		for (k = 0; k < r->nprops; k++) {
			strbuf_addc(&sb, ' ');
			add_ascii(&sb, r->props[k].ptype);
			strbuf_addc(&sb, '.');
			add_ascii(&sb, r->props[k].property);
			strbuf_addc(&sb, '=');
			add_value(&sb, r->props[k].value, true);
		}
	}
	out = arena_strdup(a, strbuf_str(&sb));
	strbuf_finish(&sb);
	return out;
}
