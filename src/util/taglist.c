#include "util/taglist.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

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

const char *
taglist_value(const struct taglist *tl, const char *name)
{
	const struct taglist_tag *t = taglist_find(tl, name);

	return t ? t->value : NULL;
}

const struct taglist_tag *
taglist_duplicate(const struct taglist *tl)
{
	size_t i, j;

	for (i = 1; i < tl->n; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(tl->tags[i].name, tl->tags[j].name) == 0) {
				return &tl->tags[i];
			}
		}
	}
	return NULL;
}

/* The item of value starting at *p: its start and length, blanks
 * trimmed; *p moves past the colon that ends it. */
static const char *
next_item(const char **p, size_t *len)
{
	const char *start = *p, *colon = strchr(start, ':');
	size_t n = colon ? (size_t)(colon - start) : strlen(start);

	*p = colon ? colon + 1 : start + n;
	while (n > 0 && is_fws(*start)) {
		start++;
		n--;
	}
	while (n > 0 && is_fws(start[n - 1])) {
		n--;
	}
	*len = n;
	return start;
}

size_t
taglist_split_value(struct arena *a, const char *value, const char ***out)
{
	size_t n = 1, k = 0, len;
	const char *p, *item;

	for (p = value; *p; p++) {
		n += *p == ':';
	}
	*out = arena_calloc(a, n, sizeof(**out));
	for (p = value; k < n;) {
		item = next_item(&p, &len);
		(*out)[k++] = arena_memdup(a, item, len);
	}
	return k;
}

bool
taglist_value_has(const char *value, const char *item)
{
	size_t n = strlen(item), len;
	const char *p = value, *got;

	while (p != NULL && *p != '\0') {
		got = next_item(&p, &len);
		if (len == n && strncasecmp(got, item, n) == 0) {
			return true;
		}
	}
	return false;
}
