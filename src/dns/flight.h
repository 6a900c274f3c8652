/* Questions on the wire: the queue behind the window and, in a batch, the
 * tries of each question, the timers that ask again, and the flow control
 * that sizes the window (dns/flow.h), over one c-ares channel. The
 * resolver (dns/resolver.c) owns the questions' names and the answers;
 * a flight refers to questions by the resolver's index. */
#ifndef MAILAUTH_DNS_FLIGHT_H
#define MAILAUTH_DNS_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/answer.h"
#include "dns/flow.h"
#include "util/heap.h"

struct arena;
struct dns_channel;
struct flight_question;

/* Where a flight reports to: the first try of a question went out, and
 * a question's final answer (built in *arena). */
struct dns_flight_owner {
	void *ctx;
	void (*first_sent)(void *ctx, size_t idx);
	void (*answered)(void *ctx, size_t idx, struct dns_answer *ans);
};

struct dns_flight_config {
	/* true (a batch): tries of their own with a fresh query ID each,
	 * timed by the measured round trip; false: c-ares' tries. */
	bool retransmit;
	unsigned tries;		/* per question, when retransmitting */
	unsigned timeout_ms;	/* per try; the RTO's ceiling */
	bool tcp;		/* every query over TCP */
	struct dns_flow_config flow;
};

struct dns_flight_stats {
	size_t tries;		/* queries sent */
	size_t retries;		/* of those, second and later tries */
	size_t max_in_flight;
	size_t window, smallest, largest;
};

/* A timer: question idx is due at `due` for its try number `tries`. */
struct flight_timer {
	size_t idx;
	unsigned tries;
	uint32_t generation;
	double due;
};

struct dns_flight {
	struct dns_flight_config cfg;
	struct dns_channel *ch;
	struct arena **arena;
	struct dns_flight_owner owner;
	struct flight_question *qs;	/* by the resolver's index */
	size_t capqs;
	size_t *queue;			/* ring: waiting for the window */
	size_t qhead, qlen, qcap;
	struct heap timers;		/* of struct flight_timer, by due */
	struct dns_flow flow;
	size_t in_flight;		/* questions on the wire */
	size_t held;			/* waiting out a backoff */
	size_t waiting;			/* queued */
	size_t answers;			/* responses received so far */
	struct dns_flight_stats stats;
	uint32_t generation;		/* changes when questions are
					 * forgotten */
	bool cancelling;		/* inside dns_flight_cancel() */
	const char *cancel_why;		/* its why, for the answers c-ares
					 * cancels on the wire */
	bool closing;			/* set before the channel closes:
					 * callbacks then only free */
};

/* Sets f up; *arena is where answers are built (it may be replaced
 * between questions). */
void dns_flight_init(struct dns_flight *f,
    const struct dns_flight_config *cfg, struct dns_channel *ch,
    struct arena **arena, const struct dns_flight_owner *owner);
/* Frees what the flight holds; the channel must be closed first, so that
 * no try is outstanding. */
void dns_flight_finish(struct dns_flight *f);
/* Asks question idx (name in the resolver's arena): sent now if the
 * window allows, else queued. The answer may be reported before this
 * returns (a name c-ares cannot send). */
void dns_flight_ask(struct dns_flight *f, size_t idx, const char *name,
    enum dns_type type);
/* Whether question idx has had its first try sent. */
bool dns_flight_was_sent(const struct dns_flight *f, size_t idx);
/* One turn: waits for an answer or a timer, never past deadline
 * (monotonic ms), then asks again what is due and sends what the window
 * allows. */
void dns_flight_poll(struct dns_flight *f, double deadline);
/* True when no question is on the wire, queued or waiting to be asked
 * again. */
bool dns_flight_idle(const struct dns_flight *f);
/* Ends every question with an answer saying why (a timeout): those not
 * sent, and those on the wire, which c-ares cancels. */
void dns_flight_cancel(struct dns_flight *f, const char *why);
/* Forgets every question (only when idle): the resolver starts afresh,
 * and a late answer to a forgotten try is dropped. */
void dns_flight_forget(struct dns_flight *f);
void dns_flight_get_stats(const struct dns_flight *f,
    struct dns_flight_stats *out);

#endif
