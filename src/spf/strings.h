/* SPF records split across TXT character-strings: spotting splits that
 * glued two terms together (RFC 7208 §3.3). */
#ifndef MAILAUTH_SPF_STRINGS_H
#define MAILAUTH_SPF_STRINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"

struct arena;

/* Finds the joins between strings of rr that fall inside a token whose
 * two halves are each a complete SPF term (or "v=spf1"): the publisher
 * meant a space there. Stores up to max offsets (in the joined text) and
 * returns how many there are. */
size_t spf_txt_glued(const struct dns_txt *rr, size_t *offsets, size_t max);
/* True when the first string starts like an SPF record but the joined
 * text is not one because the join removed the space after "v=spf1". */
bool spf_txt_version_glued(const struct dns_txt *rr);

#endif
