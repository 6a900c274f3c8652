#include "spf/strings.h"

#include <string.h>
#include <strings.h>

#include "dns/txt.h"
#include "spf/record.h"
#include "util/arena.h"

size_t
spf_txt_select(struct arena *a, const struct dns_answer *ans,
    const struct dns_txt ***out)
{
	const struct dns_txt **found = NULL;
	size_t i, len, n = 0;

	if (ans->kind == DNS_ANS_RECORDS && ans->count > 0) {
		found = arena_calloc(a, ans->count, sizeof(*found));
	}
	for (i = 0; found != NULL && i < ans->count; i++) {
		const char *text = dns_txt_join(a, &ans->txt[i], &len);

		if (spf_is_record(text, len)) {
			found[n++] = &ans->txt[i];
		}
	}
	*out = found;
	return n;
}

/* True when s is one valid SPF term, or the version tag. */
static bool
is_whole_term(const char *s, size_t len)
{
	char buf[TXT_STRING_MAX * 2 + 8];
	struct arena *a;
	struct spf_record *r;
	bool ok;

	if (len == 0 || len > TXT_STRING_MAX * 2) {
		return false;
	}
	if (len == 6 && strncasecmp(s, "v=spf1", 6) == 0) {
		return true;
	}
	memcpy(buf, "v=spf1 ", 7);
	memcpy(buf + 7, s, len);
	a = arena_create();
	r = spf_record_parse(a, buf, len + 7);
	ok = r->nterms == 1 && r->error == NULL &&
	    r->terms[0].kind != SPF_TERM_UNKNOWN_MOD;
	arena_destroy(a);
	return ok;
}

size_t
spf_txt_glued(const struct dns_txt *rr, size_t *offsets, size_t max)
{
	struct arena *a = arena_create();
	size_t len, i, join = 0, found = 0;
	const char *text = dns_txt_join(a, rr, &len);

	for (i = 0; i + 1 < rr->nstrings; i++) {
		size_t ts, te;

		join += rr->strings[i].len;
		if (join == 0 || join >= len || text[join - 1] == ' ' ||
		    text[join] == ' ') {
			continue;
		}
		for (ts = join; ts > 0 && text[ts - 1] != ' '; ts--) {
		}
		for (te = join; te < len && text[te] != ' '; te++) {
		}
		if (is_whole_term(text + ts, join - ts) &&
		    is_whole_term(text + join, te - join)) {
			if (found < max) {
				offsets[found] = join;
			}
			found++;
		}
	}
	arena_destroy(a);
	return found;
}

bool
spf_txt_version_glued(const struct dns_txt *rr)
{
	struct arena *a;
	size_t len;
	const char *text;
	bool glued;

	if (rr->nstrings < 2 || rr->strings[0].len < 6 ||
	    strncasecmp((const char *)rr->strings[0].data, "v=spf1", 6) != 0) {
		return false;
	}
	a = arena_create();
	text = dns_txt_join(a, rr, &len);
	glued = !spf_is_record(text, len);
	arena_destroy(a);
	return glued;
}

