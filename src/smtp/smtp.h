/* mailauth smtp: what a sending server meets at a domain's MX hosts --
 * port 25, the greeting, EHLO, STARTTLS, the certificate, DANE (RFC
 * 7672), MTA-STS (RFC 8461) and TLS-RPT (RFC 8460).
 *
 * Three steps. smtp_gather() is pure over DNS answers read through a
 * lookup function that returns NULL for an answer not known yet (then
 * pending > 0: run again in a fresh arena). The caller then runs the
 * sessions and the policy fetch it lists (smtp/probe.h), and
 * smtp_evaluate() turns everything into findings and a verdict. Results
 * live in the arena passed to smtp_gather(). */
#ifndef MAILAUTH_SMTP_SMTP_H
#define MAILAUTH_SMTP_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"
#include "ptr/ptr.h"
#include "finding.h"
#include "smtp/cert.h"
#include "smtp/https.h"
#include "smtp/mtasts.h"
#include "smtp/probe.h"
#include "util/ip.h"

struct arena;

struct smtp_input {
	const char *name;	/* a domain or host name, or NULL */
	struct ip_addr ip;	/* the target when name is NULL */
	unsigned port;		/* shown with each address */
};

/* What a session shows of a host's STARTTLS. */
enum smtp_tls {
	SMTP_TLS_UNKNOWN,	/* the session never got to see it */
	SMTP_TLS_PASS,		/* STARTTLS with a trusted, current
				 * certificate for the name */
	SMTP_TLS_FAIL,		/* none offered, or it does not hold */
};

/* One address of a host, and the session to it. */
struct smtp_addr {
	struct ip_addr ip;
	struct ptr_result *ptr;		/* its PTR names, forward-confirmed */
	struct smtp_session session;	/* filled by smtp_probe_run() */
	/* Set by smtp_evaluate(). */
	const char *banner_host;	/* first word of the greeting */
	const char *ehlo_host;		/* first word of the EHLO reply */
	struct smtp_extension *ext, *ext_tls;	/* EHLO, EHLO after TLS */
	size_t next, next_tls;
	bool have_cert;
	struct smtp_cert_info cert;	/* the server's certificate */
	bool chain_verified;		/* by the CA store */
	enum verdict name_matches;	/* unknown: no host name to match */
	bool expired;
	long long days_left;
	struct tlsa_check *tlsa;	/* one per record of the host */
	bool sts_valid;		/* RFC 8461 §4.2: what MTA-STS needs */
	enum smtp_tls tls;
	const char *tls_why;	/* why it is not pass, or NULL */
	struct finding_list findings;
};

struct smtp_host {
	const char *name;	/* no trailing dot; NULL for an IP target */
	unsigned preference;
	bool implicit;		/* RFC 5321 §5.1: the domain, no MX */
	const struct dns_answer *a4, *a6;
	const struct dns_answer *tlsa;	/* _25._tcp.NAME */
	struct smtp_addr *addrs;
	size_t naddrs;
	enum verdict sts_match;	/* an MTA-STS mx pattern matches; unknown:
				 * no policy */
	struct finding_list findings;
};

struct smtp_mta_sts {
	const struct dns_answer *txt;	/* _mta-sts.DOMAIN */
	const char *record;		/* the STS record, or NULL */
	struct mta_sts_record rec;
	const struct dns_answer *a4, *a6;	/* mta-sts.DOMAIN */
	struct https_fetch fetch;
	bool fetching;			/* fetch is to be run */
	bool have_policy;		/* fetched, 200 text/plain */
	struct mta_sts_policy policy;
	bool policy_valid;		/* RFC 8461 §3.2: no field missing
					 * or wrong; else senders apply none */
	enum verdict mx_match;		/* every MX matches; unknown: no
					 * policy */
	bool unknown;			/* a lookup failed: whether a policy
					 * applies is not known */
	struct finding_list findings;
};

struct smtp_tls_rpt {
	const struct dns_answer *txt;	/* _smtp._tls.DOMAIN */
	const char *record;		/* the TLSRPTv1 record, or NULL */
	struct tls_rpt_record rec;
	bool valid;
	struct finding_list findings;
};


struct smtp_result {
	const struct smtp_input *in;
	const struct dns_answer *mx;	/* NULL for an IP target */
	bool null_mx;			/* RFC 7505 */
	struct smtp_host *hosts;	/* in preference order */
	size_t nhosts;
	size_t mx_count;		/* MX records, before the bound */
	struct smtp_mta_sts sts;	/* for a name only */
	struct smtp_tls_rpt rpt;
	size_t pending;
	bool probed;			/* the sessions ran */
	struct finding_list findings;
	/* fail: a host or an enforced policy fails; unknown: DNS failed,
	 * or no host could be reached; else pass. */
	enum verdict verdict;
};

/* Builds what the answers allow; complete when pending == 0. */
struct smtp_result *smtp_gather(struct arena *a, dns_lookup_fn lookup,
    void *lookup_ctx, const struct smtp_input *in);
/* The sessions to run, one per address, in host order (pointers into r),
 * and the policy fetch (NULL when there is none to run). */
size_t smtp_sessions(struct arena *a, struct smtp_result *r,
    struct smtp_session ***out);
struct https_fetch *smtp_policy_fetch(struct smtp_result *r);
/* Findings and the verdict; now is the time (seconds since 1970). */
void smtp_evaluate(struct arena *a, struct smtp_result *r, long long now);
/* Findings of a severity anywhere in the result. */
size_t smtp_count(const struct smtp_result *r, enum finding_severity sev);
/* One line for the verdict of an evaluated result: what passed, or the
 * first error, or why nothing could be found out (arena or static). */
const char *smtp_summary(struct arena *a, const struct smtp_result *r);
/* The MX hosts' STARTTLS alone (check --smtp's tls line): fail when a
 * host has none or it does not hold, unknown when a host's could not be
 * seen (no connection, no EHLO), else pass; and one line saying why. */
enum verdict smtp_tls_verdict(const struct smtp_result *r);
const char *smtp_tls_summary(struct arena *a, const struct smtp_result *r);

#endif
