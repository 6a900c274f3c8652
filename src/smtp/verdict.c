/* The verdicts of an evaluated result (smtp/evaluate.c): whether the
 * network let anything through, counting the findings, the line that
 * sums it up, and the MX hosts' STARTTLS alone for check --smtp. */
#include "smtp/smtp.h"
#include "smtp/policy.h"

#include <string.h>

#include "dns/answer.h"
#include "util/arena.h"

/* What the sessions found out, over every address. */
struct reach {
	size_t addrs;		/* addresses probed */
	size_t known;		/* the server answered, or refused */
	size_t silent;		/* timed out or unreachable */
	bool big_silent;	/* one of them a large provider's */
	bool dns_unknown;	/* some addresses could not be looked up */
};

static void
tally_reach(const struct smtp_result *r, struct reach *out)
{
	size_t i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < r->nhosts; i++) {
		const struct smtp_host *h = &r->hosts[i];

		out->dns_unknown |= h->naddrs == 0 && h->a4 &&
		    (dns_kind_is_failure(h->a4->kind) ||
		    dns_kind_is_failure(h->a6->kind));
		for (j = 0; j < h->naddrs; j++) {
			enum smtp_connect c = h->addrs[j].session.connect;

			out->addrs++;
			if (c == SMTP_CONNECT_TIMEOUT ||
			    c == SMTP_CONNECT_UNREACHABLE) {
				out->silent++;
				out->big_silent |= smtp_big_provider(h->name);
			} else {
				out->known++;
			}
		}
	}
}

void
smtp_decide(struct arena *a, struct smtp_result *r, bool mx_known)
{
	struct reach reach;

	tally_reach(r, &reach);
	if (reach.addrs > 0 && reach.known == 0 && r->in->port == 25) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "smtp-port25-blocked", "run mailauth from a server (a VPS) "
		    "or another network, or ask the ISP to open outbound port "
		    "25", "no address answered on port 25: outbound port 25 "
		    "is probably blocked on this network%s", reach.big_silent ?
		    " (a large provider's MX always answers)" : " (most home "
		    "ISPs block it)");
	} else if (reach.addrs > 0 && reach.known == 0) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "smtp-port-blocked", "check that the servers listen on "
		    "this port, and that no firewall here or there drops it",
		    "no address answered on port %u: a firewall drops it, here "
		    "or at the servers", r->in->port);
	}
	if (smtp_count(r, FINDING_ERROR) > 0) {
		r->verdict = VERDICT_FAIL;
	} else if (!mx_known || reach.silent > 0 || reach.dns_unknown ||
	    r->sts.unknown) {
		r->verdict = VERDICT_UNKNOWN;
	} else {
		r->verdict = VERDICT_PASS;
	}
}

size_t
smtp_count(const struct smtp_result *r, enum finding_severity sev)
{
	size_t n = finding_count(&r->findings, sev) +
	    finding_count(&r->sts.findings, sev) +
	    finding_count(&r->rpt.findings, sev), i, j;

	for (i = 0; i < r->nhosts; i++) {
		n += finding_count(&r->hosts[i].findings, sev);
		for (j = 0; j < r->hosts[i].naddrs; j++) {
			n += finding_count(&r->hosts[i].addrs[j].findings, sev);
		}
	}
	return n;
}

/* The first finding of a severity in the result, in output order. */
static const struct finding *
first_finding(const struct smtp_result *r, enum finding_severity sev,
    const char *code)
{
	const struct finding_list *lists[3] = { &r->findings, &r->sts.findings,
	    &r->rpt.findings };
	const struct finding *f;
	size_t i, j;

	for (i = 0; i < r->nhosts; i++) {
		for (j = 0; j < r->hosts[i].naddrs; j++) {
			for (f = r->hosts[i].addrs[j].findings.head; f;
			    f = f->next) {
				if (f->severity == sev && (code == NULL ||
				    strcmp(f->code, code) == 0)) {
					return f;
				}
			}
		}
		for (f = r->hosts[i].findings.head; f; f = f->next) {
			if (f->severity == sev && code == NULL) {
				return f;
			}
		}
	}
	for (i = 0; i < 3; i++) {
		for (f = lists[i]->head; f; f = f->next) {
			if (f->severity == sev && (code == NULL ||
			    strcmp(f->code, code) == 0)) {
				return f;
			}
		}
	}
	return NULL;
}

const char *
smtp_summary(struct arena *a, const struct smtp_result *r)
{
	const struct finding *f;

	switch (r->verdict) {
	case VERDICT_PASS:
		return r->null_mx ? "the domain accepts no mail (null MX)" :
		    "every MX host offers STARTTLS with a trusted, current "
		    "certificate for its name";
	case VERDICT_FAIL:
		f = first_finding(r, FINDING_ERROR, NULL);
		return f ? arena_strdup(a, f->message) : "an MX host failed";
	case VERDICT_UNKNOWN:
		if ((f = first_finding(r, FINDING_WARNING,
		    "smtp-port25-blocked")) != NULL ||
		    (f = first_finding(r, FINDING_WARNING, NULL)) != NULL) {
			return arena_strdup(a, f->message);
		}
		break;
	}
	return "the MX hosts could not be probed";
}

enum verdict
smtp_tls_verdict(const struct smtp_result *r)
{
	bool unknown = r->nhosts == 0 && !r->null_mx;
	size_t i, j;

	for (i = 0; i < r->nhosts; i++) {
		unknown |= r->hosts[i].naddrs == 0;
		for (j = 0; j < r->hosts[i].naddrs; j++) {
			enum smtp_tls t = r->hosts[i].addrs[j].tls;

			if (t == SMTP_TLS_FAIL) {
				return VERDICT_FAIL;
			}
			unknown |= t == SMTP_TLS_UNKNOWN;
		}
	}
	return unknown ? VERDICT_UNKNOWN : VERDICT_PASS;
}

const char *
smtp_tls_summary(struct arena *a, const struct smtp_result *r)
{
	enum verdict v = smtp_tls_verdict(r);
	enum smtp_tls want = v == VERDICT_FAIL ? SMTP_TLS_FAIL :
	    SMTP_TLS_UNKNOWN;
	size_t i, j;

	if (v == VERDICT_PASS) {
		return smtp_summary(a, r);
	}
	for (i = 0; i < r->nhosts; i++) {
		for (j = 0; j < r->hosts[i].naddrs; j++) {
			const struct smtp_addr *ad = &r->hosts[i].addrs[j];

			if (ad->tls == want && ad->tls_why != NULL) {
				return arena_strdup(a, ad->tls_why);
			}
		}
	}
	return smtp_summary(a, r);
}
