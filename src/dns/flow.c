#include "dns/flow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* RFC 6298 §2.1 and §2.3: the first RTO before any sample, and the
 * gains of the smoothed RTT (1/8) and of its variation (1/4). */
#define INITIAL_RTO_MS 1000.0
#define RTT_ALPHA 0.125
#define RTT_BETA 0.25
#define RTT_K 4.0
/* RFC 6298 §2.3's clock granularity G. */
#define CLOCK_GRANULARITY_MS 1.0
/* A server that answers each burst together gives round trips that vary
 * little from one to the next but drift as its load grows: the RTO stays
 * at least twice the smoothed round trip, so that an answer merely later
 * than the last ones is not asked again. */
#define RTO_SRTT_FACTOR 2.0

/*
 * The window controller. A DNS server shows overload in three ways: its
 * answers come later (a queue builds in its socket buffer or in the
 * resolver), questions go unanswered (a full buffer, a query limit, a
 * rate limit that drops), or it answers SERVFAIL or REFUSED (a resolver
 * out of recursion slots, a rate limit that refuses). A network or a
 * server may also lose a steady share of questions whatever the load, and
 * some names always fail; halving the window on every such loss, as TCP
 * Reno would, keeps it far below what the server can take.
 *
 * So the controller judges rounds: the tries sent in one stretch of time
 * (a round trip, or an eighth of the RTO if that is longer) under one
 * window, in the order they were sent, once each is answered or twice
 * the RTO has passed since the last of them went out; a try not
 * answered by then counts as lost (one merely later than its RTO was
 * asked again, but says more about delay than loss). A round is
 * congested when
 *   - its median round trip exceeds DELAY_FACTOR times the lowest median
 *     of the last BASE_PERIOD_MS plus DELAY_SLACK_MS (a queue, as TCP
 *     Vegas reads it), or
 *   - its share of lost and refused tries exceeds the ambient share (an
 *     average of that share over past rounds) by more than chance allows.
 * A congested round shrinks the window: by the excess share of failures
 * (which brings a window that overran a hard limit back to it at once),
 * to between CUT_LOSS_MIN and CUT_LOSS_MAX of it; a delay shrinks it to
 * CUT_DELAY. If the round after a cut for losses loses as much, the
 * losses did not track the load: they become the ambient share and the
 * cut is undone, so random loss never collapses the window (refusals are
 * not put to that test: a refusal frees its place at once, so a smaller
 * window lowers them only as far as the pace does); if half the
 * tries it counted lost are answered later after all, the server paused
 * rather than dropped, and the cut becomes one for a delay. Until the
 * first congestion (startup) every answer to a full window grows it by
 * one, which doubles it every round trip; after that, a round that was
 * not congested and filled the window grows it by an eighth, and by 3%
 * near the window of the last cut (where the limit probably is, as CUBIC
 * assumes, RFC 9438 §4.2). Rounds sent under an older window are not
 * judged: their outcomes say nothing about the new one.
 */
#define START_WINDOW 32.0
#define MIN_WINDOW 4.0
#define ROUND_MIN_TRIES 16
#define ROUND_RTO_SHARE 8.0
#define LOSS_WAIT 2.0
#define JUDGE_MIN_OUTCOMES 8
#define GROWTH 1.125
#define GROWTH_NEAR 1.03
#define NEAR_SHARE 0.9
#define FULL_SHARE 0.9
#define CUT_DELAY 0.85
#define CUT_LOSS_MAX 0.85
#define CUT_LOSS_MIN 0.5
#define DELAY_FACTOR 2.0
#define DELAY_SLACK_MS 5.0
#define LOSS_MARGIN 0.03
#define AMBIENT_GAIN 0.25
#define UNDO_SHARE 0.75
#define BASE_PERIOD_MS 10000.0

/* Pacing spreads the window's tries over a round trip, so that a server
 * with an ordinary socket buffer does not see the whole window in one
 * burst: PACE_GAIN times the window per smoothed RTT, with a burst of an
 * eighth of the window. A --qps bucket holds PACE_QPS_BURST_MS of
 * tries (so that a loop woken every millisecond or so still keeps the
 * rate) and refills by what is left of the second (qps_bucket()). */
#define PACE_GAIN 1.5
#define PACE_STARTUP_GAIN 2.5
#define PACE_MIN_BURST 8.0
#define PACE_QPS_BURST_MS 20.0

static double
clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void
dns_rtt_init(struct dns_rtt *r, double floor_ms, double ceiling_ms)
{
	memset(r, 0, sizeof(*r));
	r->floor_ms = floor_ms;
	r->ceiling_ms = ceiling_ms > floor_ms ? ceiling_ms : floor_ms;
	r->rto = clamp(INITIAL_RTO_MS, r->floor_ms, r->ceiling_ms);
}

/* RFC 6298 §2.2 and §2.3. */
void
dns_rtt_sample(struct dns_rtt *r, double rtt_ms)
{
	if (rtt_ms < 0) {
		return;
	}
	if (!r->measured) {
		r->srtt = rtt_ms;
		r->rttvar = rtt_ms / 2;
		r->measured = true;
	} else {
		r->rttvar = (1 - RTT_BETA) * r->rttvar +
		    RTT_BETA * fabs(r->srtt - rtt_ms);
		r->srtt = (1 - RTT_ALPHA) * r->srtt + RTT_ALPHA * rtt_ms;
	}
	r->rto = clamp(fmax(r->srtt + fmax(CLOCK_GRANULARITY_MS,
	    RTT_K * r->rttvar), RTO_SRTT_FACTOR * r->srtt), r->floor_ms,
	    r->ceiling_ms);
}

double
dns_rtt_timeout(const struct dns_rtt *r, unsigned tries)
{
	double t = r->rto;
	unsigned i;

	for (i = 1; i < tries && t < r->ceiling_ms; i++) {
		t *= 2;
	}
	return t < r->ceiling_ms ? t : r->ceiling_ms;
}

void
dns_flow_init(struct dns_flow *f, const struct dns_flow_config *cfg,
    double floor_ms, double ceiling_ms, double now)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	if (f->cfg.ceiling < 1) {
		f->cfg.ceiling = 1;
	}
	dns_rtt_init(&f->rtt, floor_ms, ceiling_ms);
	f->window = cfg->adapt ? clamp(START_WINDOW, 1,
	    (double)f->cfg.ceiling) : (double)f->cfg.ceiling;
	f->startup = cfg->adapt;
	f->base_rtt = f->next_base_rtt = INFINITY;
	f->base_since = now;
	f->refilled_at = now;
	f->pace_tokens = f->window;
	f->qps_tokens = 1;
	f->smallest = f->largest = dns_flow_window(f);
	/* Round ids start at 1: 0 marks a round already judged. */
	f->next_round = f->oldest = 1;
	f->rounds[1].id = 1;
	f->rounds[1].window = f->window;
	f->rounds[1].opened_at = now;
}

void
dns_flow_finish(struct dns_flow *f)
{
	size_t i;

	for (i = 0; i < DNS_FLOW_ROUNDS; i++) {
		free(f->rounds[i].rtts);
		f->rounds[i].rtts = NULL;
	}
}

/* Tries per second. Before any round trip is measured (a server that
 * only refuses, at once, gives none) the window goes out once per
 * initial RTO. */
static double
pace_rate(const struct dns_flow *f)
{
	double rtt = f->rtt.measured ? f->rtt.srtt : INITIAL_RTO_MS;

	if (!f->cfg.adapt) {
		return 0;
	}
	return (f->startup ? PACE_STARTUP_GAIN : PACE_GAIN) * f->window /
	    fmax(rtt, CLOCK_GRANULARITY_MS) * 1000;
}

/* --qps N means at most N tries in any one second, not N on average
 * with bursts above it: a bucket of B tokens that refills at R a second
 * lets out fewer than B + R tries in any second (each try takes a whole
 * token), so it refills at N - B + 1: 2% under N at most (B is one
 * below 100 a second), less what a loop woken late loses when the bucket
 * is full. */
static double
qps_bucket(const struct dns_flow *f, double *rate)
{
	double size = fmax(1, floor(f->cfg.qps * PACE_QPS_BURST_MS / 1000));

	*rate = f->cfg.qps - size + 1;
	return size;
}

/* Under --qps the window is at most what the rate lets out within a
 * retransmission timeout, plus one try waiting for its turn. Answers
 * that come back in time would otherwise grow the window (and start
 * lines) far past what the rate sends: the questions of the lines
 * started would wait in the queue behind one another, the later
 * questions of a line (an include) behind the first questions of
 * hundreds of others, while the line's deadline runs. Keeping the
 * window there leaves the rate busy (the RTO is at least twice the
 * round trip, so more than the rate's tries in flight fit in it), and a
 * question waits at most about an RTO before it goes out (before the
 * first answer, the RTO's floor stands for it: the initial RTO of a
 * second would start a second's worth of lines at once). Holding the
 * deadline while a line's questions wait instead would keep hundreds of
 * lines open for nothing. */
static double
qps_window(const struct dns_flow *f)
{
	if (f->cfg.qps <= 0) {
		return INFINITY;
	}
	return ceil(f->cfg.qps * (f->rtt.measured ? f->rtt.rto :
	    f->rtt.floor_ms) / 1000) + 1;
}

size_t
dns_flow_window(const struct dns_flow *f)
{
	return (size_t)fmin(f->window, qps_window(f));
}

/* The range of windows tries went out under, for the summary. */
static void
note_window(struct dns_flow *f)
{
	size_t w = dns_flow_window(f);

	if (w < f->smallest) {
		f->smallest = w;
	}
	if (w > f->largest) {
		f->largest = w;
	}
}

static void
refill(struct dns_flow *f, double now)
{
	double dt = (now - f->refilled_at) / 1000, rate = pace_rate(f);

	if (dt <= 0) {
		return;
	}
	f->refilled_at = now;
	if (rate > 0) {
		/* The first window may go out at once. */
		f->pace_tokens = fmin(fmax(fmax(PACE_MIN_BURST,
		    f->window / 8), f->pace_tokens), f->pace_tokens +
		    dt * rate);
	}
	if (f->cfg.qps > 0) {
		double qps_rate, size = qps_bucket(f, &qps_rate);

		f->qps_tokens = fmin(size, f->qps_tokens + dt * qps_rate);
	}
}

double
dns_flow_next_send(struct dns_flow *f, double now)
{
	double at = now, rate = pace_rate(f);

	refill(f, now);
	if (rate > 0 && f->pace_tokens < 1) {
		at = fmax(at, now + (1 - f->pace_tokens) / rate * 1000);
	}
	if (f->cfg.qps > 0 && f->qps_tokens < 1) {
		double qps_rate;

		qps_bucket(f, &qps_rate);
		at = fmax(at, now + (1 - f->qps_tokens) / qps_rate * 1000);
	}
	return at;
}

static void
set_window(struct dns_flow *f, double w)
{
	size_t before = (size_t)f->window;

	f->window = clamp(w, fmin(MIN_WINDOW, (double)f->cfg.ceiling),
	    (double)f->cfg.ceiling);
	if ((size_t)f->window != before) {
		f->epoch++;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Whether the round's median round trip shows a queue; keeps the lowest
 * median of the last BASE_PERIOD_MS (in two buckets, so that a low
 * reading ages out). */
static bool
delayed(struct dns_flow *f, struct dns_flow_round *r, double now)
{
	double median;

	if (r->nrtts < JUDGE_MIN_OUTCOMES / 2) {
		return false;
	}
	qsort(r->rtts, r->nrtts, sizeof(*r->rtts), cmp_double);
	median = r->rtts[r->nrtts / 2];
	if (now - f->base_since > BASE_PERIOD_MS) {
		f->base_rtt = f->next_base_rtt;
		f->next_base_rtt = INFINITY;
		f->base_since = now;
	}
	f->base_rtt = fmin(f->base_rtt, median);
	f->next_base_rtt = fmin(f->next_base_rtt, median);
	return median > f->base_rtt * DELAY_FACTOR + DELAY_SLACK_MS;
}

/* After a cut for failures, the next round tells whether they tracked
 * the load: if the smaller window fails as often, the failures are
 * ambient (random loss, names that always fail) and the cut is undone. */
static bool
undo_cut(struct dns_flow *f, double bad, double margin)
{
	double share = f->cut_share;

	f->cut_share = 0;
	if (share <= 0 || bad < UNDO_SHARE * share ||
	    bad <= f->ambient + margin) {
		return false;
	}
	f->ambient = fmin(bad, share);
	set_window(f, f->cut_from);
	return true;
}

/* Near the window of the last cut for failures, growth slows down, as
 * CUBIC's does (RFC 9438 §4.2): the server's limit is probably there. */
static bool
near_congestion(const struct dns_flow *f)
{
	return f->window > f->congested_at * NEAR_SHARE &&
	    f->window * NEAR_SHARE < f->congested_at;
}

static void
judge(struct dns_flow *f, struct dns_flow_round *r, double now)
{
	size_t n = r->sent;
	double bad, margin;
	bool slow;

	if (r->epoch != f->epoch || n < JUDGE_MIN_OUTCOMES) {
		return;
	}
	/* Tries unanswered by now are lost; late answers do not count. */
	bad = 1 - (double)r->answered / (double)n;
	/* Three standard deviations of a binomial share over n tries. */
	margin = fmax(LOSS_MARGIN, 3 * sqrt(fmax(f->ambient, 0.01) *
	    (1 - f->ambient) / (double)n));
	slow = delayed(f, r, now);
	if (undo_cut(f, bad, margin)) {
		return;
	}
	if (bad > f->ambient + margin) {
		f->startup = false;
		/* Refusals shrink with the window only as far as the pace
		 * does (a refusal frees its place at once): a cut they
		 * caused is not put to the test below. */
		f->cut_share = r->refused > n - r->answered - r->refused ? 0 :
		    bad;
		f->cut_from = f->congested_at = f->window;
		f->cut_round = r->id;
		f->cut_lost = n - r->answered - r->refused;
		f->late = 0;
		set_window(f, f->window * clamp(1 - (bad - f->ambient),
		    CUT_LOSS_MIN, CUT_LOSS_MAX));
		return;
	}
	f->ambient += (bad - f->ambient) * AMBIENT_GAIN;
	if (slow) {
		f->startup = false;
		set_window(f, f->window * CUT_DELAY);
	} else if (!f->startup &&
	    (double)r->busiest >= floor(r->window) * FULL_SHARE) {
		set_window(f, f->window * (near_congestion(f) ? GROWTH_NEAR :
		    GROWTH));
	}
}

static struct dns_flow_round *
round_of(struct dns_flow *f, uint32_t id)
{
	struct dns_flow_round *r = &f->rounds[id % DNS_FLOW_ROUNDS];

	return r->id == id ? r : NULL;
}

/* Judges, oldest first, the rounds whose tries have all had an RTO to be
 * answered. */
static void
judge_due(struct dns_flow *f, double now)
{
	while (f->oldest != f->next_round) {
		struct dns_flow_round *r = round_of(f, f->oldest);

		if (r != NULL) {
			if (now < r->last_sent + LOSS_WAIT * f->rtt.rto &&
			    r->answered + r->refused < r->sent) {
				return;
			}
			judge(f, r, now);
			r->id = 0;
		}
		f->oldest++;
	}
}

static void
open_round(struct dns_flow *f, double now)
{
	struct dns_flow_round *r;
	double *rtts;
	size_t cap;

	f->next_round++;
	r = &f->rounds[f->next_round % DNS_FLOW_ROUNDS];
	rtts = r->rtts;
	cap = r->caprtts;
	memset(r, 0, sizeof(*r));
	r->rtts = rtts;
	r->caprtts = cap;
	r->id = f->next_round;
	r->epoch = f->epoch;
	r->window = f->window;
	r->opened_at = now;
}

/* A round lasts a round trip, and at least an eighth of the RTO so that
 * the rounds waiting to be judged fit in the ring. */
static double
round_span(const struct dns_flow *f)
{
	return f->rtt.measured ? fmax(f->rtt.srtt, f->rtt.rto /
	    ROUND_RTO_SHARE) : f->rtt.rto / ROUND_RTO_SHARE;
}

void
dns_flow_tick(struct dns_flow *f, double now)
{
	struct dns_flow_round *r = &f->rounds[f->next_round % DNS_FLOW_ROUNDS];

	if (!f->cfg.adapt) {
		return;
	}
	if (r->sent > 0 && now - r->opened_at >= round_span(f)) {
		open_round(f, now);
	}
	judge_due(f, now);
}

uint32_t
dns_flow_sent(struct dns_flow *f, size_t demand, double now)
{
	struct dns_flow_round *r = &f->rounds[f->next_round % DNS_FLOW_ROUNDS];

	refill(f, now);
	note_window(f);
	if (pace_rate(f) > 0) {
		f->pace_tokens -= 1;
	}
	if (f->cfg.qps > 0) {
		f->qps_tokens -= 1;
	}
	if (r->epoch != f->epoch || (r->sent >= ROUND_MIN_TRIES &&
	    now - r->opened_at >= round_span(f))) {
		open_round(f, now);
		r = &f->rounds[f->next_round % DNS_FLOW_ROUNDS];
	}
	r->sent++;
	r->last_sent = now;
	if (demand > r->busiest) {
		r->busiest = demand;
	}
	return r->id;
}

/* A late answer to a try of the round that caused the last cut: when
 * half of what that round counted lost was only late, the server paused
 * rather than dropped (as the Eifel response undoes a spurious cut for
 * TCP, RFC 4015): the window goes back to what a delay would have left. */
static void
late_answer(struct dns_flow *f)
{
	if (f->cut_lost == 0 || ++f->late * 2 < f->cut_lost) {
		return;
	}
	f->cut_round = 0;
	f->cut_share = 0;
	f->congested_at = 0;
	if (f->window < f->cut_from * CUT_DELAY) {
		set_window(f, f->cut_from * CUT_DELAY);
	}
}

/* Startup grows the window by one for each answer while it is full, as
 * TCP's slow start does (RFC 5681 §3.1): it doubles every round trip.
 * The window's epoch stays, so the rounds of startup are judged and the
 * first congestion ends it. */
static void
slow_start(struct dns_flow *f, const struct dns_flow_round *r)
{
	if (f->startup && r->epoch == f->epoch &&
	    (double)r->busiest >= floor(r->window) * FULL_SHARE &&
	    f->window < (double)f->cfg.ceiling) {
		f->window += 1;
	}
}

void
dns_flow_answered(struct dns_flow *f, uint32_t tag, bool refused,
    double rtt_ms, double now)
{
	struct dns_flow_round *r;

	if (rtt_ms >= 0) {
		dns_rtt_sample(&f->rtt, rtt_ms);
	}
	if (!f->cfg.adapt) {
		return;
	}
	if ((r = round_of(f, tag)) == NULL) {
		if (tag != 0 && tag == f->cut_round && !refused) {
			late_answer(f);
		}
		return;
	}
	if (refused) {
		r->refused++;
	} else {
		r->answered++;
		slow_start(f, r);
		if (rtt_ms >= 0) {
			if (r->nrtts == r->caprtts) {
				r->caprtts = r->caprtts ? r->caprtts * 2 : 64;
				r->rtts = xreallocarray(r->rtts, r->caprtts,
				    sizeof(*r->rtts));
			}
			r->rtts[r->nrtts++] = rtt_ms;
		}
	}
	dns_flow_tick(f, now);
}
