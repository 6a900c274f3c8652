/* Messages: header and body splitting, canonicalization, and the
 * DKIM-Signature fields up to the key lookup (answered "no such name"). */
#include "dkim/message.h"
#include "dkim/verify.h"
#include "fuzz.h"
#include "util/arena.h"
#include "util/strbuf.h"

static const struct dns_answer *
no_such_name(void *ctx, const char *name, enum dns_type type)
{
	return dns_answer_without_response(ctx, name, type, DNS_ANS_NXDOMAIN,
	    NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	struct dkim_message *m = dkim_message_parse(a, (const char *)data,
	    size);
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (m != NULL) {
		for (i = 0; i < m->nheaders; i++) {
			dkim_canon_header(&sb, m->headers[i].raw,
			    m->headers[i].rawlen, i % 2);
		}
		dkim_canon_body(&sb, m->body, m->bodylen, false);
		dkim_canon_body(&sb, m->body, m->bodylen, true);
		dkim_verify_lint(a, dkim_verify(a, no_such_name, a, m,
		    1700000000));
	}
	strbuf_finish(&sb);
	arena_destroy(a);
	return 0;
}
