/* SPF records among TXT records and split across their character-strings:
 * which of a name's TXT records are SPF (RFC 7208 §4.5), and splits that
 * glued two terms together (RFC 7208 §3.3). */
#ifndef MAILAUTH_SPF_STRINGS_H
#define MAILAUTH_SPF_STRINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"

struct arena;

/* RFC 7208 §4.5: the TXT records of ans (its strings joined) that are SPF
 * version 1, in *out (in the arena; NULL when there are none). Returns
 * how many: 1 is a record to evaluate, 0 none, more a permerror. */
size_t spf_txt_select(struct arena *a, const struct dns_answer *ans,
    const struct dns_txt ***out);
/* Finds the joins between strings of rr that fall inside a token whose
 * two halves are each a complete SPF term (or "v=spf1"): the publisher
 * meant a space there. Stores up to max offsets (in the joined text) and
 * returns how many there are. */
size_t spf_txt_glued(const struct dns_txt *rr, size_t *offsets, size_t max);
/* True when the first string starts like an SPF record but the joined
 * text is not one because the join removed the space after "v=spf1". */
bool spf_txt_version_glued(const struct dns_txt *rr);

#endif
