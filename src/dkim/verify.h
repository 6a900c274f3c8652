/* Verifying the DKIM-Signature header fields of a message (RFC 6376 §6,
 * RFC 8463 ed25519-sha256, RFC 8301 rules). Pure over DNS answers read
 * through a lookup function that returns NULL for an answer not known yet
 * (then pending > 0: run again). Results live in the arena passed in. */
#ifndef MAILAUTH_DKIM_VERIFY_H
#define MAILAUTH_DKIM_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "dkim/key.h"
#include "dkim/message.h"
#include "dkim/signature.h"
#include "dns/answer.h"
#include "finding.h"
#include "util/taglist.h"

struct arena;

/* RFC 8601 §2.7.1 results. */
enum dkim_result {
	DKIM_RESULT_PASS,
	DKIM_RESULT_FAIL,	/* the hashes or the signature do not match */
	DKIM_RESULT_PERMERROR,	/* the signature or its key is unusable */
	DKIM_RESULT_TEMPERROR,	/* the key could not be fetched */
};

struct dkim_signature {
	const struct dkim_header *header;
	struct taglist tags;
	const char *d, *s, *a, *c, *i, *q, *bh, *b, *h;	/* NULL when absent */
	const char *identity;	/* i= decoded (RFC 6376 §2.11), or NULL */
	enum dkim_alg alg;
	bool header_relaxed, body_relaxed;
	bool q_differs;		/* q= other than exactly "dns/txt" */
	long long length;	/* l=, -1 when absent */
	long long timestamp;	/* t=, -1 when absent */
	long long expires;	/* x=, -1 when absent */
	const char **signed_headers;	/* h=, in order */
	size_t nsigned;
	const char *key_name;	/* s._domainkey.d */
	const struct dns_answer *key_answer;
	const struct dkim_key *key;
	bool body_hash_ok;
	enum dkim_result result;
	const char *reason;	/* why it did not pass, or NULL */
};

struct dkim_verification {
	const struct dkim_message *msg;
	struct dkim_signature *sigs;
	size_t nsigs;
	size_t pending;
	struct finding_list findings;
};

/* Checks every DKIM-Signature of msg as of the time now. Complete when
 * pending == 0. */
struct dkim_verification *dkim_verify(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const struct dkim_message *msg, long long now);
/* Adds the findings of a complete verification. */
void dkim_verify_lint(struct arena *a, struct dkim_verification *v);
const char *dkim_result_name(enum dkim_result r);
/* Picks the DKIM key record among the TXT records of an answer: NULL when
 * there is none; *several is set when more than one TXT record exists. */
const struct dns_txt *dkim_key_txt(struct arena *a,
    const struct dns_answer *ans, bool *several);

/* The key record for a signature by alg from the answer to its lookup
 * (name): RFC 6376 §6.1.2, RFC 8301 §3.2. Sets *key when a record is
 * found; returns NULL when the key can check the signature, else why not,
 * with *temporary set when the lookup itself failed. */
const char *dkim_key_check(struct arena *a, const struct dns_answer *ans,
    const char *name, enum dkim_alg alg, const struct dkim_key **key,
    bool *temporary);

#endif
