/* The receiver's own verdict: the Authentication-Results fields the
 * receiving system wrote (not an intermediary's), and every method where
 * it and mailauth differ, with the likely cause in words. Pure; strings
 * live in the arena passed in. */
#ifndef MAILAUTH_MESSAGE_RECEIVER_H
#define MAILAUTH_MESSAGE_RECEIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/authres.h"

struct arena;
struct message_result;

struct receiver_diff {
	const char *method;	/* spf, dkim, dmarc, arc */
	const char *subject;	/* "d=example.com s=sel", or NULL */
	const char *theirs;	/* the receiver's result, or NULL: none */
	const char *ours;	/* mailauth's, or NULL: none */
	const char *cause;	/* the likely cause, in words */
};

struct receiver_view {
	bool found;
	const char *authserv_id;
	const char *matched_by;	/* why it is the receiver's */
	struct authres results;	/* every result of its fields, merged */
	const char *disposition;	/* dis= of its DMARC comment (Gmail,
					 * Microsoft action=), or NULL */
	struct receiver_diff *diffs;
	size_t ndiffs;
};

/* Finds the receiver's fields (RFC 8601 §5): those above the boundary
 * Received, else those just below it among the fields a receiver adds
 * there (Gmail, Postfix milters) when they describe its session (the
 * MAIL FROM of the Return-Path, the boundary's client); never those
 * further down, which came with the message. Of these, the ones whose
 * authserv-id is receiver_id when given, else the by host of the
 * boundary or a domain containing it, or none (Microsoft). receiver_id
 * alone also reads further down when nothing else matches it (an
 * intermediary's field). Without a boundary, only receiver_id finds
 * them. */
void receiver_find(struct arena *a, const struct message_result *r,
    const char *receiver_id, struct receiver_view *out);
/* Lists the differences between the receiver's results and ours. */
void receiver_compare(struct arena *a, const struct message_result *r,
    struct receiver_view *view);

#endif
