/* The only door to the network: the questions of a run over one c-ares
 * channel (dns/channel.h), a per-run cache keyed by (name, type), a queue
 * behind the in-flight bound, an optional --zone overlay and a query log.
 * Answers belong to the resolver and live until dns_resolver_destroy(). */
#ifndef MAILAUTH_DNS_RESOLVER_H
#define MAILAUTH_DNS_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"

struct dns_resolver;
struct dns_zoneset;

/* Called once per distinct question when its answer is final (for --trace). */
typedef void (*dns_answer_fn)(void *ctx, const struct dns_answer *ans);

struct dns_config {
	const char *server;	/* IP or host name; NULL: the system's */
	unsigned port;		/* 0: 53 */
	int family;		/* AF_INET or AF_INET6 only; 0: both */
	bool tcp;		/* always use TCP */
	unsigned timeout_ms;	/* per try */
	unsigned tries;		/* tries per server */
	unsigned deadline_ms;	/* whole run; 0: timeout * tries * servers,
				 * at least DNS_DEFAULT_DEADLINE_MS */
	size_t max_queries;	/* distinct questions per run; 0: default */
	size_t max_in_flight;	/* queries outstanding at once; 0: default.
				 * With adapt, the window's ceiling */
	bool no_deadline;	/* batch mode: no deadline for the run */
	bool retransmit;	/* batch mode: ask again by the measured
				 * round trip, up to `tries` per question
				 * (dns/flight.c) */
	bool adapt;		/* batch mode: the window adapts (dns/flow.c) */
	double qps;		/* queries per second at most; 0: no cap */
	const struct dns_zoneset *zones;	/* --zone overlay, or NULL */
	dns_answer_fn on_answer;	/* may be NULL */
	void *on_answer_ctx;
};

struct dns_stats {
	size_t questions;	/* distinct (name, type) asked */
	size_t sent;		/* of those, sent to a server */
	size_t cache_hits;	/* lookups answered from the cache */
	size_t max_in_flight;	/* most queries outstanding at once */
	size_t retries;		/* queries sent again (batch mode) */
	size_t window;		/* queries allowed on the wire now */
	size_t smallest_window, largest_window;
	double elapsed_ms;	/* since the resolver was created */
	bool deadline_hit;	/* the run's deadline cut queries short */
};

struct error;

/* Creates a resolver. Returns 0, or -1 with err set. */
int dns_resolver_create(const struct dns_config *cfg,
    struct dns_resolver **out, struct error *err);
/* Frees the resolver and every answer it returned; accepts NULL. */
void dns_resolver_destroy(struct dns_resolver *res);

/* Returns the answer to (name, type) when it is known; otherwise asks the
 * question (once per run) and returns NULL: call dns_resolver_wait() and
 * ask again. Invalid names are answered DNS_ANS_BADNAME without a query. */
const struct dns_answer *dns_lookup(struct dns_resolver *res,
    const char *name, enum dns_type type);
/* Puts a made-up answer in the cache (spf --record): later lookups of
 * (name, DNS_T_TXT) get these strings as one TXT record. */
void dns_resolver_add_draft_txt(struct dns_resolver *res, const char *name,
    const struct dns_bytes *strings, size_t nstrings);
/* Waits until at least one outstanding question is answered. Returns
 * false when nothing is outstanding (every lookup can be answered now). */
bool dns_resolver_wait(struct dns_resolver *res);

/* Batch mode. dns_lookup() remembers the token set here with every
 * question it leaves in flight; when answers arrive, their tokens can be
 * taken with the tries the answer took, and when a question goes out,
 * the tokens of those waiting for it (the arrays stay the resolver's,
 * valid until the next call). */
struct dns_wake {
	void *token;
	unsigned tries;
};
void dns_resolver_set_waiter(struct dns_resolver *res, void *token);
size_t dns_resolver_take_ready(struct dns_resolver *res,
    const struct dns_wake **out);
size_t dns_resolver_take_started(struct dns_resolver *res, void *const **out);
/* True when no query is in flight, queued or waiting to be asked
 * again. */
bool dns_resolver_idle(const struct dns_resolver *res);
/* True while fewer questions are on the wire or queued than the window
 * allows: a batch starts another line then. */
bool dns_resolver_wants_more(const struct dns_resolver *res);
/* Distinct questions cached so far. */
size_t dns_resolver_questions(const struct dns_resolver *res);
/* Forgets every answer (they are freed): only when idle and nothing
 * holds an answer. Bounds the memory of a long batch. */
void dns_resolver_clear(struct dns_resolver *res);

/* Every final answer, in the order they completed (the query log). */
const struct dns_answer *const *dns_resolver_log(
    const struct dns_resolver *res, size_t *n);
void dns_resolver_stats(const struct dns_resolver *res,
    struct dns_stats *out);

#endif
