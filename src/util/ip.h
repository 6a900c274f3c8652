/* IP addresses and networks as plain values (no allocation). */
#ifndef MAILAUTH_UTIL_IP_H
#define MAILAUTH_UTIL_IP_H

#include <stdbool.h>
#include <stddef.h>

#define IP_STRLEN 46	/* INET6_ADDRSTRLEN */

struct ip_addr {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char bytes[16];	/* network order; IPv4 uses 4 */
};

struct ip_net {
	struct ip_addr addr;	/* host bits cleared by ip_net_make() */
	unsigned prefix;	/* 0..32 or 0..128 */
};

/* Parses a literal IPv4 or IPv6 address; out is set only on success. */
bool ip_parse(const char *s, struct ip_addr *out);
/* Formats an address; buf must hold IP_STRLEN bytes. Returns buf. */
char *ip_format(const struct ip_addr *ip, char *buf);
/* Number of address bits for the family: 32 or 128. */
unsigned ip_bits(const struct ip_addr *ip);
/* True when ip is an IPv4-mapped IPv6 address (::ffff:a.b.c.d). */
bool ip_is_v4_mapped(const struct ip_addr *ip);
/* Returns the IPv4 address inside a mapped one, else a copy of ip. */
struct ip_addr ip_unmap(const struct ip_addr *ip);
/* True when a and b are the same address of the same family. */
bool ip_equal(const struct ip_addr *a, const struct ip_addr *b);
/* Builds a network from an address and prefix (clamped to the family). */
struct ip_net ip_net_make(const struct ip_addr *ip, unsigned prefix);
/* True when ip lies inside net (same family required). */
bool ip_net_contains(const struct ip_net *net, const struct ip_addr *ip);
/* When net lies inside a special-purpose block that is not globally
 * reachable (the IANA IPv4 and IPv6 Special-Purpose Address Registries,
 * RFC 6890, and multicast), returns what the block is, e.g. "private
 * (RFC 1918)"; else NULL. */
const char *ip_net_reserved(const struct ip_net *net);
/* The blocks of ip_net_reserved(), one by one from i = 0: false past the
 * last. */
bool ip_reserved_block(size_t i, struct ip_net *block, const char **what);
/* Formats "addr/prefix"; buf must hold IP_STRLEN + 4 bytes. */
char *ip_net_format(const struct ip_net *net, char *buf);
/* When no server on the Internet can reach ip -- it lies in one of the
 * blocks of ip_net_reserved() other than the documentation blocks, which
 * examples and tests use as public addresses -- returns what the block
 * is; else NULL. IPv4-mapped addresses are read as IPv4. */
const char *ip_addr_unreachable(const struct ip_addr *ip);

#endif
