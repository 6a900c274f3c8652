/* Authentication-Results and ARC-Authentication-Results values, written
 * back and parsed again, and the From and Return-Path address lists. */
#include <string.h>

#include "fuzz.h"
#include "mail/authres.h"
#include "mail/rfc5322.h"
#include "util/arena.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_create();
	const char *text = arena_memdup(a, data, size);
	struct rfc5322_mailbox *boxes;
	struct authres ar, again;
	int arc;

	for (arc = 0; arc < 2; arc++) {
		authres_parse(a, text, arc, &ar);
		authres_parse(a, authres_format(a, &ar, "\n\t"), arc, &again);
	}
	(void)rfc5322_mailboxes(a, text, &boxes);
	(void)rfc5322_return_path(a, text);
	arena_destroy(a);
	return 0;
}
