/* The Authenticated Received Chain of a message (RFC 8617): its ARC Sets
 * (ARC-Authentication-Results, ARC-Message-Signature, ARC-Seal of each
 * instance), the validation of §5.2, and the chain's result.
 *
 * Pure over DNS answers read through a lookup function that returns NULL
 * for an answer not known yet (then pending > 0: run again). Results live
 * in the arena passed in. */
#ifndef MAILAUTH_ARC_ARC_H
#define MAILAUTH_ARC_ARC_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/key.h"
#include "dkim/message.h"
#include "dkim/signature.h"
#include "dkim/verify.h"
#include "mail/authres.h"
#include "util/taglist.h"

enum arc_chain {
	ARC_CHAIN_NONE,		/* no ARC Set */
	ARC_CHAIN_PASS,
	ARC_CHAIN_FAIL,
	ARC_CHAIN_TEMPERROR,	/* a key lookup failed: unknown */
};

enum arc_check {
	ARC_CHECK_NOT_DONE,	/* §5.2 stopped before it */
	ARC_CHECK_PASS,
	ARC_CHECK_FAIL,
	ARC_CHECK_TEMPERROR,
};

/* An ARC-Message-Signature or an ARC-Seal: a DKIM-like signature. */
struct arc_sig {
	const struct dkim_header *header;	/* NULL when missing */
	struct taglist tags;
	const char *d, *s, *a, *b, *bh, *c, *h, *cv;	/* NULL when absent */
	enum dkim_alg alg;
	bool header_relaxed, body_relaxed;
	long long length;		/* l=, -1 when absent */
	const char **signed_headers;	/* h= of an AMS */
	size_t nsigned;
	const char *key_name;		/* s._domainkey.d */
	const struct dns_answer *key_answer;
	const struct dkim_key *key;
	const char *error;	/* why the field is malformed, or NULL */
	enum arc_check check;
	const char *reason;	/* why the check did not pass, or NULL */
};

struct arc_set {
	unsigned instance;
	size_t naar, nams, nas;		/* fields of each kind seen */
	const struct dkim_header *aar_header;
	struct authres aar;		/* the ARC-Authentication-Results */
	struct arc_sig ams, seal;
};

struct arc_result {
	enum arc_chain chain;
	const char *reason;	/* why it is not pass, or NULL */
	struct arc_set *sets;	/* sets[k] is instance k + 1 */
	unsigned n;		/* the highest instance seen (N), even past
				 * the 50 allowed */
	unsigned nsets;		/* the entries of sets: n, or 0 when n is
				 * over the limit */
	int oldest_pass;	/* §5.2 step 5, on a chain that passes; -1
				 * otherwise */
	size_t pending;
};

/* Validates the chain of msg as RFC 8617 §5.2 says, asking for every key
 * at once. Complete when pending == 0. */
struct arc_result *arc_validate(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const struct dkim_message *msg, long long now);
/* "none", "pass", "fail", "temperror". */
const char *arc_chain_name(enum arc_chain c);
/* "pass", "fail", "temperror", or NULL when not done. */
const char *arc_check_name(enum arc_check c);

/* One signature (arc/seal.c): reads the tags of an AMS or AS field;
 * false with sig->error set when the field is malformed (RFC 8617
 * §4.1.2, §4.1.3). */
bool arc_sig_read(struct arena *a, struct arc_sig *sig, bool seal,
    long long now);
/* Verifies the AMS over the message (RFC 8617 §5.2 step 4, as DKIM does
 * it) or the AS of instance over the ARC Sets 1..instance (§5.1.1);
 * sets sig->check and sig->reason. The key answer must be in. */
void arc_verify_ams(struct arena *a, struct arc_sig *sig,
    const struct dkim_message *msg);
void arc_verify_seal(struct arena *a, struct arc_sig *sig,
    const struct arc_set *sets, unsigned instance);

#endif
