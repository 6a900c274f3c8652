/* The parts of smtp_evaluate() (smtp/evaluate.c) in other files: the
 * MTA-STS and TLS-RPT half (smtp/policy.c) and the verdict
 * (smtp/verdict.c). Private to smtp/. */
#ifndef MAILAUTH_SMTP_POLICY_H
#define MAILAUTH_SMTP_POLICY_H

#include "smtp/smtp.h"

/* RFC 8461: the record, the fetched policy, each MX host against its
 * patterns and each host's certificate as a sender enforcing it judges
 * it. Run after the hosts are evaluated. */
void smtp_evaluate_sts(struct arena *a, struct smtp_result *r);
/* RFC 8460 §3: the record's syntax. */
void smtp_evaluate_rpt(struct arena *a, struct smtp_result *r);
/* The network finding (nothing answered on the port) and r->verdict,
 * once every finding is in; mx_known: the MX answer was not a failure. */
void smtp_decide(struct arena *a, struct smtp_result *r, bool mx_known);
/* True for an MX host of a large mail provider, which always answers on
 * port 25 (smtp/evaluate.c). */
bool smtp_big_provider(const char *host);

#endif
