/* SPF records as text, parsed into terms (RFC 7208 §4.5, §4.6.1, §12).
 * Everything returned lives in the arena passed in; never free it. */
#ifndef MAILAUTH_SPF_RECORD_H
#define MAILAUTH_SPF_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/ip.h"

struct arena;

enum spf_mech {
	SPF_MECH_ALL,
	SPF_MECH_INCLUDE,
	SPF_MECH_A,
	SPF_MECH_MX,
	SPF_MECH_PTR,
	SPF_MECH_IP4,
	SPF_MECH_IP6,
	SPF_MECH_EXISTS,
};

enum spf_term_kind {
	SPF_TERM_MECHANISM,
	SPF_TERM_REDIRECT,	/* redirect= modifier */
	SPF_TERM_EXP,		/* exp= modifier */
	SPF_TERM_UNKNOWN_MOD,	/* name=value, ignored by receivers */
	SPF_TERM_INVALID,	/* not a term: the record is a permerror */
};

/* Bits for the macro letters a term uses (RFC 7208 §7.2). */
enum spf_macro_bits {
	SPF_MACRO_S = 1 << 0, SPF_MACRO_L = 1 << 1, SPF_MACRO_O = 1 << 2,
	SPF_MACRO_D = 1 << 3, SPF_MACRO_I = 1 << 4, SPF_MACRO_P = 1 << 5,
	SPF_MACRO_H = 1 << 6, SPF_MACRO_C = 1 << 7, SPF_MACRO_R = 1 << 8,
	SPF_MACRO_T = 1 << 9, SPF_MACRO_V = 1 << 10,
};

struct spf_term {
	enum spf_term_kind kind;
	enum spf_mech mech;	/* SPF_TERM_MECHANISM */
	char qualifier;		/* '+', '-', '~' or '?' */
	bool explicit_qualifier;
	size_t offset, len;	/* span in the record text */
	const char *text;	/* the term as written */
	const char *domain_spec; /* macro-string, NULL when absent */
	const char *mod_name;	/* modifiers: the name as written */
	int cidr4, cidr6;	/* prefix lengths, -1 when absent */
	struct ip_net net;	/* ip4 and ip6 */
	bool host_bits;		/* ip4/ip6 written with bits set below the
				 * prefix (receivers clear them) */
	unsigned macros;	/* enum spf_macro_bits used in the term */
	const char *error;	/* why the term is invalid, or NULL */
	size_t error_offset;	/* where, in the record text */
};

struct spf_record {
	const char *text;	/* the record, NUL-appended */
	size_t len;
	struct spf_term *terms;
	size_t nterms;
	const char *error;	/* first syntax error, NULL when valid */
	size_t error_offset;	/* where, in the record text */
	const struct spf_term *redirect; /* NULL when absent */
	const struct spf_term *exp;	 /* NULL when absent */
	const struct spf_term *all;	 /* first "all" mechanism, or NULL */
};

/* True when text is an SPF version 1 record: "v=spf1" (any case) followed
 * by a space or the end (RFC 7208 §4.5). Binary-safe. */
bool spf_is_record(const void *text, size_t len);
/* Parses a record; never fails: syntax errors are reported in the result
 * (per term and the first one for the record). */
struct spf_record *spf_record_parse(struct arena *a, const void *text,
    size_t len);
/* True when the mechanism or modifier causes DNS queries during
 * evaluation (RFC 7208 §4.6.4): include a mx ptr exists redirect. */
bool spf_term_queries_dns(const struct spf_term *t);
/* Returns "all", "include", ... or "redirect", "exp", the modifier name. */
const char *spf_term_name(const struct spf_term *t);
/* Checks a macro-string (RFC 7208 §7.1); explain allows the spaces and
 * the c, r and t letters of explanation text. Returns NULL when valid, else
 * a message and the offset of the problem inside s. Sets *letters to the
 * macro letters used and, if not NULL, *ends_in_expand. */
const char *spf_macro_string_check(const char *s, size_t len, bool explain,
    size_t *where, unsigned *letters, bool *ends_in_expand);

#endif
