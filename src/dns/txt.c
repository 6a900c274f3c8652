#include "dns/txt.h"

#include <string.h>

#include "util/arena.h"
#include "util/strbuf.h"

char *
dns_txt_join(struct arena *a, const struct dns_txt *rr, size_t *len)
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

size_t
dns_txt_split(struct arena *a, const char *text, size_t len, size_t max,
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
			 * string but the last ends with the space a join
			 * needs; a single word longer than max is cut. */
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
dns_txt_quote(struct arena *a, const struct dns_bytes *strings, size_t n)
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

char *
dns_txt_quote_text(struct arena *a, const char *text)
{
	struct dns_bytes *strings;
	size_t n = dns_txt_split(a, text, strlen(text), TXT_STRING_MAX,
	    &strings);

	return dns_txt_quote(a, strings, n);
}
