#include "message/lint.h"

#include <string.h>
#include <sys/socket.h>

#include "arc/arc.h"
#include "message/message.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/strbuf.h"

static void
lint_context(struct arena *a, struct message_result *r)
{
	if (r->spf_skip == MESSAGE_SPF_NO_IP) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "message-no-client-ip", "give --ip with the sending "
		    "server's address (and --helo), or save the whole message "
		    "as delivered", "no client IP: no Received field with a "
		    "public client address, no Received-SPF client-ip= and no "
		    "Authentication-Results smtp.remote-ip; SPF was not "
		    "evaluated");
	} else if (r->spf_skip == MESSAGE_SPF_NO_SENDER) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "message-no-mail-from", "give --sender with the bounce "
		    "address, or save the message as delivered (Gmail: Show "
		    "original, then Download original)", "no Return-Path: the "
		    "MAIL FROM is unknown; SPF was not evaluated");
	}
	if (r->author.error != NULL) {
		finding_add(a, &r->findings, FINDING_ERROR,
		    "message-from-invalid", "send with exactly one From field "
		    "holding one address", "%s: DMARC cannot be applied "
		    "(RFC 9989 §5.3.1)", r->author.error);
	}
}

/* "ip4:192.0.2.1" or "ip6:2001:db8::1". */
static const char *
ip_term(struct arena *a, const struct ip_addr *ip)
{
	char buf[IP_STRLEN];

	return arena_printf(a, "ip%c:%s", ip->family == AF_INET ? '4' : '6',
	    ip_format(ip, buf));
}

static void
lint_spf(struct arena *a, struct message_result *r)
{
	const struct spf_eval *e = r->spf;
	const char *dom = r->spf_input.domain, *term;
	char ip[IP_STRLEN];

	if (e == NULL || e->result == SPF_RESULT_PASS) {
		return;
	}
	term = ip_term(a, &r->spf_input.ip);
	ip_format(&r->spf_input.ip, ip);
	switch (e->result) {
	case SPF_RESULT_TEMPERROR:
		finding_add(a, &r->findings, FINDING_ERROR,
		    "message-spf-dns-error", "retry, or check the DNS servers "
		    "of the domain", "SPF for %s: temperror (%s)", dom,
		    e->reason ? e->reason : "a DNS failure")->verdict =
		    VERDICT_UNKNOWN;
		break;
	case SPF_RESULT_PERMERROR:
		finding_add(a, &r->findings, FINDING_ERROR, "message-spf-fail",
		    arena_printf(a, "repair the SPF record of %s (mailauth spf "
		    "%s shows where it breaks)", dom, dom), "SPF for %s: "
		    "permerror (%s)", dom, e->reason ? e->reason : "");
		break;
	case SPF_RESULT_NONE:
		finding_add(a, &r->findings, FINDING_WARNING,
		    "message-spf-fail", arena_printf(a, "publish %s TXT "
		    "\"v=spf1 %s -all\" (with every other server that sends "
		    "for it)", dom, term), "SPF for %s: none (%s)", dom,
		    e->reason ? e->reason : "no SPF record");
		break;
	default:
		finding_add(a, &r->findings, e->result == SPF_RESULT_FAIL ?
		    FINDING_ERROR : FINDING_WARNING, "message-spf-fail",
		    arena_printf(a, "add %s (or the sending provider's "
		    "include:) to the SPF record of %s, before its all term",
		    term, dom), "SPF %s for %s from %s", spf_result_name(
		    e->result), ip, dom);
		break;
	}
}

/* What makes an aligned signature that fails pass again. */
static const char *
signature_fix(struct arena *a, const struct dkim_signature *sig)
{
	if (sig->key == NULL || sig->key->revoked || sig->key->error ||
	    sig->key->key_error) {
		return arena_printf(a, "publish the signing key at %s",
		    sig->key_name ? sig->key_name : "s._domainkey.d");
	}
	if (!sig->body_hash_ok) {
		return "sign after the last change to the body (a footer, a "
		    "gateway's rewrite), or have the forwarder rewrite From "
		    "and ARC-seal";
	}
	return "sign after the last change to the signed header fields (a "
	    "subject tag, a rewritten To), or sign fewer of them";
}

/* A passing ARC chain whose first instance saw DKIM or DMARC pass: an
 * intermediary changed the message after the sender's authentication
 * held. Adds what it saw to why. */
static bool
forwarded(struct arena *a, const struct message_result *r,
    struct strbuf *why)
{
	const struct arc_result *arc = r->arc;
	const struct arc_set *first;
	size_t i;

	if (arc->chain != ARC_CHAIN_PASS) {
		return false;
	}
	first = &arc->sets[0];
	for (i = 0; i < first->aar.nresults; i++) {
		const struct authres_result *res = &first->aar.results[i];

		if ((strcmp(res->method, "dkim") == 0 || strcmp(res->method,
		    "dmarc") == 0) && strcmp(res->result, "pass") == 0) {
			strbuf_addf(why, "; the ARC chain passes, and %s (i=1) "
			    "saw %s pass before the message was changed: a "
			    "receiver that trusts its seal may deliver it",
			    first->aar.authserv_id ? safe_str(a,
			    first->aar.authserv_id) : "the first forwarder",
			    res->method);
			return true;
		}
	}
	return false;
}

/* Why DMARC failed, and what would make it pass: one part for SPF and
 * one for DKIM, each with its fix. */
static void
dmarc_fail(struct arena *a, struct message_result *r)
{
	const char *author = r->author.domain;
	const char *org = r->dmarc->org_domain ? r->dmarc->org_domain : author;
	const struct dmarc_ident *s = &r->spf_ident;
	struct strbuf why = STRBUF_INIT, fix = STRBUF_INIT;
	const struct dkim_signature *broken = NULL;
	size_t i;

	if (s->domain == NULL) {
		strbuf_adds(&why, "SPF was not evaluated");
	} else if (s->authenticated == VERDICT_PASS) {
		strbuf_addf(&why, "SPF passes for %s, which is not aligned "
		    "with %s", s->domain, author);
		strbuf_addf(&fix, "send with a MAIL FROM (Return-Path) under "
		    "%s whose SPF record authorizes %s", org,
		    ip_term(a, &r->spf_input.ip));
	} else {
		strbuf_addf(&why, "SPF does not pass for %s", s->domain);
		if (s->aligned) {
			strbuf_addf(&fix, "add %s to the SPF record of %s",
			    ip_term(a, &r->spf_input.ip), s->domain);
		}
	}
	for (i = 0; i < r->dkim->nsigs; i++) {
		if (r->dkim_idents[i].aligned && broken == NULL) {
			broken = &r->dkim->sigs[i];
		}
	}
	if (broken != NULL) {
		strbuf_addf(&why, "; the aligned DKIM signature (d=%s) fails: "
		    "%s", broken->d, broken->reason ? broken->reason : "?");
		strbuf_addf(&fix, "%s%s", fix.len ? "; or " : "",
		    signature_fix(a, broken));
	} else {
		strbuf_addf(&why, "; no DKIM signature has d= aligned with %s",
		    author);
		strbuf_addf(&fix, "%ssign with d=%s: publish "
		    "SELECTOR._domainkey.%s TXT \"v=DKIM1; k=rsa; p=...\" and "
		    "turn on signing at the sending service", fix.len ?
		    "; or " : "", author, author);
	}
	if (forwarded(a, r, &why)) {
		strbuf_reset(&fix);
		strbuf_addf(&fix, "the forwarder should rewrite From to its own "
		    "domain, or the receiver trust its ARC seal; the sender "
		    "can do nothing about a forwarder's changes");
	}
	finding_add(a, &r->findings, FINDING_ERROR, "message-dmarc-fail",
	    strbuf_str(&fix), "DMARC fails for From %s (%s=%s asks for %s): "
	    "%s", author, r->eval.policy_tag, dmarc_policy_name(
	    r->eval.policy), dmarc_policy_name(r->eval.disposition),
	    strbuf_str(&why));
	strbuf_finish(&why);
	strbuf_finish(&fix);
}

static void
lint_dmarc(struct arena *a, struct message_result *r)
{
	const struct dmarc_eval *e = &r->eval;

	switch (e->result) {
	case DMARC_NONE:
		finding_add(a, &r->findings, FINDING_WARNING,
		    "message-dmarc-none", arena_printf(a, "publish _dmarc.%s "
		    "TXT \"v=DMARC1; p=none; rua=mailto:dmarc@%s\"",
		    r->dmarc->org_domain_psl, r->dmarc->org_domain_psl),
		    "%s for %s: receivers apply no policy, and Gmail "
		    "requires one from bulk senders", r->dmarc->policy_step ?
		    "the DMARC record has an invalid policy and no rua= "
		    "(RFC 9989 §4.10.1)" : "no DMARC record",
		    r->author.domain);
		break;
	case DMARC_FAIL:
		dmarc_fail(a, r);
		break;
	case DMARC_TEMPERROR:
		finding_add(a, &r->findings, FINDING_ERROR,
		    "message-dmarc-dns-error", "retry, or check the DNS "
		    "servers of the domains involved", "a DNS failure kept "
		    "DMARC for %s from pass or fail",
		    r->author.domain)->verdict = VERDICT_UNKNOWN;
		break;
	default:
		break;
	}
	if (r->author.domain != NULL && e->result != DMARC_TEMPERROR &&
	    e->result_7489 != e->result) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "message-dmarc-rfc7489-differs", NULL, "a receiver still "
		    "on RFC 7489 (Public Suffix List) decides DMARC %s, not "
		    "%s", dmarc_verdict_name(e->result_7489),
		    dmarc_verdict_name(e->result));
	} else if (e->result == DMARC_FAIL && e->result_7489 == DMARC_FAIL &&
	    e->disposition_7489 != e->disposition) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "message-dmarc-rfc7489-differs", NULL, "a receiver still "
		    "on RFC 7489 (Public Suffix List) applies %s to this "
		    "failing message, not %s%s",
		    dmarc_policy_name(e->disposition_7489),
		    dmarc_policy_name(e->disposition), e->policy_tag &&
		    strcmp(e->policy_tag, "np") == 0 ? " (RFC 7489 has no np: "
		    "it reads sp)" : "");
	}
}

static void
lint_arc(struct arena *a, struct message_result *r)
{
	const struct arc_result *arc = r->arc;

	if (arc->chain == ARC_CHAIN_FAIL) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "message-arc-fail", "the forwarders that sealed it should "
		    "check their ARC signing and keys; receivers ignore a "
		    "failed chain", "the ARC chain fails: %s", arc->reason);
	} else if (arc->chain == ARC_CHAIN_TEMPERROR) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "message-arc-dns-error", "retry, or check the sealers' DNS "
		    "servers", "a DNS failure left the ARC chain unknown: %s",
		    arc->reason)->verdict = VERDICT_UNKNOWN;
	}
}

static void
lint_receiver(struct arena *a, struct message_result *r)
{
	const struct receiver_view *v = &r->receiver;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!v->found) {
		finding_add(a, &r->findings, FINDING_INFO,
		    "message-no-receiver-results", "give --receiver-id with "
		    "the authserv-id of the receiver's Authentication-Results",
		    "no Authentication-Results written by the receiver");
		return;
	}
	for (i = 0; i < v->ndiffs; i++) {
		strbuf_addf(&sb, "%s%s", i ? ", " : "", v->diffs[i].method);
	}
	if (v->ndiffs > 0) {
		finding_add(a, &r->findings, FINDING_INFO,
		    "message-receiver-differs", NULL, "the receiver (%s) "
		    "decided otherwise for %s", v->authserv_id ?
		    v->authserv_id : "no authserv-id", strbuf_str(&sb));
	}
	strbuf_finish(&sb);
}

void
message_lint(struct arena *a, struct message_result *r)
{
	lint_context(a, r);
	lint_spf(a, r);
	if (r->author.domain != NULL) {
		lint_dmarc(a, r);
	}
	lint_arc(a, r);
	lint_receiver(a, r);
}
