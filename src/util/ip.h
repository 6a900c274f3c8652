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

/* Where an address can be reached from. */
enum ip_scope {
	IP_SCOPE_PUBLIC,	/* routed on the Internet; the documentation
				 * ranges (RFC 5737, RFC 3849) count as public:
				 * examples and tests use them */
	IP_SCOPE_PRIVATE,	/* RFC 1918, fc00::/7 (RFC 4193) */
	IP_SCOPE_SHARED,	/* 100.64.0.0/10, carrier-grade NAT (RFC 6598) */
	IP_SCOPE_LOOPBACK,	/* 127.0.0.0/8, ::1 */
	IP_SCOPE_LINK_LOCAL,	/* 169.254.0.0/16, fe80::/10 */
	IP_SCOPE_RESERVED,	/* unspecified, "this network", multicast,
				 * 240.0.0.0/4 */
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
/* Formats "addr/prefix"; buf must hold IP_STRLEN + 4 bytes. */
char *ip_net_format(const struct ip_net *net, char *buf);
/* The scope of an address (IPv4-mapped ones as their IPv4 address). */
enum ip_scope ip_scope(const struct ip_addr *ip);
/* "a private address (RFC 1918)", ... for messages; "" for public. */
const char *ip_scope_text(enum ip_scope scope, int family);

#endif
