/* Building the checklist of mailauth check, shared by the files that
 * evaluate one group of requirements each: requirements.c (the sending
 * host: MX, sending IPs, PTR, HELO, blocklists, information), auth.c
 * (SPF, DKIM, DMARC, alignment) and fix.c (the records that fix them).
 * Strings live in the arena passed in. */
#ifndef MAILAUTH_CHECK_REQ_H
#define MAILAUTH_CHECK_REQ_H

#include "check/check.h"

/* Appends a requirement that passes; the caller sets the rest. */
struct check_requirement *check_req_add(struct check_result *r,
    const char *id, bool required, const char *const *gmail_codes);
/* Sets status, code and message of q when status is worse than what q
 * has (fail, then unknown, then warn, then pass): the first, worst reason
 * is the one shown. Returns true when it did. */
bool check_req_set(struct check_requirement *q, enum check_status status,
    const char *code, const char *message);
/* Marks q unknown because the lookup ans failed, saying which and how
 * (after prefix, when not NULL), with what to do; as check_req_set(). */
bool check_req_failed(struct arena *a, struct check_requirement *q,
    const char *code, const char *prefix, const struct dns_answer *ans);
/* The address as text, in the arena. */
const char *check_ip_text(struct arena *a, const struct ip_addr *ip);
/* The host name the sending host at ip should have, the same for every
 * fix that names it (PTR, HELO, MX, a bounce domain): the --helo name
 * (when use_helo, and it resolves to ip or to nothing yet), else its
 * forward-confirmed PTR name that is no pool name, else an MX host with
 * that address, else a new name in the domain (mail.DOMAIN). *resolves
 * says whether the name is known to resolve to ip; when not, the fix
 * publishes its address record too. */
const char *check_host_name(struct arena *a, const struct check_result *r,
    const struct ip_addr *ip, bool use_helo, bool *resolves);
/* The bounce domain a fix proposes for a sender domain with a null MX:
 * bounces.SENDER-DOMAIN. */
const char *check_bounce_domain(struct arena *a, const struct check_result *r);
/* A domain that receives mail, for the addresses a fix publishes (DMARC
 * reports): the From domain, unless its MX is null (RFC 7505); then the
 * envelope sender's domain when it receives mail, else the bounce domain
 * the mx fix creates. */
const char *check_mail_domain(struct arena *a, const struct check_result *r);
/* "NAME. A IP" (or AAAA), the forward record of a host. */
const char *check_address_record(struct arena *a, const char *name,
    const struct ip_addr *ip);

void check_require_host(struct arena *a, struct check_result *r);
void check_require_auth(struct arena *a, struct check_result *r, bool bulk);
/* DKIM (dkim.c): returns the fact (pass, fail or unknown) alignment and
 * authentication build on. */
enum check_status check_require_dkim(struct arena *a, struct check_result *r,
    bool required);
/* DMARC and alignment (dmarc.c); spf and dkim are what require_auth found
 * (pass, fail or unknown). */
void check_require_dmarc(struct arena *a, struct check_result *r,
    bool required);
void check_require_alignment(struct arena *a, struct check_result *r,
    bool required, enum check_status spf, enum check_status dkim);
void check_require_info(struct arena *a, struct check_result *r);

#endif
