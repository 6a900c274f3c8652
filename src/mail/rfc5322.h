/* The RFC 5322 syntax a receiver reads in header fields: unfolded values,
 * comments, the mailboxes of From and the path of Return-Path. Every
 * string returned lives in the arena passed in; inputs are unfolded,
 * NUL-terminated values. */
#ifndef MAILAUTH_MAIL_RFC5322_H
#define MAILAUTH_MAIL_RFC5322_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct dkim_header;
struct dkim_message;

struct rfc5322_mailbox {
	const char *addr;	/* local@domain as written, comments removed */
	const char *domain;	/* lower case A-label, or NULL when the
				 * address has no usable domain */
};

/* The value of a header field with its folding removed (RFC 5322 §2.2.3)
 * and surrounding white space trimmed. */
char *rfc5322_unfold(struct arena *a, const struct dkim_header *h);
/* The index of the next field named name (case-insensitive) at or after
 * *from, top down; false when there is none. */
bool rfc5322_next_field(const struct dkim_message *m, const char *name,
    size_t *from);
/* The number of fields named name. */
size_t rfc5322_count_fields(const struct dkim_message *m, const char *name);
/* Skips white space and comments (nested parentheses, quoted pairs;
 * RFC 5322 §3.2.2). */
const char *rfc5322_skip_cfws(const char *p);
/* Returns the end of the comment that starts at p ('('): the character
 * after its closing parenthesis, or the end of the string. */
const char *rfc5322_comment_end(const char *p);
/* RFC 5322 §3.4: the mailboxes of a mailbox-list or address-list (group
 * names and display names dropped). Returns their number and sets *out;
 * 0 when there is none. */
size_t rfc5322_mailboxes(struct arena *a, const char *value,
    struct rfc5322_mailbox **out);
/* RFC 5321 §4.4: the path of a Return-Path value: "" for the null path
 * <>, the address otherwise (a source route dropped); NULL when the value
 * is not a path. */
const char *rfc5322_return_path(struct arena *a, const char *value);
/* The domain of an address (after the last '@'), lower case, converted
 * to an A-label; NULL when there is no valid domain. */
const char *rfc5322_addr_domain(struct arena *a, const char *addr);

#endif
