/* The SMTP context of a received message: the client's IP, its HELO name
 * and the MAIL FROM, each from the command line or from what the
 * receiver wrote into the header (the Received field of its boundary,
 * Received-SPF, Authentication-Results, Return-Path), with where each
 * came from. Pure over the message; strings live in the arena passed
 * in. */
#ifndef MAILAUTH_MESSAGE_CONTEXT_H
#define MAILAUTH_MESSAGE_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "message/received.h"
#include "util/ip.h"

struct arena;
struct dkim_message;
struct dmarc_psl;

enum message_source {
	MESSAGE_SRC_NONE,		/* not found */
	MESSAGE_SRC_OPTION,		/* --ip, --helo, --sender */
	MESSAGE_SRC_RECEIVED,		/* the boundary's Received field */
	MESSAGE_SRC_RECEIVED_SPF,	/* client-ip=, helo=, envelope-from= */
	MESSAGE_SRC_AUTHRES,		/* smtp.remote-ip, policy.iprev,
					 * smtp.helo, smtp.mailfrom */
	MESSAGE_SRC_RETURN_PATH,
};

/* What the command line gave; NULL (or has_ip false) when not given. */
struct message_given {
	bool has_ip;
	struct ip_addr ip;
	const char *helo;
	const char *sender;	/* "" for the null path */
};

struct message_context {
	bool has_ip;
	struct ip_addr ip;
	const char *helo;	/* or NULL */
	const char *sender;	/* MAIL FROM: "" for <>, NULL when unknown */
	enum message_source ip_source, helo_source, sender_source;
	struct received *hops;	/* every Received field parsed, top down */
	size_t *hop_fields;	/* the header index of each */
	size_t nhops;
	long boundary;		/* the index in hops of the receiving
				 * boundary, or -1 when none was found */
};

/* Finds the context: the options first, then the topmost Received with a
 * client address the Internet can reach (not in a special-purpose block,
 * util/ip.h ip_net_reserved) that is not a hop inside the receiving system
 * (one whose client and receiver both belong to organizations of the
 * receiving hops above it, when the chain goes on inside them below),
 * then Received-SPF and Authentication-Results; MAIL FROM from the
 * topmost Return-Path. */
void message_context_find(struct arena *a, const struct dkim_message *m,
    const struct dmarc_psl *psl, const struct message_given *given,
    struct message_context *out);
/* The boundary hop, or NULL. */
const struct received *message_context_hop(const struct message_context *c);
/* "option", "received", "received-spf", "authentication-results",
 * "return-path", or NULL for MESSAGE_SRC_NONE. */
const char *message_source_name(enum message_source s);
/* The value of a key of a Received-SPF value (RFC 7208 §9.1), or NULL. */
const char *message_received_spf_key(struct arena *a, const char *value,
    const char *key);

#endif
