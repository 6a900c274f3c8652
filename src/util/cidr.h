/* Sets of IP networks, merged: contained networks dropped and sibling
 * halves joined (RFC 4632 aggregation). Memory comes from the arena. */
#ifndef MAILAUTH_UTIL_CIDR_H
#define MAILAUTH_UTIL_CIDR_H

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

#endif
