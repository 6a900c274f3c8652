/* Classifying DNS responses from the wire, for every type asked. */
#include <ares.h>

#include "dns/answer.h"
#include "fuzz.h"
#include "util/arena.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dns_type types[] = {
		DNS_T_TXT, DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_PTR,
		DNS_T_CNAME, DNS_T_NS, DNS_T_SOA,
	};
	struct arena *a = arena_create();
	size_t i;

	if (size > 65535) {
		size = 65535;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		(void)dns_answer_from_wire(a, "example.com", types[i],
		    ARES_SUCCESS, data, (int)size);
	}
	arena_destroy(a);
	return 0;
}
