/* Tag lists, "name=value; name=value" (RFC 6376 §3.2), the syntax of DKIM
 * key records and signatures and of DMARC records. Strings returned live in
 * the arena passed in. */
#ifndef MAILAUTH_UTIL_TAGLIST_H
#define MAILAUTH_UTIL_TAGLIST_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct taglist_tag {
	const char *name;	/* as written */
	const char *value;	/* without surrounding whitespace */
	size_t offset;		/* of the tag in the text */
};

struct taglist {
	struct taglist_tag *tags;
	size_t n;
	const char *error;	/* first malformed part, or NULL */
	size_t error_offset;
};

/* Splits text at ';' (a final ';' is allowed). A part that is not
 * tag-name "=" value (tag-name = ALPHA *(ALNUM / "_")) is left out and
 * reported in ->error. Whitespace includes folding (CR, LF). */
void taglist_parse(struct arena *a, const char *text, size_t len,
    struct taglist *out);
/* The first tag named name (exact, case-sensitive), or NULL. */
const struct taglist_tag *taglist_find(const struct taglist *tl,
    const char *name);
/* The value of the first tag named name, or NULL. */
const char *taglist_value(const struct taglist *tl, const char *name);
/* The first tag whose name an earlier tag already has, or NULL (RFC 6376
 * §3.2: a list with a duplicate tag is invalid as a whole). */
const struct taglist_tag *taglist_duplicate(const struct taglist *tl);
/* Splits a colon-separated value ("from : to", RFC 6376 §3.5 h= and q=,
 * §3.6.1 h=, s= and t=) into its items, blanks around them removed;
 * returns their number. */
size_t taglist_split_value(struct arena *a, const char *value,
    const char ***out);
/* True when the colon-separated value has item (case-insensitive: the
 * values are ABNF strings); false for a NULL value. */
bool taglist_value_has(const char *value, const char *item);

#endif
