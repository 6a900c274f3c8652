/* The character-strings of TXT records (RFC 1035 §3.3): joining them,
 * splitting long text into strings of at most 255 octets, and writing them
 * as a zone file does. Results live in the arena passed in. */
#ifndef MAILAUTH_DNS_TXT_H
#define MAILAUTH_DNS_TXT_H

#include <stddef.h>

#include "dns/answer.h"

struct arena;

/* RFC 1035 §3.3: a character-string is at most 255 octets. */
#define TXT_STRING_MAX 255

/* Joins the strings of one TXT RR with no separator (as RFC 7208 §3.3 and
 * RFC 6376 §3.6.2.2 read them). Returns the text (NUL-appended, may
 * contain NULs) and sets *len. */
char *dns_txt_join(struct arena *a, const struct dns_txt *rr, size_t *len);
/* Splits text into strings of at most max octets, breaking after a space
 * where possible. Returns the number of strings in *out. */
size_t dns_txt_split(struct arena *a, const char *text, size_t len,
    size_t max, struct dns_bytes **out);
/* Formats strings as a zone file writes them: "a" "b", with quotes and
 * backslashes escaped and other octets as \DDD. */
char *dns_txt_quote(struct arena *a, const struct dns_bytes *strings,
    size_t n);
/* A record's text as a zone file writes it: split into strings of at
 * most TXT_STRING_MAX octets, then quoted as above (what pastes back). */
char *dns_txt_quote_text(struct arena *a, const char *text);

#endif
