#include "dns/resolver.h"

#include <ares.h>
#include <arpa/nameser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/channel.h"
#include "dns/name.h"
#include "dns/zonefile.h"
#include "bounds.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* RFC 1035 §4.2.1: UDP messages without EDNS are at most 512 octets. */
#define PLAIN_UDP_SIZE 512

enum entry_state { ENTRY_QUEUED, ENTRY_IN_FLIGHT, ENTRY_DONE };

struct entry {
	const char *name;		/* normalized, in the arena */
	enum dns_type type;
	enum entry_state state;
	const struct dns_answer *ans;	/* set when DONE */
	const struct dns_answer *followed; /* ans with its CNAME followed */
	double sent_at;			/* monotonic ms */
	unsigned reasks;		/* asked again: connection closed */
	unsigned tries_lost;		/* of those, with no answer since */
	size_t answers_at_send;		/* res->answers when (re)sent */
	unsigned tcp_seq;		/* TCP sockets opened before sending */
	struct waiter *waiters;		/* who asked while it was in flight */
};

/* A token (batch mode: a job) to wake when an answer arrives. */
struct waiter {
	void *token;
	struct waiter *next;
};

struct query_ctx {
	struct dns_resolver *res;
	size_t idx;
};

struct dns_resolver {
	struct dns_channel ch;
	struct dns_config cfg;
	struct arena *arena;		/* names and answers */
	struct entry *entries;		/* every question of the run */
	size_t nentries, capentries;
	uint32_t *table;		/* open addressing: index + 1, 0 empty */
	size_t tablesize;		/* power of two */
	size_t *queue;			/* questions waiting for a slot */
	size_t qhead, qlen, qcap;
	const struct dns_answer **log;	/* completed answers, in order */
	size_t nlog, caplog;
	size_t in_flight, max_in_flight, sent, cache_hits;
	size_t completed;		/* answers since the last wait */
	size_t answers;			/* responses received */
	double created_at, deadline_at;
	void *waiter;			/* token registered by dns_lookup */
	void **ready;			/* tokens whose answers arrived */
	size_t nready, capready;
	size_t *reask;			/* in flight again after a closed
					 * connection: sent after the poll */
	size_t nreask, capreask;
	bool deadline_hit, cancelling;
	const char *deadline_why;	/* the error of answers it cut off */
};

static uint32_t
hash_key(const char *name, enum dns_type type)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *name; name++) {
		h = (h ^ (unsigned char)*name) * 16777619u;
	}
	return (h ^ (uint32_t)type) * 16777619u;
}

static struct entry *
find_entry(struct dns_resolver *res, const char *name, enum dns_type type)
{
	size_t mask = res->tablesize - 1;
	size_t i = hash_key(name, type) & mask;

	for (;;) {
		uint32_t v = res->table[i];

		if (v == 0) {
			return NULL;
		}
		if (res->entries[v - 1].type == type &&
		    strcmp(res->entries[v - 1].name, name) == 0) {
			return &res->entries[v - 1];
		}
		i = (i + 1) & mask;
	}
}

static void
table_insert(struct dns_resolver *res, size_t idx)
{
	size_t mask = res->tablesize - 1;
	size_t i = hash_key(res->entries[idx].name, res->entries[idx].type) &
	    mask;

	while (res->table[i] != 0) {
		i = (i + 1) & mask;
	}
	res->table[i] = (uint32_t)(idx + 1);
}

static void
table_grow(struct dns_resolver *res)
{
	size_t i;

	free(res->table);
	res->tablesize = res->tablesize ? res->tablesize * 2 : 64;
	res->table = xcalloc(res->tablesize, sizeof(*res->table));
	for (i = 0; i < res->nentries; i++) {
		table_insert(res, i);
	}
}

static size_t
add_entry(struct dns_resolver *res, const char *name, enum dns_type type)
{
	size_t idx = res->nentries;

	if (res->nentries == res->capentries) {
		res->capentries = res->capentries ? res->capentries * 2 : 64;
		res->entries = xreallocarray(res->entries, res->capentries,
		    sizeof(*res->entries));
	}
	memset(&res->entries[idx], 0, sizeof(res->entries[idx]));
	res->entries[idx].name = arena_strdup(res->arena, name);
	res->entries[idx].type = type;
	res->nentries++;
	if (res->nentries * 10 > res->tablesize * 7) {
		table_grow(res);
	} else {
		table_insert(res, idx);
	}
	return idx;
}

static void send_query(struct dns_resolver *res, size_t idx);

static void
complete(struct dns_resolver *res, size_t idx, const struct dns_answer *ans)
{
	struct entry *e = &res->entries[idx];

	if (e->state == ENTRY_IN_FLIGHT) {
		res->in_flight--;
	}
	e->state = ENTRY_DONE;
	e->ans = ans;
	res->completed++;
	for (; e->waiters != NULL; e->waiters = e->waiters->next) {
		if (res->nready == res->capready) {
			res->capready = res->capready ? res->capready * 2 : 64;
			res->ready = xreallocarray(res->ready, res->capready,
			    sizeof(*res->ready));
		}
		res->ready[res->nready++] = e->waiters->token;
	}
	if (res->nlog == res->caplog) {
		res->caplog = res->caplog ? res->caplog * 2 : 64;
		res->log = xreallocarray(res->log, res->caplog,
		    sizeof(*res->log));
	}
	res->log[res->nlog++] = ans;
	if (res->cfg.on_answer != NULL) {
		res->cfg.on_answer(res->cfg.on_answer_ctx, ans);
	}
	/* A freed slot goes to the oldest waiting question, unless the run
	 * is being cut short. */
	while (!res->cancelling && res->qlen > 0 &&
	    res->in_flight < res->cfg.max_in_flight) {
		size_t next = res->queue[res->qhead];

		res->qhead = (res->qhead + 1) % res->qcap;
		res->qlen--;
		send_query(res, next);
	}
}

/* RFC 7766 §6.2.1: a client should ask again the questions a TCP
 * connection left unanswered when the server closed or reset it (c-ares
 * 1.18 ends them with ECONNREFUSED and, with one server, never asks again
 * on a new connection). A server that answered something since the
 * question was sent is alive and only closing connections, as it may: ask
 * again. A connection that closed with no answer at all costs a try. */
static bool
ask_again(struct dns_resolver *res, struct entry *e, int status,
    const unsigned char *abuf)
{
	bool progress = res->answers > e->answers_at_send;

	if (status != ARES_ECONNREFUSED || abuf != NULL ||
	    res->ch.tcp_sockets == 0 || res->cancelling ||
	    e->reasks >= DNS_MAX_REASKS ||
	    (!progress && e->tries_lost >= res->cfg.tries)) {
		return false;
	}
	e->reasks++;
	e->tries_lost += !progress;
	return true;
}

static void
on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query_ctx *ctx = arg;
	struct dns_resolver *res = ctx->res;
	struct entry *e = &res->entries[ctx->idx];
	struct dns_answer *ans;

	(void)timeouts;
	if (abuf != NULL) {
		res->answers++;
	}
	if (ask_again(res, e, status, abuf)) {
		if (res->nreask == res->capreask) {
			res->capreask = res->capreask ? res->capreask * 2 : 16;
			res->reask = xreallocarray(res->reask, res->capreask,
			    sizeof(*res->reask));
		}
		res->reask[res->nreask++] = ctx->idx;
		free(ctx);
		return;
	}
	ans = dns_answer_from_wire(res->arena, e->name, e->type, status, abuf,
	    alen);
	ans->rtt_ms = clock_ms() - e->sent_at;
	if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) {
		ans->error = res->deadline_why;
	}
	/* c-ares 1.18 does not say which transport carried an answer: one
	 * longer than any UDP answer could be, or one over 512 octets after
	 * c-ares opened a TCP socket for it, came over TCP. */
	ans->tcp = res->cfg.tcp || (size_t)alen > DNS_EDNS_UDP_SIZE ||
	    ((size_t)alen > PLAIN_UDP_SIZE && res->ch.tcp_sockets > e->tcp_seq);
	if (abuf == NULL) {
		ans->tcp = res->cfg.tcp;
	}
	free(ctx);
	complete(res, (size_t)(e - res->entries), ans);
}

/* The query ares_query() would send (RD set, EDNS with our UDP size),
 * with the AD bit set as well: RFC 6840 §5.7 lets a validating resolver
 * set AD in the response only when the query had AD or DO, and the AD
 * bit is what DANE (RFC 7672 §2.2) depends on. c-ares 1.18 has no flag
 * for it, so the header is written here (RFC 1035 §4.1.1: byte 3). */
static int
build_query(ares_channel ch, const char *name, enum dns_type type,
    unsigned char **qbuf, int *qlen)
{
	struct ares_options opts;
	int mask, status, edns = DNS_EDNS_UDP_SIZE;

	/* c-ares drops EDNS for the whole channel when a server answers
	 * FORMERR to it (ares_process.c, 1.18); follow it as ares_query()
	 * does. */
	if (ares_save_options(ch, &opts, &mask) == ARES_SUCCESS) {
		if ((opts.flags & ARES_FLAG_EDNS) == 0) {
			edns = 0;
		}
		ares_destroy_options(&opts);
	}
	status = ares_create_query(name, C_IN, (int)type, 0, 1, qbuf, qlen,
	    edns);

	if (status == ARES_SUCCESS) {
		(*qbuf)[3] |= 0x20;
	}
	return status;
}

static void
ask(struct dns_resolver *res, size_t idx)
{
	struct entry *e = &res->entries[idx];
	struct query_ctx *ctx = xcalloc(1, sizeof(*ctx));
	unsigned char *qbuf = NULL;
	int qlen = 0;

	ctx->res = res;
	ctx->idx = idx;
	e->answers_at_send = res->answers;
	/* The callback may run before ares_send returns (no memory): the
	 * caller's counters are already right for that. */
	if (build_query(res->ch.ares, e->name, e->type, &qbuf, &qlen) !=
	    ARES_SUCCESS) {
		on_reply(ctx, ARES_EBADNAME, 0, NULL, 0);
		return;
	}
	ares_send(res->ch.ares, qbuf, qlen, on_reply, ctx);
	ares_free_string(qbuf);
}

static void
send_query(struct dns_resolver *res, size_t idx)
{
	struct entry *e = &res->entries[idx];

	e->state = ENTRY_IN_FLIGHT;
	e->sent_at = clock_ms();
	e->tcp_seq = res->ch.tcp_sockets;
	res->in_flight++;
	res->sent++;
	if (res->in_flight > res->max_in_flight) {
		res->max_in_flight = res->in_flight;
	}
	ask(res, idx);
}

static void
enqueue(struct dns_resolver *res, size_t idx)
{
	if (res->qlen == res->qcap) {
		size_t newcap = res->qcap ? res->qcap * 2 : 64, i;
		size_t *q = xcalloc(newcap, sizeof(*q));

		for (i = 0; i < res->qlen; i++) {
			q[i] = res->queue[(res->qhead + i) % res->qcap];
		}
		free(res->queue);
		res->queue = q;
		res->qhead = 0;
		res->qcap = newcap;
	}
	res->entries[idx].state = ENTRY_QUEUED;
	res->queue[(res->qhead + res->qlen) % res->qcap] = idx;
	res->qlen++;
}

/* Answers what can be answered without a query: bad names, the --zone
 * overlay, and questions past the run's limits. */
static const struct dns_answer *
answer_locally(struct dns_resolver *res, const char *name,
    enum dns_type type)
{
	struct dns_answer *ans = NULL;
	enum dns_name_error err = dns_name_check(name);

	if (err != DNS_NAME_OK) {
		ans = dns_answer_without_response(res->arena, name, type,
		    DNS_ANS_BADNAME, dns_name_error_str(err));
	} else if (res->cfg.zones != NULL &&
	    (ans = dns_zoneset_answer(res->cfg.zones, res->arena, name,
	    type)) != NULL) {
		ans->source = DNS_SRC_ZONE;
		return ans;
	} else if (res->deadline_hit) {
		ans = dns_answer_without_response(res->arena, name, type,
		    DNS_ANS_TIMEOUT, res->deadline_why);
	} else if (res->nentries >= res->cfg.max_queries) {
		ans = dns_answer_without_response(res->arena, name, type,
		    DNS_ANS_SKIPPED, "not asked: the run's query limit was "
		    "reached");
	}
	if (ans != NULL) {
		ans->source = DNS_SRC_NONE;
	}
	return ans;
}

static void
add_waiter(struct dns_resolver *res, struct entry *e)
{
	struct waiter *w;

	if (res->waiter == NULL) {
		return;
	}
	w = arena_alloc(res->arena, sizeof(*w));
	w->token = res->waiter;
	w->next = e->waiters;
	e->waiters = w;
}

/* The answer to (name, type) as asked, or NULL while it is in flight. */
static const struct dns_answer *
lookup_once(struct dns_resolver *res, const char *name, enum dns_type type,
    size_t *idx_out)
{
	char small[DNS_NAME_MAX + 2], *key;
	size_t len = strlen(name), i, idx;
	const struct dns_answer *local;
	struct entry *e;

	if (len > 0 && name[len - 1] == '.') {
		len--;
	}
	key = len < sizeof(small) ? small : xcalloc(len + 1, 1);
	for (i = 0; i < len; i++) {
		key[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ?
		    name[i] + 32 : name[i]);
	}
	key[len] = '\0';
	e = find_entry(res, key, type);
	if (e != NULL) {
		if (key != small) {
			free(key);
		}
		*idx_out = (size_t)(e - res->entries);
		if (e->state != ENTRY_DONE) {
			add_waiter(res, e);
			return NULL;
		}
		res->cache_hits++;
		return e->ans;
	}
	local = answer_locally(res, key, type);
	idx = add_entry(res, key, type);
	*idx_out = idx;
	if (key != small) {
		free(key);
	}
	if (local != NULL) {
		complete(res, idx, local);
		return local;
	}
	if (res->in_flight >= res->cfg.max_in_flight) {
		enqueue(res, idx);
	} else {
		send_query(res, idx);
	}
	e = &res->entries[idx];
	if (e->state == ENTRY_DONE) {
		return e->ans;
	}
	add_waiter(res, e);
	return NULL;
}

/* An authoritative server answers a name that is a CNAME into another
 * zone with the CNAME alone; a resolver would go on to the target, and so
 * does this one, up to DNS_MAX_CNAME_CHAIN links. The answer kept for
 * the question carries the target's records and where the chain led; a
 * chain that comes back to a name on it is a loop, as resolvers see it.
 * chain holds the names followed so far (depth of them). */
static const struct dns_answer *
follow_cname(struct dns_resolver *res, size_t idx, const char **chain,
    unsigned depth)
{
	const struct dns_answer *ans = res->entries[idx].ans, *target;
	struct dns_answer *merged;
	size_t tidx;
	unsigned i;

	if (res->entries[idx].followed != NULL) {
		return res->entries[idx].followed;
	}
	if (ans->kind != DNS_ANS_NODATA || ans->cname == NULL ||
	    ans->type == DNS_T_CNAME || depth >= DNS_MAX_CNAME_CHAIN) {
		return ans;
	}
	chain[depth] = ans->name;
	chain[depth + 1] = ans->cname;
	for (i = 0; i <= depth; i++) {
		if (dns_name_equal(chain[i], ans->cname)) {
			merged = arena_alloc(res->arena, sizeof(*merged));
			*merged = *ans;
			dns_answer_set_cname_loop(res->arena, merged, chain,
			    depth + 2);
			return res->entries[idx].followed = merged;
		}
	}
	target = lookup_once(res, ans->cname, ans->type, &tidx);
	if (target == NULL) {
		return NULL;
	}
	target = follow_cname(res, tidx, chain, depth + 1);
	if (target == NULL) {
		return NULL;
	}
	merged = arena_alloc(res->arena, sizeof(*merged));
	*merged = *target;
	merged->name = ans->name;
	merged->cname = target->cname ? target->cname : ans->cname;
	res->entries[idx].followed = merged;
	return merged;
}

const struct dns_answer *
dns_lookup(struct dns_resolver *res, const char *name, enum dns_type type)
{
	size_t idx;
	const struct dns_answer *ans = lookup_once(res, name, type, &idx);
	const char *chain[DNS_MAX_CNAME_CHAIN + 2];

	return ans == NULL ? NULL : follow_cname(res, idx, chain, 0);
}

void
dns_resolver_add_draft_txt(struct dns_resolver *res, const char *name,
    const struct dns_bytes *strings, size_t nstrings)
{
	struct dns_answer *ans;
	struct dns_txt *txt;
	struct dns_bytes *copy;
	char *key = dns_name_normalize(res->arena, name);
	size_t i, idx;

	ans = dns_answer_without_response(res->arena, key, DNS_T_TXT,
	    DNS_ANS_RECORDS, NULL);
	ans->source = DNS_SRC_DRAFT;
	ans->rcode = 0;
	txt = arena_alloc(res->arena, sizeof(*txt));
	copy = arena_calloc(res->arena, nstrings, sizeof(*copy));
	/* Size of the response that would carry it (RFC 1035 §4.1): header,
	 * question, and one RR with a compressed owner. */
	ans->size = 12 + strlen(key) + 2 + 4 + 2 + 10;
	for (i = 0; i < nstrings; i++) {
		copy[i].data = (const unsigned char *)arena_memdup(res->arena,
		    strings[i].data, strings[i].len);
		copy[i].len = strings[i].len;
		ans->size += 1 + strings[i].len;
	}
	txt->strings = copy;
	txt->nstrings = nstrings;
	ans->txt = txt;
	ans->count = 1;
	if (find_entry(res, key, DNS_T_TXT) != NULL) {
		return;
	}
	idx = add_entry(res, key, DNS_T_TXT);
	complete(res, idx, ans);
}

/* Sends the questions to ask again after a closed connection: outside
 * c-ares' own error handling, and together, on one new connection. */
static void
send_reasks(struct dns_resolver *res)
{
	while (res->nreask > 0) {
		ask(res, res->reask[--res->nreask]);
	}
}

static void
cancel_all(struct dns_resolver *res)
{
	res->deadline_hit = true;
	res->cancelling = true;
	send_reasks(res);	/* cancelled below with the others */
	ares_cancel(res->ch.ares);
	while (res->qlen > 0) {
		size_t idx = res->queue[res->qhead];
		struct entry *e = &res->entries[idx];

		res->qhead = (res->qhead + 1) % res->qcap;
		res->qlen--;
		complete(res, idx, dns_answer_without_response(res->arena,
		    e->name, e->type, DNS_ANS_TIMEOUT,
		    res->deadline_why));
	}
	res->cancelling = false;
}

bool
dns_resolver_wait(struct dns_resolver *res)
{
	if (res->in_flight == 0 && res->qlen == 0) {
		return false;
	}
	res->completed = 0;
	while (res->completed == 0) {
		if (clock_ms() >= res->deadline_at) {
			cancel_all(res);
			break;
		}
		dns_channel_poll(&res->ch, res->deadline_at);
		send_reasks(res);
	}
	return true;
}

void
dns_resolver_set_waiter(struct dns_resolver *res, void *token)
{
	res->waiter = token;
}

size_t
dns_resolver_take_ready(struct dns_resolver *res, void ***out)
{
	size_t n = res->nready;

	*out = res->ready;
	res->nready = 0;
	return n;
}

bool
dns_resolver_idle(const struct dns_resolver *res)
{
	return res->in_flight == 0 && res->qlen == 0;
}

size_t
dns_resolver_questions(const struct dns_resolver *res)
{
	return res->nentries;
}

void
dns_resolver_clear(struct dns_resolver *res)
{
	size_t i;

	arena_destroy(res->arena);
	res->arena = arena_create();
	res->nentries = 0;
	res->nlog = 0;
	res->nready = 0;
	for (i = 0; i < res->tablesize; i++) {
		res->table[i] = 0;
	}
}

const struct dns_answer *const *
dns_resolver_log(const struct dns_resolver *res, size_t *n)
{
	*n = res->nlog;
	return res->log;
}

void
dns_resolver_stats(const struct dns_resolver *res, struct dns_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->questions = res->nentries;
	out->sent = res->sent;
	out->cache_hits = res->cache_hits;
	out->max_in_flight = res->max_in_flight;
	out->elapsed_ms = clock_ms() - res->created_at;
	out->deadline_hit = res->deadline_hit;
}

int
dns_resolver_create(const struct dns_config *cfg, struct dns_resolver **out,
    const char **err)
{
	struct dns_resolver *res = xcalloc(1, sizeof(*res));

	res->cfg = *cfg;
	if (res->cfg.timeout_ms == 0) {
		res->cfg.timeout_ms = 5000;
	}
	if (res->cfg.tries == 0) {
		res->cfg.tries = 1;
	}
	if (res->cfg.max_queries == 0) {
		res->cfg.max_queries = DNS_MAX_QUESTIONS;
	}
	if (res->cfg.max_in_flight == 0) {
		res->cfg.max_in_flight = DNS_MAX_IN_FLIGHT;
	}
	res->cfg.deadline_ms = cfg->deadline_ms ? cfg->deadline_ms :
	    res->cfg.timeout_ms * res->cfg.tries;
	if (dns_channel_open(&res->ch, &res->cfg, res->cfg.deadline_ms) != 0) {
		/* Copied out: the message must outlive the resolver. */
		static char why[sizeof(res->ch.error)];

		memcpy(why, res->ch.error, sizeof(why));
		*err = why;
		free(res);
		return -1;
	}
	/* Each server gets its tries in turn, so a default deadline must
	 * leave room for all of them. */
	if (cfg->deadline_ms == 0) {
		res->cfg.deadline_ms *= (unsigned)res->ch.nservers;
		if (res->cfg.deadline_ms < DNS_DEFAULT_DEADLINE_MS) {
			res->cfg.deadline_ms = DNS_DEFAULT_DEADLINE_MS;
		}
	}
	res->arena = arena_create();
	res->deadline_why = arena_printf(res->arena, "%s (--deadline %g s)",
	    DNS_DEADLINE_WHY, res->cfg.deadline_ms / 1000.0);
	res->created_at = clock_ms();
	/* A batch bounds each input, not the run: c-ares' timeout and
	 * tries bound every query. */
	res->deadline_at = cfg->no_deadline ? 1e300 : clock_ms() +
	    res->cfg.deadline_ms;
	table_grow(res);
	*out = res;
	return 0;
}

void
dns_resolver_destroy(struct dns_resolver *res)
{
	if (res == NULL) {
		return;
	}
	/* ares_destroy() runs the callbacks of outstanding queries; nobody
	 * is listening any more. */
	res->cancelling = true;
	res->cfg.on_answer = NULL;
	dns_channel_close(&res->ch);
	arena_destroy(res->arena);
	free(res->entries);
	free(res->table);
	free(res->queue);
	free(res->log);
	free(res->ready);
	free(res->reask);
	free(res);
}
