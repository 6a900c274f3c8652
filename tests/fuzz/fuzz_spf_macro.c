/* SPF macro expansion, as a domain-spec and as explanation text. */
#include <string.h>

#include "fuzz.h"
#include "spf/macro.h"
#include "util/arena.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	struct spf_macro_ctx ctx;
	struct ip_addr ip;
	char *spec = arena_memdup(a, data, size), *out = NULL;

	memset(&ctx, 0, sizeof(ctx));
	ip_parse(size % 2 ? "2001:db8::cb01" : "192.0.2.3", &ip);
	ctx.sender = "strong-bad@email.example.com";
	ctx.local_part = "strong-bad";
	ctx.sender_domain = "email.example.com";
	ctx.domain = "email.example.com";
	ctx.ip = &ip;
	ctx.helo = "mx.example.org";
	ctx.ptr_name = "mx.example.org";
	ctx.now = 1700000000;
	if (spf_macro_expand(a, spec, size, &ctx, false, &out) ==
	    SPF_MACRO_OK) {
		(void)spf_macro_truncate_domain(out);
	}
	(void)spf_macro_expand(a, spec, size, &ctx, true, &out);
	arena_destroy(a);
	return 0;
}
