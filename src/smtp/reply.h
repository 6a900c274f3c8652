/* SMTP replies and EHLO extensions (RFC 5321 §4.2, §4.1.1.1): pure
 * parsers over the bytes a server sent. Lines and names live in the arena
 * passed in; they are the server's bytes (make them safe before printing). */
#ifndef MAILAUTH_SMTP_REPLY_H
#define MAILAUTH_SMTP_REPLY_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct smtp_reply {
	int code;		/* 100..599 */
	const char **lines;	/* the text after "NNN-" or "NNN " */
	size_t nlines;
};

enum smtp_reply_status {
	SMTP_REPLY_PARTIAL,	/* no complete reply yet: read more */
	SMTP_REPLY_DONE,	/* *out is set */
	SMTP_REPLY_MALFORMED,	/* a line is not "NNN[- ]text", or the
				 * codes of one reply differ */
	SMTP_REPLY_TOO_LONG,	/* over SMTP_MAX_REPLY_LINES lines or
				 * SMTP_MAX_REPLY_BYTES bytes */
};

/* Parses the reply at the start of buf. On DONE, sets *out and *used (the
 * bytes it took, CRLF included). Bare LF ends a line too. */
enum smtp_reply_status smtp_reply_parse(struct arena *a, const char *buf,
    size_t len, struct smtp_reply *out, size_t *used);
/* Returns "partial", "done", "malformed" or "too-long". */
const char *smtp_reply_status_name(enum smtp_reply_status s);

/* The first word of a reply's first line, after an enhanced status code
 * (RFC 3463) if one leads: the host name (or address literal) a greeting
 * or an EHLO reply starts with (RFC 5321 §4.2, §4.1.1.1); NULL when the
 * line holds none. */
const char *smtp_reply_host(struct arena *a, const struct smtp_reply *r);

struct smtp_extension {
	const char *keyword;	/* upper-cased, e.g. "STARTTLS", "SIZE" */
	const char *params;	/* the rest of the line, or "" */
};

/* The extensions an EHLO reply lists (every line after the first). */
size_t smtp_ehlo_extensions(struct arena *a, const struct smtp_reply *r,
    struct smtp_extension **out);
/* True when the list holds keyword (case-insensitive). */
bool smtp_has_extension(const struct smtp_extension *ext, size_t n,
    const char *keyword);

#endif
