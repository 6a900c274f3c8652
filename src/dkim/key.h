/* DKIM key records (RFC 6376 §3.6.1, RFC 8463), with the key decoded by
 * OpenSSL's libcrypto. Strings live in the arena passed in. */
#ifndef MAILAUTH_DKIM_KEY_H
#define MAILAUTH_DKIM_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/taglist.h"

struct arena;
struct evp_pkey_st;

/* RFC 8301 §3.2: RSA keys under 1024 bits must not be used; 2048 is what
 * receivers and RFC 8301 recommend. */
#define DKIM_RSA_MIN_BITS 1024
#define DKIM_RSA_GOOD_BITS 2048

enum dkim_key_type {
	DKIM_KEY_UNKNOWN,
	DKIM_KEY_RSA,
	DKIM_KEY_ED25519,
};

struct dkim_key {
	const char *text;	/* the record, NUL-appended */
	size_t len;
	struct taglist tags;
	const char *error;	/* a syntax error of the record, or NULL */
	size_t error_offset;
	const char *v, *k, *h, *s, *t, *n, *p;	/* NULL when absent */
	bool revoked;		/* p= is empty (RFC 6376 §3.6.1) */
	bool testing;		/* t=y */
	bool strict;		/* t=s */
	bool p_whitespace;	/* folding whitespace inside p= (legal) */
	bool p_quotes;		/* a '"' inside p=: quotes pasted in */
	enum dkim_key_type type;
	unsigned bits;		/* key size, 0 when it does not decode */
	const unsigned char *der; /* the decoded p= */
	size_t derlen;
	const char *key_error;	/* why the key does not decode, or NULL */
	const char **unknown;	/* tags of no meaning to RFC 6376/8463 */
	size_t nunknown;
};

/* True when the record has a p= tag or starts with v=DKIM1: what tells a
 * key record from other TXT data at the name. */
bool dkim_key_is_record(const char *text, size_t len);
/* Parses and decodes a key record; never fails: see ->error, ->key_error. */
struct dkim_key *dkim_key_parse(struct arena *a, const char *text,
    size_t len);
/* True when the key allows the hash ("sha256"), by h= (RFC 6376 §3.6.1). */
bool dkim_key_allows_hash(const struct dkim_key *k, const char *hash);
/* True when the key serves mail: s= absent, or listing "email" or "*"
 * (RFC 6376 §3.6.1; verifiers ignore a key of other services). */
bool dkim_key_for_email(const struct dkim_key *k);
/* The key as an OpenSSL object for verification, or NULL. The caller
 * frees it with EVP_PKEY_free(). */
struct evp_pkey_st *dkim_key_load(const struct dkim_key *k);
const char *dkim_key_type_name(enum dkim_key_type t);
/* Decodes base64 (whitespace skipped) with OpenSSL into the arena; NULL
 * when it is not valid base64. */
unsigned char *dkim_base64_decode(struct arena *a, const char *text,
    size_t *len);

#endif
