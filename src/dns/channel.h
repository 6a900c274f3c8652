/* The c-ares channel for a configuration: its options (timeouts, tries,
 * TCP, EDNS, socket buffer), the server (@SERVER resolved like dig does,
 * or the system's servers on another -p port), and one turn of its
 * poll() loop. The resolver above it owns the questions and answers. */
#ifndef MAILAUTH_DNS_CHANNEL_H
#define MAILAUTH_DNS_CHANNEL_H

#include <ares.h>
#include <stddef.h>

#include "dns/resolver.h"

/* RFC 6891 §6.2.5 leaves the EDNS payload size to the requestor; 1232
 * octets, the size DNS Flag Day 2020 chose, avoid IP fragmentation on
 * every common path. A UDP answer is never larger, so a larger one came
 * over TCP. */
#define DNS_EDNS_UDP_SIZE 1232

struct dns_channel {
	ares_channel ares;
	unsigned tcp_sockets;	/* stream sockets c-ares opened so far */
	size_t nservers;	/* servers in use; each gets its tries */
};

struct error;

/* Opens ch for cfg, whose timeout_ms and tries are set; resolving a
 * server name may take until deadline_ms from now. Returns 0, or -1 with
 * err set and nothing left open. */
int dns_channel_open(struct dns_channel *ch, const struct dns_config *cfg,
    unsigned deadline_ms, struct error *err);
void dns_channel_close(struct dns_channel *ch);
/* Polls the channel's sockets until one is ready or c-ares' next timeout,
 * never past deadline (monotonic ms), and lets c-ares process them. */
void dns_channel_poll(struct dns_channel *ch, double deadline);

#endif
