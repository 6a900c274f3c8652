#include "dns/resolver.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/channel.h"
#include "dns/flight.h"
#include "dns/name.h"
#include "dns/zonefile.h"
#include "bounds.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/xalloc.h"

enum entry_state { ENTRY_ASKED, ENTRY_DONE };

struct entry {
	const char *name;		/* normalized, in the arena */
	enum dns_type type;
	enum entry_state state;
	const struct dns_answer *ans;	/* set when DONE */
	const struct dns_answer *followed; /* ans with its CNAME followed */
	struct waiter *waiters;		/* who asked while it was in flight */
};

/* A token (batch mode: a job) to wake when an answer arrives. */
struct waiter {
	void *token;
	struct waiter *next;
};

struct dns_resolver {
	struct dns_channel ch;
	struct dns_flight flight;	/* the questions on the wire */
	struct dns_config cfg;
	struct arena *arena;		/* names and answers */
	struct entry *entries;		/* every question of the run */
	size_t nentries, capentries;
	uint32_t *table;		/* open addressing: index + 1, 0 empty */
	size_t tablesize;		/* power of two */
	const struct dns_answer **log;	/* completed answers, in order */
	size_t nlog, caplog;
	size_t sent, cache_hits;
	size_t completed;		/* answers since the last wait */
	size_t answers;			/* responses received */
	double created_at, deadline_at;
	void *waiter;			/* token registered by dns_lookup */
	struct dns_wake *ready;		/* tokens whose answers arrived */
	size_t nready, capready;
	void **started;			/* tokens whose questions went out */
	size_t nstarted, capstarted;
	bool deadline_hit;
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

static void
complete(struct dns_resolver *res, size_t idx, const struct dns_answer *ans)
{
	struct entry *e = &res->entries[idx];

	e->state = ENTRY_DONE;
	e->ans = ans;
	res->completed++;
	for (; e->waiters != NULL; e->waiters = e->waiters->next) {
		if (res->nready == res->capready) {
			res->capready = res->capready ? res->capready * 2 : 64;
			res->ready = xreallocarray(res->ready, res->capready,
			    sizeof(*res->ready));
		}
		res->ready[res->nready].token = e->waiters->token;
		res->ready[res->nready++].tries = ans->tries;
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
}

static void
on_answered(void *ctx, size_t idx, struct dns_answer *ans)
{
	complete(ctx, idx, ans);
}

static void
note_started(struct dns_resolver *res, void *token)
{
	if (res->nstarted == res->capstarted) {
		res->capstarted = res->capstarted ? res->capstarted * 2 : 64;
		res->started = xreallocarray(res->started, res->capstarted,
		    sizeof(*res->started));
	}
	res->started[res->nstarted++] = token;
}

/* A question went out: whoever waits for it has a question on the
 * wire. */
static void
on_first_sent(void *ctx, size_t idx)
{
	struct dns_resolver *res = ctx;
	struct waiter *w;

	res->sent++;
	for (w = res->entries[idx].waiters; w != NULL; w = w->next) {
		note_started(res, w->token);
	}
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
	if (dns_flight_was_sent(&res->flight, (size_t)(e - res->entries))) {
		note_started(res, w->token);
	}
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
	res->entries[idx].state = ENTRY_ASKED;
	dns_flight_ask(&res->flight, idx, res->entries[idx].name, type);
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

bool
dns_resolver_wait(struct dns_resolver *res)
{
	if (dns_flight_idle(&res->flight)) {
		return false;
	}
	res->completed = 0;
	while (res->completed == 0) {
		if (clock_ms() >= res->deadline_at) {
			res->deadline_hit = true;
			dns_flight_cancel(&res->flight, res->deadline_why);
			break;
		}
		dns_flight_poll(&res->flight, res->deadline_at);
	}
	return true;
}

void
dns_resolver_set_waiter(struct dns_resolver *res, void *token)
{
	res->waiter = token;
}

size_t
dns_resolver_take_ready(struct dns_resolver *res,
    const struct dns_wake **out)
{
	size_t n = res->nready;

	*out = res->ready;
	res->nready = 0;
	return n;
}

size_t
dns_resolver_take_started(struct dns_resolver *res, void *const **out)
{
	size_t n = res->nstarted;

	*out = res->started;
	res->nstarted = 0;
	return n;
}

bool
dns_resolver_idle(const struct dns_resolver *res)
{
	return dns_flight_idle(&res->flight);
}

bool
dns_resolver_wants_more(const struct dns_resolver *res)
{
	const struct dns_flight *f = &res->flight;

	return f->in_flight + f->waiting < dns_flow_window(&f->flow);
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
	res->nstarted = 0;
	dns_flight_forget(&res->flight);
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
	struct dns_flight_stats fs;

	dns_flight_get_stats(&res->flight, &fs);
	memset(out, 0, sizeof(*out));
	out->questions = res->nentries;
	out->sent = res->sent;
	out->cache_hits = res->cache_hits;
	out->max_in_flight = fs.max_in_flight;
	out->retries = fs.retries;
	out->window = fs.window;
	out->smallest_window = fs.smallest;
	out->largest_window = fs.largest;
	out->elapsed_ms = clock_ms() - res->created_at;
	out->deadline_hit = res->deadline_hit;
}

/* When the resolver asks again itself (a batch), c-ares sends each query
 * once and waits for it up to the timeout (dns/flight.c). */
static int
open_channel(struct dns_resolver *res, struct error *err)
{
	struct dns_config ch = res->cfg;

	if (ch.retransmit) {
		ch.tries = 1;
	}
	return dns_channel_open(&res->ch, &ch, res->cfg.deadline_ms, err);
}

static void
start_flight(struct dns_resolver *res)
{
	struct dns_flight_config fc;
	struct dns_flight_owner owner = { res, on_first_sent, on_answered };

	memset(&fc, 0, sizeof(fc));
	fc.retransmit = res->cfg.retransmit;
	fc.tries = res->cfg.tries;
	fc.timeout_ms = res->cfg.timeout_ms;
	fc.tcp = res->cfg.tcp;
	fc.flow.ceiling = res->cfg.max_in_flight;
	fc.flow.adapt = res->cfg.adapt;
	fc.flow.qps = res->cfg.qps;
	dns_flight_init(&res->flight, &fc, &res->ch, &res->arena, &owner);
}

int
dns_resolver_create(const struct dns_config *cfg, struct dns_resolver **out,
    struct error *err)
{
	struct dns_resolver *res = xcalloc(1, sizeof(*res));

	res->cfg = *cfg;
	if (res->cfg.timeout_ms == 0) {
		res->cfg.timeout_ms = DNS_DEFAULT_TIMEOUT_MS;
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
	if (open_channel(res, err) != 0) {
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
	start_flight(res);
	res->created_at = clock_ms();
	/* A batch bounds each input, not the run: every question ends
	 * after its tries (dns/flight.c). */
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
	res->flight.closing = true;
	res->cfg.on_answer = NULL;
	dns_channel_close(&res->ch);
	dns_flight_finish(&res->flight);
	arena_destroy(res->arena);
	free(res->entries);
	free(res->table);
	free(res->log);
	free(res->ready);
	free(res->started);
	free(res);
}
