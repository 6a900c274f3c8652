#include "dns/resolver.h"

#include <ares.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "dns/name.h"
#include "dns/zonefile.h"
#include "bounds.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/ip.h"
#include "util/xalloc.h"

/* RFC 8914-era practice (DNS flag day 2020): 1232 octets of EDNS payload
 * avoid IP fragmentation on every common path. */
#define EDNS_UDP_SIZE 1232
/* RFC 1035 §4.2.1: UDP messages without EDNS are at most 512 octets. */
#define PLAIN_UDP_SIZE 512
/* With hundreds of questions in flight on one socket, a fast server's
 * answers arrive in bursts; the default buffer (about 200 KB, some 250
 * small datagrams) drops the rest, and each drop costs a whole timeout.
 * The kernel caps this at net.core.rmem_max. */
#define UDP_RECEIVE_BUFFER (4 * 1024 * 1024)

enum entry_state { ENTRY_QUEUED, ENTRY_IN_FLIGHT, ENTRY_DONE };

struct entry {
	const char *name;		/* normalized, in the arena */
	enum dns_type type;
	enum entry_state state;
	const struct dns_answer *ans;	/* set when DONE */
	const struct dns_answer *followed; /* ans with its CNAME followed */
	double sent_at;			/* monotonic ms */
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
	ares_channel channel;
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
	unsigned tcp_sockets;		/* stream sockets c-ares opened */
	double created_at, deadline_at;
	void *waiter;			/* token registered by dns_lookup */
	void **ready;			/* tokens whose answers arrived */
	size_t nready, capready;
	bool deadline_hit, cancelling;
	char errbuf[256];
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

static void
on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query_ctx *ctx = arg;
	struct dns_resolver *res = ctx->res;
	struct entry *e = &res->entries[ctx->idx];
	struct dns_answer *ans;

	(void)timeouts;
	ans = dns_answer_from_wire(res->arena, e->name, e->type, status, abuf,
	    alen);
	ans->rtt_ms = clock_ms() - e->sent_at;
	if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) {
		ans->error = "the run's deadline passed";
	}
	/* c-ares 1.18 does not say which transport carried an answer: one
	 * longer than any UDP answer could be, or one over 512 octets after
	 * c-ares opened a TCP socket for it, came over TCP. */
	ans->tcp = res->cfg.tcp || (size_t)alen > EDNS_UDP_SIZE ||
	    ((size_t)alen > PLAIN_UDP_SIZE && res->tcp_sockets > e->tcp_seq);
	if (abuf == NULL) {
		ans->tcp = res->cfg.tcp;
	}
	free(ctx);
	complete(res, (size_t)(e - res->entries), ans);
}

static void
send_query(struct dns_resolver *res, size_t idx)
{
	struct entry *e = &res->entries[idx];
	struct query_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->res = res;
	ctx->idx = idx;
	e->state = ENTRY_IN_FLIGHT;
	e->sent_at = clock_ms();
	e->tcp_seq = res->tcp_sockets;
	res->in_flight++;
	res->sent++;
	if (res->in_flight > res->max_in_flight) {
		res->max_in_flight = res->in_flight;
	}
	/* The callback may run before ares_query returns (a bad name, no
	 * memory): the counters above are already right for that. */
	ares_query(res->channel, e->name, C_IN, (int)e->type, on_reply, ctx);
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
		    DNS_ANS_TIMEOUT, "not asked: the run's deadline passed");
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
 * the question carries the target's records and where the chain led. */
static const struct dns_answer *
follow_cname(struct dns_resolver *res, size_t idx, unsigned depth)
{
	const struct dns_answer *ans = res->entries[idx].ans, *target;
	struct dns_answer *merged;
	size_t tidx;

	if (res->entries[idx].followed != NULL) {
		return res->entries[idx].followed;
	}
	if (ans->kind != DNS_ANS_NODATA || ans->cname == NULL ||
	    ans->type == DNS_T_CNAME || depth >= DNS_MAX_CNAME_CHAIN) {
		return ans;
	}
	target = lookup_once(res, ans->cname, ans->type, &tidx);
	if (target == NULL) {
		return NULL;
	}
	target = follow_cname(res, tidx, depth + 1);
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

	return ans == NULL ? NULL : follow_cname(res, idx, 0);
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

static void
cancel_all(struct dns_resolver *res)
{
	res->deadline_hit = true;
	res->cancelling = true;
	ares_cancel(res->channel);
	while (res->qlen > 0) {
		size_t idx = res->queue[res->qhead];
		struct entry *e = &res->entries[idx];

		res->qhead = (res->qhead + 1) % res->qcap;
		res->qlen--;
		complete(res, idx, dns_answer_without_response(res->arena,
		    e->name, e->type, DNS_ANS_TIMEOUT,
		    "not asked: the run's deadline passed"));
	}
	res->cancelling = false;
}

/* ARES_GETSOCK_READABLE/WRITABLE shift a signed 1 by up to 31 places,
 * which is undefined behaviour for the last socket: test the bits as
 * unsigned instead. */
static bool
sock_readable(int bits, int i)
{
	return ((unsigned)bits & (1u << i)) != 0;
}

static bool
sock_writable(int bits, int i)
{
	return ((unsigned)bits & (1u << (i + ARES_GETSOCK_MAXNUM))) != 0;
}

/* One turn of the event loop (TECH-NOTES.md §4.1): poll c-ares' sockets
 * until one is ready or c-ares' next timeout, clamped to the deadline. */
static void
poll_once(struct dns_resolver *res, double deadline)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval maxtv, tv, *tvp;
	double remaining = deadline - clock_ms();
	int bits, n = 0, i, ms, ready;

	/* No deadline (a batch) still wakes up now and then; c-ares' own
	 * timeout comes first anyway. */
	if (remaining < 0) {
		remaining = 0;
	} else if (remaining > 60000) {
		remaining = 60000;
	}
	maxtv.tv_sec = (time_t)(remaining / 1000);
	maxtv.tv_usec = (suseconds_t)((remaining - (double)maxtv.tv_sec *
	    1000) * 1000);
	tvp = ares_timeout(res->channel, &maxtv, &tv);
	ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
	bits = ares_getsock(res->channel, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		if (!sock_readable(bits, i) && !sock_writable(bits, i)) {
			continue;
		}
		pfd[n].fd = socks[i];
		pfd[n].events = (short)((sock_readable(bits, i) ? POLLIN : 0) |
		    (sock_writable(bits, i) ? POLLOUT : 0));
		pfd[n].revents = 0;
		n++;
	}
	ready = poll(pfd, (nfds_t)n, ms);
	if (ready <= 0) {
		ares_process_fd(res->channel, ARES_SOCKET_BAD,
		    ARES_SOCKET_BAD);
		return;
	}
	for (i = 0; i < n; i++) {
		bool rd = pfd[i].revents & (POLLIN | POLLERR | POLLHUP);
		bool wr = pfd[i].revents & POLLOUT;

		if (rd || wr) {
			ares_process_fd(res->channel,
			    rd ? pfd[i].fd : ARES_SOCKET_BAD,
			    wr ? pfd[i].fd : ARES_SOCKET_BAD);
		}
	}
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
		poll_once(res, res->deadline_at);
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

static int
on_socket(ares_socket_t fd, int type, void *arg)
{
	struct dns_resolver *res = arg;

	(void)fd;
	if (type == SOCK_STREAM) {
		res->tcp_sockets++;
	}
	return ARES_SUCCESS;
}

struct host_wait {
	bool done;
	int status;
	struct ip_addr addr;
};

static void
on_server_host(void *arg, int status, int timeouts, struct hostent *host)
{
	struct host_wait *w = arg;

	(void)timeouts;
	w->done = true;
	w->status = status;
	if (status == ARES_SUCCESS && host != NULL &&
	    host->h_addr_list[0] != NULL) {
		w->addr.family = host->h_addrtype;
		memcpy(w->addr.bytes, host->h_addr_list[0],
		    host->h_addrtype == AF_INET ? 4 : 16);
	} else if (status == ARES_SUCCESS) {
		w->status = ARES_ENODATA;
	}
}

/* @NAME: like dig, resolve the server's name with the system's resolver
 * configuration first, IPv4 then IPv6. */
static int
resolve_server_name(struct dns_resolver *res, const char *name,
    struct ip_addr *out)
{
	static const int families[] = { AF_INET, AF_INET6 };
	double deadline = clock_ms() + res->cfg.deadline_ms;
	size_t f;
	int status = ARES_ENOTFOUND;

	for (f = 0; f < 2; f++) {
		struct host_wait w;

		memset(&w, 0, sizeof(w));
		ares_gethostbyname(res->channel, name, families[f],
		    on_server_host, &w);
		while (!w.done) {
			if (clock_ms() >= deadline) {
				ares_cancel(res->channel);
				break;
			}
			poll_once(res, deadline);
		}
		status = w.status;
		if (w.done && status == ARES_SUCCESS) {
			*out = w.addr;
			return ARES_SUCCESS;
		}
	}
	return status;
}

static int
set_server(struct dns_resolver *res, const char **err)
{
	struct ip_addr addr;
	char ip[IP_STRLEN], csv[IP_STRLEN + 16];
	unsigned port = res->cfg.port ? res->cfg.port : 53;
	int status;

	if (!ip_parse(res->cfg.server, &addr)) {
		status = resolve_server_name(res, res->cfg.server, &addr);
		if (status != ARES_SUCCESS) {
			snprintf(res->errbuf, sizeof(res->errbuf),
			    "cannot resolve server '%s': %s", res->cfg.server,
			    ares_strerror(status));
			*err = res->errbuf;
			return -1;
		}
	}
	ip_format(&addr, ip);
	snprintf(csv, sizeof(csv), addr.family == AF_INET6 ? "[%s]:%u" :
	    "%s:%u", ip, port);
	status = ares_set_servers_ports_csv(res->channel, csv);
	if (status != ARES_SUCCESS) {
		snprintf(res->errbuf, sizeof(res->errbuf),
		    "cannot use server '%s': %s", res->cfg.server,
		    ares_strerror(status));
		*err = res->errbuf;
		return -1;
	}
	return 0;
}

/* -p without @SERVER: the system's servers on another port. Returns the
 * number of servers in use. */
static size_t
apply_port(struct dns_resolver *res)
{
	struct ares_addr_port_node *list = NULL, *n;
	size_t count = 0;

	if (ares_get_servers_ports(res->channel, &list) != ARES_SUCCESS) {
		return 1;
	}
	for (n = list; n != NULL; n = n->next) {
		if (res->cfg.port != 0) {
			n->udp_port = (int)res->cfg.port;
			n->tcp_port = (int)res->cfg.port;
		}
		count++;
	}
	if (res->cfg.port != 0) {
		ares_set_servers_ports(res->channel, list);
	}
	ares_free_data(list);
	return count ? count : 1;
}

int
dns_resolver_create(const struct dns_config *cfg, struct dns_resolver **out,
    const char **err)
{
	struct dns_resolver *res;
	struct ares_options opts;
	int status, optmask;
	size_t nservers = 1;

	status = ares_library_init(ARES_LIB_INIT_ALL);
	if (status != ARES_SUCCESS) {
		*err = ares_strerror(status);
		return -1;
	}
	res = xcalloc(1, sizeof(*res));
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
	res->arena = arena_create();
	res->created_at = clock_ms();
	memset(&opts, 0, sizeof(opts));
	/* NOCHECKRESP: pass SERVFAIL and REFUSED up with their rcode instead
	 * of hiding them behind "could not contact servers" (TECH-NOTES.md
	 * §4.1); a diagnostic must see them. */
	opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_EDNS |
	    (cfg->tcp ? ARES_FLAG_USEVC : 0);
	opts.ednspsz = EDNS_UDP_SIZE;
	opts.timeout = (int)res->cfg.timeout_ms;
	opts.tries = (int)res->cfg.tries;
	opts.socket_receive_buffer_size = UDP_RECEIVE_BUFFER;
	optmask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_EDNSPSZ | ARES_OPT_SOCK_RCVBUF;
	status = ares_init_options(&res->channel, &opts, optmask);
	if (status != ARES_SUCCESS) {
		*err = ares_strerror(status);
		arena_destroy(res->arena);
		free(res);
		ares_library_cleanup();
		return -1;
	}
	ares_set_socket_callback(res->channel, on_socket, res);
	res->cfg.deadline_ms = cfg->deadline_ms ? cfg->deadline_ms :
	    res->cfg.timeout_ms * res->cfg.tries;
	if (cfg->server != NULL) {
		if (set_server(res, err) != 0) {
			dns_resolver_destroy(res);
			return -1;
		}
	} else {
		nservers = apply_port(res);
	}
	/* Each server gets its tries in turn, so a default deadline must
	 * leave room for all of them. */
	if (cfg->deadline_ms == 0) {
		res->cfg.deadline_ms *= (unsigned)nservers;
	}
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
	ares_destroy(res->channel);
	ares_library_cleanup();
	arena_destroy(res->arena);
	free(res->entries);
	free(res->table);
	free(res->queue);
	free(res->log);
	free(res->ready);
	free(res);
}
