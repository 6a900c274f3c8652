#include "spf/strings.h"

#include <string.h>
#include <strings.h>

#include "spf/record.h"
#include "util/arena.h"
#include "util/strbuf.h"

char *
spf_txt_join(struct arena *a, const struct dns_txt *rr, size_t *len)
{
	size_t total = 0, i, pos = 0;
	char *out;

	for (i = 0; i < rr->nstrings; i++) {
		total += rr->strings[i].len;
	}
	out = arena_alloc(a, total + 1);
	for (i = 0; i < rr->nstrings; i++) {
		memcpy(out + pos, rr->strings[i].data, rr->strings[i].len);
		pos += rr->strings[i].len;
	}
	out[total] = '\0';
	*len = total;
	return out;
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
	const char *text = spf_txt_join(a, rr, &len);

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
	text = spf_txt_join(a, rr, &len);
	glued = !spf_is_record(text, len);
	arena_destroy(a);
	return glued;
}

size_t
spf_txt_split(struct arena *a, const char *text, size_t len, size_t max,
    struct dns_bytes **out)
{
	size_t n = 0, cap, pos = 0;
	struct dns_bytes *parts;

	if (max == 0) {
		max = TXT_STRING_MAX;
	}
	cap = len / max * 2 + 2;
	parts = arena_calloc(a, cap, sizeof(*parts));
	while (pos < len && n < cap) {
		size_t take = len - pos, cut;

		if (take > max) {
			/* Break after the last space that fits, so every
			 * string but the last ends with the space the join
			 * needs; a single term longer than max is cut. */
			for (cut = pos + max; cut > pos && text[cut - 1] != ' ';
			    cut--) {
			}
			take = cut > pos ? cut - pos : max;
		}
		parts[n].data = (const unsigned char *)arena_memdup(a,
		    text + pos, take);
		parts[n].len = take;
		n++;
		pos += take;
	}
	*out = parts;
	return n;
}

char *
spf_txt_quote(struct arena *a, const struct dns_bytes *strings, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (i > 0) {
			strbuf_addc(&sb, ' ');
		}
		strbuf_addc(&sb, '"');
		for (j = 0; j < strings[i].len; j++) {
			unsigned char c = strings[i].data[j];

			if (c == '"' || c == '\\') {
				strbuf_addc(&sb, '\\');
				strbuf_addc(&sb, (char)c);
			} else if (c < 0x20 || c >= 0x7f) {
				strbuf_addf(&sb, "\\%03u", c);
			} else {
				strbuf_addc(&sb, (char)c);
			}
		}
		strbuf_addc(&sb, '"');
	}
	out = arena_memdup(a, strbuf_str(&sb), sb.len);
	strbuf_finish(&sb);
	return out;
}
