#include "dkim/signature.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"

const char *
dkim_sig_tags(struct arena *a, const struct dkim_header *h,
    struct taglist *out, size_t *offset)
{
	size_t start = (size_t)(h->value - h->raw);
	const struct taglist_tag *dup;

	taglist_parse(a, h->value, h->rawlen - start, out);
	if (out->error != NULL) {
		*offset = start + out->error_offset;
		return out->error;
	}
	dup = taglist_duplicate(out);
	if (dup != NULL) {
		*offset = start + dup->offset;
		return arena_printf(a, "the tag %s= appears twice (RFC 6376 "
		    "§3.2)", dup->name);
	}
	return NULL;
}

enum dkim_alg
dkim_alg_parse(const char *a)
{
	if (strcasecmp(a, "rsa-sha256") == 0) {
		return DKIM_ALG_RSA_SHA256;
	}
	if (strcasecmp(a, "ed25519-sha256") == 0) {
		return DKIM_ALG_ED25519_SHA256;
	}
	if (strcasecmp(a, "rsa-sha1") == 0) {
		return DKIM_ALG_RSA_SHA1;
	}
	return DKIM_ALG_UNKNOWN;
}

/* One canonicalization name of length len: 1 relaxed, 0 simple, -1
 * neither. */
static int
canon_name(const char *s, size_t len)
{
	if (len == 7 && strncasecmp(s, "relaxed", 7) == 0) {
		return 1;
	}
	return len == 6 && strncasecmp(s, "simple", 6) == 0 ? 0 : -1;
}

bool
dkim_canon_parse(const char *c, bool *header_relaxed, bool *body_relaxed)
{
	const char *slash;
	int head, body = 0;

	if (c == NULL) {
		*header_relaxed = *body_relaxed = false;
		return true;
	}
	slash = strchr(c, '/');
	head = canon_name(c, slash ? (size_t)(slash - c) : strlen(c));
	if (slash != NULL) {
		body = canon_name(slash + 1, strlen(slash + 1));
	}
	if (head < 0 || body < 0) {
		return false;
	}
	*header_relaxed = head == 1;
	*body_relaxed = body == 1;
	return true;
}

long long
dkim_tag_number(const char *value)
{
	char *end;
	long long v;

	if (value == NULL) {
		return -1;
	}
	if (!isdigit((unsigned char)*value)) {
		return -2;
	}
	v = strtoll(value, &end, 10);
	return *end == '\0' && v >= 0 ? v : -2;
}

static int
hex(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	/* RFC 2045 §6.7 wants upper case; decoders accept lower. */
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *
dkim_qp_decode(struct arena *a, const char *value)
{
	size_t n = strlen(value), i, k = 0;
	char *out = arena_alloc(a, n + 1);

	for (i = 0; i < n; i++) {
		char c = value[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			continue;
		}
		if (c == '=') {
			int hi = hex(value[i + 1]);
			int lo = hi >= 0 ? hex(value[i + 2]) : -1;

			if (lo < 0 || hi * 16 + lo == 0) {
				return NULL;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		out[k++] = c;
	}
	out[k] = '\0';
	return out;
}
