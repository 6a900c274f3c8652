/* The checklist's authentication requirements: SPF for the sending IPs
 * (RFC 7208), DKIM (RFC 6376, RFC 8301), DMARC and alignment (RFC 9989),
 * each with the record that fixes it, computed from what check saw. */
#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "check/fix.h"
#include "check/req.h"
#include "dmarc/align.h"
#include "dns/name.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/strbuf.h"

/* The answers Gmail gives a sender that fails each requirement (Google's
 * sender guidelines; 4.7.40/5.7.40 is its newer code for no DMARC). */
static const char *const codes_spf[] = { "4.7.27", "5.7.27", NULL };
static const char *const codes_dkim[] = { "4.7.30", "5.7.30", NULL };
static const char *const codes_dmarc[] = { "4.7.31", "4.7.40", "5.7.40",
    NULL };
static const char *const codes_alignment[] = { "4.7.32", NULL };
static const char *const codes_auth[] = { "5.7.26", "550-5.7.1", NULL };

/* A placeholder in a DKIM key record: only the signer has the key. */
#define DKIM_RECORD "v=DKIM1; k=rsa; p=PUBLIC-KEY-IN-BASE64"

/* The fix of the first error finding of the walk with code (NULL: any). */
static const char *
walk_fix(const struct spf_node *n, const struct finding_list *top,
    const char *code)
{
	const struct finding *f;
	const char *fix;
	size_t i;

	for (f = top ? top->head : n->findings.head; f; f = f->next) {
		if (f->severity == FINDING_ERROR && f->fix != NULL &&
		    (code == NULL || strcmp(f->code, code) == 0)) {
			return f->fix;
		}
	}
	if (top != NULL) {
		return walk_fix(n, NULL, code);
	}
	for (i = 0; i < n->nterms; i++) {
		if (n->terms[i].child != NULL && (fix =
		    walk_fix(n->terms[i].child, NULL, code)) != NULL) {
			return fix;
		}
	}
	return NULL;
}

/* The term that authorizes ip: "mx" when an MX host of the domain has it,
 * "a" when it is the domain's own address -- both keep working when the
 * address changes -- else ip4: or ip6:. A term that queries DNS is only
 * chosen while the record has room for one more lookup (RFC 7208 §4.6.4:
 * lookup 11 is a permerror): with none, the literal costs nothing. *why
 * says which and why. */
static const char *
spf_term_for(struct arena *a, const struct check_result *r,
    const struct ip_addr *ip, bool room, const char **why)
{
	const char *addr = check_ip_text(a, ip);
	const char *literal = arena_printf(a, "%s:%s", ip->family == AF_INET ?
	    "ip4" : "ip6", addr);
	const char *term = NULL, *through = NULL;
	size_t i;

	for (i = 0; i < r->nmx && dns_name_equal(r->sender_domain,
	    r->in->domain) && term == NULL; i++) {
		if (dns_answer_has_addr(ip->family == AF_INET ?
		    r->mxhosts[i].a4 : r->mxhosts[i].a6, ip)) {
			term = "mx";
			through = arena_printf(a, "through %s",
			    safe_str(a, r->mxhosts[i].host));
		}
	}
	if (term == NULL && dns_answer_has_addr(ip->family == AF_INET ?
	    r->sender_a4 : r->sender_a6, ip)) {
		term = "a";
		through = arena_printf(a, "as the address of %s",
		    safe_str(a, r->sender_domain));
	}
	*why = NULL;
	if (term == NULL) {
		return literal;
	}
	if (!room) {
		*why = arena_printf(a, "'%s' would cover %s %s, but the record "
		    "has no DNS lookup left for it (at most %d, RFC 7208 "
		    "§4.6.4): %s needs none", term, addr, through,
		    SPF_LOOKUP_LIMIT, literal);
		return literal;
	}
	*why = arena_printf(a, "'%s' covers %s %s and keeps working when the "
	    "address changes", term, addr, through);
	return term;
}

static bool
has_term(const char *terms, const char *term)
{
	size_t len = strlen(term);
	const char *p;

	for (p = strstr(terms, term); p != NULL; p = strstr(p + 1, term)) {
		if ((p == terms || p[-1] == ' ') && (p[len] == ' ' ||
		    p[len] == '\0')) {
			return true;
		}
	}
	return false;
}

/* The record that authorizes every sending IP that SPF does not: the
 * published one with terms added, or a new one. */
static void
fix_spf(struct arena *a, struct check_requirement *q,
    const struct check_result *r)
{
	const struct spf_walk *w = r->spf_walk;
	const struct spf_record *rec = w->root->status == SPF_NODE_OK ?
	    w->root->record : NULL;
	const char *terms = "", *whys = "", *why, *term;
	unsigned lookups = rec ? w->lookups : 0;
	size_t i;

	for (i = 0; i < r->nips; i++) {
		enum spf_result res = r->ips[i].spf->result;

		if (res == SPF_RESULT_PASS || res == SPF_RESULT_TEMPERROR) {
			continue;
		}
		term = spf_term_for(a, r, &r->ips[i].ip, w->failed == NULL &&
		    lookups < SPF_LOOKUP_LIMIT, &why);
		if (has_term(terms, term)) {
			continue;
		}
		lookups += term[0] == 'm' || term[0] == 'a';
		terms = arena_printf(a, "%s%s%s", terms, *terms ? " " : "",
		    term);
		if (why != NULL) {
			whys = arena_printf(a, "%s; %s", whys, why);
		}
	}
	if (*terms == '\0') {
		return;
	}
	q->fix = arena_printf(a, "publish this SPF record at %s%s (%s%u/10 "
	    "DNS lookups%s)", safe_str(a, r->sender_domain), rec ?
	    ", in place of the current one" : "", w->failed ?
	    "at least " : "", lookups, whys);
	q->fix_records = check_txt_record(a, r->sender_domain,
	    check_spf_with_terms(a, rec, terms));
}

static void
spf_of_ip(struct arena *a, struct check_requirement *q,
    const struct check_result *r, const struct check_ip *ip,
    enum check_status bad, struct strbuf *sb)
{
	const struct spf_eval *e = ip->spf;
	const char *addr = check_ip_text(a, &ip->ip);
	const char *reason = safe_str(a, e->reason ? e->reason : "");

	switch (e->result) {
	case SPF_RESULT_PASS:
		strbuf_addf(sb, "%s%s pass (%s)", sb->len ? "; " : "", addr,
		    reason);
		break;
	case SPF_RESULT_TEMPERROR:
		if (check_req_set(q, CHECK_UNKNOWN, "spf-lookup-failed",
		    arena_printf(a, "SPF of %s for %s: %s",
		    safe_str(a, r->sender_domain), addr, reason))) {
			q->fix = "retry; if it lasts, ask another resolver "
			    "(@SERVER), or tell whoever runs the failing DNS "
			    "servers: receivers defer the mail (temperror) too";
		}
		break;
	case SPF_RESULT_PERMERROR:
		if (check_req_set(q, bad, "spf-permerror", arena_printf(a,
		    "SPF of %s for %s: permerror (%s): receivers treat the "
		    "record as broken", safe_str(a, r->sender_domain), addr,
		    reason))) {
			q->fix = walk_fix(r->spf_walk->root,
			    &r->spf_walk->findings, NULL);
		}
		break;
	default:
		check_req_set(q, bad, "spf-not-authorized", arena_printf(a,
		    "SPF of %s does not authorize %s: %s (%s)",
		    safe_str(a, r->sender_domain), addr,
		    spf_result_name(e->result), reason));
		break;
	}
}

/* SPF for the sending IPs; returns the fact (pass, fail or unknown) that
 * alignment and authentication build on. */
static enum check_status
require_spf(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = check_req_add(r, "spf", required,
	    codes_spf);
	const struct spf_node *root = r->spf_walk->root;
	const char *sender = safe_str(a, r->sender_domain);
	enum check_status bad = required ? CHECK_FAIL : CHECK_WARN;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (root->status == SPF_NODE_TEMPERROR) {
		check_req_failed(a, q, "spf-lookup-failed", NULL, root->answer);
	} else if (root->status == SPF_NODE_MULTIPLE) {
		check_req_set(q, bad, "spf-permerror", arena_printf(a, "%s "
		    "publishes %zu SPF records: receivers return permerror "
		    "(RFC 7208 §4.5)", sender, root->nspf));
		q->fix = "merge them into one record";
	} else if (root->status == SPF_NODE_NONE) {
		check_req_set(q, bad, "spf-missing", arena_printf(a, "%s has "
		    "no SPF record", sender));
		q->fix = "publish an SPF record listing the sending host; give "
		    "--ip to see the exact record";
	} else if (r->nips == 0) {
		check_req_set(q, CHECK_UNKNOWN, "spf-not-evaluated",
		    arena_printf(a, "%s publishes an SPF record; whether it "
		    "authorizes the server needs the sending IP (--ip)",
		    sender));
		q->fix = "give the sending IP with --ip";
	}
	for (i = 0; i < r->nips && root->status == SPF_NODE_OK; i++) {
		spf_of_ip(a, q, r, &r->ips[i], bad, &sb);
	}
	if (q->code != NULL && (strcmp(q->code, "spf-not-authorized") == 0 ||
	    strcmp(q->code, "spf-missing") == 0)) {
		fix_spf(a, q, r);
	}
	if (q->status == CHECK_PASS) {
		q->message = arena_printf(a, "SPF of %s: %s", sender,
		    strbuf_str(&sb));
	}
	strbuf_finish(&sb);
	return q->status == bad ? CHECK_FAIL : q->status;
}

static void
require_spf_lookups(struct arena *a, struct check_result *r)
{
	const struct spf_walk *w = r->spf_walk;
	const struct dns_answer *failed = w->failed;
	unsigned voids = w->void4 > w->void6 ? w->void4 : w->void6;
	struct check_requirement *q;
	const char *counts;

	if (w->root->status != SPF_NODE_OK &&
	    w->root->status != SPF_NODE_TEMPERROR) {
		return;	/* no record: nothing to count */
	}
	q = check_req_add(r, "spf-lookups", false, codes_spf);
	counts = arena_printf(a, "%u/10 DNS lookups, %u/2 void lookups",
	    w->lookups, voids);
	if (w->lookups > 10 || voids > 2) {
		const char *code = w->lookups > 10 ? "spf-lookup-limit" :
		    "spf-void-limit";

		check_req_set(q, CHECK_WARN, code, arena_printf(a, "%s%s: over "
		    "the limit, receivers return permerror for senders not "
		    "matched before it", failed ? "at least " : "", counts));
		q->fix = walk_fix(w->root, &w->findings, code);
	} else if (failed != NULL) {
		check_req_failed(a, q, "spf-lookups-unknown", "the count is "
		    "unknown", failed);
	} else {
		q->message = counts;
	}
}

/* A published, usable key: what DNS can show of DKIM. */
static const struct dkim_selector *
usable_key(const struct dkim_probe *p, bool *weak)
{
	size_t i;

	*weak = false;
	for (i = 0; i < p->nsels; i++) {
		const struct dkim_selector *s = &p->sels[i];

		if (s->key != NULL && !s->key->revoked && s->key->bits > 0 &&
		    (s->key->type != DKIM_KEY_RSA ||
		    s->key->bits >= DKIM_RSA_MIN_BITS) &&
		    dkim_key_allows_hash(s->key, "sha256") &&
		    dkim_key_for_email(s->key)) {
			*weak = s->key->testing || (s->key->type ==
			    DKIM_KEY_RSA && s->key->bits < DKIM_RSA_GOOD_BITS);
			return s;
		}
	}
	return NULL;
}

/* The first error finding of a selector, or NULL. */
static const struct finding *
first_error(const struct dkim_selector *s)
{
	const struct finding *f;

	for (f = s->findings.head; f != NULL; f = f->next) {
		if (f->severity == FINDING_ERROR) {
			return f;
		}
	}
	return NULL;
}

/* Why no usable key: the lookups that failed first (a key may be
 * there), then what the records say. */
static void
dkim_problem(struct arena *a, struct check_requirement *q,
    const struct check_result *r, enum check_status bad)
{
	const struct dkim_probe *p = r->dkim;
	const struct dkim_selector *key = NULL, *dangling = NULL, *s;
	const struct finding *f;
	const char *domain = safe_str(a, r->in->domain);
	size_t i;

	for (f = p->findings.head; f != NULL; f = f->next) {
		if (strcmp(f->code, "dkim-dns-error") == 0 &&
		    check_req_set(q, CHECK_UNKNOWN, "dkim-lookup-failed",
		    f->message)) {
			q->fix = f->fix;
		}
	}
	for (i = 0; i < p->nsels; i++) {
		s = &p->sels[i];
		if (dns_kind_is_failure(s->answer->kind)) {
			check_req_failed(a, q, "dkim-lookup-failed", NULL,
			    s->answer);
		}
		dangling = dangling ? dangling : s->dangling ? s : NULL;
		key = key ? key : s->txt != NULL ? s : NULL;
	}
	if (q->status == CHECK_UNKNOWN) {
		return;
	} else if (dangling != NULL) {
		f = first_error(dangling);
		check_req_set(q, bad, "dkim-cname-dangling", f->message);
		q->fix = f->fix;
	} else if (key != NULL && key->key != NULL && key->key->revoked) {
		check_req_set(q, bad, "dkim-key-revoked", arena_printf(a, "the "
		    "key at %s is revoked (empty p=): signatures with it fail",
		    key->name));
		q->fix = arena_printf(a, "publish the current public key at %s, "
		    "or sign with a selector whose key is published",
		    key->name);
		q->fix_records = check_txt_record(a, key->name, DKIM_RECORD);
	} else if (key != NULL && key->key != NULL && key->key->type ==
	    DKIM_KEY_RSA && key->key->bits > 0 &&
	    key->key->bits < DKIM_RSA_MIN_BITS) {
		check_req_set(q, bad, "dkim-key-too-short", arena_printf(a,
		    "the key at %s has %u bits: receivers refuse RSA keys under "
		    "%d (RFC 8301)", key->name, key->key->bits,
		    DKIM_RSA_MIN_BITS));
		q->fix = arena_printf(a, "generate a 2048-bit key (opendkim-"
		    "genkey -b 2048 -d %s -s NEWSELECTOR), publish it at a new "
		    "selector, sign with it, then remove the key at %s", domain,
		    key->name);
		q->fix_records = check_txt_record(a, arena_printf(a,
		    "NEWSELECTOR._domainkey.%s", r->in->domain), DKIM_RECORD);
	} else if (key != NULL && (f = first_error(key)) != NULL) {
		check_req_set(q, bad, "dkim-key-broken", arena_printf(a, "the "
		    "key record at %s cannot be used: %s", key->name,
		    f->message));
		q->fix = arena_printf(a, "%s (at %s)", f->fix ? f->fix :
		    "correct the record", key->name);
	} else if (p->probed) {
		check_req_set(q, bad, "dkim-key-missing", arena_printf(a, "no "
		    "DKIM key found at the %zu common selectors", p->tried));
		q->fix = arena_printf(a, "give the selector your server signs "
		    "with (-s SELECTOR: the s= tag of the DKIM-Signature of a "
		    "message it sent), or publish its public key at "
		    "SELECTOR._domainkey.%s", domain);
	} else {
		s = &p->sels[0];
		check_req_set(q, bad, "dkim-key-missing", arena_printf(a, "no "
		    "DKIM key at %s (%s)", s->name,
		    dns_kind_name(s->answer->kind)));
		q->fix = arena_printf(a, "publish the public key your server "
		    "signs with at %s (opendkim-genkey -b 2048 -d %s -s %s, or "
		    "rspamadm dkim_keygen -b 2048 -d %s -s %s, writes it)",
		    s->name, domain, s->selector, domain, s->selector);
		q->fix_records = check_txt_record(a, s->name, DKIM_RECORD);
	}
}

static enum check_status
require_dkim(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = check_req_add(r, "dkim", required,
	    codes_dkim);
	enum check_status bad = required ? CHECK_FAIL : CHECK_WARN;
	bool weak;
	const struct dkim_selector *s = usable_key(r->dkim, &weak);

	if (s == NULL) {
		dkim_problem(a, q, r, bad);
		return q->status == bad ? CHECK_FAIL : q->status;
	}
	q->message = arena_printf(a, "key at %s: %s %u bits%s; that mail is "
	    "signed with it only a message shows (mailauth dkim --verify)",
	    s->name, dkim_key_type_name(s->key->type), s->key->bits,
	    s->key->testing ? ", testing mode (t=y)" : "");
	if (s->key->testing) {
		check_req_set(q, CHECK_WARN, "dkim-testing", q->message);
		q->fix = "remove t=y once signing works: receivers may treat "
		    "the signatures as absent";
	} else if (weak) {
		check_req_set(q, CHECK_WARN, "dkim-key-weak", q->message);
		q->fix = "generate a 2048-bit key and rotate to it";
	}
	return CHECK_PASS;
}

/* A TXT record at _dmarc that receivers ignore (RFC 9989 §4.7, §4.10):
 * the lint's finding, or NULL. */
static const struct finding *
near_miss(const struct dmarc_result *d)
{
	static const char *const codes[] = { "dmarc-version-not-first",
	    "dmarc-syntax", "dmarc-multiple-records" };
	const struct finding *f;
	size_t i;

	for (f = d->findings.head; f != NULL; f = f->next) {
		for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
			if (strcmp(f->code, codes[i]) == 0) {
				return f;
			}
		}
	}
	return NULL;
}

/* The tree-walk lookup that failed, or NULL. */
static const struct dmarc_step *
walk_failure(const struct dmarc_result *d)
{
	size_t i;

	for (i = 0; i < d->nsteps; i++) {
		if (d->steps[i].kind == DMARC_STEP_FAILED) {
			return &d->steps[i];
		}
	}
	return NULL;
}

/* The corrected record for the near miss f found, as a zone-file line,
 * or NULL. */
static const char *
near_miss_record(struct arena *a, const struct dmarc_result *d,
    const struct finding *f)
{
	size_t i;

	for (i = 0; i < d->nsteps; i++) {
		const char *fixed = dmarc_near_miss_fixed(a, &d->steps[i]);

		if (fixed != NULL && f->domain != NULL &&
		    dns_name_equal(d->steps[i].name, f->domain)) {
			return check_txt_record(a, d->steps[i].name, fixed);
		}
	}
	return NULL;
}

static void
require_dmarc(struct arena *a, struct check_result *r, bool required)
{
	struct check_requirement *q = check_req_add(r, "dmarc", required,
	    codes_dmarc);
	const struct dmarc_result *d = r->dmarc;
	const struct dmarc_step *failed = walk_failure(d);
	const struct finding *f;
	const char *domain = safe_str(a, r->in->domain);

	if (d->walk_failed && d->policy_step == NULL) {
		if (failed != NULL) {
			check_req_failed(a, q, "dmarc-lookup-failed", NULL,
			    failed->answer);
		} else {
			check_req_set(q, CHECK_UNKNOWN, "dmarc-lookup-failed",
			    "a DNS failure hid the DMARC policy");
			q->fix = "retry, or ask another resolver (@SERVER)";
		}
	} else if (d->policy_step != NULL &&
	    d->fallback == DMARC_FALLBACK_IGNORED) {
		/* RFC 9989 §4.10.1: an invalid policy without a valid rua=
		 * means no DMARC processing at all. */
		f = finding_find(&d->findings, "dmarc-invalid-policy");
		check_req_set(q, required ? CHECK_FAIL : CHECK_WARN,
		    "dmarc-invalid-policy", f->message);
		q->fix = f->fix;
	} else if (d->policy_step == NULL && (f = near_miss(d)) != NULL) {
		/* A record receivers ignore: say why, not "none". */
		check_req_set(q, required ? CHECK_FAIL : CHECK_WARN, f->code,
		    f->message);
		q->fix = f->fix;
		q->fix_records = near_miss_record(a, d, f);
	} else if (d->policy_step == NULL) {
		check_req_set(q, required ? CHECK_FAIL : CHECK_WARN,
		    "dmarc-missing", arena_printf(a, "no DMARC record for %s",
		    domain));
		q->fix = "publish this record to start with: p=none only asks "
		    "receivers for reports; move to p=quarantine once they "
		    "show that your mail passes";
		q->fix_records = check_txt_record(a, d->steps[0].name,
		    dmarc_starter_record(a, d->report_domain));
	} else {
		q->message = arena_printf(a, "%s: p=%s%s%s", d->policy_step->name,
		    dmarc_policy_name(d->p_domain), d->p_domain ==
		    DMARC_POLICY_NONE ? " (enough for Gmail, protects nothing)" :
		    "", failed ? arena_printf(a, "; its organizational domain "
		    "is unknown (%s)", dns_answer_failure(a, failed->answer)) :
		    "");
	}
}

/* RFC 9989 §3.2.10, §4.10.2: how the envelope sender's domain aligns
 * with the From domain, through the Organizational Domains the tree walks
 * found (unknown when a failed lookup hid one). */
static enum dmarc_alignment
spf_alignment(const struct check_result *r)
{
	const struct dmarc_result *other = r->sender_dmarc ? r->sender_dmarc :
	    r->dmarc;

	return dmarc_alignment(r->in->domain, r->dmarc->org_domain,
	    r->sender_domain, other->org_domain);
}

/* The registered domain (Public Suffix List) that the envelope sender's
 * domain shares with the From domain while the tree walk still gives
 * them different Organizational Domains, or NULL. */
static const char *
shared_registered_domain(const struct check_result *r,
    enum dmarc_alignment al)
{
	const char *psl = r->dmarc->org_domain_psl;
	const char *other = r->sender_dmarc ? r->sender_dmarc->org_domain_psl :
	    psl;

	return al == DMARC_ALIGN_NONE && psl != NULL && other != NULL &&
	    dns_name_equal(psl, other) ? psl : NULL;
}

/* Why SPF does not align, in the words of its real cause. */
static const char *
spf_misalignment(struct arena *a, const struct check_result *r,
    enum dmarc_alignment al, char aspf)
{
	const char *sender = safe_str(a, r->sender_domain);
	const char *domain = safe_str(a, r->in->domain);
	const char *shared = shared_registered_domain(r, al);

	if (dmarc_aligned(al, aspf) || (al == DMARC_ALIGN_UNKNOWN &&
	    aspf != 's')) {
		return arena_printf(a, "%s does not pass", sender);
	}
	if (aspf == 's' && al != DMARC_ALIGN_NONE) {
		return arena_printf(a, "%s is not %s, and aspf=s (strict) wants "
		    "the exact domain%s", sender, domain, al ==
		    DMARC_ALIGN_RELAXED ? ", though it is the same organization" :
		    "");
	}
	if (shared != NULL) {
		return arena_printf(a, "%s shares the registered domain %s, but "
		    "no DMARC record above them makes one organizational domain "
		    "of both (RFC 9989 §4.10.2)", sender, safe_str(a, shared));
	}
	return arena_printf(a, "%s is another organization", sender);
}

static const char *
alignment_fix(struct arena *a, const struct check_result *r,
    enum dmarc_alignment al, char aspf)
{
	const char *domain = safe_str(a, r->in->domain);
	const char *shared = shared_registered_domain(r, al);

	if (aspf == 's' && al != DMARC_ALIGN_NONE && !dmarc_aligned(al, aspf)) {
		return arena_printf(a, "sign with DKIM as d=%s (see dkim), send "
		    "with an envelope sender in %s itself, or relax the DMARC "
		    "record to aspf=r", domain, domain);
	}
	if (shared != NULL) {
		/* A record at the From domain (the dmarc fix) is above a
		 * sender domain under it; else the registered domain's is. */
		const char *at = r->dmarc->policy_step == NULL &&
		    dns_name_is_under(r->sender_domain, r->in->domain) ?
		    r->in->domain : shared;

		return arena_printf(a, "publish a DMARC record at _dmarc.%s%s: "
		    "it makes %s the organizational domain of both; or sign "
		    "with DKIM as d=%s (see dkim)", safe_str(a, at),
		    at == r->in->domain ? " (see dmarc)" : "", safe_str(a, at),
		    domain);
	}
	return arena_printf(a, "sign with DKIM as d=%s (see dkim), or send with "
	    "an envelope sender in %s whose SPF passes", domain, domain);
}

/* Whether SPF can align is unknown: the organizational domain a failed
 * lookup hid decides it. */
static void
alignment_unknown(struct arena *a, struct check_requirement *q,
    const struct check_result *r)
{
	const struct dmarc_step *failed = walk_failure(r->dmarc);
	const char *domain = safe_str(a, r->in->domain);

	if (failed == NULL && r->sender_dmarc != NULL) {
		failed = walk_failure(r->sender_dmarc);
	}
	check_req_set(q, CHECK_UNKNOWN, "alignment-unknown", arena_printf(a,
	    "whether SPF (%s) aligns with From %s is unknown: the "
	    "organizational domain is unknown%s%s%s",
	    safe_str(a, r->sender_domain), domain, failed ? " (" : "",
	    failed ? dns_answer_failure(a, failed->answer) : "",
	    failed ? ")" : ""));
	q->fix = arena_printf(a, "%s; or make it not matter: sign with DKIM as "
	    "d=%s, or send with an envelope sender in %s itself",
	    failed && dns_answer_retry_hint(failed->answer) ?
	    dns_answer_retry_hint(failed->answer) : "retry, or ask another "
	    "resolver (@SERVER)", domain, domain);
}

static void
require_alignment(struct arena *a, struct check_result *r, bool required,
    enum check_status spf, enum check_status dkim)
{
	struct check_requirement *q = check_req_add(r, "alignment", required,
	    codes_alignment);
	const struct dmarc_result *d = r->dmarc;
	char aspf = d->policy_step ? d->aspf : 'r';
	enum dmarc_alignment al = spf_alignment(r);
	bool spf_aligned = dmarc_aligned(al, aspf);
	bool spf_ok = spf == CHECK_PASS && spf_aligned, dkim_ok = dkim ==
	    CHECK_PASS;
	bool org_unknown = al == DMARC_ALIGN_UNKNOWN && aspf != 's';
	const char *domain = safe_str(a, r->in->domain);
	const char *sender = safe_str(a, r->sender_domain);

	if (spf_ok || dkim_ok) {
		q->message = arena_printf(a, "From %s aligns through %s%s%s",
		    domain, spf_ok ? "SPF (" : "", spf_ok ? sender : "",
		    spf_ok ? (dkim_ok ? ") and DKIM (d= is the From domain)" :
		    ")") : "DKIM (d= is the From domain)");
	} else if (spf != CHECK_FAIL && org_unknown) {
		alignment_unknown(a, q, r);
	} else if (dkim == CHECK_UNKNOWN || (spf == CHECK_UNKNOWN &&
	    spf_aligned)) {
		check_req_set(q, CHECK_UNKNOWN, "alignment-unknown",
		    arena_printf(a, "whether SPF or DKIM aligns with From %s is "
		    "unknown: a lookup they depend on failed", domain));
		q->fix = "see the spf and dkim items";
	} else {
		check_req_set(q, required ? CHECK_FAIL : CHECK_WARN,
		    "alignment-none", arena_printf(a, "neither SPF (%s) nor "
		    "DKIM aligns with From %s", spf_misalignment(a, r, al, aspf),
		    domain));
		q->fix = alignment_fix(a, r, al, aspf);
	}
}

void
check_require_auth(struct arena *a, struct check_result *r, bool bulk)
{
	struct check_requirement *auth = bulk ? NULL : check_req_add(r,
	    "authentication", true, codes_auth);
	enum check_status spf = require_spf(a, r, bulk);
	enum check_status dkim = require_dkim(a, r, bulk);

	require_dmarc(a, r, bulk);
	require_alignment(a, r, bulk, spf, dkim);
	require_spf_lookups(a, r);
	if (auth == NULL) {
		return;
	}
	/* Google's rule for all senders: SPF or DKIM. */
	auth->message = arena_printf(a, "SPF %s, DKIM %s: Google requires one "
	    "of them from every sender", check_status_name(spf),
	    check_status_name(dkim));
	if (spf == CHECK_PASS || dkim == CHECK_PASS) {
		return;
	}
	check_req_set(auth, spf == CHECK_UNKNOWN || dkim == CHECK_UNKNOWN ?
	    CHECK_UNKNOWN : CHECK_FAIL, spf == CHECK_UNKNOWN || dkim ==
	    CHECK_UNKNOWN ? "authentication-unknown" : "authentication-none",
	    auth->message);
	auth->fix = "publish SPF for the sending IPs or a DKIM key (see spf "
	    "and dkim)";
}
