/* What check_host() (eval.c) and its DNS mechanisms (eval_mech.c)
 * share: the evaluator's state and the steps every mechanism takes to ask
 * DNS, count lookups and fail. Everything lives in the run's arena. */
#ifndef MAILAUTH_SPF_EVAL_INTERNAL_H
#define MAILAUTH_SPF_EVAL_INTERNAL_H

#include "spf/eval.h"

/* A mechanism either matches, does not, or ends the evaluation with a
 * result of its own (an error), or waits for DNS. */
enum outcome {
	MATCH,
	NO_MATCH,
	DONE,		/* ev->result is final */
	WAIT,		/* an answer is missing: run again later */
};

struct evaluator {
	struct arena *a;
	dns_lookup_fn lookup;
	void *lookup_ctx;
	const struct spf_eval_input *in;
	struct spf_eval *out;
	const char *local;	/* local-part of <sender> */
	const char *sender_domain;
	unsigned include_depth;	/* inside include: no explanation */
	enum spf_result result;	/* set with DONE */
	const char *reason;
	struct spf_eval_step *steps;	/* the path so far */
	size_t nsteps, capsteps;
};


/* Ends the evaluation with r (returns DONE). */
enum outcome spf_eval_fail(struct evaluator *ev, enum spf_result r,
    const char *reason);
/* The answer to (name, type), or NULL (counted as pending) while it is
 * missing. */
const struct dns_answer *spf_eval_ask(struct evaluator *ev, const char *name,
    enum dns_type type);
/* RFC 7208 §4.6.4: counts a void answer; DONE past the limit. */
enum outcome spf_eval_count_void(struct evaluator *ev,
    const struct dns_answer *ans, const char *term);
/* RFC 7208 §5: a DNS error ends the evaluation with temperror. */
enum outcome spf_eval_dns_failure(struct evaluator *ev,
    const struct dns_answer *ans);

/* The mechanisms that look up addresses (eval_mech.c, RFC 7208 §5.3-§5.7),
 * for the target the term's domain-spec expanded to. */
enum outcome spf_eval_a(struct evaluator *ev, const struct spf_term *t,
    const char *target);
enum outcome spf_eval_mx(struct evaluator *ev, const struct spf_term *t,
    const char *target);
enum outcome spf_eval_ptr(struct evaluator *ev, const struct spf_term *t,
    const char *target);
enum outcome spf_eval_exists(struct evaluator *ev, const struct spf_term *t,
    const char *target);
/* %{p} for domain (RFC 7208 §7.3), or NULL while answers are missing. */
const char *spf_eval_ptr_name(struct evaluator *ev, const char *domain);

#endif
