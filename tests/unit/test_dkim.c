/* DKIM: canonicalization (RFC 6376 §3.4, with the §3.4.5 example), key
 * records (RFC 6376 §3.6.1, RFC 8463) and verification of the RFC 8463
 * Appendix A message. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dkim/key.h"
#include "dkim/message.h"
#include "dkim/signature.h"
#include "dkim/verify.h"
#include "dns/zonefile.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "util/error.h"

static struct arena *a;

static void setup(void) { a = arena_create(); }
static void teardown(void) { arena_destroy(a); }

TestSuite(dkim, .init = setup, .fini = teardown);

static const char example[] =
    "A: X\r\n"
    "B : Y\t\r\n"
    "\tZ  \r\n"
    "\r\n"
    " C \r\n"
    "D \t E\r\n"
    "\r\n"
    "\r\n";

static char *
canon(const struct dkim_message *m, bool relaxed)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	char *out;

	for (i = 0; i < m->nheaders; i++) {
		dkim_canon_header(&sb, m->headers[i].raw, m->headers[i].rawlen,
		    relaxed);
	}
	strbuf_adds(&sb, "|");
	dkim_canon_body(&sb, m->body, m->bodylen, relaxed);
	out = arena_memdup(a, strbuf_str(&sb), sb.len);
	strbuf_finish(&sb);
	return out;
}

Test(dkim, rfc6376_canonicalization_example)
{
	struct dkim_message *m = dkim_message_parse(a, example,
	    sizeof(example) - 1);

	cr_assert_not_null(m);
	cr_assert_eq(m->nheaders, 2);
	cr_assert_str_eq(canon(m, true), "a:X\r\nb:Y Z\r\n| C\r\nD E\r\n");
	cr_assert_str_eq(canon(m, false), "A: X\r\nB : Y\t\r\n\tZ  \r\n|"
	    " C \r\nD \t E\r\n");
}

Test(dkim, empty_bodies)
{
	struct dkim_message *m = dkim_message_parse(a, "A: b\r\n\r\n", 8);

	cr_assert_str_eq(canon(m, false), "A: b\r\n|\r\n");
	cr_assert_str_eq(canon(m, true), "a:b\r\n|");
}

Test(dkim, bare_lf_messages_and_missing_final_newline)
{
	struct dkim_message *m = dkim_message_parse(a, "A: b\n\nline", 10);

	cr_assert(m->lf_only);
	cr_assert_str_eq(canon(m, false), "A: b\r\n|line\r\n");
	cr_assert_null(dkim_message_parse(a, "no header\r\n\r\nbody", 17));
}

Test(dkim, key_records)
{
	const char *rsa = "v=DKIM1; k=rsa; t=y:s; h=sha256; n=note; x=1; p="
	    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6"
	    "Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/"
	    "e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+"
	    "2kryOTIKT+l/K4w3QIDAQAB";
	struct dkim_key *k = dkim_key_parse(a, rsa, strlen(rsa));

	cr_assert_null(k->error, "%s", k->error);
	cr_assert_null(k->key_error, "%s", k->key_error);
	cr_assert_eq(k->type, DKIM_KEY_RSA);
	cr_assert_eq(k->bits, 1024);
	cr_assert(k->testing);
	cr_assert(k->strict);
	cr_assert(dkim_key_allows_hash(k, "sha256"));
	cr_assert_not(dkim_key_allows_hash(k, "sha1"));
	cr_assert_eq(k->nunknown, 1);
	cr_assert_str_eq(k->unknown[0], "x");
}

Test(dkim, ed25519_and_revoked_keys)
{
	const char *ed = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPa"
	    "piMlrwIaaPcHURo=";
	struct dkim_key *k = dkim_key_parse(a, ed, strlen(ed));

	cr_assert_eq(k->type, DKIM_KEY_ED25519);
	cr_assert_eq(k->bits, 256);
	k = dkim_key_parse(a, "v=DKIM1; p=", 11);
	cr_assert(k->revoked);
	k = dkim_key_parse(a, "v=DKIM1; k=ed25519; p=AAAA", 26);
	cr_assert_not_null(k->key_error);
}

Test(dkim, broken_keys)
{
	struct dkim_key *k;

	k = dkim_key_parse(a, "p=MIGf; v=DKIM1", 15);
	cr_assert_not_null(k->error, "v= not first");
	k = dkim_key_parse(a, "v=DKIM1; p=\"MIGfMA0G\"", 21);
	cr_assert(k->p_quotes);
	cr_assert_not_null(strstr(k->key_error, "quote"));
	k = dkim_key_parse(a, "v=DKIM1; p=MIGfMA0GCSqG SIb3", 28);
	cr_assert(k->p_whitespace);
	cr_assert_not_null(k->key_error);
	k = dkim_key_parse(a, "v=DKIM1; k=dsa; p=AAAA", 22);
	cr_assert_eq(k->type, DKIM_KEY_UNKNOWN);
	k = dkim_key_parse(a, "v=DKIM1; p=a; p=b", 17);
	cr_assert_not_null(k->error, "duplicate tag");
	cr_assert(dkim_key_is_record("k=rsa; p=", 9));
	cr_assert_not(dkim_key_is_record("v=spf1 -all", 11));
}

static const struct dns_answer *
zone_lookup(void *ctx, const char *name, enum dns_type type)
{
	return dns_zoneset_answer(ctx, a, name, type);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = arena_alloc(a, 1 << 16);

	cr_assert_not_null(f, "%s", path);
	*len = fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

static void
add_key(struct dns_zoneset *zs, const char *sel)
{
	char path[512], zone[1024];
	struct error err;
	size_t len;
	char *key;

	snprintf(path, sizeof(path), "%s/%s._domainkey.football.example.com"
	    ".txt", TEST_DATA, sel);
	key = slurp(path, &len);
	while (len > 0 && (key[len - 1] == '\n' || key[len - 1] == '\r')) {
		len--;
	}
	snprintf(zone, sizeof(zone), "%s._domainkey TXT \"%.*s\"\n", sel,
	    (int)len, key);
	cr_assert_eq(dns_zoneset_load_text(zs, zone, strlen(zone),
	    "football.example.com.", sel, &err), 0, "%s", err.msg);
}

Test(dkim, rfc8463_example_verifies)
{
	struct dns_zoneset *zs = dns_zoneset_create();
	char path[512];
	size_t len;
	char *msg;
	struct dkim_verification *v;

	add_key(zs, "brisbane");
	add_key(zs, "test");
	snprintf(path, sizeof(path), "%s/rfc6376.signed.msg", TEST_DATA);
	msg = slurp(path, &len);
	v = dkim_verify(a, zone_lookup, zs, dkim_message_parse(a, msg, len),
	    1700000000);
	cr_assert_eq(v->pending, 0);
	cr_assert_eq(v->nsigs, 2);
	cr_assert_eq(v->sigs[0].result, DKIM_RESULT_PASS, "%s",
	    v->sigs[0].reason);
	cr_assert_str_eq(v->sigs[0].a, "ed25519-sha256");
	cr_assert_eq(v->sigs[1].result, DKIM_RESULT_PASS, "%s",
	    v->sigs[1].reason);
	/* One changed octet in the body breaks both. */
	msg[len - 5] ^= 1;
	v = dkim_verify(a, zone_lookup, zs, dkim_message_parse(a, msg, len),
	    1700000000);
	cr_assert_eq(v->sigs[0].result, DKIM_RESULT_FAIL);
	cr_assert_not_null(strstr(v->sigs[0].reason, "body hash"));
	dns_zoneset_destroy(zs);
}

/* The RFC 8463 example with the first occurrence of find replaced by
 * repl, verified against the example's keys, with extra appended to the
 * brisbane (ed25519) key record. */
static struct dkim_verification *
verify_edited(const char *find, const char *repl, const char *extra)
{
	struct dns_zoneset *zs = dns_zoneset_create();
	char path[512], zone[1024], *msg, *at;
	struct error err;
	struct strbuf sb = STRBUF_INIT;
	struct dkim_verification *v;
	size_t len;

	add_key(zs, "test");
	snprintf(zone, sizeof(zone), "brisbane._domainkey TXT \"v=DKIM1; "
	    "k=ed25519; %sp=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"\n",
	    extra);
	cr_assert_eq(dns_zoneset_load_text(zs, zone, strlen(zone),
	    "football.example.com.", "brisbane", &err), 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/rfc6376.signed.msg", TEST_DATA);
	msg = slurp(path, &len);
	msg[len] = '\0';
	at = strstr(msg, find);
	cr_assert_not_null(at, "%s", find);
	strbuf_add(&sb, msg, (size_t)(at - msg));
	strbuf_adds(&sb, repl);
	strbuf_adds(&sb, at + strlen(find));
	msg = arena_memdup(a, strbuf_str(&sb), sb.len);
	v = dkim_verify(a, zone_lookup, zs, dkim_message_parse(a, msg, sb.len),
	    1700000000);
	strbuf_finish(&sb);
	cr_assert_eq(v->pending, 0);
	dkim_verify_lint(a, v);
	dns_zoneset_destroy(zs);
	return v;
}

static void
assert_sig(const struct dkim_signature *sig, enum dkim_result result,
    const char *reason)
{
	cr_assert_eq(sig->result, result, "%s: %s", dkim_result_name(
	    sig->result), sig->reason ? sig->reason : "");
	if (reason != NULL) {
		cr_assert_not_null(sig->reason);
		cr_assert_not_null(strstr(sig->reason, reason), "%s",
		    sig->reason);
	}
}

Test(dkim, example_unchanged_passes_both)
{
	struct dkim_verification *v = verify_edited("Hi.", "Hi.", "");

	assert_sig(&v->sigs[0], DKIM_RESULT_PASS, NULL);
	assert_sig(&v->sigs[1], DKIM_RESULT_PASS, NULL);
	cr_assert_eq(v->findings.count, 0);
}

Test(dkim, duplicate_signature_tag_is_a_permerror)
{
	/* RFC 6376 §3.2: the whole tag list is invalid; the first d= used
	 * to win. */
	struct dkim_verification *v = verify_edited(
	    "d=football.example.com; i=",
	    "d=football.example.com; d=evil.example; i=", "");

	assert_sig(&v->sigs[0], DKIM_RESULT_PERMERROR, "d= appears twice");
	cr_assert_str_eq(v->sigs[0].d, "football.example.com");
	cr_assert(finding_has(&v->findings, "dkim-signature-permerror"));
	assert_sig(&v->sigs[1], DKIM_RESULT_PASS, NULL);
}

Test(dkim, key_not_for_mail_is_a_permerror)
{
	struct dkim_verification *v = verify_edited("Hi.", "Hi.",
	    "s=tlsrpt; ");

	assert_sig(&v->sigs[0], DKIM_RESULT_PERMERROR, "not for mail");
	v = verify_edited("Hi.", "Hi.", "s=tlsrpt:Email; ");
	assert_sig(&v->sigs[0], DKIM_RESULT_PASS, NULL);
	v = verify_edited("Hi.", "Hi.", "s=*; ");
	assert_sig(&v->sigs[0], DKIM_RESULT_PASS, NULL);
}

Test(dkim, strict_key_wants_i_domain_equal_to_d)
{
	/* i=@football.example.com is d= itself: t=s allows it. */
	struct dkim_verification *v = verify_edited("Hi.", "Hi.", "t=s; ");

	assert_sig(&v->sigs[0], DKIM_RESULT_PASS, NULL);
	v = verify_edited("i=@football", "i=@mail.football", "t=y:s; ");
	assert_sig(&v->sigs[0], DKIM_RESULT_PERMERROR, "t=s");
	/* Without t=s a subdomain is fine (then the header hash fails). */
	v = verify_edited("i=@football", "i=@mail.football", "");
	assert_sig(&v->sigs[0], DKIM_RESULT_FAIL, "signature mismatch");
}

Test(dkim, unknown_canonicalization_is_a_permerror)
{
	/* It used to be read as simple. */
	struct dkim_verification *v = verify_edited("c=simple/simple",
	    "c=simple/bogus", "");

	assert_sig(&v->sigs[0], DKIM_RESULT_PERMERROR, "c=");
	v = verify_edited("c=simple/simple", "c=fancy", "");
	assert_sig(&v->sigs[0], DKIM_RESULT_PERMERROR, "c=");
}

Test(dkim, query_methods_are_a_list)
{
	struct dkim_verification *v = verify_edited("q=dns/txt;",
	    "q=dns/txt:x-other/y;", "");

	/* Usable (the header changed, so the hash fails), with a note that
	 * dkimpy would reject it. */
	assert_sig(&v->sigs[0], DKIM_RESULT_FAIL, "signature mismatch");
	cr_assert(v->sigs[0].q_differs);
	cr_assert(finding_has(&v->findings, "dkim-receivers-differ"));
	v = verify_edited("q=dns/txt;", "q=x-other/y;", "");
	assert_sig(&v->sigs[0], DKIM_RESULT_PERMERROR, "dns/txt");
	cr_assert_not(v->sigs[1].q_differs);
}

Test(dkim, identity_is_decoded_before_the_domain_check)
{
	struct dkim_verification *v = verify_edited("i=@football.example.com",
	    "i=joe=40home@football=2Eexample.com", "");

	cr_assert_str_eq(v->sigs[0].identity,
	    "joe@home@football.example.com");
	assert_sig(&v->sigs[0], DKIM_RESULT_FAIL, "signature mismatch");
	v = verify_edited("i=@football.example.com", "i=@evil=2Eexample", "");
	assert_sig(&v->sigs[0], DKIM_RESULT_PERMERROR, "within d=");
	v = verify_edited("i=@football.example.com", "i=@x=4", "");
	assert_sig(&v->sigs[0], DKIM_RESULT_PERMERROR, "quoted-printable");
}

Test(dkim, quoted_printable)
{
	cr_assert_str_eq(dkim_qp_decode(a, "a=3Db c\r\n d=2e"), "a=bcd.");
	cr_assert_null(dkim_qp_decode(a, "a=3"));
	cr_assert_null(dkim_qp_decode(a, "a=zz"));
	cr_assert_null(dkim_qp_decode(a, "a=00"));
}

Test(dkim, header_names_lose_blanks_before_the_colon)
{
	const char text[] = "Subject \t: x\r\nFrom: a@b\r\nfrom : c@d\r\n\r\n";
	struct dkim_message *m = dkim_message_parse(a, text, sizeof(text) - 1);

	cr_assert_str_eq(m->headers[0].name, "Subject");
	cr_assert_str_eq(m->headers[2].name, "from");
	cr_assert_eq(dkim_message_count(m, "FROM"), 2);
	cr_assert_eq(dkim_message_count(m, "to"), 0);
}

Test(dkim, several_from_fields_or_none)
{
	struct dkim_verification *v = verify_edited("From: Joe",
	    "From: Mallory <m@evil.example>\nFrom: Joe", "");

	cr_assert(finding_has(&v->findings, "dkim-multiple-from"));
	v = verify_edited("From: Joe SixPack <joe@football.example.com>\n",
	    "", "");
	cr_assert(finding_has(&v->findings, "dkim-no-from"));
	cr_assert_not(finding_has(&v->findings, "dkim-multiple-from"));
}

Test(dkim, tag_value_lists)
{
	const char **items;
	size_t n = taglist_split_value(a, " from : to:\r\n subject ", &items);

	cr_assert_eq(n, 3);
	cr_assert_str_eq(items[0], "from");
	cr_assert_str_eq(items[2], "subject");
	cr_assert(taglist_value_has("dns/txt : x", "DNS/TXT"));
	cr_assert_not(taglist_value_has("dns/txtx", "dns/txt"));
	cr_assert_not(taglist_value_has(NULL, "y"));
}

Test(dkim, signature_tag_values)
{
	bool h = true, b = true;

	cr_assert(dkim_canon_parse("relaxed", &h, &b));
	cr_assert(h && !b);
	cr_assert(dkim_canon_parse("Simple/Relaxed", &h, &b));
	cr_assert(!h && b);
	cr_assert_not(dkim_canon_parse("relaxed/", &h, &b));
	cr_assert_not(dkim_canon_parse("relaxed/simple/x", &h, &b));
	cr_assert_eq(dkim_alg_parse("RSA-SHA256"), DKIM_ALG_RSA_SHA256);
	cr_assert_eq(dkim_alg_parse("rsa-sha512"), DKIM_ALG_UNKNOWN);
	cr_assert_eq(dkim_tag_number(NULL), -1);
	cr_assert_eq(dkim_tag_number("12x"), -2);
	cr_assert_eq(dkim_tag_number("120"), 120);
}
