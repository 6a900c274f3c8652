#include "smtp/mtasts.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "dns/name.h"
#include "util/arena.h"
#include "util/taglist.h"

/* RFC 8461 §3.1: the id of an MTA-STS record is 1*32(ALPHA / DIGIT). */
#define STS_ID_MAX 32

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t')) {
		p++;
	}
	return p;
}

/* True when the record's first tag is v=VERSION (RFC 8461 §3.1 and RFC
 * 8460 §3 both put the version first). */
static bool
starts_with_version(struct arena *a, const char *text, size_t len,
    const char *version, struct taglist *tl)
{
	taglist_parse(a, text, len, tl);
	return tl->n > 0 && strcmp(tl->tags[0].name, "v") == 0 &&
	    strcmp(tl->tags[0].value, version) == 0 && (tl->error == NULL ||
	    tl->error_offset > tl->tags[0].offset);
}

bool
mta_sts_record_is_sts(struct arena *a, const char *text, size_t len)
{
	struct taglist tl;

	return starts_with_version(a, text, len, "STSv1", &tl);
}

const char *
mta_sts_record_parse(struct arena *a, const char *text, size_t len,
    struct mta_sts_record *out)
{
	const struct taglist_tag *id;
	struct taglist tl;
	const char *p;

	if (!starts_with_version(a, text, len, "STSv1", &tl)) {
		return "the record does not start with v=STSv1";
	}
	/* §3.1: unknown fields are ignored; id is 1*32(ALPHA / DIGIT). */
	id = taglist_find(&tl, "id");
	if (id == NULL) {
		return "the record has no id field";
	}
	for (p = id->value; *p; p++) {
		if (!isalnum((unsigned char)*p)) {
			break;
		}
	}
	if (*p != '\0' || p == id->value || p - id->value > STS_ID_MAX) {
		return "id must be 1 to " BOUND_TEXT(STS_ID_MAX) " letters and "
		    "digits";
	}
	out->id = id->value;
	return NULL;
}

bool
tls_rpt_record_is_rpt(struct arena *a, const char *text, size_t len)
{
	struct taglist tl;

	return starts_with_version(a, text, len, "TLSRPTv1", &tl);
}

/* RFC 8460 §3: each rua URI is mailto: or https:. */
static const char *
check_uri(const char *uri)
{
	if (strncasecmp(uri, "mailto:", 7) == 0) {
		return strchr(uri + 7, '@') ? NULL :
		    "a mailto: URI needs an address";
	}
	if (strncasecmp(uri, "https://", 8) == 0) {
		return uri[8] ? NULL : "an https: URI needs a host";
	}
	return "rua URIs must be mailto: or https:";
}

const char *
tls_rpt_record_parse(struct arena *a, const char *text, size_t len,
    struct tls_rpt_record *out)
{
	const struct taglist_tag *rua;
	struct taglist tl;
	char *list, *tok, *save = NULL;
	const char *why;
	size_t n = 1, i;

	out->rua = NULL;
	out->nrua = 0;
	if (!starts_with_version(a, text, len, "TLSRPTv1", &tl)) {
		return "the record does not start with v=TLSRPTv1";
	}
	rua = taglist_find(&tl, "rua");
	if (rua == NULL || rua->value[0] == '\0') {
		return "the record has no rua field (where reports go)";
	}
	list = arena_strdup(a, rua->value);
	for (i = 0; list[i]; i++) {
		n += list[i] == ',';
	}
	out->rua = arena_calloc(a, n, sizeof(*out->rua));
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		while (*tok == ' ' || *tok == '\t') {
			tok++;
		}
		tok[strcspn(tok, " \t")] = '\0';
		if ((why = check_uri(tok)) != NULL) {
			return arena_printf(a, "%s: '%s'", why, tok);
		}
		out->rua[out->nrua++] = tok;
	}
	return out->nrua ? NULL : "rua lists no URI";
}

const char *
mta_sts_mode_name(enum mta_sts_mode m)
{
	switch (m) {
	case MTA_STS_MODE_NONE: return "none";
	case MTA_STS_MODE_TESTING: return "testing";
	case MTA_STS_MODE_ENFORCE: return "enforce";
	case MTA_STS_MODE_INVALID: return "invalid";
	}
	return "invalid";
}

static void
policy_error(struct arena *a, struct mta_sts_policy *p, const char *msg)
{
	const char **grown = arena_calloc(a, p->nerrors + 1, sizeof(*grown));

	if (p->nerrors > 0) {
		memcpy(grown, p->errors, p->nerrors * sizeof(*grown));
	}
	grown[p->nerrors++] = msg;
	p->errors = grown;
}

static void
policy_mode(struct arena *a, struct mta_sts_policy *p, const char *v)
{
	p->mode_text = v;
	p->mode = strcmp(v, "enforce") == 0 ? MTA_STS_MODE_ENFORCE :
	    strcmp(v, "testing") == 0 ? MTA_STS_MODE_TESTING :
	    strcmp(v, "none") == 0 ? MTA_STS_MODE_NONE : MTA_STS_MODE_INVALID;
	if (p->mode == MTA_STS_MODE_INVALID) {
		policy_error(a, p, arena_printf(a, "mode '%s' is not enforce, "
		    "testing or none", v));
	}
}

static void
policy_max_age(struct arena *a, struct mta_sts_policy *p, const char *v)
{
	char *end = NULL;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	/* §3.2: max_age = 1*10DIGIT, at most 31557600. */
	if (!isdigit((unsigned char)v[0]) || *end != '\0' || errno != 0 ||
	    strlen(v) > 10) {
		policy_error(a, p, arena_printf(a, "max_age '%s' is not a "
		    "number of seconds", v));
		return;
	}
	p->max_age = n;
	if (n > MTA_STS_MAX_AGE) {
		policy_error(a, p, arena_printf(a, "max_age %ld is over the "
		    "limit of %ld seconds", n, MTA_STS_MAX_AGE));
	}
}

/* One "key: value" line (§3.2: sts-policy-field, blanks around the
 * value allowed). */
static void
policy_line(struct arena *a, struct mta_sts_policy *p, const char *line,
    size_t len)
{
	const char *colon = memchr(line, ':', len), *v;
	size_t klen, vlen;
	char *key, *value;

	if (len == 0) {
		return;
	}
	if (colon == NULL) {
		policy_error(a, p, arena_printf(a, "line '%s' is not "
		    "\"key: value\"", arena_memdup(a, line, len)));
		return;
	}
	klen = (size_t)(colon - line);
	v = skip_ws(colon + 1, line + len);
	vlen = (size_t)(line + len - v);
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t')) {
		vlen--;
	}
	key = arena_memdup(a, line, klen);
	value = arena_memdup(a, v, vlen);
	if (strcmp(key, "version") == 0) {
		p->version = value;
	} else if (strcmp(key, "mode") == 0) {
		policy_mode(a, p, value);
	} else if (strcmp(key, "max_age") == 0) {
		policy_max_age(a, p, value);
	} else if (strcmp(key, "mx") == 0) {
		if (p->nmx == MTA_STS_MAX_MX) {
			policy_error(a, p, "more mx lines than mailauth reads");
			return;
		}
		p->mx[p->nmx++] = value;
	}
}

void
mta_sts_policy_parse(struct arena *a, const char *body, size_t len,
    struct mta_sts_policy *out)
{
	const char *p = body, *end = body + len;

	memset(out, 0, sizeof(*out));
	out->mode = MTA_STS_MODE_INVALID;
	out->max_age = -1;
	out->mx = arena_calloc(a, MTA_STS_MAX_MX, sizeof(*out->mx));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = (size_t)((nl ? nl : end) - p);

		if (linelen > 0 && p[linelen - 1] == '\r') {
			linelen--;
		}
		policy_line(a, out, p, linelen);
		p = nl ? nl + 1 : end;
	}
	if (out->version == NULL || strcmp(out->version, "STSv1") != 0) {
		policy_error(a, out, out->version ? arena_printf(a, "version "
		    "'%s' is not STSv1", out->version) :
		    "the policy has no version: STSv1 line");
	}
	if (out->mode_text == NULL) {
		policy_error(a, out, "the policy has no mode line");
	}
	if (out->max_age < 0 && !out->nerrors) {
		policy_error(a, out, "the policy has no max_age line");
	} else if (out->max_age < 0) {
		policy_error(a, out, "the policy has no valid max_age");
	}
	if (out->nmx == 0 && out->mode != MTA_STS_MODE_NONE) {
		policy_error(a, out, "the policy has no mx line: no MX host "
		    "can match it");
	}
}

bool
mta_sts_mx_match(const char *pattern, const char *host)
{
	const char *dot;

	if (pattern[0] == '*' && pattern[1] == '.') {
		/* The wildcard stands for exactly one label. */
		dot = strchr(host, '.');
		return dot != NULL && dot != host && pattern[2] != '\0' &&
		    dns_name_equal(dot + 1, pattern + 2);
	}
	return dns_name_equal(pattern, host);
}
