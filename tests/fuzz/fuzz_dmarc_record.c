/* DMARC records. */
#include "dmarc/record.h"
#include "fuzz.h"
#include "util/arena.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();

	(void)dmarc_is_record(data, size);
	(void)dmarc_record_parse(a, data, size);
	arena_destroy(a);
	return 0;
}
