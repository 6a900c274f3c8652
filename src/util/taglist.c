#include "util/taglist.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "util/arena.h"

static bool
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
valid_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)s[0])) {
		return false;
	}
	for (i = 1; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_') {
			return false;
		}
	}
	return true;
}

/* Reads "name = value" in s[0..len); false when it is not a tag. */
static bool
read_tag(struct arena *a, const char *s, size_t len, size_t offset,
    struct taglist_tag *t)
{
	const char *eq = memchr(s, '=', len);
	size_t nlen, vstart, vlen;

	if (eq == NULL) {
		return false;
	}
	nlen = (size_t)(eq - s);
	while (nlen > 0 && is_fws(s[nlen - 1])) {
		nlen--;
	}
	if (!valid_name(s, nlen)) {
		return false;
	}
	vstart = (size_t)(eq - s) + 1;
	while (vstart < len && is_fws(s[vstart])) {
		vstart++;
	}
	vlen = len - vstart;
	while (vlen > 0 && is_fws(s[vstart + vlen - 1])) {
		vlen--;
	}
	t->name = arena_memdup(a, s, nlen);
	t->value = arena_memdup(a, s + vstart, vlen);
	t->offset = offset;
	return true;
}

void
taglist_parse(struct arena *a, const char *text, size_t len,
    struct taglist *out)
{
	size_t i, n = 1, start = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < len; i++) {
		n += text[i] == ';';
	}
	out->tags = arena_calloc(a, n, sizeof(*out->tags));
	for (i = 0; i <= len; i++) {
		size_t lead = start, tlen;

		if (i < len && text[i] != ';') {
			continue;
		}
		while (lead < i && is_fws(text[lead])) {
			lead++;
		}
		tlen = i - lead;
		while (tlen > 0 && is_fws(text[lead + tlen - 1])) {
			tlen--;
		}
		start = i + 1;
		if (tlen == 0) {
			continue;
		}
		if (read_tag(a, text + lead, tlen, lead, &out->tags[out->n])) {
			out->n++;
		} else if (out->error == NULL) {
			out->error = "expected tag=value";
			out->error_offset = lead;
		}
	}
}

const struct taglist_tag *
taglist_find(const struct taglist *tl, const char *name)
{
	size_t i;

	for (i = 0; i < tl->n; i++) {
		if (strcmp(tl->tags[i].name, name) == 0) {
			return &tl->tags[i];
		}
	}
	return NULL;
}
