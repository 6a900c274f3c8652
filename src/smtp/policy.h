/* The MTA-STS and TLS-RPT half of smtp_evaluate() (smtp/evaluate.c).
 * Private to smtp/. */
#ifndef MAILAUTH_SMTP_POLICY_H
#define MAILAUTH_SMTP_POLICY_H

#include "smtp/smtp.h"

/* RFC 8461: the record, the fetched policy, each MX host against its
 * patterns and each host's certificate as a sender enforcing it judges
 * it. Run after the hosts are evaluated. */
void smtp_evaluate_sts(struct arena *a, struct smtp_result *r);
/* RFC 8460 §3: the record's syntax. */
void smtp_evaluate_rpt(struct arena *a, struct smtp_result *r);

#endif
