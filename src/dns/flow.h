/* How fast a batch asks (--batch): how long to wait for an answer before
 * asking again (RFC 6298 applied to DNS), how many questions to keep on
 * the wire (a window that adapts to what the server shows), and when the
 * next one may go out (pacing and --qps). Pure: every function is given
 * the time (monotonic ms), so simulated servers test it (tests/unit/
 * test_flow.c). A flow owns only its round buffers: dns_flow_finish()
 * frees them. */
#ifndef MAILAUTH_DNS_FLOW_H
#define MAILAUTH_DNS_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 6298 §2: the smoothed round-trip time and its variation give the
 * retransmission timeout (RTO), here kept between a floor sized for DNS
 * (tens of milliseconds, not RFC 6298's one second) and --timeout. */
struct dns_rtt {
	double srtt, rttvar;	/* ms; meaningful once measured */
	double rto;		/* ms */
	double floor_ms, ceiling_ms;
	bool measured;		/* a sample has been taken */
};

void dns_rtt_init(struct dns_rtt *r, double floor_ms, double ceiling_ms);
/* Takes a round-trip sample. Karn's rule holds because the caller only
 * gives samples of answers that identify the try they answer. */
void dns_rtt_sample(struct dns_rtt *r, double rtt_ms);
/* How long to wait for try number `tries` (1 for the first): the RTO,
 * doubled for each earlier try (RFC 6298 §5.5), at most the ceiling. */
double dns_rtt_timeout(const struct dns_rtt *r, unsigned tries);

struct dns_flow_config {
	size_t ceiling;		/* --concurrency: the largest window */
	bool adapt;		/* false (--no-adapt): the window stays at
				 * the ceiling, sends are not paced */
	double qps;		/* --qps: tries per second at most; 0: none */
};

/* The tries sent in one stretch of time, judged together once each has
 * had its time to be answered. */
struct dns_flow_round {
	uint32_t id;		/* 0: judged */
	uint32_t epoch;		/* the window they were sent under */
	double window;		/* its size when the round opened */
	size_t sent, answered, refused;
	size_t busiest;		/* most questions wanting the wire */
	double opened_at, last_sent;
	double *rtts;		/* samples of the answers, for the median */
	size_t nrtts, caprtts;
};

#define DNS_FLOW_ROUNDS 32

struct dns_flow {
	struct dns_flow_config cfg;
	struct dns_rtt rtt;
	double window;
	bool startup;		/* doubling until the first congestion */
	uint32_t epoch;		/* counts changes of the window */
	uint32_t next_round;	/* id of the round being filled */
	uint32_t oldest;	/* id of the oldest round not judged */
	struct dns_flow_round rounds[DNS_FLOW_ROUNDS];
	double ambient;		/* share of tries lost or refused whatever
				 * the load (random loss, broken names) */
	double cut_share;	/* failures that caused the last cut; 0:
				 * none to check */
	double cut_from;	/* the window before that cut */
	double congested_at;	/* the window of the last cut for failures:
				 * growth slows near it */
	uint32_t cut_round;	/* the round that caused that cut */
	size_t cut_lost, late;	/* its tries counted lost; of those,
				 * answered late since */
	double base_rtt, next_base_rtt;	/* lowest round median, ms */
	double base_since;	/* when next_base_rtt started collecting */
	double pace_tokens, qps_tokens, refilled_at;
	size_t smallest, largest;	/* range of the windows tries went
					 * out under, for the summary */
};

void dns_flow_init(struct dns_flow *f, const struct dns_flow_config *cfg,
    double floor_ms, double ceiling_ms, double now);
void dns_flow_finish(struct dns_flow *f);

/* The number of questions that may be on the wire now: the window, and
 * under --qps at most what the rate lets out within an RTO. */
size_t dns_flow_window(const struct dns_flow *f);
/* When pacing and --qps let the next try go out: now or later. */
double dns_flow_next_send(struct dns_flow *f, double now);
/* Records a try sent while `demand` questions (this one included) are
 * on the wire or waiting for the window; returns the tag to give with
 * its answer. */
uint32_t dns_flow_sent(struct dns_flow *f, size_t demand, double now);
/* The try tagged `tag` was answered after rtt_ms (negative: not a round
 * trip, c-ares answered itself); refused: with SERVFAIL or REFUSED,
 * which an overloaded server gives. A try never answered needs no call:
 * its round counts it lost when judged. */
void dns_flow_answered(struct dns_flow *f, uint32_t tag, bool refused,
    double rtt_ms, double now);
/* Lets time pass: judges the rounds that are due. Call it at least every
 * RTO while tries are on the wire. */
void dns_flow_tick(struct dns_flow *f, double now);

#endif
