/* SPF macro expansion (RFC 7208 §7). Results are allocated in the arena. */
#ifndef MAILAUTH_SPF_MACRO_H
#define MAILAUTH_SPF_MACRO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/ip.h"

struct arena;

/* What the macros expand to. A NULL member is not known yet (the walk has
 * no sender; %{p} needs DNS): expanding a letter that needs it gives
 * SPF_MACRO_UNKNOWN instead of a guess. */
struct spf_macro_ctx {
	const char *sender;	/* s: local-part@domain */
	const char *local_part;	/* l */
	const char *sender_domain; /* o */
	const char *domain;	/* d: the domain being checked */
	const struct ip_addr *ip; /* i, c, v (already unmapped from ::ffff:) */
	const char *helo;	/* h */
	const char *ptr_name;	/* p: the validated domain name */
	const char *receiver;	/* r */
	long long now;		/* t, seconds since the epoch; <0 unknown */
};

/* One "%{...}" macro-expand, parsed (RFC 7208 §7.1). */
struct spf_macro_expr {
	char letter;		/* lower case */
	bool url_escape;	/* the letter was upper case */
	unsigned parts;		/* DIGIT transformer; 0: all parts */
	bool reverse;		/* "r" transformer */
	char delims[8];		/* NUL-terminated; "" means "." */
};

/* Parses the macro-expand "%{...}" at s. explain allows the letters of
 * explanation text (c, r, t). Returns its length, or 0 when malformed
 * (unknown letter, zero DIGIT, no closing brace). */
size_t spf_macro_parse(const char *s, size_t len, bool explain,
    struct spf_macro_expr *out);

enum spf_macro_status {
	SPF_MACRO_OK,
	SPF_MACRO_SYNTAX,	/* malformed: the record is a permerror */
	SPF_MACRO_UNKNOWN,	/* uses a value ctx does not have */
};

/* Expands a macro-string. explain selects explanation text (RFC 7208
 * §6.2, §7: spaces and %{c} %{r} %{t} allowed). *out is set on OK. */
enum spf_macro_status spf_macro_expand(struct arena *a, const char *spec,
    size_t len, const struct spf_macro_ctx *ctx, bool explain, char **out);
/* RFC 7208 §7.3: a domain name longer than 253 octets loses labels from
 * the left until it fits. Returns a pointer into name. */
const char *spf_macro_truncate_domain(const char *name);

#endif
