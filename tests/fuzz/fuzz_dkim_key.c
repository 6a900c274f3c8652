/* DKIM key records, including base64 and key decoding by libcrypto. */
#include "dkim/key.h"
#include "fuzz.h"
#include "util/arena.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	struct dkim_key *k = dkim_key_parse(a, (const char *)data, size);

	(void)dkim_key_allows_hash(k, "sha256");
	(void)dkim_key_is_record((const char *)data, size);
	arena_destroy(a);
	return 0;
}
