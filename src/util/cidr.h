/* Sets of IP networks, merged: contained networks dropped and sibling
 * halves joined (RFC 4632 aggregation). Memory comes from the arena. */
#ifndef MAILAUTH_UTIL_CIDR_H
#define MAILAUTH_UTIL_CIDR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/ip.h"

struct arena;

struct cidr_set {
	struct ip_net *nets;
	size_t n, cap;
};

void cidr_set_add(struct arena *a, struct cidr_set *set,
    const struct ip_net *net);
/* Sorts (IPv4 first, then by address), drops duplicates and networks
 * inside others, and joins adjacent halves into their parent. */
void cidr_set_aggregate(struct cidr_set *set);
/* Removes every address of net from set: a network of set that holds
 * net is split into the halves around it (RFC 4632 §3.1). */
void cidr_set_remove(struct arena *a, struct cidr_set *set,
    const struct ip_net *net);
/* True when a and b share an address (CIDR blocks nest or are apart). */
bool cidr_overlaps(const struct ip_net *a, const struct ip_net *b);

#endif
