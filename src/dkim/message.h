/* RFC 5322 messages as DKIM sees them: header fields as published and the
 * body, and the two canonicalizations of RFC 6376 §3.4. Results live in
 * the arena passed in. */
#ifndef MAILAUTH_DKIM_MESSAGE_H
#define MAILAUTH_DKIM_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct strbuf;

struct dkim_header {
	const char *name;	/* NUL-terminated copy of the field name,
				 * without blanks before the colon */
	const char *raw;	/* the whole field, folding kept, no final
				 * CRLF */
	size_t rawlen;
	const char *value;	/* inside raw: after the colon */
};

struct dkim_message {
	struct dkim_header *headers;
	size_t nheaders;
	const char *body;	/* with CRLF line ends */
	size_t bodylen;
	bool lf_only;		/* bare LF line ends were turned into CRLF */
};

/* Splits a message at the first empty line. Bare LF line ends (a message
 * saved to a file) are read as CRLF. NULL when there is no header. */
struct dkim_message *dkim_message_parse(struct arena *a, const char *data,
    size_t len);

/* The number of header fields named name (case-insensitive). */
size_t dkim_message_count(const struct dkim_message *m, const char *name);

/* RFC 6376 §3.4.1/§3.4.2: appends the canonical form of one header field
 * (name and value as in raw) to out, with its CRLF. */
void dkim_canon_header(struct strbuf *out, const char *raw, size_t len,
    bool relaxed);
/* RFC 6376 §3.4.3/§3.4.4: the canonical body, into out. */
void dkim_canon_body(struct strbuf *out, const char *body, size_t len,
    bool relaxed);

#endif
