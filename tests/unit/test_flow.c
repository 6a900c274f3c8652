/* dns/flow.c: RFC 6298 timeouts, and the window controller against
 * simulated servers: each simulated try is answered, refused or lost as
 * a server of that kind would, and the controller must settle where the
 * server works best. Also util/heap.c, which orders the events. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dns/flow.h"
#include "util/heap.h"

Test(rtt, first_sample_and_smoothing_follow_rfc6298)
{
	struct dns_rtt r;

	dns_rtt_init(&r, 50, 5000);
	cr_assert_float_eq(r.rto, 1000, 1e-9);	/* §2.1 */
	dns_rtt_sample(&r, 100);		/* §2.2 */
	cr_assert_float_eq(r.srtt, 100, 1e-9);
	cr_assert_float_eq(r.rttvar, 50, 1e-9);
	cr_assert_float_eq(r.rto, 300, 1e-9);
	dns_rtt_sample(&r, 200);		/* §2.3 */
	cr_assert_float_eq(r.rttvar, 0.75 * 50 + 0.25 * 100, 1e-9);
	cr_assert_float_eq(r.srtt, 0.875 * 100 + 0.125 * 200, 1e-9);
	cr_assert_float_eq(r.rto, r.srtt + 4 * r.rttvar, 1e-9);
}

Test(rtt, floor_ceiling_and_backoff)
{
	struct dns_rtt r;

	dns_rtt_init(&r, 50, 800);
	cr_assert_float_eq(r.rto, 800, 1e-9);	/* initial, capped */
	dns_rtt_sample(&r, 1);
	dns_rtt_sample(&r, 1);
	cr_assert_float_eq(r.rto, 50, 1e-9);	/* the DNS floor */
	cr_assert_float_eq(dns_rtt_timeout(&r, 1), 50, 1e-9);
	cr_assert_float_eq(dns_rtt_timeout(&r, 2), 100, 1e-9);
	cr_assert_float_eq(dns_rtt_timeout(&r, 4), 400, 1e-9);
	cr_assert_float_eq(dns_rtt_timeout(&r, 5), 800, 1e-9);
	cr_assert_float_eq(dns_rtt_timeout(&r, 30), 800, 1e-9);
	dns_rtt_sample(&r, 10000);
	cr_assert_float_eq(r.rto, 800, 1e-9);	/* --timeout */
}

/* -- a discrete-event simulation ------------------------------------ */

enum server_kind { PLAIN, QUEUE_LIMIT, RATE_LIMIT, CPU_BOUND, STALLING };

struct server {
	enum server_kind kind;
	double delay_ms;	/* every answer waits this long */
	double loss;		/* share lost at random, whatever the load */
	double limit;		/* QUEUE_LIMIT: questions held at once;
				 * RATE_LIMIT: answers per second;
				 * CPU_BOUND: questions per second;
				 * STALLING: ms of every second it
				 * answers nothing (and then all) */
	size_t held;
	double tokens, refilled_at, busy_until;
};

/* A reply reaches the client, a question held by the server is done
 * with, the client gives up on a lost question, may send again, or
 * wakes up as a client's timers wake it. */
enum ev_kind { EV_ANSWER, EV_REFUSAL, EV_RELEASE, EV_GIVE_UP, EV_WAKE,
    EV_TICK };

struct event {
	double at;
	enum ev_kind kind;
	uint32_t tag;
	double sent_at;
};

struct sim {
	struct heap events;
	struct dns_flow flow;
	struct server srv;
	size_t in_flight;
	double now;
	unsigned seed;
	/* measured over the second half */
	double window_sum;
	size_t window_samples, answered, failed;
	double rtt_sum;
};

static void
push(struct sim *s, struct event e)
{
	heap_push(&s->events, e.at, &e);
}

static double
chance(struct sim *s)
{
	return (double)rand_r(&s->seed) / ((double)RAND_MAX + 1);
}

/* What the server does with a question sent now: the outcome and when
 * the client learns it. */
static void
serve(struct sim *s, uint32_t tag)
{
	struct server *v = &s->srv;
	struct event e = { .tag = tag, .sent_at = s->now,
	    .kind = EV_ANSWER };
	double reply = s->now + v->delay_ms;

	if (chance(s) < v->loss) {
		e.kind = EV_GIVE_UP;
	} else if (v->kind == QUEUE_LIMIT) {
		if ((double)v->held >= v->limit) {
			e.kind = EV_GIVE_UP;
		} else {
			v->held++;
			push(s, (struct event){ .at = reply,
			    .kind = EV_RELEASE });
		}
	} else if (v->kind == RATE_LIMIT) {
		v->tokens = fmin(v->limit / 50, v->tokens +
		    (s->now - v->refilled_at) * v->limit / 1000);
		v->refilled_at = s->now;
		if (v->tokens < 1) {
			e.kind = EV_REFUSAL;	/* at once */
			reply = s->now + 0.1;
		} else {
			v->tokens -= 1;
		}
	} else if (v->kind == CPU_BOUND) {
		v->busy_until = fmax(v->busy_until, s->now) + 1000 / v->limit;
		reply = v->busy_until + v->delay_ms;
	} else if (v->kind == STALLING && fmod(reply, 1000) < v->limit) {
		reply += v->limit - fmod(reply, 1000);
	}
	e.at = e.kind == EV_GIVE_UP ? s->now +
	    dns_rtt_timeout(&s->flow.rtt, 1) : reply;
	push(s, e);
}

/* Runs the client, which always has questions to ask, for ms. */
static void
simulate(struct sim *s, double ms, size_t ceiling, bool adapt)
{
	struct dns_flow_config cfg = { .ceiling = ceiling, .adapt = adapt };

	s->seed = 1;
	heap_init(&s->events, sizeof(struct event));
	dns_flow_init(&s->flow, &cfg, 50, 5000, 0);
	push(s, (struct event){ .at = 0, .kind = EV_WAKE });
	push(s, (struct event){ .at = 0, .kind = EV_TICK });
	while (s->events.n > 0) {
		struct event e;
		double next = s->now;

		heap_pop(&s->events, &e);
		s->now = e.at;
		if (s->now > ms) {
			break;
		}
		if (e.kind == EV_RELEASE) {
			s->srv.held--;
		} else if (e.kind == EV_TICK) {
			push(s, (struct event){ .at = s->now + 5,
			    .kind = EV_TICK });
		} else if (e.kind != EV_WAKE) {
			s->in_flight--;
			if (e.kind != EV_GIVE_UP) {
				/* As dns/flight.c: no round trip from a
				 * refusal. */
				dns_flow_answered(&s->flow, e.tag,
				    e.kind == EV_REFUSAL, e.kind == EV_REFUSAL ?
				    -1 : s->now - e.sent_at, s->now);
			}
			if (s->now > ms / 2 && e.kind == EV_ANSWER) {
				s->answered++;
				s->rtt_sum += s->now - e.sent_at;
			} else if (s->now > ms / 2) {
				s->failed++;
			}
		}
		dns_flow_tick(&s->flow, s->now);
		while (s->in_flight < dns_flow_window(&s->flow) &&
		    (next = dns_flow_next_send(&s->flow, s->now)) <= s->now) {
			s->in_flight++;
			serve(s, dns_flow_sent(&s->flow, s->in_flight,
			    s->now));
		}
		if (s->in_flight < dns_flow_window(&s->flow)) {
			push(s, (struct event){ .at = fmax(next, s->now + 0.01),
			    .kind = EV_WAKE });
		}
		if (s->now > ms / 2) {
			s->window_sum += (double)dns_flow_window(&s->flow);
			s->window_samples++;
		}
	}
	dns_flow_finish(&s->flow);
	heap_finish(&s->events);
}

static double
mean_window(const struct sim *s)
{
	return s->window_sum / (double)s->window_samples;
}

static double
failed_share(const struct sim *s)
{
	return (double)s->failed / (double)(s->answered + s->failed);
}

Test(flow, random_loss_does_not_collapse_the_window)
{
	struct sim s = { .srv = { .kind = PLAIN, .delay_ms = 30,
	    .loss = 0.05 } };

	simulate(&s, 20000, 512, true);
	cr_assert_gt(mean_window(&s), 0.8 * 512, "mean window %.0f",
	    mean_window(&s));
}

Test(flow, heavy_random_loss_does_not_collapse_the_window)
{
	struct sim s = { .srv = { .kind = PLAIN, .delay_ms = 30,
	    .loss = 0.2 } };

	simulate(&s, 20000, 512, true);
	cr_assert_gt(mean_window(&s), 0.7 * 512, "mean window %.0f",
	    mean_window(&s));
}

Test(flow, a_queue_limit_is_found_and_little_is_lost)
{
	struct sim s = { .srv = { .kind = QUEUE_LIMIT, .delay_ms = 30,
	    .limit = 100 } };

	simulate(&s, 20000, 512, true);
	cr_assert(mean_window(&s) > 70 && mean_window(&s) < 140,
	    "mean window %.0f", mean_window(&s));
	cr_assert_lt(failed_share(&s), 0.08, "lost %.3f", failed_share(&s));
}

Test(flow, a_queue_limit_under_random_loss)
{
	struct sim s = { .srv = { .kind = QUEUE_LIMIT, .delay_ms = 30,
	    .limit = 200, .loss = 0.05 } };

	simulate(&s, 20000, 512, true);
	cr_assert(mean_window(&s) > 140 && mean_window(&s) < 280,
	    "mean window %.0f", mean_window(&s));
	cr_assert_lt(failed_share(&s), 0.15, "lost %.3f", failed_share(&s));
}

Test(flow, a_rate_limit_that_refuses_is_found)
{
	struct sim s = { .srv = { .kind = RATE_LIMIT, .delay_ms = 30,
	    .limit = 2000 } };
	double rate;

	simulate(&s, 20000, 512, true);
	rate = (double)s.answered / 10;
	cr_assert_gt(rate, 0.8 * 2000, "%.0f answers/s", rate);
	/* Refusals come at once and free their place as fast: the pace,
	 * not the window, holds the rate. */
	cr_assert_lt(failed_share(&s), 0.15, "refused %.3f",
	    failed_share(&s));
}

Test(flow, a_queue_in_the_server_is_kept_short)
{
	struct sim s = { .srv = { .kind = CPU_BOUND, .delay_ms = 30,
	    .limit = 5000 } };
	double rate;

	simulate(&s, 20000, 512, true);
	rate = (double)s.answered / 10;
	cr_assert_gt(rate, 0.9 * 5000, "%.0f answers/s", rate);
	/* At the ceiling it would be 30 + 512 / 5 ms. */
	cr_assert_lt(s.rtt_sum / (double)s.answered, 2.5 * 30,
	    "mean round trip %.1f ms", s.rtt_sum / (double)s.answered);
}

Test(flow, a_pause_is_not_a_loss)
{
	struct sim s = { .srv = { .kind = STALLING, .delay_ms = 30,
	    .limit = 150 } };
	/* The full window's rate, for the 85% of the time it answers. */
	double best = 512 / 30.0 * 1000 * 0.85, rate;

	simulate(&s, 20000, 512, true);
	rate = (double)s.answered / 10;
	cr_assert_gt(rate, 0.9 * best, "%.0f answers/s", rate);
}

Test(flow, no_adapt_holds_the_window)
{
	struct sim s = { .srv = { .kind = QUEUE_LIMIT, .delay_ms = 30,
	    .limit = 100 } };

	simulate(&s, 5000, 256, false);
	cr_assert_float_eq(mean_window(&s), 256, 1e-9);
}

Test(heap, pops_in_key_order)
{
	struct heap h;
	unsigned seed = 7, i, item, last = 0;
	double key;

	heap_init(&h, sizeof(item));
	for (i = 0; i < 1000; i++) {
		item = (unsigned)rand_r(&seed) % 500;
		heap_push(&h, item, &item);
	}
	for (i = 0; i < 1000; i++) {
		key = heap_min(&h);
		heap_pop(&h, &item);
		cr_assert_float_eq((double)item, key, 0);
		cr_assert_geq(item, last);
		last = item;
	}
	cr_assert_eq(h.n, 0);
	heap_finish(&h);
}

Test(flow, qps_caps_the_rate)
{
	struct dns_flow f;
	struct dns_flow_config cfg = { .ceiling = 512, .adapt = false,
	    .qps = 100 };
	double now = 0;
	size_t sent = 0;

	dns_flow_init(&f, &cfg, 50, 5000, 0);
	while (now < 10000) {
		double next = dns_flow_next_send(&f, now);

		if (next <= now) {
			dns_flow_sent(&f, 1, now);
			sent++;
		} else {
			now = next;
		}
	}
	dns_flow_finish(&f);
	cr_assert(sent >= 990 && sent <= 1010, "%zu sent in 10 s", sent);
}

/* Sends as fast as --qps lets for 10 s, from a loop that wakes as
 * dns/flight.c's does: at the next send rounded up to the millisecond
 * (poll(2)), up to a millisecond later, now and then 10 ms late. Returns
 * how many went out, and in *busiest the most in any one second (a
 * window [t, t + 1000)). */
static size_t
send_at_qps(double qps, size_t *busiest)
{
	struct dns_flow f;
	struct dns_flow_config cfg = { .ceiling = 512, .adapt = false,
	    .qps = qps };
	double now = 0, *at = calloc(1000000, sizeof(*at));
	size_t sent = 0, first = 0;
	unsigned seed = 3;

	dns_flow_init(&f, &cfg, 50, 5000, 0);
	*busiest = 0;
	while (now < 10000 && sent < 1000000) {
		while (dns_flow_next_send(&f, now) <= now) {
			dns_flow_sent(&f, 1, now);
			at[sent++] = now;
			while (at[first] <= now - 1000) {
				first++;
			}
			if (sent - first > *busiest) {
				*busiest = sent - first;
			}
		}
		now = ceil(dns_flow_next_send(&f, now)) +
		    (double)(rand_r(&seed) % 100) / 100 +
		    (rand_r(&seed) % 100 == 0 ? 10 : 0);
	}
	dns_flow_finish(&f);
	free(at);
	return sent;
}

Test(flow, qps_is_never_exceeded_in_any_second)
{
	static const double rates[] = { 1, 7, 50, 137, 2000, 20000 };
	size_t i, sent, busiest;

	for (i = 0; i < sizeof(rates) / sizeof(*rates); i++) {
		sent = send_at_qps(rates[i], &busiest);
		cr_assert_leq(busiest, (size_t)rates[i],
		    "--qps %.0f: %zu in one second", rates[i], busiest);
		cr_assert_geq((double)sent, 0.9 * 10 * rates[i] - 1,
		    "--qps %.0f: %zu in 10 s", rates[i], sent);
	}
}
