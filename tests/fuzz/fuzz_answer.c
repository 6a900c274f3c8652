/* Classifying DNS responses from the wire, for every type asked, and
 * joining the character-strings of the TXT records found. */
#include <ares.h>

#include "dns/answer.h"
#include "dns/txt.h"
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
		const struct dns_answer *ans = dns_answer_from_wire(a,
		    "example.com", types[i], ARES_SUCCESS, data, (int)size);
		size_t j, len;

		for (j = 0; types[i] == DNS_T_TXT && j < ans->count; j++) {
			(void)dns_txt_join(a, &ans->txt[j], &len);
		}
	}
	arena_destroy(a);
	return 0;
}
