#include "dns/flight.h"

#include <ares.h>
#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "bounds.h"
#include "dns/channel.h"
#include "util/clock.h"
#include "util/heap.h"
#include "util/xalloc.h"

/* RFC 1035 §4.2.1: UDP messages without EDNS are at most 512 octets. */
#define PLAIN_UDP_SIZE 512
/* The retransmission timeout's floor: a DNS answer from a resolver
 * nearby takes a millisecond or two, one from across the world a few
 * hundred; RFC 6298's one second would leave a lost question idle for
 * dozens of round trips. */
#define RTO_FLOOR_MS 50.0

/*
 * Retransmission with c-ares 1.18. The channel can neither cancel one
 * query nor time each query on its own (its timeout and tries are
 * channel-wide), and a resend by c-ares keeps the query ID, so an answer
 * cannot tell which try it answers. In a batch the channel is therefore
 * opened with one try per query and a timeout of --timeout, and each
 * question is timed here: when its retransmission timeout (dns/flow.h,
 * from the measured round trips) passes, a new query with a new ID is
 * sent. The older query stays with c-ares until its own timeout, and
 * whichever try is answered first answers the question (later answers
 * are dropped). Each try has its own callback argument and send time, so
 * every round-trip sample is exact: Karn's rule (RFC 6298 §3) without
 * giving up the samples of retransmitted questions. A SERVFAIL or
 * REFUSED to the latest try waits out a backoff (the timeout of that
 * try) and is asked again; only a failure that persists through every
 * try is the answer.
 */

enum q_state { Q_IDLE, Q_QUEUED, Q_WIRE, Q_HELD, Q_DONE };

struct flight_question {
	const char *name;		/* the resolver's */
	enum dns_type type;
	enum q_state state;
	unsigned tries;			/* sent so far */
	unsigned short last_id;		/* the query ID of the latest try */
	unsigned reasks;		/* asked again: connection closed */
	unsigned tries_lost;		/* of those, with no answer since */
	size_t answers_at_send;		/* f->answers when (re)sent */
	double due;			/* WIRE: give up on the latest try;
					 * HELD: ask again */
};

/* One query: c-ares' callback argument, freed in the callback. */
struct flight_try {
	struct dns_flight *f;
	size_t idx;
	uint32_t generation;
	unsigned number;		/* 1 for the first try */
	uint32_t tag;			/* its round in the flow control */
	double sent_at;
	unsigned tcp_seq;		/* TCP sockets opened before it */
};

/* How a try ended. */
enum try_end { TRY_ANSWERED, TRY_REFUSED, TRY_LOST };

static void
push_timer(struct dns_flight *f, const struct flight_question *q)
{
	struct flight_timer t = { (size_t)(q - f->qs), q->tries,
	    f->generation, q->due };

	heap_push(&f->timers, q->due, &t);
}

/* Adds question idx to the queue: at the back when new, at the front
 * when it is asked again (its line has waited longest). */
static void
enqueue(struct dns_flight *f, size_t idx, bool front)
{
	if (f->qlen == f->qcap) {
		size_t newcap = f->qcap ? f->qcap * 2 : 64, i;
		size_t *q = xcalloc(newcap, sizeof(*q));

		for (i = 0; i < f->qlen; i++) {
			q[i] = f->queue[(f->qhead + i) % f->qcap];
		}
		free(f->queue);
		f->queue = q;
		f->qhead = 0;
		f->qcap = newcap;
	}
	if (front) {
		f->qhead = (f->qhead + f->qcap - 1) % f->qcap;
		f->queue[f->qhead] = idx;
	} else {
		f->queue[(f->qhead + f->qlen) % f->qcap] = idx;
	}
	f->qlen++;
	f->qs[idx].state = Q_QUEUED;
	f->waiting++;
}

static void
leave_state(struct dns_flight *f, struct flight_question *q)
{
	if (q->state == Q_WIRE) {
		f->in_flight--;
	} else if (q->state == Q_HELD) {
		f->held--;
	} else if (q->state == Q_QUEUED) {
		f->waiting--;
	}
}

static void
done(struct dns_flight *f, struct flight_question *q, struct dns_answer *ans)
{
	leave_state(f, q);
	q->state = Q_DONE;
	if (ans->tries == 0) {
		ans->tries = q->tries;
	}
	f->owner.answered(f->owner.ctx, (size_t)(q - f->qs), ans);
}

/* What a try's outcome says about the server. ares_send() passes any
 * rcode up as a success, so SERVFAIL and REFUSED are read from the
 * header (RFC 1035 §4.1.1). */
static enum try_end
end_of(int status, const unsigned char *abuf, int alen)
{
	if (status == ARES_SUCCESS && abuf != NULL && alen >= 4 &&
	    ((abuf[3] & 0x0f) == ns_r_servfail ||
	    (abuf[3] & 0x0f) == ns_r_refused)) {
		return TRY_REFUSED;
	}
	switch (status) {
	case ARES_ETIMEOUT:
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		return TRY_LOST;
	case ARES_ESERVFAIL:
	case ARES_EREFUSED:
	case ARES_ECONNREFUSED:
		return TRY_REFUSED;
	default:
		return TRY_ANSWERED;
	}
}

/* The latest try of q went unanswered: ask again, or end with a timeout
 * once every try is spent. */
static void
expire(struct dns_flight *f, struct flight_question *q)
{
	char why[64];

	if (q->tries < f->cfg.tries) {
		leave_state(f, q);
		enqueue(f, (size_t)(q - f->qs), true);
		return;
	}
	snprintf(why, sizeof(why), "no answer after %u tries", q->tries);
	done(f, q, dns_answer_without_response(*f->arena, q->name, q->type,
	    DNS_ANS_TIMEOUT, why));
}

/* Whether the outcome of try t ends question q. A failure of an older
 * try does not: the latest may still be answered. A failure of the
 * latest try with tries left asks again: at once after a loss (its
 * timeout was the wait), after a backoff after SERVFAIL or REFUSED. */
static bool
settled(struct dns_flight *f, struct flight_question *q,
    const struct flight_try *t, enum try_end end, double now)
{
	if (end == TRY_ANSWERED) {
		return true;
	}
	if (t->number != q->tries || q->state != Q_WIRE) {
		return false;
	}
	if (end == TRY_LOST) {
		expire(f, q);
		return false;
	}
	if (q->tries >= f->cfg.tries) {
		return true;
	}
	leave_state(f, q);
	q->state = Q_HELD;
	f->held++;
	q->due = now + dns_rtt_timeout(&f->flow.rtt, q->tries);
	push_timer(f, q);
	return false;
}

/* The answer to q from try t; timeouts: c-ares' own tries that timed
 * out before it (when c-ares asks again, outside a batch). */
static void
finish(struct dns_flight *f, struct flight_question *q,
    const struct flight_try *t, int status, const unsigned char *abuf,
    int alen, int timeouts, double now)
{
	struct dns_answer *ans = dns_answer_from_wire(*f->arena, q->name,
	    q->type, status, abuf, alen);

	ans->rtt_ms = now - t->sent_at;
	ans->tries = q->tries + (unsigned)(timeouts > 0 ? timeouts : 0);
	if (status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) {
		ans->error = f->cancel_why != NULL ? f->cancel_why :
		    DNS_DEADLINE_WHY;
	}
	/* c-ares 1.18 does not say which transport carried an answer: one
	 * longer than any UDP answer could be, or one over 512 octets after
	 * c-ares opened a TCP socket for it, came over TCP. */
	ans->tcp = f->cfg.tcp || (size_t)alen > DNS_EDNS_UDP_SIZE ||
	    ((size_t)alen > PLAIN_UDP_SIZE && f->ch->tcp_sockets > t->tcp_seq);
	if (abuf == NULL) {
		ans->tcp = f->cfg.tcp;
	}
	done(f, q, ans);
}

/* RFC 7766 §6.2.1: a client should ask again the questions a TCP
 * connection left unanswered when the server closed or reset it (c-ares
 * 1.18 ends them with ECONNREFUSED and, with one server, never asks again
 * on a new connection). A server that answered something since the
 * question was sent is alive and only closing connections, as it may: ask
 * again, the same try on a new connection, once the poll is over (not
 * inside c-ares' error handling), together with the others. A connection
 * that closed with no answer at all costs a try. */
static bool
ask_again(struct dns_flight *f, struct flight_question *q, int status,
    const unsigned char *abuf)
{
	bool progress = f->answers > q->answers_at_send;

	if (status != ARES_ECONNREFUSED || abuf != NULL ||
	    f->ch->tcp_sockets == 0 || f->cancelling || q->state != Q_WIRE ||
	    q->reasks >= DNS_MAX_REASKS ||
	    (!progress && q->tries_lost >= f->cfg.tries)) {
		return false;
	}
	q->reasks++;
	q->tries_lost += !progress;
	leave_state(f, q);
	q->tries--;
	enqueue(f, (size_t)(q - f->qs), true);
	return true;
}

static void
on_try(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct flight_try *t = arg;
	struct dns_flight *f = t->f;
	struct flight_question *q = NULL;
	enum try_end end = end_of(status, abuf, alen);
	double now = clock_ms();

	if (f->closing) {
		free(t);
		return;
	}
	if (abuf != NULL) {
		f->answers++;
	}
	if (t->generation == f->generation && t->idx < f->capqs) {
		q = &f->qs[t->idx];
	}
	if (q != NULL && t->number == q->tries && ask_again(f, q, status,
	    abuf)) {
		free(t);
		return;
	}
	if (end != TRY_LOST && !f->cancelling) {
		/* A status from c-ares itself (a bad name, no memory) says
		 * nothing about the round trip, and neither does a refusal:
		 * a rate limit refuses at once, an overloaded resolver after
		 * its own timeouts. Only a first try's refusal tells of load:
		 * a name refused again is more likely broken. */
		bool timed = end == TRY_ANSWERED && abuf != NULL;

		dns_flow_answered(&f->flow, t->tag, end == TRY_REFUSED &&
		    t->number == 1, timed ? now - t->sent_at : -1, now);
	}
	if (q != NULL && q->state != Q_DONE && q->state != Q_IDLE &&
	    (!f->cfg.retransmit || f->cancelling ||
	    settled(f, q, t, end, now))) {
		finish(f, q, t, status, abuf, alen,
		    f->cfg.retransmit ? 0 : timeouts, now);
	}
	free(t);
}

/* The query ares_query() would send (RD set, EDNS with our UDP size),
 * with the AD bit set as well: RFC 6840 §5.7 lets a validating resolver
 * set AD in the response only when the query had AD or DO, and the AD
 * bit is what DANE (RFC 7672 §2.2) depends on. c-ares 1.18 has no flag
 * for it, so the header is written here (RFC 1035 §4.1.1: byte 3). */
static int
build_query(ares_channel ch, const char *name, enum dns_type type,
    unsigned short id, unsigned char **qbuf, int *qlen)
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
	status = ares_create_query(name, C_IN, (int)type, id, 1, qbuf, qlen,
	    edns);

	if (status == ARES_SUCCESS) {
		(*qbuf)[3] |= 0x20;
	}
	return status;
}

/* ares_send() sends the ID of the query it is given (ares_send.c,
 * 1.18): like ares_query(), draw it at random (RFC 5452 §4.3), and unlike
 * the try before, so that an answer tells which try it answers. */
static unsigned short
query_id(struct flight_question *q)
{
	unsigned short id;

	do {
		if (RAND_bytes((unsigned char *)&id, sizeof(id)) != 1) {
			id = (unsigned short)(q->last_id + 1);
		}
	} while (q->tries > 0 && id == q->last_id);
	q->last_id = id;
	return id;
}

static void
send_try(struct dns_flight *f, struct flight_question *q, double now)
{
	struct flight_try *t = xcalloc(1, sizeof(*t));
	unsigned char *qbuf = NULL;
	int qlen = 0;

	t->f = f;
	t->idx = (size_t)(q - f->qs);
	t->generation = f->generation;
	t->number = ++q->tries;
	t->sent_at = now;
	t->tcp_seq = f->ch->tcp_sockets;
	q->answers_at_send = f->answers;
	leave_state(f, q);
	q->state = Q_WIRE;
	f->in_flight++;
	f->stats.tries++;
	if (t->number > 1) {
		f->stats.retries++;
	}
	if (f->in_flight > f->stats.max_in_flight) {
		f->stats.max_in_flight = f->in_flight;
	}
	t->tag = dns_flow_sent(&f->flow, f->in_flight + f->waiting, now);
	if (f->cfg.retransmit) {
		/* The last try waits as long as c-ares would: nothing comes
		 * after it. */
		q->due = now + (q->tries < f->cfg.tries ?
		    dns_rtt_timeout(&f->flow.rtt, q->tries) :
		    (double)f->cfg.timeout_ms);
		push_timer(f, q);
	}
	if (t->number == 1 && f->owner.first_sent != NULL) {
		f->owner.first_sent(f->owner.ctx, t->idx);
	}
	/* The callback may run before ares_send returns (no memory): the
	 * state above is already right for that. */
	if (build_query(f->ch->ares, q->name, q->type, query_id(q), &qbuf,
	    &qlen) != ARES_SUCCESS) {
		on_try(t, ARES_EBADNAME, 0, NULL, 0);
		return;
	}
	ares_send(f->ch->ares, qbuf, qlen, on_try, t);
	ares_free_string(qbuf);
}

/* Sends queued questions while the window and the pacing allow. */
static void
drain(struct dns_flight *f, double now)
{
	while (f->qlen > 0 && !f->cancelling &&
	    f->in_flight < dns_flow_window(&f->flow) &&
	    dns_flow_next_send(&f->flow, now) <= now) {
		size_t idx = f->queue[f->qhead];

		f->qhead = (f->qhead + 1) % f->qcap;
		f->qlen--;
		/* A question answered by an older try while it waited is
		 * left in the queue; skip it. */
		if (f->qs[idx].state == Q_QUEUED) {
			send_try(f, &f->qs[idx], now);
		}
	}
}

static void
run_timers(struct dns_flight *f, double now)
{
	while (f->timers.n > 0 && heap_min(&f->timers) <= now) {
		struct flight_timer e;
		struct flight_question *q;

		heap_pop(&f->timers, &e);
		q = &f->qs[e.idx];
		if (e.generation != f->generation || q->tries != e.tries ||
		    q->due != e.due) {
			continue;
		}
		if (q->state == Q_WIRE) {
			expire(f, q);
		} else if (q->state == Q_HELD) {
			leave_state(f, q);
			enqueue(f, e.idx, true);
		}
	}
}

void
dns_flight_init(struct dns_flight *f, const struct dns_flight_config *cfg,
    struct dns_channel *ch, struct arena **arena,
    const struct dns_flight_owner *owner)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	if (f->cfg.tries == 0) {
		f->cfg.tries = 1;
	}
	f->ch = ch;
	f->arena = arena;
	f->owner = *owner;
	heap_init(&f->timers, sizeof(struct flight_timer));
	dns_flow_init(&f->flow, &cfg->flow, RTO_FLOOR_MS,
	    (double)cfg->timeout_ms, clock_ms());
}

void
dns_flight_finish(struct dns_flight *f)
{
	dns_flow_finish(&f->flow);
	heap_finish(&f->timers);
	free(f->qs);
	free(f->queue);
	f->qs = NULL;
	f->queue = NULL;
}

void
dns_flight_ask(struct dns_flight *f, size_t idx, const char *name,
    enum dns_type type)
{
	struct flight_question *q;

	if (idx >= f->capqs) {
		size_t cap = f->capqs ? f->capqs : 64;

		while (cap <= idx) {
			cap *= 2;
		}
		f->qs = xreallocarray(f->qs, cap, sizeof(*f->qs));
		memset(f->qs + f->capqs, 0, (cap - f->capqs) * sizeof(*f->qs));
		f->capqs = cap;
	}
	q = &f->qs[idx];
	memset(q, 0, sizeof(*q));
	q->name = name;
	q->type = type;
	enqueue(f, idx, false);
	drain(f, clock_ms());
}

bool
dns_flight_was_sent(const struct dns_flight *f, size_t idx)
{
	return idx < f->capqs && f->qs[idx].tries > 0;
}

void
dns_flight_poll(struct dns_flight *f, double deadline)
{
	double now = clock_ms(), wake = deadline;

	run_timers(f, now);
	dns_flow_tick(&f->flow, now);
	drain(f, now);
	if (f->timers.n > 0 && heap_min(&f->timers) < wake) {
		wake = heap_min(&f->timers);
	}
	if (f->qlen > 0 && f->in_flight < dns_flow_window(&f->flow)) {
		double next = dns_flow_next_send(&f->flow, now);

		wake = next < wake ? next : wake;
	}
	dns_channel_poll(f->ch, wake);
	now = clock_ms();
	run_timers(f, now);
	dns_flow_tick(&f->flow, now);
	drain(f, now);
}

bool
dns_flight_idle(const struct dns_flight *f)
{
	return f->in_flight == 0 && f->held == 0 && f->waiting == 0;
}

void
dns_flight_cancel(struct dns_flight *f, const char *why)
{
	size_t i;

	f->cancelling = true;
	f->cancel_why = why;
	ares_cancel(f->ch->ares);
	for (i = 0; i < f->capqs; i++) {
		struct flight_question *q = &f->qs[i];

		if (q->state == Q_QUEUED || q->state == Q_HELD) {
			done(f, q, dns_answer_without_response(*f->arena,
			    q->name, q->type, DNS_ANS_TIMEOUT, why));
		}
	}
	f->qlen = 0;
	f->timers.n = 0;
	f->cancelling = false;
}

void
dns_flight_forget(struct dns_flight *f)
{
	f->generation++;
	f->waiting = 0;
	f->qlen = 0;
	f->qhead = 0;
	f->timers.n = 0;
}

void
dns_flight_get_stats(const struct dns_flight *f, struct dns_flight_stats *out)
{
	*out = f->stats;
	out->window = dns_flow_window(&f->flow);
	out->smallest = f->flow.smallest;
	out->largest = f->flow.largest;
}
