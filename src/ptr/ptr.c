#include "ptr/ptr.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "bounds.h"
#include "dmarc/psl.h"
#include "dns/name.h"
#include "util/arena.h"
#include "util/safe.h"

/* Words that ISPs put in the names of pools of consumer addresses;
 * receivers treat such senders as end-user machines. */
static const char *const generic_words[] = {
	"dynamic", "dyn", "dhcp", "pool", "dsl", "adsl", "vdsl", "xdsl",
	"cable", "ppp", "pppoe", "client", "clients", "dial", "dialup",
	"dialin", "broadband", "residential", "resnet", "cust", "customer",
	"home", "user", "users", "subscriber", "cpe", "nat", "wireless",
	"mobile", "fibre", "fiber", "ftth",
};

static bool
is_generic_word(const char *w, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(generic_words) / sizeof(generic_words[0]);
	    i++) {
		if (strlen(generic_words[i]) == len &&
		    strncasecmp(generic_words[i], w, len) == 0) {
			return true;
		}
	}
	return false;
}

/* The decimal numbers in name, in order (at most max). A run of 12
 * digits is read as four zero-padded octets (192168001002). */
static size_t
numbers_in(const char *name, unsigned *out, size_t max)
{
	size_t n = 0, len, k;
	const char *p = name;

	while (*p && n < max) {
		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		for (len = 0; isdigit((unsigned char)p[len]); len++) {
		}
		if (len == 12) {
			for (k = 0; k < 4 && n < max; k++) {
				out[n++] = (unsigned)((p[k * 3] - '0') * 100 +
				    (p[k * 3 + 1] - '0') * 10 +
				    (p[k * 3 + 2] - '0'));
			}
		} else if (len <= 3) {
			unsigned v = 0;

			for (k = 0; k < len; k++) {
				v = v * 10 + (unsigned)(p[k] - '0');
			}
			out[n++] = v;
		}
		p += len;
	}
	return n;
}

/* True when the four octets of ip appear in order or reversed among the
 * numbers of the name, or its 8 hex digits appear in it. */
static bool
embeds_ipv4(struct arena *a, const char *name, const struct ip_addr *ip)
{
	unsigned nums[64];
	size_t n = numbers_in(name, nums, 64), i;
	char hex[9];
	const unsigned char *b = ip->bytes;

	for (i = 0; i + 4 <= n; i++) {
		if ((nums[i] == b[0] && nums[i + 1] == b[1] &&
		    nums[i + 2] == b[2] && nums[i + 3] == b[3]) ||
		    (nums[i] == b[3] && nums[i + 1] == b[2] &&
		    nums[i + 2] == b[1] && nums[i + 3] == b[0])) {
			return true;
		}
	}
	snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", b[0], b[1], b[2],
	    b[3]);
	return strstr(dns_name_normalize(a, name), hex) != NULL;
}

/* The labels of name left of its registered domain: "" when name is the
 * registered domain itself or a public suffix. */
static const char *
host_labels(struct arena *a, const struct dmarc_psl *psl, const char *name)
{
	const char *lower = dns_name_normalize(a, name), *org;
	size_t len = strlen(lower), olen;

	if (psl == NULL) {
		return lower;
	}
	org = dmarc_psl_org_domain(psl, a, lower);
	olen = strlen(org);
	if (olen >= len || !dns_name_is_under(lower, org)) {
		return olen >= len ? "" : lower;
	}
	return arena_memdup(a, lower, len - olen - 1);
}

const char *
ptr_looks_generic(struct arena *a, const struct dmarc_psl *psl,
    const char *name, const struct ip_addr *ip)
{
	const char *p = host_labels(a, psl, name);

	if (ip->family == AF_INET && embeds_ipv4(a, p, ip)) {
		return "the IP address is written into the name";
	}
	while (*p) {
		size_t len = 0;

		while (*p && !isalpha((unsigned char)*p)) {
			p++;
		}
		while (isalpha((unsigned char)p[len])) {
			len++;
		}
		if (len > 0 && is_generic_word(p, len)) {
			return arena_printf(a, "it contains the word '%.*s'",
			    (int)len, p);
		}
		p += len;
	}
	return NULL;
}

static const struct dns_answer *
ask(dns_lookup_fn lookup, void *ctx, struct ptr_result *r, const char *name,
    enum dns_type type)
{
	const struct dns_answer *ans = lookup(ctx, name, type);

	r->pending += ans == NULL;
	return ans;
}

/* Why a PTR name looks generic, or NULL. A name in the registered
 * domain of the domain being checked is its owner's own naming, never a
 * provider's pool. */
static const char *
generic_reason(struct arena *a, const struct dmarc_psl *psl,
    const char *name, const char *domain, const struct ip_addr *ip)
{
	if (domain != NULL && dns_name_is_under(name, psl ?
	    dmarc_psl_org_domain(psl, a, domain) : domain)) {
		return NULL;
	}
	return ptr_looks_generic(a, psl, name, ip);
}

/* The lookup of the IP's family for a PTR name, when it failed. */
static const struct dns_answer *
failed_forward(const struct ptr_name *n, int family)
{
	const struct dns_answer *ans = family == AF_INET ? n->a : n->aaaa;

	return ans != NULL && dns_kind_is_failure(ans->kind) ? ans : NULL;
}

struct ptr_result *
ptr_check(struct arena *a, dns_lookup_fn lookup, void *lookup_ctx,
    const struct dmarc_psl *psl, const struct ip_addr *ip, const char *helo,
    const char *domain)
{
	struct ptr_result *r = arena_alloc(a, sizeof(*r));
	size_t i;

	r->ip = ip_unmap(ip);
	r->helo = helo;
	r->domain = domain;
	r->reverse_name = dns_name_reverse(a, &r->ip);
	r->findings.domain = r->reverse_name;
	r->answer = ask(lookup, lookup_ctx, r, r->reverse_name, DNS_T_PTR);
	if (r->answer == NULL || r->answer->kind != DNS_ANS_RECORDS) {
		if (r->answer != NULL && dns_kind_is_failure(r->answer->kind)) {
			r->failed = r->answer;
		}
		return r;
	}
	r->nnames = r->answer->count < PTR_MAX_NAMES ? r->answer->count :
	    PTR_MAX_NAMES;
	r->names = arena_calloc(a, r->nnames, sizeof(*r->names));
	/* Every forward lookup goes out at once. */
	for (i = 0; i < r->nnames; i++) {
		struct ptr_name *n = &r->names[i];

		n->name = r->answer->names[i];
		n->a = ask(lookup, lookup_ctx, r, n->name, DNS_T_A);
		n->aaaa = ask(lookup, lookup_ctx, r, n->name, DNS_T_AAAA);
		n->forward_confirmed = dns_answer_has_addr(r->ip.family == AF_INET ?
		    n->a : n->aaaa, &r->ip);
		n->failed = n->forward_confirmed ? NULL :
		    failed_forward(n, r->ip.family);
		n->generic = generic_reason(a, psl, n->name, domain, &r->ip);
		r->fcrdns |= n->forward_confirmed;
		if (r->failed == NULL) {
			r->failed = n->failed;
		}
		if (helo != NULL && dns_name_equal(n->name, helo)) {
			r->helo_matches = true;
		}
		if (domain != NULL && n->forward_confirmed &&
		    dns_name_is_under(n->name, domain)) {
			r->in_domain = true;
		}
	}
	if (r->fcrdns) {
		r->failed = NULL;
	}
	return r;
}

const char *
ptr_good_name(const struct ptr_result *r)
{
	size_t i;

	for (i = 0; i < r->nnames; i++) {
		if (r->names[i].forward_confirmed &&
		    r->names[i].generic == NULL) {
			return r->names[i].name;
		}
	}
	return NULL;
}

/* The host's name as a fix can give it: the --helo name, else a form
 * that says which name is meant (mailauth ptr knows no other). */
static const char *
host_name(struct arena *a, const struct ptr_result *r)
{
	return r->helo != NULL && r->helo[0] != '\0' ? safe_str(a, r->helo) :
	    "your mail server's host name (the one it says in HELO/EHLO)";
}

/* HELO and PTR should name the same host: the PTR name when it is a good
 * one (forward-confirmed, no pool name), else the HELO name in the PTR
 * record, never a provider's pool name in HELO. */
static const char *
helo_fix(struct arena *a, const struct ptr_result *r, const char *ip)
{
	const char *good = ptr_good_name(r);

	if (good != NULL) {
		return arena_printf(a, "make the server say HELO/EHLO with its "
		    "PTR name %s", safe_str(a, good));
	}
	return arena_printf(a, "ask the ISP or hosting provider that owns %s "
	    "for a PTR record naming %s%s, and give that name an %s record "
	    "with the IP", ip, safe_str(a, r->helo), r->nnames ? " instead "
	    "of the present one (no PTR name of it is a forward-confirmed "
	    "host name)" : "", r->ip.family == AF_INET ? "A" : "AAAA");
}

static void
lint_answer(struct arena *a, struct ptr_result *r, const char *ip)
{
	const struct dns_answer *ans = r->answer;

	if (dns_kind_is_failure(ans->kind)) {
		finding_add(a, &r->findings, FINDING_ERROR, "ptr-dns-error",
		    dns_answer_retry_hint(ans) ? dns_answer_retry_hint(ans) :
		    "ask whoever runs the reverse zone (the ISP or hosting "
		    "provider that owns the IP) to fix its DNS servers",
		    "%s: receivers cannot check this sender",
		    dns_answer_failure(a, ans))->verdict = VERDICT_UNKNOWN;
		return;
	}
	finding_add(a, &r->findings, FINDING_ERROR, "ptr-missing",
	    arena_printf(a, "ask the ISP or hosting provider that owns %s to "
	    "publish a PTR record at %s (the IP reversed) naming %s, and give "
	    "that name an %s record with the IP", ip, r->reverse_name,
	    host_name(a, r), r->ip.family == AF_INET ? "A" : "AAAA"),
	    "no PTR record for %s at %s (%s): Gmail refuses mail from IPs "
	    "without reverse DNS", ip, r->reverse_name,
	    dns_kind_name(ans->kind));
}

static void
lint_name(struct arena *a, struct ptr_result *r, const struct ptr_name *n,
    const char *ip)
{
	const char *name = safe_str(a, n->name);
	bool none = (n->a == NULL || n->a->kind != DNS_ANS_RECORDS) &&
	    (n->aaaa == NULL || n->aaaa->kind != DNS_ANS_RECORDS);
	struct finding *f = NULL;

	if (n->failed != NULL && r->fcrdns) {
		/* Another name confirms: this one decides nothing. */
	} else if (n->failed != NULL) {
		f = finding_add(a, &r->findings, FINDING_ERROR, "ptr-dns-error",
		    dns_answer_retry_hint(n->failed) ?
		    dns_answer_retry_hint(n->failed) : "retry; if it lasts, "
		    "the DNS servers of the name are failing and receivers "
		    "cannot confirm it either", "%s: whether it resolves back "
		    "to %s is unknown", dns_answer_failure(a, n->failed), ip);
		f->verdict = VERDICT_UNKNOWN;
	} else if (none && n->a && n->aaaa && !dns_kind_is_failure(n->a->kind) &&
	    !dns_kind_is_failure(n->aaaa->kind)) {
		f = finding_add(a, &r->findings, FINDING_ERROR,
		    "ptr-name-no-address", arena_printf(a, "publish an %s "
		    "record for %s with %s", r->ip.family == AF_INET ? "A" :
		    "AAAA", name, ip), "the PTR name %s has no A or AAAA "
		    "record", name);
	} else if (!n->forward_confirmed) {
		f = finding_add(a, &r->findings, FINDING_WARNING,
		    "ptr-name-mismatch", arena_printf(a, "point %s at %s, or "
		    "change the PTR record to a name that does", name, ip),
		    "%s does not resolve back to %s", name, ip);
	}
	if (n->generic != NULL) {
		f = finding_add(a, &r->findings, FINDING_WARNING, "ptr-generic",
		    arena_printf(a, "ask the provider for a PTR record naming "
		    "%s instead of its pool name", host_name(a, r)), "%s looks "
		    "like a dynamic or residential address (%s): receivers "
		    "distrust mail from such names", name, n->generic);
	}
	if (f != NULL) {
		f->term = name;
	}
}

void
ptr_lint(struct arena *a, struct ptr_result *r)
{
	char ip[IP_STRLEN];
	size_t i;

	ip_format(&r->ip, ip);
	if (r->answer->kind != DNS_ANS_RECORDS) {
		lint_answer(a, r, ip);
		return;
	}
	if (r->answer->count > 1) {
		finding_add(a, &r->findings, FINDING_WARNING, "ptr-multiple",
		    "keep a single PTR record naming the mail server",
		    "%s has %zu PTR records; receivers may check any one of "
		    "them", r->reverse_name, r->answer->count);
	}
	for (i = 0; i < r->nnames; i++) {
		lint_name(a, r, &r->names[i], ip);
	}
	if (!r->fcrdns && r->failed == NULL) {
		finding_add(a, &r->findings, FINDING_ERROR, "ptr-not-confirmed",
		    "make the PTR name's A/AAAA record point back at the IP",
		    "no PTR name of %s resolves back to it (forward-confirmed "
		    "reverse DNS fails): Gmail refuses such senders", ip);
	}
	if (r->helo != NULL && !r->helo_matches) {
		finding_add(a, &r->findings, FINDING_WARNING,
		    "ptr-helo-mismatch", helo_fix(a, r, ip), "the HELO name %s "
		    "is not a PTR name of %s", safe_str(a, r->helo), ip);
	}
	if (r->domain != NULL && !r->in_domain && r->fcrdns) {
		finding_add(a, &r->findings, FINDING_INFO, "ptr-outside-domain",
		    NULL, "no confirmed PTR name lies in %s (fine, but a name "
		    "in your own domain is clearer)", safe_str(a, r->domain));
	}
}
