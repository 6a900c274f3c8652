/* The mechanisms of check_host() that look up addresses: a, mx, ptr and
 * exists (RFC 7208 §5.3-§5.7), and the validated names of the client
 * behind ptr and %{p} (§5.5). */
#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "dns/name.h"
#include "spf/eval_internal.h"
#include "util/arena.h"
#include "util/safe.h"

static enum dns_type
address_type(const struct evaluator *ev)
{
	return ev->in->ip.family == AF_INET6 ? DNS_T_AAAA : DNS_T_A;
}

static bool
addresses_match(const struct evaluator *ev, const struct dns_answer *ans,
    int cidr4, int cidr6)
{
	const struct ip_addr *ip = &ev->in->ip;
	unsigned prefix = ip->family == AF_INET ?
	    (unsigned)(cidr4 < 0 ? 32 : cidr4) :
	    (unsigned)(cidr6 < 0 ? 128 : cidr6);
	size_t i;

	for (i = 0; ans->kind == DNS_ANS_RECORDS && i < ans->count; i++) {
		struct ip_net net = ip_net_make(&ans->addrs[i], prefix);

		if (ip_net_contains(&net, ip)) {
			return true;
		}
	}
	return false;
}

/* A lookup behind ptr or %{p} (use) that failed: RFC 7208 §5.5 makes
 * it no match, or the name skipped, so the verdict stands; the failure
 * is still worth naming, a CNAME loop above all. Once per answer. */
static void
note_failure(struct evaluator *ev, const struct dns_answer *ans,
    const char *use)
{
	struct finding_list *list = &ev->out->findings;
	const struct finding *f;
	struct finding *n;
	bool loop = ans->kind == DNS_ANS_CNAME_LOOP;

	if (!dns_kind_is_failure(ans->kind)) {
		return;
	}
	for (f = list->head; f != NULL; f = f->next) {
		if (f->domain != NULL && strcmp(f->domain, ans->name) == 0) {
			return;
		}
	}
	n = finding_add(ev->a, list, loop ? FINDING_WARNING : FINDING_INFO,
	    loop ? "spf-cname-loop" : "spf-ptr-unresolved", loop ? "point "
	    "one of the CNAMEs at the name that holds the records (the "
	    "owner of the address's reverse zone can)" : NULL,
	    "%s: for %s a DNS error means %s (RFC 7208 §5.5), so receivers "
	    "go on without it", loop ? arena_printf(ev->a, "the %s lookup "
	    "for %s meets a CNAME loop (%s)", dns_type_name(ans->type),
	    safe_str(ev->a, ans->name), safe_str(ev->a, ans->error)) :
	    dns_answer_failure(ev->a, ans), use, ans->type != DNS_T_PTR ?
	    "that name is skipped" : strcmp(use, "%{p}") == 0 ?
	    "the name \"unknown\"" : "no match");
	n->domain = ans->name;
}

/* The validated names of <ip> (RFC 7208 §5.5): PTR names whose own
 * addresses include <ip>, at most 10 looked up. Returns the count, or -1
 * while answers are missing; *ptr_out is the PTR answer. use says what
 * asks ('ptr:...' or %{p}), for the failures noted. */
static int
validated_names(struct evaluator *ev, const char ***out,
    const struct dns_answer **ptr_out, const char *use)
{
	char *rev = dns_name_reverse(ev->a, &ev->in->ip);
	const struct dns_answer *ptr = spf_eval_ask(ev, rev, DNS_T_PTR), *addr;
	const char **names;
	size_t i, n;
	int found = 0;
	bool waiting = false;

	*out = NULL;
	*ptr_out = ptr;
	if (ptr == NULL) {
		return -1;
	}
	note_failure(ev, ptr, use);
	if (ptr->kind != DNS_ANS_RECORDS) {
		return 0;
	}
	n = ptr->count < SPF_PTR_NAME_LIMIT ? ptr->count : SPF_PTR_NAME_LIMIT;
	names = arena_calloc(ev->a, n + 1, sizeof(*names));
	for (i = 0; i < n; i++) {
		addr = spf_eval_ask(ev, ptr->names[i], address_type(ev));
		if (addr == NULL) {
			waiting = true;
			continue;
		}
		note_failure(ev, addr, use);
		if (addresses_match(ev, addr, -1, -1)) {
			names[found++] = ptr->names[i];
		}
	}
	*out = names;
	return waiting ? -1 : found;
}

/* The first of names equal to or under domain, or NULL. */
static const char *
first_under(const char **names, int n, const char *domain)
{
	int i;

	for (i = 0; i < n; i++) {
		if (dns_name_is_under(names[i], domain)) {
			return names[i];
		}
	}
	return NULL;
}

/* %{p}: a validated name equal to or under <domain>, else any validated
 * name, else "unknown" (RFC 7208 §7.3). NULL while answers are missing. */
const char *
spf_eval_ptr_name(struct evaluator *ev, const char *domain)
{
	const struct dns_answer *ptr;
	const char **names, *under;
	int n = validated_names(ev, &names, &ptr, "%{p}");

	if (n < 0) {
		return NULL;
	}
	under = first_under(names, n, domain);
	return under ? under : n > 0 ? names[0] : "unknown";
}

/* The answer to a term's question, or NULL with *o set when the answer
 * decides the term by itself: WAIT while it is not in, temperror when the
 * lookup failed (RFC 7208 §5), permerror when it is one void lookup too
 * many (§4.6.4). */
static const struct dns_answer *
ask_term(struct evaluator *ev, const struct spf_term *t, const char *target,
    enum dns_type type, enum outcome *o)
{
	const struct dns_answer *ans = spf_eval_ask(ev, target, type);

	if (ans == NULL) {
		*o = WAIT;
	} else if (dns_kind_is_failure(ans->kind)) {
		*o = spf_eval_dns_failure(ev, ans);
	} else if (spf_eval_count_void(ev, ans, t->text) == DONE) {
		*o = DONE;
	} else {
		return ans;
	}
	return NULL;
}

enum outcome
spf_eval_a(struct evaluator *ev, const struct spf_term *t, const char *target)
{
	enum outcome o;
	const struct dns_answer *ans = ask_term(ev, t, target,
	    address_type(ev), &o);

	if (ans == NULL) {
		return o;
	}
	return addresses_match(ev, ans, t->cidr4, t->cidr6) ? MATCH : NO_MATCH;
}

enum outcome
spf_eval_mx(struct evaluator *ev, const struct spf_term *t, const char *target)
{
	enum outcome o = NO_MATCH;
	const struct dns_answer *mx = ask_term(ev, t, target, DNS_T_MX, &o);
	const struct dns_answer *addr;
	size_t i;

	if (mx == NULL) {
		return o;
	}
	if (mx->kind != DNS_ANS_RECORDS) {
		return NO_MATCH;
	}
	if (mx->count > SPF_MX_NAME_LIMIT) {
		return spf_eval_fail(ev, SPF_RESULT_PERMERROR, arena_printf(ev->a,
		    "'%s' finds %zu MX names, more than %d (RFC 7208 §4.6.4)",
		    t->text, mx->count, SPF_MX_NAME_LIMIT));
	}
	/* Ask for every host first so the answers arrive together. */
	for (i = 0; i < mx->count; i++) {
		if (mx->mx[i].host[0] == '\0') {
			continue;	/* null MX (RFC 7505) */
		}
		addr = spf_eval_ask(ev, mx->mx[i].host, address_type(ev));
		if (addr == NULL) {
			o = WAIT;
		} else if (o != WAIT && dns_kind_is_failure(addr->kind)) {
			return spf_eval_dns_failure(ev, addr);
		} else if (o == NO_MATCH && addresses_match(ev, addr, t->cidr4,
		    t->cidr6)) {
			o = MATCH;
		}
	}
	return o;
}

enum outcome
spf_eval_ptr(struct evaluator *ev, const struct spf_term *t, const char *target)
{
	const struct dns_answer *ptr;
	const char **names;
	int n = validated_names(ev, &names, &ptr, arena_printf(ev->a, "'%s'",
	    safe_str(ev->a, t->text)));

	if (n < 0) {
		return WAIT;
	}
	/* A PTR query that finds nothing is a void lookup (RFC 7208
	 * §4.6.4); a DNS error only means no match (§5.5). */
	if (spf_eval_count_void(ev, ptr, t->text) == DONE) {
		return DONE;
	}
	return first_under(names, n, target) ? MATCH : NO_MATCH;
}

enum outcome
spf_eval_exists(struct evaluator *ev, const struct spf_term *t,
    const char *target)
{
	enum outcome o;
	/* RFC 7208 §5.7: an A query whatever the connection's family. */
	const struct dns_answer *ans = ask_term(ev, t, target, DNS_T_A, &o);

	if (ans == NULL) {
		return o;
	}
	return ans->kind == DNS_ANS_RECORDS && ans->count > 0 ? MATCH :
	    NO_MATCH;
}

