/* Packing a flattened record into records that can be published: the
 * domain's own, then _spf1.DOMAIN, _spf2.DOMAIN, ... each included by the
 * one before, every text at most SPF_FLAT_RECORD_MAX octets and every TXT
 * answer at most SPF_ANSWER_UDP_MAX (RFC 7208 §3.4). */
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

/* One place in the domain's record: a fixed text, or the networks of a
 * run of "+" terms (their order does not matter), of which the first
 * ntop stay in the record and the rest go down a chain. */
struct piece {
	const char *text;
	struct cidr_set nets;
	const char **net_text;	/* " ip4:...", one per network */
	size_t ntop;
	const char *include;	/* " include:_spfN.DOMAIN", or NULL */
};

struct packer {
	struct arena *a;
	struct spf_flat *out;
	const struct flat_plan *plan;
	struct piece *pieces;
	size_t npieces;
	unsigned chained;	/* _spfN records made so far */
};

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

static struct piece *
add_piece(struct packer *pk)
{
	return &pk->pieces[pk->npieces++];
}

/* The plan as pieces: each run of "+" entries becomes one piece with all
 * their networks, followed by the "+" terms kept in it; the other
 * entries stay where they are, one piece each. */
static void
make_pieces(struct packer *pk)
{
	const struct flat_plan *plan = pk->plan;
	struct piece *run = NULL;
	size_t i, k, room = 1;

	for (i = 0; i < plan->n; i++) {
		room += 1 + plan->entries[i].nets.n;
	}
	pk->pieces = arena_calloc(pk->a, room, sizeof(*pk->pieces));
	for (i = 0; i < plan->n; i++) {
		const struct flat_entry *e = &plan->entries[i];

		if (e->qualifier == '+' && run == NULL) {
			run = add_piece(pk);
		}
		if (e->text != NULL) {
			add_piece(pk)->text = arena_printf(pk->a, " %s",
			    e->text);
		} else if (e->qualifier == '+') {
			for (k = 0; k < e->nets.n; k++) {
				cidr_set_add(pk->a, &run->nets,
				    &e->nets.nets[k]);
			}
		} else {
			struct cidr_set set = e->nets;

			cidr_set_aggregate(&set);
			for (k = 0; k < set.n; k++) {
				add_piece(pk)->text = net_term(pk->a,
				    e->qualifier, &set.nets[k]);
			}
		}
		if (e->qualifier != '+') {
			run = NULL;
		}
	}
}

static size_t
text_len(const char *s)
{
	return s ? strlen(s) : 0;
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

static const char *
chain_name(struct packer *pk, unsigned n)
{
	return arena_printf(pk->a, "_spf%u.%s", n, pk->plan->domain);
}

/* Puts the networks of p from the first not in the domain's record on
 * down a chain of records. Returns false when a name is too long. */
static bool
chain(struct packer *pk, const struct piece *p)
{
	size_t i = p->ntop;

	while (i < p->nets.n) {
		unsigned n = ++pk->chained;
		const char *name = chain_name(pk, n);
		const char *next = arena_printf(pk->a, " include:%s",
		    chain_name(pk, n + 1));
		size_t budget = record_budget(name, 0), used, rest = 0, k;
		struct strbuf sb = STRBUF_INIT;

		if (strlen(name) > DNS_NAME_MAX) {
			return false;
		}
		for (k = i; k < p->nets.n; k++) {
			rest += strlen(p->net_text[k]);
		}
		strbuf_adds(&sb, "v=spf1");
		used = sb.len + strlen(" -all");
		if (used + rest > budget) {
			used += strlen(next);
		}
		while (i < p->nets.n && used + strlen(p->net_text[i]) <=
		    budget) {
			used += strlen(p->net_text[i]);
			strbuf_adds(&sb, p->net_text[i++]);
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

/* Decides which networks of each run stay in the domain's record: all of
 * them while they fit, else as many as fit beside an include of the
 * chain that takes the rest. Returns the reason when nothing fits. */
static const char *
place(struct packer *pk, size_t room)
{
	size_t i, k, total;

	for (i = 0; i < pk->npieces; i++) {
		struct piece *p = &pk->pieces[i];

		if (p->text != NULL) {
			continue;
		}
		cidr_set_aggregate(&p->nets);
		p->net_text = arena_calloc(pk->a, p->nets.n + 1,
		    sizeof(*p->net_text));
		for (k = 0, total = 0; k < p->nets.n; k++) {
			p->net_text[k] = net_term(pk->a, '+', &p->nets.nets[k]);
			total += strlen(p->net_text[k]);
		}
		if (total <= room) {
			p->ntop = p->nets.n;
			room -= total;
			continue;
		}
		p->include = arena_printf(pk->a, " include:%s",
		    chain_name(pk, pk->chained + 1));
		if (strlen(p->include) > room) {
			return "the terms kept as they are leave no room in "
			    "the domain's record for an include";
		}
		room -= strlen(p->include);
		while (p->ntop < p->nets.n &&
		    strlen(p->net_text[p->ntop]) <= room) {
			room -= strlen(p->net_text[p->ntop++]);
		}
		if (!chain(pk, p)) {
			return "the names of the chain would be too long";
		}
	}
	return NULL;
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
		for (k = 0; k < p->ntop; k++) {
			strbuf_adds(&sb, p->net_text[k]);
		}
		if (p->include != NULL) {
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

void
spf_flat_pack(struct arena *a, struct spf_flat *out,
    const struct flat_plan *plan)
{
	struct packer pk = { a, out, plan, NULL, 0, 0 };
	size_t i, fixed = strlen("v=spf1"), budget, nets = 0;
	const char *why;

	list_kept(&pk);
	make_pieces(&pk);
	for (i = 0; i < pk.npieces; i++) {
		fixed += text_len(pk.pieces[i].text);
		nets += pk.pieces[i].nets.n;
	}
	fixed += (plan->end ? 1 + strlen(plan->end) : 0) +
	    (plan->exp ? 1 + strlen(plan->exp) : 0);
	budget = record_budget(plan->domain, other_txt(a, plan->answer));
	out->records = arena_calloc(a, nets + 2, sizeof(*out->records));
	why = fixed > budget ? "the terms kept as they are do not fit in "
	    "one record" : place(&pk, budget - fixed);
	if (why != NULL) {
		out->refused = why;
		return;
	}
	out->lookups = count_lookups(&pk);
	if (out->lookups > SPF_LOOKUP_LIMIT) {
		out->refused = arena_printf(a, "the flattened record would "
		    "still need %u DNS lookups, over the limit of %d: the terms "
		    "kept as they are cost too many", out->lookups,
		    SPF_LOOKUP_LIMIT);
		return;
	}
	add_record(&pk, 0, plan->domain, top_text(&pk));
	out->nrecords = 1 + pk.chained;
}
