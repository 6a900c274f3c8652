/* The character-strings of a TXT record as published: joining them
 * (RFC 7208 §3.3), spotting splits that glued two terms together, and
 * splitting a long record into strings of at most 255 octets (RFC 1035
 * §3.3). Results live in the arena passed in. */
#ifndef MAILAUTH_SPF_STRINGS_H
#define MAILAUTH_SPF_STRINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"

struct arena;

/* RFC 1035 §3.3: a character-string is at most 255 octets. */
#define TXT_STRING_MAX 255

/* Joins the strings of one TXT RR with no separator (RFC 7208 §3.3).
 * Returns the text (NUL-appended, may contain NULs) and sets *len. */
char *spf_txt_join(struct arena *a, const struct dns_txt *rr, size_t *len);
/* Finds the joins between strings of rr that fall inside a token whose
 * two halves are each a complete SPF term (or "v=spf1"): the publisher
 * meant a space there. Stores up to max offsets (in the joined text) and
 * returns how many there are. */
size_t spf_txt_glued(const struct dns_txt *rr, size_t *offsets, size_t max);
/* True when the first string starts like an SPF record but the joined
 * text is not one because the join removed the space after "v=spf1". */
bool spf_txt_version_glued(const struct dns_txt *rr);
/* Splits text into strings of at most max octets, breaking after a space
 * between terms where possible. Returns the number of strings in *out. */
size_t spf_txt_split(struct arena *a, const char *text, size_t len,
    size_t max, struct dns_bytes **out);
/* Formats strings as a zone file writes them: "a" "b", with quotes and
 * backslashes escaped. */
char *spf_txt_quote(struct arena *a, const struct dns_bytes *strings,
    size_t n);

#endif
