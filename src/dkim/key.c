#include "dkim/key.h"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string.h>

#include "util/arena.h"

/* RFC 8463 §4.2: an Ed25519 key record holds the raw 32-octet key. */
#define ED25519_KEY_LEN 32

const char *
dkim_key_type_name(enum dkim_key_type t)
{
	switch (t) {
	case DKIM_KEY_RSA: return "rsa";
	case DKIM_KEY_ED25519: return "ed25519";
	case DKIM_KEY_UNKNOWN: break;
	}
	return "unknown";
}

static bool
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

unsigned char *
dkim_base64_decode(struct arena *a, const char *text, size_t *len)
{
	size_t n = strlen(text), i, k = 0, pad = 0;
	char *clean = arena_alloc(a, n + 1);
	unsigned char *out;
	int got;

	for (i = 0; i < n; i++) {
		if (!is_fws(text[i])) {
			clean[k++] = text[i];
		}
	}
	if (k == 0 || k % 4 != 0) {
		return NULL;
	}
	out = arena_alloc(a, k / 4 * 3 + 1);
	got = EVP_DecodeBlock(out, (const unsigned char *)clean, (int)k);
	if (got < 0) {
		return NULL;
	}
	/* EVP_DecodeBlock counts the padding as zero octets. */
	pad = (clean[k - 1] == '=') + (clean[k - 2] == '=');
	*len = (size_t)got - pad;
	return out;
}

bool
dkim_key_is_record(const char *text, size_t len)
{
	struct arena *a;
	struct taglist tl;
	bool yes;

	if (len >= 7 && strncmp(text, "v=DKIM1", 7) == 0) {
		return true;
	}
	a = arena_create();
	taglist_parse(a, text, len, &tl);
	yes = taglist_find(&tl, "p") != NULL;
	arena_destroy(a);
	return yes;
}

static EVP_PKEY *
load_der(const struct dkim_key *k)
{
	const unsigned char *p = k->der;
	EVP_PKEY *pkey;

	if (k->der == NULL) {
		return NULL;
	}
	if (k->k != NULL && strcmp(k->k, "ed25519") == 0) {
		if (k->derlen != ED25519_KEY_LEN) {
			return NULL;
		}
		return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, p,
		    k->derlen);
	}
	/* RFC 6376 §3.6.1: a SubjectPublicKeyInfo; some publish the bare
	 * PKCS#1 RSAPublicKey, which receivers such as OpenDKIM accept. */
	pkey = d2i_PUBKEY(NULL, &p, (long)k->derlen);
	if (pkey == NULL) {
		p = k->der;
		pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)k->derlen);
	}
	if (pkey != NULL && EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

struct evp_pkey_st *
dkim_key_load(const struct dkim_key *k)
{
	return load_der(k);
}

static void
decode_key(struct arena *a, struct dkim_key *k)
{
	EVP_PKEY *pkey;

	k->der = dkim_base64_decode(a, k->p, &k->derlen);
	if (k->der == NULL) {
		k->key_error = k->p_quotes ? "p= is not base64: it holds quote "
		    "marks, as when a zone file's quotes are pasted into the "
		    "value" : "p= is not valid base64 (characters lost or "
		    "added when the record was split or copied?)";
		return;
	}
	pkey = load_der(k);
	if (pkey == NULL) {
		k->key_error = k->type == DKIM_KEY_ED25519 ? "p= is not a "
		    "32-octet Ed25519 key (RFC 8463)" : "p= does not decode "
		    "as an RSA public key (truncated, or split wrongly?)";
		return;
	}
	k->bits = k->type == DKIM_KEY_ED25519 ? 256 :
	    (unsigned)EVP_PKEY_get_bits(pkey);
	EVP_PKEY_free(pkey);
}

static void
read_tags(struct arena *a, struct dkim_key *k)
{
	static const char *const known[] = {
		"v", "k", "h", "s", "t", "n", "p", "g",
	};

	const struct taglist_tag *dup = taglist_duplicate(&k->tags);
	size_t i, j;

	/* RFC 6376 §3.2: a duplicate tag voids the whole list. */
	if (dup != NULL && k->error == NULL) {
		k->error = arena_printf(a, "the tag %s= appears twice: "
		    "receivers reject the whole record (RFC 6376 §3.2)",
		    dup->name);
		k->error_offset = dup->offset;
	}
	k->unknown = arena_calloc(a, k->tags.n, sizeof(*k->unknown));
	for (i = 0; i < k->tags.n; i++) {
		const char *name = k->tags.tags[i].name;
		bool found = false;

		for (j = 0; j < sizeof(known) / sizeof(known[0]); j++) {
			found |= strcmp(known[j], name) == 0;
		}
		if (!found) {
			k->unknown[k->nunknown++] = name;
		}
	}
	k->v = taglist_value(&k->tags, "v");
	k->k = taglist_value(&k->tags, "k");
	k->h = taglist_value(&k->tags, "h");
	k->s = taglist_value(&k->tags, "s");
	k->t = taglist_value(&k->tags, "t");
	k->n = taglist_value(&k->tags, "n");
	k->p = taglist_value(&k->tags, "p");
}

struct dkim_key *
dkim_key_parse(struct arena *a, const char *text, size_t len)
{
	struct dkim_key *k = arena_alloc(a, sizeof(*k));
	size_t i;

	k->text = arena_memdup(a, text, len);
	k->len = len;
	taglist_parse(a, k->text, len, &k->tags);
	k->error = k->tags.error;
	k->error_offset = k->tags.error_offset;
	read_tags(a, k);
	/* RFC 6376 §3.6.1: v=, when present, must be the first tag. */
	if (k->v != NULL && strcmp(k->tags.tags[0].name, "v") != 0 &&
	    k->error == NULL) {
		k->error = "v= must be the first tag";
		k->error_offset = taglist_find(&k->tags, "v")->offset;
	} else if (k->v != NULL && strcmp(k->v, "DKIM1") != 0 &&
	    k->error == NULL) {
		k->error = "v= must be DKIM1";
		k->error_offset = 0;
	}
	k->type = k->k == NULL || strcmp(k->k, "rsa") == 0 ? DKIM_KEY_RSA :
	    strcmp(k->k, "ed25519") == 0 ? DKIM_KEY_ED25519 :
	    DKIM_KEY_UNKNOWN;
	k->testing = taglist_value_has(k->t, "y");
	k->strict = taglist_value_has(k->t, "s");
	if (k->p == NULL) {
		k->key_error = "the record has no p= tag";
		return k;
	}
	for (i = 0; k->p[i]; i++) {
		k->p_whitespace |= is_fws(k->p[i]);
		k->p_quotes |= k->p[i] == '"';
	}
	k->revoked = strspn(k->p, " \t\r\n") == strlen(k->p);
	if (k->revoked) {
		return k;
	}
	if (k->type == DKIM_KEY_UNKNOWN) {
		k->key_error = "k= names a key type other than rsa and ed25519";
		return k;
	}
	decode_key(a, k);
	return k;
}

bool
dkim_key_allows_hash(const struct dkim_key *k, const char *hash)
{
	return k->h == NULL || taglist_value_has(k->h, hash);
}

bool
dkim_key_for_email(const struct dkim_key *k)
{
	return k->s == NULL || taglist_value_has(k->s, "email") ||
	    taglist_value_has(k->s, "*");
}
