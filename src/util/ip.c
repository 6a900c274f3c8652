#include "util/ip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

bool
ip_parse(const char *s, struct ip_addr *out)
{
	struct ip_addr ip;

	memset(&ip, 0, sizeof(ip));
	if (inet_pton(AF_INET, s, ip.bytes) == 1) {
		ip.family = AF_INET;
	} else if (inet_pton(AF_INET6, s, ip.bytes) == 1) {
		ip.family = AF_INET6;
	} else {
		return false;
	}
	*out = ip;
	return true;
}

char *
ip_format(const struct ip_addr *ip, char *buf)
{
	if (inet_ntop(ip->family, ip->bytes, buf, IP_STRLEN) == NULL) {
		strcpy(buf, "?");
	}
	return buf;
}

unsigned
ip_bits(const struct ip_addr *ip)
{
	return ip->family == AF_INET ? 32 : 128;
}

bool
ip_is_v4_mapped(const struct ip_addr *ip)
{
	static const unsigned char prefix[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	return ip->family == AF_INET6 &&
	    memcmp(ip->bytes, prefix, sizeof(prefix)) == 0;
}

struct ip_addr
ip_unmap(const struct ip_addr *ip)
{
	struct ip_addr v4;

	if (!ip_is_v4_mapped(ip)) {
		return *ip;
	}
	memset(&v4, 0, sizeof(v4));
	v4.family = AF_INET;
	memcpy(v4.bytes, ip->bytes + 12, 4);
	return v4;
}

bool
ip_equal(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, ip_bits(a) / 8) == 0;
}

struct ip_net
ip_net_make(const struct ip_addr *ip, unsigned prefix)
{
	struct ip_net net;
	unsigned bits = ip_bits(ip), i;

	net.addr = *ip;
	net.prefix = prefix > bits ? bits : prefix;
	for (i = net.prefix; i < bits; i++) {
		net.addr.bytes[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	}
	return net;
}

bool
ip_net_contains(const struct ip_net *net, const struct ip_addr *ip)
{
	unsigned full, rest;

	if (net->addr.family != ip->family) {
		return false;
	}
	full = net->prefix / 8;
	rest = net->prefix % 8;
	if (memcmp(net->addr.bytes, ip->bytes, full) != 0) {
		return false;
	}
	if (rest == 0) {
		return true;
	}
	return ((net->addr.bytes[full] ^ ip->bytes[full]) &
	    (0xff00u >> rest)) == 0;
}

/* No mail from these blocks reaches another network: the entries of the
 * IANA Special-Purpose Address Registries (RFC 6890) whose "Globally
 * Reachable" is False, and multicast. */
static const struct {
	const char *net;
	unsigned prefix;
	const char *what;
	bool documentation;	/* RFC 5737, 3849, 9637: examples use them */
} reserved[] = {
	{ "0.0.0.0", 8, "\"this network\" (RFC 791)", false },
	{ "10.0.0.0", 8, "private (RFC 1918)", false },
	{ "100.64.0.0", 10, "shared carrier-grade NAT space (RFC 6598)",
	    false },
	{ "127.0.0.0", 8, "loopback (RFC 1122)", false },
	{ "169.254.0.0", 16, "link-local (RFC 3927)", false },
	{ "172.16.0.0", 12, "private (RFC 1918)", false },
	{ "192.0.0.0", 24, "IETF protocol assignments (RFC 6890)", false },
	{ "192.0.2.0", 24, "documentation (RFC 5737)", true },
	{ "192.168.0.0", 16, "private (RFC 1918)", false },
	{ "198.18.0.0", 15, "benchmarking (RFC 2544)", false },
	{ "198.51.100.0", 24, "documentation (RFC 5737)", true },
	{ "203.0.113.0", 24, "documentation (RFC 5737)", true },
	{ "224.0.0.0", 4, "multicast (RFC 5771)", false },
	{ "240.0.0.0", 4, "reserved (RFC 1112)", false },
	{ "::", 128, "unspecified address (RFC 4291)", false },
	{ "::1", 128, "loopback (RFC 4291)", false },
	{ "::ffff:0:0", 96, "IPv4-mapped (RFC 4291)", false },
	{ "64:ff9b:1::", 48, "local-use NAT64 (RFC 8215)", false },
	{ "100::", 64, "discard-only (RFC 6666)", false },
	{ "2001:db8::", 32, "documentation (RFC 3849)", true },
	{ "3fff::", 20, "documentation (RFC 9637)", true },
	{ "fc00::", 7, "unique local (RFC 4193)", false },
	{ "fe80::", 10, "link-local (RFC 4291)", false },
	{ "ff00::", 8, "multicast (RFC 4291)", false },
};

/* The block of the table that holds net, or NULL. */
static const char *
reserved_block(const struct ip_net *net, bool documentation)
{
	size_t i;

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		struct ip_addr addr;
		struct ip_net block;

		if ((reserved[i].documentation && !documentation) ||
		    !ip_parse(reserved[i].net, &addr) ||
		    addr.family != net->addr.family ||
		    net->prefix < reserved[i].prefix) {
			continue;
		}
		block = ip_net_make(&addr, reserved[i].prefix);
		if (ip_net_contains(&block, &net->addr)) {
			return reserved[i].what;
		}
	}
	return NULL;
}

bool
ip_reserved_block(size_t i, struct ip_net *block, const char **what)
{
	struct ip_addr addr;

	if (i >= sizeof(reserved) / sizeof(reserved[0]) ||
	    !ip_parse(reserved[i].net, &addr)) {
		return false;
	}
	*block = ip_net_make(&addr, reserved[i].prefix);
	*what = reserved[i].what;
	return true;
}

const char *
ip_net_reserved(const struct ip_net *net)
{
	return reserved_block(net, true);
}

const char *
ip_addr_unreachable(const struct ip_addr *ip)
{
	struct ip_addr plain = ip_unmap(ip);
	struct ip_net net = ip_net_make(&plain, ip_bits(&plain));

	return reserved_block(&net, false);
}

char *
ip_net_format(const struct ip_net *net, char *buf)
{
	char addr[IP_STRLEN];

	snprintf(buf, IP_STRLEN + 4, "%s/%u", ip_format(&net->addr, addr),
	    net->prefix);
	return buf;
}
