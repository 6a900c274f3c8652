/* check_host() of RFC 7208 §4-§6 for one connecting IP: the verdict, the
 * path of terms that produced it, and the explanation of a "fail".
 *
 * Like the walk, evaluation is a pure function of DNS answers read through
 * a lookup function that returns NULL for an answer not known yet; then
 * spf_eval_run() stops with pending > 0 and is run again once answers are
 * in. It asks in evaluation order, so correctness never depends on what was
 * prefetched. Results live in the arena passed in. */
#ifndef MAILAUTH_SPF_EVAL_H
#define MAILAUTH_SPF_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "spf/walk.h"
#include "util/ip.h"

enum spf_result {
	SPF_RESULT_NONE,
	SPF_RESULT_NEUTRAL,
	SPF_RESULT_PASS,
	SPF_RESULT_FAIL,
	SPF_RESULT_SOFTFAIL,
	SPF_RESULT_TEMPERROR,
	SPF_RESULT_PERMERROR,
};

struct spf_eval_input {
	const char *domain;	/* <domain>: the sender's domain or the HELO */
	const char *sender;	/* <sender>: local-part@domain */
	const char *helo;	/* the HELO/EHLO name, or NULL */
	struct ip_addr ip;	/* <ip>, IPv4-mapped addresses already
				 * unmapped (RFC 7208 §5) */
	const char *receiver;	/* %{r}; NULL means "unknown" */
	long long now;		/* %{t} */
};

/* One step of the path from the top record to the deciding term. */
struct spf_eval_step {
	const char *domain;	/* the record's name */
	const char *term;	/* the term, or NULL for "no term matched" */
};

struct spf_eval {
	size_t pending;		/* answers still missing: run again */
	enum spf_result result;
	const char *reason;	/* why: the matched term, or the error */
	const char *explanation; /* the expanded exp= text, or NULL */
	struct spf_eval_step *path;
	size_t npath;
	unsigned lookups;	/* DNS-querying terms evaluated */
	unsigned voids;		/* void lookups met */
	/* DNS errors that decided nothing: RFC 7208 §5.5 makes one behind
	 * ptr or %{p} no match, or a name skipped; each named once. */
	struct finding_list findings;
};

/* Sets in->sender's local part and domain defaults: an empty local part
 * becomes "postmaster" (RFC 7208 §4.3). Returns the normalized sender. */
const char *spf_eval_sender(struct arena *a, const char *sender,
    const char *domain);
struct spf_eval *spf_eval_run(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const struct spf_eval_input *in);
/* RFC 7208 §4.3: false for a malformed name, a single label, or an
 * address literal; check_host() gives "none" for them. */
bool spf_domain_is_valid(const char *domain);
/* "pass", "fail", ... */
const char *spf_result_name(enum spf_result r);

#endif
