/* Domain names as text: validation, normalization, reverse names and IDN.
 * Returned strings are allocated in the arena passed in. */
#ifndef MAILAUTH_DNS_NAME_H
#define MAILAUTH_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "util/ip.h"

struct arena;

/* RFC 1035 §2.3.4: 63 octets per label, 255 per name on the wire, which
 * is 253 characters in text without the final dot. */
#define DNS_LABEL_MAX 63
#define DNS_NAME_MAX 253

enum dns_name_error {
	DNS_NAME_OK,
	DNS_NAME_EMPTY,		/* "" or "." */
	DNS_NAME_EMPTY_LABEL,	/* "a..b", ".a" */
	DNS_NAME_LONG_LABEL,	/* a label over 63 octets */
	DNS_NAME_TOO_LONG,	/* over 253 octets */
};

/* Checks the shape of a name given in text (a final dot is allowed). */
enum dns_name_error dns_name_check(const char *name);
/* Returns a phrase for the error, for messages. */
const char *dns_name_error_str(enum dns_name_error err);
/* True when the name has at least two labels (RFC 7208 §4.3 "multi-label"). */
bool dns_name_is_multilabel(const char *name);
/* Returns the name in lower case without a final dot (the cache key). */
char *dns_name_normalize(struct arena *a, const char *name);
/* True when a and b name the same node (case-insensitive, final dot
 * ignored). */
bool dns_name_equal(const char *a, const char *b);
/* True when name equals zone or lies below it. */
bool dns_name_is_under(const char *name, const char *zone);
/* Returns the reverse-mapping name of ip: "4.3.2.1.in-addr.arpa" or the
 * 32 nibbles under "ip6.arpa" (RFC 1035 §3.5, RFC 3596 §2.5). */
char *dns_name_reverse(struct arena *a, const struct ip_addr *ip);
/* Converts a name typed by the user to its ASCII (A-label) form with
 * libidn2. On failure returns NULL and sets *why (static text). */
char *dns_name_from_user(struct arena *a, const char *input,
    const char **why);

#endif
