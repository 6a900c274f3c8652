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

bool
ip_is_internal(const struct ip_addr *ip)
{
	static const struct {
		int family;
		unsigned char bytes[16];
		unsigned prefix;
	} nets[] = {
		{ AF_INET, { 0 }, 8 },
		{ AF_INET, { 10 }, 8 },
		{ AF_INET, { 100, 64 }, 10 },
		{ AF_INET, { 127 }, 8 },
		{ AF_INET, { 169, 254 }, 16 },
		{ AF_INET, { 172, 16 }, 12 },
		{ AF_INET, { 192, 168 }, 16 },
		{ AF_INET6, { 0 }, 127 },	/* :: and ::1 */
		{ AF_INET6, { 0xfc }, 7 },
		{ AF_INET6, { 0xfe, 0x80 }, 10 },
	};
	struct ip_addr v = ip_unmap(ip);
	size_t i;

	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
		struct ip_net net;

		memset(&net, 0, sizeof(net));
		net.addr.family = nets[i].family;
		memcpy(net.addr.bytes, nets[i].bytes, sizeof(net.addr.bytes));
		net.prefix = nets[i].prefix;
		if (ip_net_contains(&net, &v)) {
			return true;
		}
	}
	return false;
}

char *
ip_net_format(const struct ip_net *net, char *buf)
{
	char addr[IP_STRLEN];

	snprintf(buf, IP_STRLEN + 4, "%s/%u", ip_format(&net->addr, addr),
	    net->prefix);
	return buf;
}
