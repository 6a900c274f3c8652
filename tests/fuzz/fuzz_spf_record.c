/* SPF record parsing, glue detection and splitting. */
#include "dns/txt.h"
#include "fuzz.h"
#include "spf/record.h"
#include "spf/strings.h"
#include "util/arena.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	struct spf_record *r = spf_record_parse(a, data, size);
	struct dns_bytes *parts, halves[2];
	struct dns_txt rr;
	size_t offsets[4], i;

	for (i = 0; i < r->nterms; i++) {
		(void)spf_term_queries_dns(&r->terms[i]);
		(void)spf_term_name(&r->terms[i]);
	}
	/* The same bytes as two character-strings split in the middle. */
	halves[0].data = data;
	halves[0].len = size / 2;
	halves[1].data = data + size / 2;
	halves[1].len = size - size / 2;
	rr.strings = halves;
	rr.nstrings = 2;
	(void)spf_txt_glued(&rr, offsets, 4);
	(void)spf_txt_version_glued(&rr);
	i = dns_txt_split(a, (const char *)data, size, 255, &parts);
	(void)dns_txt_quote(a, parts, i);
	arena_destroy(a);
	return 0;
}
