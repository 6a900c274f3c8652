/* Names and addresses from outside: reverse names, generic-name
 * detection, name checks, IDN conversion, safe text. */
#include <string.h>
#include <sys/socket.h>

#include "dns/name.h"
#include "fuzz.h"
#include "ptr/ptr.h"
#include "util/arena.h"
#include "util/ip.h"
#include "util/safe.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	char *text = arena_memdup(a, data, size);
	struct ip_addr ip;
	const char *why;

	memset(&ip, 0, sizeof(ip));
	ip.family = size % 2 ? AF_INET6 : AF_INET;
	memcpy(ip.bytes, data, size < 16 ? size : 16);
	(void)dns_name_reverse(a, &ip);
	(void)ptr_looks_generic(a, NULL, text, &ip);
	(void)dns_name_check(text);
	(void)dns_name_normalize(a, text);
	(void)dns_name_from_user(a, text, &why);
	if (ip_parse(text, &ip)) {
		char buf[IP_STRLEN];

		(void)ip_format(&ip, buf);
	}
	(void)safe_text(a, data, size);
	arena_destroy(a);
	return 0;
}
