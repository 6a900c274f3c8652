/* Received fields (every MTA's form) and Received-SPF key=value lists. */
#include "fuzz.h"
#include "message/context.h"
#include "message/received.h"
#include "util/arena.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	const char *text = arena_memdup(a, data, size);
	struct received r;

	received_parse(a, text, &r);
	(void)message_received_spf_key(a, text, "client-ip");
	(void)message_received_spf_key(a, text, "envelope-from");
	arena_destroy(a);
	return 0;
}
