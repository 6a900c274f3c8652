/* What a receiver decides about a received message: the SMTP context,
 * SPF for it, every DKIM signature, DMARC alignment and disposition
 * (RFC 9989), the ARC chain (RFC 8617), the Authentication-Results field
 * mailauth would add (RFC 8601), and where the receiver's own verdict
 * differs.
 *
 * Pure over DNS answers read through a lookup function that returns NULL
 * for an answer not known yet (then pending > 0: run again). Results live
 * in the arena passed in. */
#ifndef MAILAUTH_MESSAGE_MESSAGE_H
#define MAILAUTH_MESSAGE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/verify.h"
#include "dmarc/align.h"
#include "dmarc/discover.h"
#include "mail/authres.h"
#include "message/context.h"
#include "message/receiver.h"
#include "mail/rfc5322.h"
#include "finding.h"
#include "spf/eval.h"

struct arc_result;
struct dmarc_psl;

struct message_input {
	const struct dkim_message *msg;
	struct message_given given;	/* --ip, --helo, --sender */
	const char *authserv_id;	/* for the field mailauth adds */
	const char *receiver_id;	/* --receiver-id, or NULL */
	const struct dmarc_psl *psl;
	long long now;
};

/* Why SPF was not evaluated. */
enum message_spf_skip {
	MESSAGE_SPF_EVALUATED,
	MESSAGE_SPF_NO_IP,	/* no client IP was found */
	MESSAGE_SPF_NO_SENDER,	/* neither MAIL FROM nor (for <>) HELO */
};

/* The Author Domain (RFC 9989 §5.3.1). */
struct message_author {
	size_t nfields;			/* From fields */
	struct rfc5322_mailbox *boxes;	/* of the first From field */
	size_t nboxes;
	const char *domain;	/* the single Author Domain, or NULL */
	const char *error;	/* why there is none, or NULL */
};

struct message_result {
	const struct message_input *in;
	struct message_context ctx;
	enum message_spf_skip spf_skip;
	struct spf_eval_input spf_input;
	struct spf_eval *spf;			/* NULL when skipped */
	struct dkim_verification *dkim;
	struct message_author author;
	struct dmarc_result *dmarc;		/* the Author Domain's
						 * policy discovery, or NULL */
	struct dmarc_ident spf_ident;		/* domain NULL: none */
	struct dmarc_ident *dkim_idents;	/* one per signature */
	struct dmarc_eval eval;
	struct arc_result *arc;
	struct authres ours;			/* the field mailauth adds */
	struct receiver_view receiver;
	size_t pending;
	struct finding_list findings;
};

struct message_result *message_run(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const struct message_input *in);
/* Decides a complete result: DMARC, the field mailauth adds, the
 * receiver's differences, findings. */
void message_conclude(struct arena *a, struct message_result *r);
#endif
