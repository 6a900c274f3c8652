/* The --zone reader and the answers a zone set gives. */
#include <stdlib.h>

#include "dns/zonefile.h"
#include "fuzz.h"
#include "util/arena.h"
#include "util/error.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"example.com", "www.example.com", "a.b.example.com",
		"_dmarc.example.com", "x._domainkey.example.com",
	};
	static const enum dns_type types[] = {
		DNS_T_TXT, DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_PTR,
		DNS_T_CNAME, DNS_T_NS, DNS_T_SOA,
	};
	struct dns_zoneset *zs = dns_zoneset_create();
	struct arena *a = arena_create();
	struct dns_bytes *strings;
	const char *why;
	struct error err;
	size_t i, j;

	dns_zoneset_load_text(zs, (const char *)data, size, "example.com.",
	    "fuzz", &err);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (j = 0; j < sizeof(types) / sizeof(types[0]); j++) {
			(void)dns_zoneset_answer(zs, a, names[i], types[j]);
		}
	}
	(void)dns_zone_parse_strings(a, arena_memdup(a, data, size),
	    &strings, &why);
	arena_destroy(a);
	dns_zoneset_destroy(zs);
	return 0;
}
