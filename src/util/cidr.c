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

bool
cidr_overlaps(const struct ip_net *a, const struct ip_net *b)
{
	return a->addr.family == b->addr.family && (a->prefix <= b->prefix ?
	    ip_net_contains(a, &b->addr) : ip_net_contains(b, &a->addr));
}

/* The half of net (one bit longer) that does not hold addr. */
static struct ip_net
other_half(const struct ip_net *net, const struct ip_addr *addr)
{
	struct ip_net half = ip_net_make(addr, net->prefix + 1);

	half.addr.bytes[net->prefix / 8] ^= (unsigned char)(0x80u >>
	    (net->prefix % 8));
	return half;
}

void
cidr_set_remove(struct arena *a, struct cidr_set *set,
    const struct ip_net *net)
{
	struct cidr_set out = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < set->n; i++) {
		struct ip_net cur = set->nets[i];

		if (!cidr_overlaps(&cur, net)) {
			cidr_set_add(a, &out, &cur);
			continue;
		}
		/* Inside net: dropped. Around it: the halves beside the
		 * path down to net stay. */
		while (cur.prefix < net->prefix) {
			struct ip_net keep = other_half(&cur, &net->addr);

			cidr_set_add(a, &out, &keep);
			cur = ip_net_make(&net->addr, cur.prefix + 1);
		}
	}
	*set = out;
}
