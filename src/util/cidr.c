#include "util/cidr.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/arena.h"

void
cidr_set_add(struct arena *a, struct cidr_set *set, const struct ip_net *net)
{
	set->nets = array_grow(a, set->nets, set->n, &set->cap,
	    sizeof(*set->nets));
	set->nets[set->n++] = ip_net_make(&net->addr, net->prefix);
}

static int
compare(const void *pa, const void *pb)
{
	const struct ip_net *a = pa, *b = pb;
	int c;

	if (a->addr.family != b->addr.family) {
		return a->addr.family == AF_INET ? -1 : 1;
	}
	c = memcmp(a->addr.bytes, b->addr.bytes, ip_bits(&a->addr) / 8);
	if (c != 0) {
		return c;
	}
	return (int)a->prefix - (int)b->prefix;
}

/* True when a and b are the two halves of one network of prefix - 1. */
static bool
siblings(const struct ip_net *a, const struct ip_net *b)
{
	struct ip_net pa, pb;

	if (a->addr.family != b->addr.family || a->prefix != b->prefix ||
	    a->prefix == 0) {
		return false;
	}
	pa = ip_net_make(&a->addr, a->prefix - 1);
	pb = ip_net_make(&b->addr, b->prefix - 1);
	return ip_equal(&pa.addr, &pb.addr) && !ip_equal(&a->addr, &b->addr);
}

/* One pass: drop networks inside the one before, join siblings. Returns
 * true when something changed. */
static bool
merge_pass(struct cidr_set *set)
{
	size_t in, out = 0;
	bool changed = false;

	for (in = 0; in < set->n; in++) {
		struct ip_net *cur = &set->nets[in];

		if (out > 0 && ip_net_contains(&set->nets[out - 1],
		    &cur->addr) && set->nets[out - 1].prefix <= cur->prefix) {
			changed = true;
			continue;
		}
		if (out > 0 && siblings(&set->nets[out - 1], cur)) {
			set->nets[out - 1] = ip_net_make(&cur->addr,
			    cur->prefix - 1);
			changed = true;
			continue;
		}
		set->nets[out++] = *cur;
	}
	set->n = out;
	return changed;
}

void
cidr_set_aggregate(struct cidr_set *set)
{
	do {
		qsort(set->nets, set->n, sizeof(*set->nets), compare);
	} while (merge_pass(set));
}
