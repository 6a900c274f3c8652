/* The pure parts of mailauth smtp: SMTP replies and EHLO extensions
 * (smtp/reply.c), MTA-STS and TLS-RPT text (smtp/mtasts.c), TLSA answers
 * (dns/answer.c), certificates and TLSA matching (smtp/cert.c) on
 * certificates made here with libcrypto. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bounds.h"
#include "dns/answer.h"
#include "smtp/cert.h"
#include "smtp/https.h"
#include "smtp/mtasts.h"
#include "smtp/probe.h"
#include "smtp/reply.h"
#include "smtp/smtp.h"
#include "util/arena.h"

static struct arena *a;

static void setup(void) { a = arena_create(); }
static void teardown(void) { arena_destroy(a); }

TestSuite(smtp, .init = setup, .fini = teardown);

static enum smtp_reply_status
parse(const char *text, struct smtp_reply *r, size_t *used)
{
	return smtp_reply_parse(a, text, strlen(text), r, used);
}

Test(smtp, one_line_reply)
{
	struct smtp_reply r;
	size_t used = 0;

	cr_assert_eq(parse("220 mx.example.com ESMTP\r\n", &r, &used),
	    SMTP_REPLY_DONE);
	cr_assert_eq(r.code, 220);
	cr_assert_eq(r.nlines, 1);
	cr_assert_str_eq(r.lines[0], "mx.example.com ESMTP");
	cr_assert_eq(used, 26);
	cr_assert_str_eq(smtp_reply_host(a, &r), "mx.example.com");
}

Test(smtp, multi_line_reply_and_what_follows)
{
	const char *text = "250-mx.example.com Hello\r\n250-SIZE 1000\n"
	    "250-starttls\r\n250 PIPELINING\r\n221 next";
	struct smtp_reply r;
	struct smtp_extension *ext;
	size_t used = 0, n;

	cr_assert_eq(parse(text, &r, &used), SMTP_REPLY_DONE);
	cr_assert_eq(r.nlines, 4);
	cr_assert_eq(used, strlen(text) - strlen("221 next"));
	n = smtp_ehlo_extensions(a, &r, &ext);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(ext[0].keyword, "SIZE");
	cr_assert_str_eq(ext[0].params, "1000");
	cr_assert_str_eq(ext[1].keyword, "STARTTLS");
	cr_assert(smtp_has_extension(ext, n, "starttls"));
	cr_assert_not(smtp_has_extension(ext, n, "AUTH"));
}

Test(smtp, partial_and_bad_replies)
{
	struct smtp_reply r;
	size_t used = 0;

	cr_assert_eq(parse("220-first\r\n220 sec", &r, &used),
	    SMTP_REPLY_PARTIAL);
	cr_assert_eq(parse("", &r, &used), SMTP_REPLY_PARTIAL);
	cr_assert_eq(parse("HTTP/1.1 400 Bad\r\n", &r, &used),
	    SMTP_REPLY_MALFORMED);
	cr_assert_eq(parse("220-a\r\n250 b\r\n", &r, &used),
	    SMTP_REPLY_MALFORMED);
	cr_assert_eq(parse("220x\r\n", &r, &used), SMTP_REPLY_MALFORMED);
	cr_assert_eq(parse("220\r\n", &r, &used), SMTP_REPLY_DONE);
	cr_assert_eq(r.nlines, 1);
	cr_assert_null(smtp_reply_host(a, &r));
}

Test(smtp, replies_are_bounded)
{
	char *many = arena_alloc(a, (SMTP_MAX_REPLY_LINES + 2) * 8 + 1);
	char *big = arena_alloc(a, SMTP_MAX_REPLY_BYTES + 1);
	struct smtp_reply r;
	size_t used = 0, i;

	for (i = 0; i < SMTP_MAX_REPLY_LINES + 2; i++) {
		memcpy(many + i * 8, "220-xx\r\n", 8);
	}
	cr_assert_eq(parse(many, &r, &used), SMTP_REPLY_TOO_LONG);
	memset(big, 'x', SMTP_MAX_REPLY_BYTES);
	memcpy(big, "250-", 4);
	cr_assert_eq(parse(big, &r, &used), SMTP_REPLY_TOO_LONG);
}

Test(smtp, connect_errors_told_apart)
{
	cr_assert_eq(smtp_connect_from_errno(ECONNREFUSED),
	    SMTP_CONNECT_REFUSED);
	cr_assert_eq(smtp_connect_from_errno(ETIMEDOUT), SMTP_CONNECT_TIMEOUT);
	cr_assert_eq(smtp_connect_from_errno(ENETUNREACH),
	    SMTP_CONNECT_UNREACHABLE);
	cr_assert_eq(smtp_connect_from_errno(EHOSTUNREACH),
	    SMTP_CONNECT_UNREACHABLE);
	cr_assert_eq(smtp_connect_from_errno(EMFILE), SMTP_CONNECT_ERROR);
}

static const char *
sts(const char *text, struct mta_sts_record *rec)
{
	return mta_sts_record_parse(a, text, strlen(text), rec);
}

Test(smtp, mta_sts_record)
{
	struct mta_sts_record rec;

	cr_assert_null(sts("v=STSv1; id=20160831085700Z;", &rec));
	cr_assert_str_eq(rec.id, "20160831085700Z");
	cr_assert_null(sts("v=STSv1;id=abc; ext=1", &rec));
	cr_assert_not_null(sts("v=STSv1;", &rec));
	cr_assert_not_null(sts("v=STSv1; id=a-b", &rec));
	cr_assert_not_null(sts("v=STSv1; id=012345678901234567890123456789012",
	    &rec));
	cr_assert_not_null(sts("id=1; v=STSv1", &rec));
	cr_assert(mta_sts_record_is_sts(a, "v=STSv1; id=1", 13));
	cr_assert_not(mta_sts_record_is_sts(a, "v=spf1 -all", 11));
}

Test(smtp, mta_sts_policy_rfc_example)
{
	/* RFC 8461 §3.2's example, with CRLF lines. */
	const char *body = "version: STSv1\r\nmode: enforce\r\n"
	    "mx: mail.example.com\r\nmx: *.example.net\r\n"
	    "mx: backupmx.example.com\r\nmax_age: 604800\r\n";
	struct mta_sts_policy p;

	mta_sts_policy_parse(a, body, strlen(body), &p);
	cr_assert_eq(p.nerrors, 0, "%s", p.nerrors ? p.errors[0] : "");
	cr_assert_eq(p.mode, MTA_STS_MODE_ENFORCE);
	cr_assert_eq(p.nmx, 3);
	cr_assert_str_eq(p.mx[1], "*.example.net");
	cr_assert_eq(p.max_age, 604800);
}

Test(smtp, mta_sts_policy_errors)
{
	const char *body = "version: STSv2\nmode: always\n"
	    "max_age: 31557601\nnonsense\n";
	struct mta_sts_policy p;

	mta_sts_policy_parse(a, body, strlen(body), &p);
	cr_assert_eq(p.mode, MTA_STS_MODE_INVALID);
	cr_assert_geq(p.nerrors, 4);
	mta_sts_policy_parse(a, "version: STSv1\nmode: none\nmax_age: 1\n",
	    37, &p);
	cr_assert_eq(p.nerrors, 0);
	mta_sts_policy_parse(a, "", 0, &p);
	cr_assert_geq(p.nerrors, 3);
}

Test(smtp, mta_sts_mx_patterns)
{
	cr_assert(mta_sts_mx_match("mail.example.com", "MAIL.example.com."));
	cr_assert(mta_sts_mx_match("*.example.net", "mx1.example.net"));
	cr_assert_not(mta_sts_mx_match("*.example.net", "a.b.example.net"));
	cr_assert_not(mta_sts_mx_match("*.example.net", "example.net"));
	cr_assert_not(mta_sts_mx_match("mail.example.com", "mail.example"));
	cr_assert_not(mta_sts_mx_match("*.example.net", ".example.net"));
}

Test(smtp, tls_rpt_record)
{
	struct tls_rpt_record rec;
	const char *ok = "v=TLSRPTv1; rua=mailto:a@example.com, "
	    "https://reports.example.com/tls";

	cr_assert_null(tls_rpt_record_parse(a, ok, strlen(ok), &rec));
	cr_assert_eq(rec.nrua, 2);
	cr_assert_str_eq(rec.rua[1], "https://reports.example.com/tls");
	cr_assert_not_null(tls_rpt_record_parse(a, "v=TLSRPTv1;", 11, &rec));
	cr_assert_not_null(tls_rpt_record_parse(a, "v=TLSRPTv1; rua=ftp://x",
	    23, &rec));
	cr_assert_not_null(tls_rpt_record_parse(a, "v=TLSRPTv1; rua=mailto:x",
	    24, &rec));
	cr_assert_not(tls_rpt_record_is_rpt(a, "v=STSv1; id=1", 13));
}

Test(smtp, text_plain)
{
	cr_assert(https_is_text_plain("text/plain"));
	cr_assert(https_is_text_plain("Text/Plain; charset=utf-8"));
	cr_assert_not(https_is_text_plain("text/html"));
	cr_assert_not(https_is_text_plain("text/plainx"));
	cr_assert_not(https_is_text_plain(NULL));
}

/* A response to _25._tcp.mx.test TLSA with the AD bit and two records,
 * one of them with another owner. */
Test(smtp, tlsa_answer_with_ad_bit)
{
	static const unsigned char msg[] = {
		0x12, 0x34, 0x81, 0xa0, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00,
		0x00, 0x00,
		0x03, '_', '2', '5', 0x04, '_', 't', 'c', 'p', 0x02, 'm', 'x',
		0x04, 't', 'e', 's', 't', 0x00, 0x00, 0x34, 0x00, 0x01,
		0xc0, 0x0c, 0x00, 0x34, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
		0x00, 0x05, 0x03, 0x01, 0x01, 0xab, 0xcd,
		0x01, 'x', 0x00, 0x00, 0x34, 0x00, 0x01, 0x00, 0x00, 0x01,
		0x2c, 0x00, 0x04, 0x02, 0x00, 0x01, 0xee,
	};
	const struct dns_answer *ans = dns_answer_from_wire(a,
	    "_25._tcp.mx.test", DNS_T_TLSA, 0, msg, sizeof(msg));

	cr_assert_eq(ans->kind, DNS_ANS_RECORDS);
	cr_assert(ans->ad);
	cr_assert_eq(ans->count, 1);
	cr_assert_eq(ans->tlsa[0].usage, 3);
	cr_assert_eq(ans->tlsa[0].selector, 1);
	cr_assert_eq(ans->tlsa[0].mtype, 1);
	cr_assert_eq(ans->tlsa[0].len, 2);
	cr_assert_eq(ans->tlsa[0].data[1], 0xcd);
	cr_assert_str_eq(dns_type_name(DNS_T_TLSA), "TLSA");
}

/* A certificate made here: subject CN=cn, one SAN, signed by issuer's
 * key (itself when issuer is NULL). Returns its DER in the arena. */
static struct dns_bytes
make_cert(EVP_PKEY *key, const char *cn, const char *san, X509 *issuer,
    EVP_PKEY *issuer_key, long days, bool ca, X509 **keep)
{
	X509 *x = X509_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	unsigned char *der = NULL;
	struct dns_bytes out;
	int len;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) :
	    X509_get_subject_name(x));
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), days * 86400);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	if (san != NULL) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
		    san);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	if (ca) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
		    "critical,CA:TRUE");
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256());
	len = i2d_X509(x, &der);
	out.data = (const unsigned char *)arena_memdup(a, der, (size_t)len);
	out.len = (size_t)len;
	OPENSSL_free(der);
	if (keep != NULL) {
		*keep = x;
	} else {
		X509_free(x);
	}
	return out;
}

static struct dns_tlsa
spki_sha256(const struct dns_bytes *der, unsigned usage)
{
	const unsigned char *p = der->data;
	X509 *x = d2i_X509(NULL, &p, (long)der->len);
	unsigned char *spki = NULL, *md = arena_alloc(a, 32);
	unsigned mdlen = 0;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
	struct dns_tlsa t = { usage, 1, 1, md, 32 };

	EVP_Digest(spki, (size_t)len, md, &mdlen, EVP_sha256(), NULL);
	OPENSSL_free(spki);
	X509_free(x);
	return t;
}

Test(smtp, certificate_facts_and_names)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	struct dns_bytes der = make_cert(key, "mx.example.com",
	    "DNS:mx.example.com,DNS:*.mail.example.com", NULL, NULL, 30,
	    false, NULL);
	struct smtp_cert_info info;

	cr_assert(smtp_cert_describe(a, &der, &info));
	cr_assert_str_eq(info.subject, "CN=mx.example.com");
	cr_assert_eq(info.nnames, 2);
	cr_assert_str_eq(info.names[1], "*.mail.example.com");
	cr_assert(info.self_signed);
	cr_assert_gt(info.not_after_epoch, (long long)time(NULL) + 29 * 86400);
	cr_assert(smtp_cert_matches_host(&der, "MX.example.com"));
	cr_assert(smtp_cert_matches_host(&der, "in1.mail.example.com"));
	cr_assert_not(smtp_cert_matches_host(&der, "a.b.mail.example.com"));
	cr_assert_not(smtp_cert_matches_host(&der, "example.com"));
	der.len = 10;
	cr_assert_not(smtp_cert_describe(a, &der, &info));
	EVP_PKEY_free(key);
}

Test(smtp, tlsa_usage_3_and_unusable_ones)
{
	EVP_PKEY *key = EVP_EC_gen("P-256"), *other = EVP_EC_gen("P-256");
	struct dns_bytes der = make_cert(key, "mx.example.com",
	    "DNS:mx.example.com", NULL, NULL, 30, false, NULL);
	struct dns_bytes der2 = make_cert(other, "x", NULL, NULL, NULL, 30,
	    false, NULL);
	struct dns_tlsa recs[3];
	struct tlsa_check out[3];

	recs[0] = spki_sha256(&der, 3);
	recs[1] = spki_sha256(&der2, 3);
	recs[2] = spki_sha256(&der, 1);
	smtp_tlsa_check(a, recs, 3, &der, 1, "mx.example.com", out);
	cr_assert_eq(out[0].outcome, TLSA_MATCH);
	cr_assert_eq(out[1].outcome, TLSA_NO_MATCH);
	cr_assert_eq(out[2].outcome, TLSA_UNUSABLE);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

Test(smtp, tlsa_usage_2_needs_the_chain_and_the_name)
{
	EVP_PKEY *cakey = EVP_EC_gen("P-256"), *key = EVP_EC_gen("P-256");
	X509 *ca = NULL;
	struct dns_bytes chain[2];
	struct dns_tlsa rec;
	struct tlsa_check out;

	chain[1] = make_cert(cakey, "Test CA", NULL, NULL, NULL, 30, true,
	    &ca);
	chain[0] = make_cert(key, "mx.example.com", "DNS:mx.example.com", ca,
	    cakey, 30, false, NULL);
	rec = spki_sha256(&chain[1], 2);
	smtp_tlsa_check(a, &rec, 1, chain, 2, "mx.example.com", &out);
	cr_assert_eq(out.outcome, TLSA_MATCH, "%s", out.why);
	smtp_tlsa_check(a, &rec, 1, chain, 2, "other.example.com", &out);
	cr_assert_eq(out.outcome, TLSA_NO_MATCH);
	smtp_tlsa_check(a, &rec, 1, chain, 1, "mx.example.com", &out);
	cr_assert_eq(out.outcome, TLSA_NO_MATCH);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(key);
}

/* RFC 3463: "554 5.7.1 mx.example.com no service" names the host after
 * the enhanced status code. */
Test(smtp, reply_host_skips_an_enhanced_status_code)
{
	struct smtp_reply r;
	size_t used;

	cr_assert_eq(parse("554 5.7.1 mx.b554.example no SMTP service\r\n", &r,
	    &used), SMTP_REPLY_DONE);
	cr_assert_str_eq(smtp_reply_host(a, &r), "mx.b554.example");
	cr_assert_eq(parse("220 mx.example.com ESMTP\r\n", &r, &used),
	    SMTP_REPLY_DONE);
	cr_assert_str_eq(smtp_reply_host(a, &r), "mx.example.com");
	cr_assert_eq(parse("220 5.7 is not a code\r\n", &r, &used),
	    SMTP_REPLY_DONE);
	cr_assert_str_eq(smtp_reply_host(a, &r), "5.7");
}

/* RFC 7671 §5.1: the data of a DANE-EE record for the certificate seen. */
Test(smtp, tlsa_311_record_of_a_certificate)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	struct dns_bytes der = make_cert(key, "mx.example.com",
	    "DNS:mx.example.com", NULL, NULL, 30, false, NULL);
	struct dns_tlsa want = spki_sha256(&der, 3);

	cr_assert_str_eq(smtp_cert_tlsa_311(a, &der), smtp_cert_hex(a,
	    want.data, want.len));
	cr_assert_eq(strlen(smtp_cert_tlsa_311(a, &der)), 64);
	der.len = 5;
	cr_assert_null(smtp_cert_tlsa_311(a, &der));
	EVP_PKEY_free(key);
}

/* A result as smtp_gather() and the probe leave it: one MX host with one
 * address whose session ended as connect says; every other answer
 * given by kind. */
static struct smtp_result *
probed(unsigned port, const char *host, enum smtp_connect connect,
    enum dns_kind sts, enum dns_kind tlsa, enum dns_kind ptr)
{
	struct smtp_input *in = arena_calloc(a, 1, sizeof(*in));
	struct smtp_result *r = arena_calloc(a, 1, sizeof(*r));
	struct dns_answer *mx = dns_answer_without_response(a, "example.test",
	    DNS_T_MX, DNS_ANS_RECORDS, NULL);
	struct dns_mx *rec = arena_calloc(a, 1, sizeof(*rec));
	struct smtp_host *h = arena_calloc(a, 1, sizeof(*h));
	struct smtp_addr *ad = arena_calloc(a, 1, sizeof(*ad));
	struct ptr_result *pr = arena_calloc(a, 1, sizeof(*pr));

	in->name = "example.test";
	in->port = port;
	rec->preference = 10;
	rec->host = host;
	mx->mx = rec;
	mx->count = 1;
	r->in = in;
	r->mx = mx;
	r->mx_count = 1;
	r->hosts = h;
	r->nhosts = 1;
	h->name = host;
	h->preference = 10;
	h->sts_match = -1;
	h->a4 = dns_answer_without_response(a, host, DNS_T_A, DNS_ANS_RECORDS,
	    NULL);
	h->a6 = dns_answer_without_response(a, host, DNS_T_AAAA,
	    DNS_ANS_NODATA, NULL);
	h->tlsa = dns_answer_without_response(a, "_25._tcp.x", DNS_T_TLSA,
	    tlsa, NULL);
	h->addrs = ad;
	h->naddrs = 1;
	cr_assert(ip_parse("192.0.2.25", &ad->ip));
	pr->answer = dns_answer_without_response(a, "25.2.0.192.in-addr.arpa",
	    DNS_T_PTR, ptr, NULL);
	ad->ptr = pr;
	ad->session.addr = ad->ip;
	ad->session.host = host;
	ad->session.connect = connect;
	r->sts.mx_match = -1;
	r->sts.txt = dns_answer_without_response(a, "_mta-sts.example.test",
	    DNS_T_TXT, sts, NULL);
	r->rpt.txt = dns_answer_without_response(a, "_smtp._tls.example.test",
	    DNS_T_TXT, DNS_ANS_NXDOMAIN, NULL);
	r->probed = true;
	return r;
}

static const struct finding *
find(const struct finding_list *l, const char *code)
{
	const struct finding *f;

	for (f = l->head; f != NULL && strcmp(f->code, code) != 0;
	    f = f->next) {
	}
	return f;
}

/* A session that reached EHLO: the greeting and EHLO reply as given. */
static void
talked(struct smtp_addr *ad, const char *banner, const char *ehlo)
{
	struct smtp_reply *b = arena_calloc(a, 1, sizeof(*b));
	struct smtp_reply *e = arena_calloc(a, 1, sizeof(*e));
	size_t used;

	cr_assert_eq(smtp_reply_parse(a, banner, strlen(banner), b, &used),
	    SMTP_REPLY_DONE);
	ad->session.banner = b;
	ad->session.stage = SMTP_STAGE_DONE;
	if (ehlo != NULL) {
		cr_assert_eq(smtp_reply_parse(a, ehlo, strlen(ehlo), e, &used),
		    SMTP_REPLY_DONE);
		ad->session.ehlo = e;
	} else {
		ad->session.stop = SMTP_STOP_REJECTED;
	}
}

/* Outbound port 25 blocked is said for port 25 only; on another port a
 * timeout blames no ISP. */
Test(smtp, port_blocked_hint_only_for_port_25)
{
	struct smtp_result *r25 = probed(25, "alt1.aspmx.l.google.com",
	    SMTP_CONNECT_TIMEOUT, DNS_ANS_NXDOMAIN, DNS_ANS_NXDOMAIN,
	    DNS_ANS_NXDOMAIN);
	struct smtp_result *r2525 = probed(2525, "alt1.aspmx.l.google.com",
	    SMTP_CONNECT_TIMEOUT, DNS_ANS_NXDOMAIN, DNS_ANS_NXDOMAIN,
	    DNS_ANS_NXDOMAIN);
	const struct finding *f;

	smtp_evaluate(a, r25, 1700000000);
	smtp_evaluate(a, r2525, 1700000000);
	cr_assert_eq(r25->verdict, VERDICT_UNKNOWN);
	cr_assert_not_null(find(&r25->findings, "smtp-port25-blocked"));
	f = find(&r25->hosts[0].addrs[0].findings, "smtp-connect-timeout");
	cr_assert(strstr(f->message, "blocks outbound port 25") != NULL);
	cr_assert_eq(r2525->verdict, VERDICT_UNKNOWN);
	cr_assert_null(find(&r2525->findings, "smtp-port25-blocked"));
	f = find(&r2525->findings, "smtp-port-blocked");
	cr_assert(strstr(f->message, "port 2525") != NULL);
	cr_assert(strstr(f->message, "ISP") == NULL, "%s", f->message);
	f = find(&r2525->hosts[0].addrs[0].findings, "smtp-connect-timeout");
	cr_assert(strstr(f->message, "ISP") == NULL, "%s", f->message);
}

/* check --smtp's tls line: a host whose STARTTLS could not be seen is
 * unknown, not failed; one that offers none fails. */
Test(smtp, tls_verdict_unknown_when_not_seen)
{
	struct smtp_result *refused = probed(25, "mx.example.test",
	    SMTP_CONNECT_REFUSED, DNS_ANS_NXDOMAIN, DNS_ANS_NXDOMAIN,
	    DNS_ANS_NXDOMAIN);
	struct smtp_result *plain = probed(25, "mx.example.test",
	    SMTP_CONNECT_OK, DNS_ANS_NXDOMAIN, DNS_ANS_NXDOMAIN,
	    DNS_ANS_NXDOMAIN);

	talked(&plain->hosts[0].addrs[0], "220 mx.example.test ESMTP\r\n",
	    "250-mx.example.test\r\n250 SIZE 1000\r\n");
	smtp_evaluate(a, refused, 1700000000);
	smtp_evaluate(a, plain, 1700000000);
	cr_assert_eq(refused->verdict, VERDICT_FAIL);
	cr_assert_eq(smtp_tls_verdict(refused), VERDICT_UNKNOWN);
	cr_assert(strstr(smtp_tls_summary(a, refused), "could not be seen") !=
	    NULL, "%s", smtp_tls_summary(a, refused));
	cr_assert_eq(smtp_tls_verdict(plain), VERDICT_FAIL);
	cr_assert(strstr(smtp_tls_summary(a, plain), "does not offer "
	    "STARTTLS") != NULL);
}

/* A lookup that failed is said, with what to do: the MTA-STS record
 * makes the verdict unknown (a policy may apply); TLSA leaves DANE
 * unknown, a warning; a refused PTR is unknown, not "none". */
Test(smtp, failed_lookups_are_unknown)
{
	struct smtp_result *r = probed(25, "mx.example.test", SMTP_CONNECT_OK,
	    DNS_ANS_REFUSED, DNS_ANS_SERVFAIL, DNS_ANS_REFUSED);
	const struct finding *f;

	talked(&r->hosts[0].addrs[0], "220 mail.example.test ESMTP\r\n",
	    "250-mail.example.test\r\n250 STARTTLS\r\n");
	r->hosts[0].addrs[0].session.starttls_offered = true;
	r->hosts[0].addrs[0].session.stop = SMTP_STOP_TIMEOUT;
	smtp_evaluate(a, r, 1700000000);
	f = find(&r->sts.findings, "mta-sts-dns-error");
	cr_assert_not_null(f);
	cr_assert_not_null(f->fix);
	cr_assert(r->sts.unknown);
	f = find(&r->hosts[0].findings, "smtp-dane-dns-error");
	cr_assert_not_null(f);
	cr_assert_eq(f->severity, FINDING_WARNING);
	cr_assert(strstr(f->message, "DANE status unknown") != NULL);
	f = find(&r->hosts[0].addrs[0].findings, "smtp-banner-name");
	cr_assert(strstr(f->message, "unknown: the PTR lookup failed") !=
	    NULL, "%s", f->message);
	cr_assert_null(find(&r->hosts[0].addrs[0].findings, "smtp-no-ptr"));
	/* The stall is an error already known: fail, not unknown. */
	cr_assert_eq(r->verdict, VERDICT_FAIL);
	r = probed(25, "mx.example.test", SMTP_CONNECT_OK, DNS_ANS_TIMEOUT,
	    DNS_ANS_NXDOMAIN, DNS_ANS_NXDOMAIN);
	talked(&r->hosts[0].addrs[0], "220 mx.example.test ESMTP\r\n",
	    "250-mx.example.test\r\n250 SIZE 1\r\n");
	r->hosts[0].addrs[0].session.starttls_offered = false;
	smtp_evaluate(a, r, 1700000000);
	cr_assert_eq(r->verdict, VERDICT_FAIL);
}

/* A 554 greeting: no name check on the enhanced code, a fix that says
 * where to look; the MX name's CNAME gets the MX record to publish. */
Test(smtp, rejected_greeting_and_mx_alias)
{
	struct smtp_result *r = probed(25, "alias.example.test",
	    SMTP_CONNECT_OK, DNS_ANS_NXDOMAIN, DNS_ANS_NXDOMAIN,
	    DNS_ANS_NXDOMAIN);
	struct dns_answer *a4 = (struct dns_answer *)r->hosts[0].a4;
	const struct finding *f;

	a4->cname = "mx.example.test";
	talked(&r->hosts[0].addrs[0], "554 5.7.1 mx.example.test no SMTP "
	    "service here\r\n", NULL);
	smtp_evaluate(a, r, 1700000000);
	cr_assert_null(find(&r->hosts[0].addrs[0].findings,
	    "smtp-banner-name"));
	f = find(&r->hosts[0].addrs[0].findings, "smtp-rejected");
	cr_assert_not_null(f);
	cr_assert(strstr(f->message, "554 5.7.1") != NULL);
	cr_assert_not_null(f->fix);
	f = find(&r->hosts[0].findings, "smtp-mx-cname");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->fix, "example.test. MX 10 mx.example.test. "
	    "(instead of the alias)");
}
