/* RFC 1035 master files loaded with --zone, answered before the network.
 * A zone set owns its memory; answers it returns are built in the arena the
 * caller passes and stay valid as long as that arena. */
#ifndef MAILAUTH_DNS_ZONEFILE_H
#define MAILAUTH_DNS_ZONEFILE_H

#include <stddef.h>

#include "dns/answer.h"

struct arena;
struct dns_zoneset;
struct error;

/* Returns an empty set; free it with dns_zoneset_destroy(). */
struct dns_zoneset *dns_zoneset_create(void);
/* Frees the set; accepts NULL. */
void dns_zoneset_destroy(struct dns_zoneset *zs);

/* Reads a master file into the set. Returns 0, or -1 with err set to
 * "PATH:LINE: what is wrong". */
int dns_zoneset_load_file(struct dns_zoneset *zs, const char *path,
    struct error *err);
/* Same for text in memory; label names it in messages. origin may be NULL
 * (then the text must set $ORIGIN or use absolute names). */
int dns_zoneset_load_text(struct dns_zoneset *zs, const char *text,
    size_t len, const char *origin, const char *label, struct error *err);

/* What loading the files noticed without failing (types read for their
 * names only, a zone placed by the file's name, records outside every
 * zone of their file): n lines for the user, "FILE: ...". */
const char *const *dns_zoneset_notes(const struct dns_zoneset *zs,
    size_t *n);

/* Answers (name, type) when name lies in a zone of the set: the records,
 * NODATA or NXDOMAIN, following CNAMEs inside the set. Returns NULL when no
 * zone of the set contains the name (the question goes to the network). */
struct dns_answer *dns_zoneset_answer(const struct dns_zoneset *zs,
    struct arena *a, const char *name, enum dns_type type);

/* Parses one or more master-file character-strings ("a" "b" or bare words)
 * as in a TXT RDATA. Returns the number of strings stored in *out (arena),
 * or -1 with *err (static text) on a syntax error. */
int dns_zone_parse_strings(struct arena *a, const char *text,
    struct dns_bytes **out, const char **err);

#endif
