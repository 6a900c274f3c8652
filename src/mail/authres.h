/* Authentication-Results header fields (RFC 8601) and the
 * ARC-Authentication-Results of RFC 8617 §4.1.1 (the same payload after
 * "i=N;"): parsed into results, and written from them. Strings live in
 * the arena passed in; method, result, ptype and property are lower
 * case. */
#ifndef MAILAUTH_MAIL_AUTHRES_H
#define MAILAUTH_MAIL_AUTHRES_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct authres_prop {
	const char *ptype;	/* smtp, header, body, policy */
	const char *property;	/* mailfrom, d, s, b, from, ... */
	const char *value;	/* unquoted */
};

struct authres_result {
	const char *method;	/* spf, dkim, dmarc, arc, iprev, ... */
	const char *result;	/* pass, fail, ... */
	const char *reason;	/* reason= (unquoted), or NULL */
	const char *comment;	/* the first comment after the result, or
				 * NULL */
	struct authres_prop *props;
	size_t nprops;
};

struct authres {
	long instance;		/* the i= of an ARC-Authentication-Results,
				 * else -1 */
	const char *authserv_id;	/* NULL when the field has none (as
					 * Microsoft writes it) */
	struct authres_result *results;
	size_t nresults;
	const char *error;	/* the first syntax problem, or NULL */
};

/* Parses an unfolded value; arc: an ARC-Authentication-Results value,
 * which starts with "i=N;". Never fails: what parses is kept, and the
 * first problem is in ->error. */
void authres_parse(struct arena *a, const char *value, bool arc,
    struct authres *out);
/* The value of a property of a result, or NULL. */
const char *authres_prop(const struct authres_result *r, const char *ptype,
    const char *property);
/* Writes the value of the field: "id; method=result ...; ..." with sep
 * after each ';' (" ", or "\n\t" to fold), values quoted where RFC 8601
 * needs it, "id; none" when there is no result. */
char *authres_format(struct arena *a, const struct authres *ar,
    const char *sep);

#endif
