/* Records that fix what mailauth check found, computed from what it saw:
 * pure text functions, so they can be tested on their own. Strings live in
 * the arena passed in. */
#ifndef MAILAUTH_CHECK_FIX_H
#define MAILAUTH_CHECK_FIX_H

#include <stdbool.h>
#include <stddef.h>

#include "spf/record.h"

struct arena;

/* The SPF record rec with terms (such as "mx ip4:203.0.113.5") added where
 * a receiver reads them: before "all", else before "redirect=" (RFC 7208
 * §5.1, §6.1), else at the end. With rec NULL, a new record with terms
 * and "-all". */
const char *check_spf_with_terms(struct arena *a, const struct spf_record *rec,
    const char *terms);
/* The SPF record rec without the terms whose drop[] is true. */
const char *check_spf_without(struct arena *a, const struct spf_record *rec,
    const bool *drop);
/* One SPF record out of several published at one name (RFC 7208 §4.5:
 * receivers return permerror): every term once, in order, terms after an
 * "all" dropped, the most lenient "all" at the end, and a redirect= kept
 * only when it is the one that decides (else its target is included).
 * NULL when a record has a syntax error. */
const char *check_spf_merge(struct arena *a,
    const struct spf_record *const *recs, size_t n);
/* A tag list (a DKIM key record) without the tag named tag, written
 * "name=value; name=value". */
const char *check_tags_without(struct arena *a, const char *text, size_t len,
    const char *tag);
/* A TXT record as a zone-file line, "OWNER. TXT "..." "..."", the text
 * split into character-strings of at most 255 octets (RFC 1035 §3.3). */
const char *check_txt_record(struct arena *a, const char *owner,
    const char *text);

#endif
