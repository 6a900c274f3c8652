/* Packing a flattened record into records that can be published: the
 * domain's own, then _spf1.DOMAIN, _spf2.DOMAIN, ... each included by the
 * one before, every text at most SPF_FLAT_RECORD_MAX octets and every TXT
 * answer at most SPF_ANSWER_UDP_MAX (RFC 7208 §3.4). The terms keep
 * their order: a run of networks with one qualifier between two kept
 * terms stays between them, inline or as an include of its own chain
 * ("~include:_spf1.DOMAIN" for a run of "~" networks). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bounds.h"
#include "dns/name.h"
#include "dns/txt.h"
#include "spf/flatten_internal.h"
#include "spf/record.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* One place in the domain's record: a term kept as written, or a run of
 * networks with one qualifier (their order inside the run does not
 * matter), inline or, when chained, the first ntop inline and the rest
 * down a chain of records that the run's include starts. */
struct piece {
	const char *text;	/* " exists:...", or NULL for a run */
	char qualifier;
	struct cidr_set nets;
	const char **net_text;	/* " ~ip4:...", one per network */
	size_t len;		/* octets of all of them */
	bool chained;
	size_t ntop;
	const char *include;	/* " ~include:_spfN.DOMAIN" */
};

struct packer {
	struct arena *a;
	struct spf_flat *out;
	const struct flat_plan *plan;
	struct piece *pieces;
	size_t npieces;
	size_t fixed;		/* octets of the domain's record outside runs */
	unsigned chained;	/* _spfN records made so far */
};

void
spf_flat_warn(struct spf_flat *out, const char *warning)
{
	if (out->nwarnings < SPF_FLAT_MAX_WARNINGS) {
		out->warnings[out->nwarnings++] = warning;
	}
}

/* Octets of a response that carries a TXT record of len octets at name
 * (RFC 1035 §4.1): the header, the question, and the RR with a
 * compressed owner and one length octet per string of 255; others adds
 * the other TXT records at the name. */
static size_t
answer_size(const char *name, size_t len, size_t others)
{
	return 12 + strlen(name) + 2 + 4 + 12 + len +
	    (len + TXT_STRING_MAX - 1) / TXT_STRING_MAX + others;
}

/* The longest record text allowed at name. */
static size_t
record_budget(const char *name, size_t others)
{
	size_t len = SPF_FLAT_RECORD_MAX;

	while (len > 0 && answer_size(name, len, others) > SPF_ANSWER_UDP_MAX) {
		len--;
	}
	return len;
}

/* Octets the domain's TXT records other than SPF add to its answer. */
static size_t
other_txt(struct arena *a, const struct dns_answer *ans)
{
	size_t i, k, len, n = 0;

	for (i = 0; ans->kind == DNS_ANS_RECORDS && i < ans->count; i++) {
		const struct dns_txt *rr = &ans->txt[i];
		const char *text = dns_txt_join(a, rr, &len);

		if (spf_is_record(text, len)) {
			continue;
		}
		n += 12;
		for (k = 0; k < rr->nstrings; k++) {
			n += 1 + rr->strings[k].len;
		}
	}
	return n;
}

static const char *
net_term(struct arena *a, char qualifier, const struct ip_net *n)
{
	char buf[IP_STRLEN + 4];

	if (n->prefix == ip_bits(&n->addr)) {
		ip_format(&n->addr, buf);
	} else {
		ip_net_format(n, buf);
	}
	return arena_printf(a, " %.*s%s:%s", qualifier == '+' ? 0 : 1,
	    &qualifier, n->addr.family == AF_INET ? "ip4" : "ip6", buf);
}

static const char *
chain_name(struct packer *pk, unsigned n)
{
	return arena_printf(pk->a, "_spf%u.%s", n, pk->plan->domain);
}

static const char *
include_text(struct packer *pk, char qualifier, unsigned n)
{
	return arena_printf(pk->a, " %.*sinclude:%s", qualifier == '+' ? 0 :
	    1, &qualifier, chain_name(pk, n));
}

/* True when an earlier run holds all of net: it decides net first, so
 * net would never match where it is. */
static bool
decided(const struct packer *pk, const struct piece *run,
    const struct ip_net *net)
{
	size_t i, k;

	for (i = 0; i < pk->npieces && &pk->pieces[i] != run; i++) {
		for (k = 0; k < pk->pieces[i].nets.n; k++) {
			const struct ip_net *d = &pk->pieces[i].nets.nets[k];

			if (d->prefix <= net->prefix &&
			    ip_net_contains(d, &net->addr)) {
				return true;
			}
		}
	}
	return false;
}

/* The plan as pieces, in its order: each run of flattened entries with
 * one qualifier becomes one piece with all their networks (but those an
 * earlier run decides); each kept term a piece of its own. */
static void
make_pieces(struct packer *pk)
{
	const struct flat_plan *plan = pk->plan;
	struct piece *run = NULL;
	size_t i, k;

	pk->pieces = arena_calloc(pk->a, plan->n + 1, sizeof(*pk->pieces));
	for (i = 0; i < plan->n; i++) {
		const struct flat_entry *e = &plan->entries[i];

		if (e->text != NULL) {
			pk->pieces[pk->npieces++].text = arena_printf(pk->a,
			    " %s", e->text);
			run = NULL;
			continue;
		}
		if (e->nets.n == 0) {
			continue;	/* matches no one: nothing to place */
		}
		if (run == NULL || run->qualifier != e->qualifier) {
			run = &pk->pieces[pk->npieces++];
			run->qualifier = e->qualifier;
		}
		for (k = 0; k < e->nets.n; k++) {
			if (!decided(pk, run, &e->nets.nets[k])) {
				cidr_set_add(pk->a, &run->nets,
				    &e->nets.nets[k]);
			}
		}
	}
	for (i = 0; i < pk->npieces; i++) {
		struct piece *p = &pk->pieces[i];

		if (p->text != NULL) {
			continue;
		}
		cidr_set_aggregate(&p->nets);
		p->net_text = arena_calloc(pk->a, p->nets.n,
		    sizeof(*p->net_text));
		for (k = 0; k < p->nets.n; k++) {
			p->net_text[k] = net_term(pk->a, p->qualifier,
			    &p->nets.nets[k]);
			p->len += strlen(p->net_text[k]);
		}
	}
}

/* The octets of a run's include, with the longest chain number a
 * proposal within the lookup limit can have. */
static size_t
include_len(struct packer *pk, const struct piece *p)
{
	return strlen(include_text(pk, p->qualifier, SPF_LOOKUP_LIMIT));
}

/* The run that costs the fewest octets more inline than as an include,
 * among those chained whose difference fits room; NULL when none. */
static struct piece *
cheapest_to_inline(struct packer *pk, size_t room)
{
	struct piece *best = NULL;
	size_t i, gain, best_gain = 0;

	for (i = 0; i < pk->npieces; i++) {
		struct piece *p = &pk->pieces[i];

		if (p->text != NULL || !p->chained) {
			continue;
		}
		gain = p->len - include_len(pk, p);
		if (gain <= room && (best == NULL || gain < best_gain)) {
			best = p;
			best_gain = gain;
		}
	}
	return best;
}

/* Decides which runs go down a chain so that the domain's record fits
 * budget with as few chained records as can be: every run inline when
 * all fit; else each run longer than its include is chained, then
 * brought back inline while room allows (the shortest first), and what
 * room is left takes the first networks of the chained runs. Returns
 * false when even the includes do not fit: the record is then as short
 * as it can be made. */
static bool
choose(struct packer *pk, size_t budget)
{
	size_t need = pk->fixed, room, i;
	struct piece *p;

	for (i = 0; i < pk->npieces; i++) {
		need += pk->pieces[i].len;
	}
	if (need <= budget) {
		return true;
	}
	need = pk->fixed;
	for (i = 0; i < pk->npieces; i++) {
		p = &pk->pieces[i];
		p->chained = p->text == NULL && p->len > include_len(pk, p);
		need += p->chained ? include_len(pk, p) : p->len;
	}
	if (need > budget) {
		return false;
	}
	room = budget - need;
	while ((p = cheapest_to_inline(pk, room)) != NULL) {
		room -= p->len - include_len(pk, p);
		p->chained = false;
	}
	for (i = 0; i < pk->npieces; i++) {
		p = &pk->pieces[i];
		while (p->chained && p->ntop < p->nets.n &&
		    strlen(p->net_text[p->ntop]) <= room) {
			room -= strlen(p->net_text[p->ntop++]);
		}
	}
	return true;
}

static void
add_record(struct packer *pk, size_t at, const char *name, const char *text)
{
	struct spf_flat_record *r = &pk->out->records[at];
	struct dns_bytes *strings;

	r->name = name;
	r->text = text;
	r->nstrings = dns_txt_split(pk->a, text, strlen(text), TXT_STRING_MAX,
	    &strings);
	r->strings = strings;
	r->zone = dns_txt_quote(pk->a, r->strings, r->nstrings);
}

/* Puts the networks of p from ntop on down a chain of records, the
 * first named by p's include. Returns false when a name is too long. */
static bool
chain(struct packer *pk, const struct piece *p)
{
	size_t i = p->ntop;

	while (i < p->nets.n) {
		unsigned n = ++pk->chained;
		const char *name = chain_name(pk, n);
		const char *next = include_text(pk, '+', n + 1);
		size_t budget = record_budget(name, 0), used, rest = 0, k;
		struct strbuf sb = STRBUF_INIT;
		const char *term;

		if (strlen(name) > DNS_NAME_MAX) {
			return false;
		}
		for (k = i; k < p->nets.n; k++) {
			rest += strlen(net_term(pk->a, '+', &p->nets.nets[k]));
		}
		strbuf_adds(&sb, "v=spf1");
		used = sb.len + strlen(" -all");
		if (used + rest > budget) {
			used += strlen(next);
		}
		while (i < p->nets.n && used + strlen(term = net_term(pk->a,
		    '+', &p->nets.nets[i])) <= budget) {
			used += strlen(term);
			strbuf_adds(&sb, term);
			i++;
		}
		if (sb.len == strlen("v=spf1")) {
			strbuf_finish(&sb);
			return false;	/* not one network fits */
		}
		if (i < p->nets.n) {
			strbuf_adds(&sb, next);
		}
		strbuf_adds(&sb, " -all");
		add_record(pk, n, name, arena_strdup(pk->a, strbuf_str(&sb)));
		strbuf_finish(&sb);
	}
	return true;
}

static const char *
top_text(struct packer *pk)
{
	const struct flat_plan *plan = pk->plan;
	struct strbuf sb = STRBUF_INIT;
	const char *text;
	size_t i, k;

	strbuf_adds(&sb, "v=spf1");
	for (i = 0; i < pk->npieces; i++) {
		const struct piece *p = &pk->pieces[i];

		if (p->text != NULL) {
			strbuf_adds(&sb, p->text);
			continue;
		}
		for (k = 0; k < (p->chained ? p->ntop : p->nets.n); k++) {
			strbuf_adds(&sb, p->net_text[k]);
		}
		if (p->chained) {
			strbuf_adds(&sb, p->include);
		}
	}
	if (plan->end != NULL) {
		strbuf_addf(&sb, " %s", plan->end);
	}
	if (plan->exp != NULL) {
		strbuf_addf(&sb, " %s", plan->exp);
	}
	text = arena_strdup(pk->a, strbuf_str(&sb));
	strbuf_finish(&sb);
	return text;
}

/* Lookups of the result: the kept terms' own, one per chained record. */
static unsigned
count_lookups(struct packer *pk)
{
	const struct flat_plan *plan = pk->plan;
	unsigned n = plan->end_cost + pk->chained;
	size_t i;

	for (i = 0; i < plan->n; i++) {
		n += plan->entries[i].cost;
	}
	return n;
}

static void
list_kept(struct packer *pk)
{
	const struct flat_plan *plan = pk->plan;
	struct spf_flat *out = pk->out;
	size_t i;

	out->kept = arena_calloc(pk->a, plan->n + 1, sizeof(*out->kept));
	for (i = 0; i < plan->n; i++) {
		if (plan->entries[i].text != NULL) {
			out->kept[out->nkept].term = plan->entries[i].text;
			out->kept[out->nkept++].why = plan->entries[i].why;
		}
	}
	if (plan->end_why != NULL) {
		out->kept[out->nkept].term = plan->end;
		out->kept[out->nkept++].why = plan->end_why;
	}
}

/* The domain's record could not be made to fit one answer: says how
 * large it is and what takes the room. */
static void
warn_size(struct packer *pk, const char *top, size_t others)
{
	size_t len = strlen(top);

	spf_flat_warn(pk->out, arena_printf(pk->a, "the domain's record is "
	    "%zu octets and its TXT answer %zu, more than one record of %d "
	    "octets in a %d-octet answer (RFC 7208 §3.4): %s take %zu octets "
	    "of it; receivers need EDNS or TCP", len, answer_size(
	    pk->plan->domain, len, others), SPF_FLAT_RECORD_MAX,
	    SPF_ANSWER_UDP_MAX, others > 0 ? "the domain's other TXT records" :
	    "the terms kept as they are", others > 0 ? others : pk->fixed));
}

void
spf_flat_pack(struct arena *a, struct spf_flat *out,
    const struct flat_plan *plan)
{
	struct packer pk = { a, out, plan, NULL, 0, strlen("v=spf1"), 0 };
	size_t i, k, nets = 0, others = other_txt(a, plan->answer);
	bool fits;
	const char *top;

	list_kept(&pk);
	make_pieces(&pk);
	for (i = 0; i < pk.npieces; i++) {
		const struct piece *p = &pk.pieces[i];

		pk.fixed += p->text ? strlen(p->text) : 0;
		nets += p->nets.n;
		for (k = 0; k < p->nets.n; k++) {
			cidr_set_add(a, &out->nets, &p->nets.nets[k]);
		}
	}
	pk.fixed += (plan->end ? 1 + strlen(plan->end) : 0) +
	    (plan->exp ? 1 + strlen(plan->exp) : 0);
	fits = choose(&pk, record_budget(plan->domain, others));
	out->records = arena_calloc(a, nets + 2, sizeof(*out->records));
	for (i = 0; i < pk.npieces; i++) {
		struct piece *p = &pk.pieces[i];

		if (!p->chained) {
			continue;
		}
		p->include = include_text(&pk, p->qualifier, pk.chained + 1);
		if (!chain(&pk, p)) {
			out->refused = "the names of the chain would be too long";
			return;
		}
	}
	out->lookups = count_lookups(&pk);
	if (out->lookups > SPF_LOOKUP_LIMIT) {
		out->refused = arena_printf(a, "the flattened record would "
		    "still need %u DNS lookups, over the limit of %d: the terms "
		    "kept as they are cost too many", out->lookups,
		    SPF_LOOKUP_LIMIT);
		return;
	}
	top = top_text(&pk);
	add_record(&pk, 0, plan->domain, top);
	out->nrecords = 1 + pk.chained;
	if (!fits) {
		warn_size(&pk, top, others);
	}
}
