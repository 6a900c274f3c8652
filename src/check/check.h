/* mailauth check: every part of a domain's readiness for Gmail at once --
 * MX and sending IPs, PTR/FCrDNS, the HELO name, SPF, DKIM, DMARC and
 * alignment, MTA-STS, TLS-RPT, BIMI and DNS blocklists -- and the
 * checklist of Google's sender requirements built from them: each
 * requirement pass, warn, fail, unknown or info, with a code and the
 * record that fixes it, and one verdict.
 *
 * Pure over DNS answers read through a lookup function that returns NULL
 * for an answer not known yet (then pending > 0: run again). Every part
 * asks its questions in the same pass, so they all go out together.
 * Results live in the arena passed in. */
#ifndef MAILAUTH_CHECK_CHECK_H
#define MAILAUTH_CHECK_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "check/dnsbl.h"
#include "dkim/selectors.h"
#include "dmarc/discover.h"
#include "ptr/ptr.h"
#include "spf/eval.h"
#include "spf/walk.h"

struct dmarc_psl;

struct check_input {
	const char *domain;		/* the From domain */
	const char *sender;		/* MAIL FROM, or NULL: postmaster@ */
	const char *helo;		/* or NULL */
	const struct ip_addr *ips;	/* given sending IPs, or NULL */
	size_t nips;
	const char *const *selectors;	/* NULL: probe common ones */
	size_t nselectors;
	const char *const *dnsbls;	/* blocklist zones (none: not asked) */
	size_t ndnsbls;
	bool all_senders;		/* Google's rules for everyone, not
					 * bulk senders */
	const struct dmarc_psl *psl;
	long long now;
};

struct check_mx {
	const char *host;
	unsigned preference;
	const struct dns_answer *a4, *a6;
};

struct check_listing {
	const char *zone;
	const char *name;	/* the RFC 5782 question, NULL when not asked */
	const struct dns_answer *answer;
	enum dnsbl_status status;	/* of the answer that matters most */
	const char *meaning;	/* the answer in the list's own words */
	struct dnsbl_hit *hits;	/* every address answered */
	size_t nhits;
};

struct check_ip {
	struct ip_addr ip;
	struct spf_eval_input spf_input;
	struct spf_eval *spf;
	struct ptr_result *ptr;
	struct check_listing *listings;
	size_t nlistings;
};

enum check_status {
	CHECK_PASS,
	CHECK_FAIL,
	CHECK_WARN,	/* works today, but fragile or discouraged */
	CHECK_UNKNOWN,	/* DNS could not tell, or an input is missing */
	CHECK_INFO,	/* not a requirement */
};

struct check_requirement {
	const char *id;		/* stable: "ptr", "spf", ... */
	enum check_status status;
	bool required;		/* decides the verdict */
	const char *code;	/* why it does not pass (stable), or NULL */
	const char *message;	/* one line of why */
	const char *fix;	/* what to do, or NULL */
	const char *fix_records;	/* the records to publish, as zone-file
				 * lines, or NULL */
	const char *details;	/* the facts the message sums up, one a
				 * line (every blocklist listing), or NULL */
	const char *const *gmail_codes;	/* what Gmail answers when it
					 * fails, NULL-terminated */
};

struct check_result {
	const struct check_input *in;
	const char *sender_domain;
	const struct dns_answer *mx;
	struct check_mx *mxhosts;
	size_t nmx;
	bool null_mx;		/* the domain publishes "MX 0 ." (RFC 7505) */
	const struct dns_answer *sender_mx;	/* when the sender's domain
						 * differs */
	const struct dns_answer *sender_a4, *sender_a6; /* for SPF's "a" */
	const struct dns_answer *helo_a4, *helo_a6;	/* --helo NAME */
	bool ips_from_mx;	/* no --ip: the MX hosts' public addresses */
	struct check_ip *ips;
	size_t nips;
	struct spf_walk *spf_walk;
	struct dkim_probe *dkim;
	struct dmarc_result *dmarc;
	struct dmarc_result *sender_dmarc; /* when the sender's domain
					    * differs, for alignment */
	const struct dns_answer *mta_sts, *tls_rpt, *bimi;
	struct check_requirement *reqs;
	size_t nreqs;
	enum verdict verdict;	/* pass: ready; fail: not ready; unknown */
	size_t pending;
};

struct check_result *check_run(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const struct check_input *in);
/* Lints every part of a complete result, builds the checklist and sets
 * the verdict. */
void check_evaluate(struct arena *a, struct check_result *r);
const char *check_status_name(enum check_status s);

/* The verdict of a checklist: required items decide (verdict_join():
 * one that fails decides, else one unknown leaves it unknown); warnings
 * and information items never do. */
enum verdict check_verdict(const struct check_requirement *reqs, size_t n);
/* The verdict in check's words: "ready", "not-ready", "unknown". */
const char *check_verdict_name(enum verdict v);

#endif
