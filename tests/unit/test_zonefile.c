/* The --zone reader (RFC 1035 §5 master files) and the answers a zone set
 * gives. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/zonefile.h"
#include "util/arena.h"
#include "util/error.h"

static struct arena *a;
static struct dns_zoneset *zs;

static void setup(void) { a = arena_create(); zs = dns_zoneset_create(); }
static void teardown(void) { dns_zoneset_destroy(zs); arena_destroy(a); }

TestSuite(zonefile, .init = setup, .fini = teardown);

static void
load(const char *text)
{
	struct error err;

	cr_assert_eq(dns_zoneset_load_text(zs, text, strlen(text), NULL,
	    "test.zone", &err), 0, "%s", err.msg);
}

static char *
load_error(const char *text)
{
	struct error err;
	static char copy[512];

	cr_assert_eq(dns_zoneset_load_text(zs, text, strlen(text), NULL,
	    "test.zone", &err), -1);
	cr_assert_neq(err.msg[0], '\0');
	snprintf(copy, sizeof(copy), "%s", err.msg);
	return copy;
}

static const struct dns_answer *
ask(const char *name, enum dns_type type)
{
	return dns_zoneset_answer(zs, a, name, type);
}

static const char basic[] =
    "$ORIGIN example.com.\n"
    "$TTL 1h\n"
    "@\tIN\tSOA\tns1 hostmaster (\n"
    "\t\t2024010101 ; serial\n"
    "\t\t3600 600 86400 300 )\n"
    "@ NS ns1\n"
    "ns1 300 IN A 192.0.2.1\n"
    "     IN AAAA 2001:db8::1\n"
    "mail IN 600 A 192.0.2.25\n"
    "@ MX 10 mail\n"
    "@ MX 20 backup.example.net.\n"
    "@ TXT \"v=spf1 \" \"mx -all\"\n"
    "@ txt bare words\n"
    "www CNAME @\n"
    "deep.ent TXT \"x\"\n"
    "7.2.0.192.in-addr.arpa. PTR mail\n";

Test(zonefile, owners_ttl_class_and_relative_names)
{
	const struct dns_answer *ans;

	load(basic);
	ans = ask("ns1.example.com", DNS_T_A);
	cr_assert_eq(ans->kind, DNS_ANS_RECORDS);
	cr_assert_eq(ans->addrs[0].bytes[3], 1);
	ans = ask("NS1.Example.COM.", DNS_T_AAAA);
	cr_assert_eq(ans->kind, DNS_ANS_RECORDS, "blank owner continues");
	ans = ask("mail.example.com", DNS_T_A);
	cr_assert_eq(ans->count, 1);
	ans = ask("example.com", DNS_T_MX);
	cr_assert_eq(ans->count, 2);
	cr_assert_str_eq(ans->mx[0].host, "mail.example.com");
	cr_assert_eq(ans->mx[0].preference, 10);
	cr_assert_str_eq(ans->mx[1].host, "backup.example.net");
	cr_assert_eq(ans->source, DNS_SRC_ZONE);
	cr_assert_str_eq(ans->name, "example.com");
}

Test(zonefile, txt_strings_are_kept_as_published)
{
	const struct dns_answer *ans;

	load(basic);
	ans = ask("example.com", DNS_T_TXT);
	cr_assert_eq(ans->count, 2);
	cr_assert_eq(ans->txt[0].nstrings, 2);
	cr_assert_eq(ans->txt[0].strings[0].len, 7);
	cr_assert_eq(memcmp(ans->txt[0].strings[1].data, "mx -all", 7), 0);
	cr_assert_eq(ans->txt[1].nstrings, 2, "bare words are strings");
	/* header, question (13 + 4), two RRs of 12 + RDATA (1+7+1+7,
	 * 1+4+1+5) */
	cr_assert_eq(ans->size, 12 + 13 + 4 + 12 + 16 + 12 + 11);
}

Test(zonefile, escapes_and_binary_strings)
{
	const struct dns_answer *ans;

	load("$ORIGIN t.\n@ SOA ns h 1 2 3 4 5\n"
	    "a TXT \"q\\\"uote\\\\ \\000nul \\255\" \"semi;colon\"\n");
	ans = ask("a.t", DNS_T_TXT);
	cr_assert_eq(ans->txt[0].strings[0].len, 14);
	cr_assert_eq(memcmp(ans->txt[0].strings[0].data,
	    "q\"uote\\ \0nul \xff", 14), 0);
	cr_assert_eq(ans->txt[0].strings[1].len, 10);
}

Test(zonefile, long_strings_load_for_diagnosis)
{
	char text[1024];
	const struct dns_answer *ans;

	snprintf(text, sizeof(text), "$ORIGIN t.\n@ SOA ns h 1 2 3 4 5\n"
	    "big TXT \"%0300d\"\n", 0);
	load(text);
	ans = ask("big.t", DNS_T_TXT);
	cr_assert_eq(ans->txt[0].strings[0].len, 300);
}

Test(zonefile, nxdomain_nodata_and_empty_non_terminals)
{
	load(basic);
	cr_assert_eq(ask("nope.example.com", DNS_T_TXT)->kind,
	    DNS_ANS_NXDOMAIN);
	cr_assert_eq(ask("nope.example.com", DNS_T_TXT)->rcode, 3);
	cr_assert_eq(ask("mail.example.com", DNS_T_TXT)->kind,
	    DNS_ANS_NODATA);
	cr_assert_eq(ask("ent.example.com", DNS_T_TXT)->kind, DNS_ANS_NODATA);
	cr_assert_null(ask("example.org", DNS_T_TXT));
	cr_assert_null(ask("com", DNS_T_TXT));
}

Test(zonefile, cnames_are_followed)
{
	const struct dns_answer *ans;

	load(basic);
	ans = ask("www.example.com", DNS_T_MX);
	cr_assert_eq(ans->kind, DNS_ANS_RECORDS);
	cr_assert_str_eq(ans->cname, "example.com");
	ans = ask("www.example.com", DNS_T_CNAME);
	cr_assert_str_eq(ans->names[0], "example.com");
}

/* A loop answers as one from a server does: named link by link, the
 * same kind whatever the source. A chain too long without a loop is
 * SERVFAIL, as resolvers make it. */
Test(zonefile, cname_loop_is_named_as_from_a_server)
{
	const struct dns_answer *ans;
	char zone[1024];
	size_t pos;
	int i;

	load("$ORIGIN t.\n@ SOA ns h 1 2 3 4 5\na CNAME b\nb CNAME a\n"
	    "c CNAME c\nd CNAME a\n");
	ans = ask("a.t", DNS_T_TXT);
	cr_assert_eq(ans->kind, DNS_ANS_CNAME_LOOP);
	cr_assert_str_eq(ans->error, "a.t -> b.t -> a.t");
	cr_assert_str_eq(ask("c.t", DNS_T_A)->error, "c.t -> c.t");
	cr_assert_str_eq(ask("d.t", DNS_T_A)->error, "a.t -> b.t -> a.t");
	pos = (size_t)snprintf(zone, sizeof(zone),
	    "$ORIGIN u.\n@ SOA ns h 1 2 3 4 5\n");
	for (i = 0; i < 12; i++) {
		pos += (size_t)snprintf(zone + pos, sizeof(zone) - pos,
		    "n%d CNAME n%d\n", i, i + 1);
	}
	load(zone);
	cr_assert_eq(ask("n0.u", DNS_T_A)->kind, DNS_ANS_SERVFAIL);
}

/* RFC 6672: a name below a DNAME's owner is answered at the name the
 * DNAME makes of it; the owner itself is not redirected. */
Test(zonefile, dname_redirects_the_names_below_it)
{
	const struct dns_answer *ans;
	char zone[1024];

	load("$ORIGIN d.test.\n@ SOA ns h 1 2 3 4 5\n"
	    "old DNAME new.d.test.\nold TXT \"at the owner\"\n"
	    "x.new TXT \"v=spf1 -all\"\nx.old TXT \"hidden\"\n"
	    "loop DNAME x.loop.d.test.\nout DNAME elsewhere.example.\n");
	ans = ask("x.old.d.test", DNS_T_TXT);
	cr_assert_eq(ans->kind, DNS_ANS_RECORDS);
	cr_assert_str_eq(ans->cname, "x.new.d.test");
	cr_assert_eq(ans->txt[0].strings[0].len, strlen("v=spf1 -all"));
	cr_assert_eq(ask("y.old.d.test", DNS_T_TXT)->kind, DNS_ANS_NXDOMAIN);
	cr_assert_eq(ask("old.d.test", DNS_T_TXT)->kind, DNS_ANS_RECORDS);
	ans = ask("a.b.out.d.test", DNS_T_A);
	cr_assert_eq(ans->kind, DNS_ANS_NODATA);
	cr_assert_str_eq(ans->cname, "a.b.elsewhere.example");
	ans = ask("a.loop.d.test", DNS_T_A);
	cr_assert(dns_kind_is_failure(ans->kind));
	snprintf(zone, sizeof(zone), "$ORIGIN e.test.\n@ SOA ns h 1 2 3 4 5\n"
	    "s DNAME %060d.%060d.%060d.e.test.\n", 0, 0, 0);
	load(zone);
	/* 61 + 1 + 60 + 1 + 191: over the 253 octets of a name. */
	ans = ask("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb."
	    "s.e.test", DNS_T_A);
	cr_assert_eq(ans->kind, DNS_ANS_RCODE);
	cr_assert_eq(ans->rcode, 6);
}

Test(zonefile, origin_is_the_apex_without_soa)
{
	struct error err;

	cr_assert_eq(dns_zoneset_load_text(zs, "a TXT x\n", 8, "draft.test.",
	    "d", &err), 0);
	cr_assert_eq(ask("a.draft.test", DNS_T_TXT)->kind, DNS_ANS_RECORDS);
	cr_assert_eq(ask("b.draft.test", DNS_T_TXT)->kind, DNS_ANS_NXDOMAIN);
	load("$ORIGIN other.test.\nx A 192.0.2.9\n");
	cr_assert_eq(ask("y.other.test", DNS_T_A)->kind, DNS_ANS_NXDOMAIN);
}

Test(zonefile, wildcards)
{
	load("$ORIGIN t.\n@ SOA ns h 1 2 3 4 5\n"
	    "*._report._dmarc TXT \"v=DMARC1\"\n"
	    "real._report._dmarc TXT \"other\"\n");
	cr_assert_eq(ask("example.com._report._dmarc.t", DNS_T_TXT)->kind,
	    DNS_ANS_RECORDS);
	cr_assert_eq(ask("real._report._dmarc.t", DNS_T_TXT)->txt[0]
	    .strings[0].data[0], 'o');
	cr_assert_eq(ask("x.nothing.t", DNS_T_TXT)->kind, DNS_ANS_NXDOMAIN);
}

Test(zonefile, null_mx_and_spf_type)
{
	const struct dns_answer *ans;

	load("$ORIGIN t.\n@ SOA ns h 1 2 3 4 5\n@ MX 0 .\n"
	    "@ SPF \"v=spf1 -all\"\n");
	ans = ask("t", DNS_T_MX);
	cr_assert_str_eq(ans->mx[0].host, "");
	cr_assert_eq(ask("t", DNS_T_TXT)->kind, DNS_ANS_NODATA);
}

Test(zonefile, errors_name_the_line_and_token)
{
	cr_assert_str_eq(load_error("$ORIGIN t.\n@ SOA ns h 1 2 3 4 5\n\n"
	    "a TXTT x\n"), "test.zone:4: unknown record type 'TXTT'");
	cr_assert_str_eq(load_error("$ORIGIN t.\na A 192.0.2\n"),
	    "test.zone:2: bad IPv4 address '192.0.2'");
	cr_assert_str_eq(load_error("$ORIGIN t.\na AAAA 192.0.2.1\n"),
	    "test.zone:2: bad IPv6 address '192.0.2.1'");
	cr_assert_str_eq(load_error("$ORIGIN t.\na TXT \"open\n"),
	    "test.zone:2: unterminated quoted string");
	cr_assert_str_eq(load_error("$ORIGIN t.\n@ SOA ns h ( 1 2\n3 4 5\n"),
	    "test.zone:2: '(' without ')'");
	cr_assert_str_eq(load_error("$INCLUDE other.zone\n"),
	    "test.zone:1: $INCLUDE is not supported: give each file with "
	    "its own --zone");
	cr_assert_str_eq(load_error("a TXT x\n"),
	    "test.zone:1: relative name 'a' with no $ORIGIN");
	cr_assert_str_eq(load_error("$ORIGIN t.\na MX x y\n"),
	    "test.zone:2: bad MX preference 'x'");
	cr_assert_str_eq(load_error("$ORIGIN t.\na CH TXT x\n"),
	    "test.zone:2: class 'CH' is not supported (only IN)");
}

Test(zonefile, files_and_missing_files)
{
	char path[] = "/tmp/mailauth-zone-XXXXXX";
	int fd = mkstemp(path);
	struct error err;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, basic, strlen(basic)), (ssize_t)strlen(basic));
	close(fd);
	cr_assert_eq(dns_zoneset_load_file(zs, path, &err), 0, "%s", err.msg);
	cr_assert_eq(ask("mail.example.com", DNS_T_A)->kind, DNS_ANS_RECORDS);
	unlink(path);
	cr_assert_eq(dns_zoneset_load_file(zs, path, &err), -1);
	cr_assert_not_null(strstr(err.msg, path));
}

Test(zonefile, strings_for_a_draft_record)
{
	struct dns_bytes *s = NULL;
	const char *err = NULL;

	cr_assert_eq(dns_zone_parse_strings(a, "\"v=spf1 a \" \"-all\"", &s,
	    &err), 2);
	cr_assert_eq(s[0].len, 9);
	cr_assert_eq(s[1].len, 4);
	cr_assert_eq(dns_zone_parse_strings(a, "\"open", &s, &err), -1);
	cr_assert_not_null(err);
}

Test(zonefile, nul_bytes_in_the_text_do_not_crash)
{
	static const char text[] = "$ORIGIN t.\n@ SOA ns h 1 2 3 4 5\na TXT "
	    "\"x\0y\"\n";
	struct error err;

	cr_assert_eq(dns_zoneset_load_text(zs, text, sizeof(text) - 1, NULL,
	    "nul", &err), 0, "%s", err.msg);
	cr_assert_eq(ask("a.t", DNS_T_TXT)->txt[0].strings[0].len, 3);
}

static const char *
note(size_t i)
{
	size_t n;
	const char *const *notes = dns_zoneset_notes(zs, &n);

	return i < n ? notes[i] : NULL;
}

Test(zonefile, other_types_are_read_for_their_names)
{
	load("$ORIGIN real.test.\n@ SOA ns h 1 2 3 4 5\n"
	    "_sip._tcp SRV 10 60 5060 sip\n"
	    "@ CAA 0 issue \"letsencrypt.org\"\n"
	    "_25._tcp.mx TLSA 3 1 1 ( 0123456789abcdef\n 0123456789abcdef )\n"
	    "@ HTTPS 1 . alpn=h2\n"
	    "sub DS 12345 13 2 0123456789ABCDEF\n"
	    "@ DNSKEY 257 3 13 AwEAAa==\n"
	    "x TYPE65534 \\# 3 abcdef\n"
	    "y type731 \\# 0\n"
	    "old DNAME new.real.test.\n"
	    "@ TXT \"v=spf1 -all\"\n");
	cr_assert_eq(ask("_sip._tcp.real.test", DNS_T_TXT)->kind,
	    DNS_ANS_NODATA);
	cr_assert_eq(ask("_tcp.real.test", DNS_T_TXT)->kind, DNS_ANS_NODATA);
	cr_assert_eq(ask("x.real.test", DNS_T_A)->kind, DNS_ANS_NODATA);
	cr_assert_eq(ask("nothing.real.test", DNS_T_A)->kind,
	    DNS_ANS_NXDOMAIN);
	cr_assert_eq(ask("real.test", DNS_T_SOA)->kind, DNS_ANS_NODATA);
	cr_assert_eq(ask("real.test", DNS_T_TXT)->kind, DNS_ANS_RECORDS);
	cr_assert_str_eq(note(0), "test.zone: 1 SRV, 1 CAA, 1 HTTPS, "
	    "1 DS, 1 DNSKEY, 1 TYPE65534, 1 TYPE731 read for the names only "
	    "(mailauth does not use these types)");
	cr_assert_null(note(1));
}

/* RFC 6698 §2.2: TLSA as a server serves it, its hex split by blanks or
 * given in the generic form (RFC 3597 §5). */
Test(zonefile, tlsa_records_are_answered)
{
	const struct dns_answer *ans;

	load("$ORIGIN t.test.\n@ SOA ns h 1 2 3 4 5\n"
	    "_25._tcp.mx TLSA 3 1 1 ( 0123456789abcdef\n 0123456789ABCDEF )\n"
	    "_25._tcp.mx TLSA \\# 5 020002beef\n");
	ans = ask("_25._tcp.mx.t.test", DNS_T_TLSA);
	cr_assert_eq(ans->kind, DNS_ANS_RECORDS);
	cr_assert_eq(ans->count, 2);
	cr_assert_eq(ans->tlsa[0].usage, 3);
	cr_assert_eq(ans->tlsa[0].selector, 1);
	cr_assert_eq(ans->tlsa[0].mtype, 1);
	cr_assert_eq(ans->tlsa[0].len, 16);
	cr_assert_eq(ans->tlsa[0].data[0], 0x01);
	cr_assert_eq(ans->tlsa[0].data[15], 0xef);
	cr_assert_eq(ans->tlsa[1].usage, 2);
	cr_assert_eq(ans->tlsa[1].mtype, 2);
	cr_assert_eq(ans->tlsa[1].len, 2);
	cr_assert_eq(ans->tlsa[1].data[1], 0xef);
	cr_assert_eq(ask("_25._tcp.mx.t.test", DNS_T_TXT)->kind,
	    DNS_ANS_NODATA);
	cr_assert_null(note(0));
	cr_assert(strstr(load_error("$ORIGIN u.test.\n@ SOA ns h 1 2 3 4 5\n"
	    "x TLSA 3 1 1 abc\n"), "odd number") != NULL);
	cr_assert(strstr(load_error("$ORIGIN v.test.\n@ SOA ns h 1 2 3 4 5\n"
	    "x TLSA 3 1 1 zz\n"), "bad hex") != NULL);
	cr_assert(strstr(load_error("$ORIGIN w.test.\n@ SOA ns h 1 2 3 4 5\n"
	    "x TLSA 300 1 1 00\n"), "bad TLSA number") != NULL);
}

Test(zonefile, generic_rdata_of_the_types_mailauth_reads)
{
	const struct dns_answer *ans;

	load("$ORIGIN g.test.\n@ SOA ns h 1 2 3 4 5\n"
	    "a TYPE1 \\# 4 C0000201\n"
	    "a AAAA \\# 16 20010db8 00000000 00000000 00000001\n"
	    "t TYPE16 \\# 9 03616263 04 64 65 66 00\n"
	    "m MX \\# 15 000a 046d61696c 01 67 0474657374 00\n"
	    "c CNAME \\# 10 01 61 01 67 04 74 65 73 74 00\n"
	    "s SOA \\# 22 00 00 0000000100000002000000030000000400000005\n");
	ans = ask("a.g.test", DNS_T_A);
	cr_assert_eq(ans->count, 1);
	cr_assert_eq(ans->addrs[0].bytes[3], 1);
	cr_assert_eq(ask("a.g.test", DNS_T_AAAA)->addrs[0].bytes[15], 1);
	ans = ask("t.g.test", DNS_T_TXT);
	cr_assert_eq(ans->txt[0].nstrings, 2);
	cr_assert_eq(ans->txt[0].strings[1].len, 4);
	cr_assert_eq(memcmp(ans->txt[0].strings[1].data, "def\0", 4), 0);
	ans = ask("m.g.test", DNS_T_MX);
	cr_assert_eq(ans->mx[0].preference, 10);
	cr_assert_str_eq(ans->mx[0].host, "mail.g.test");
	cr_assert_str_eq(ask("c.g.test", DNS_T_A)->cname, "a.g.test");
	cr_assert_null(note(0));
}

Test(zonefile, bad_generic_rdata_says_why)
{
	cr_assert_str_eq(load_error("$ORIGIN g.\na A \\# 3 c00002\n"),
	    "test.zone:2: A data in the generic form does not parse");
	cr_assert_str_eq(load_error("$ORIGIN g.\na TXT \\# 2 0361\n"),
	    "test.zone:2: TXT data in the generic form does not parse");
	cr_assert_str_eq(load_error("$ORIGIN g.\na A \\# 4 c00002\n"),
	    "test.zone:2: the generic form promises 4 octets and holds 6 "
	    "hex digits");
	cr_assert_str_eq(load_error("$ORIGIN g.\na A \\# 1 zz\n"),
	    "test.zone:2: bad hex 'zz' in the generic form");
	cr_assert_str_eq(load_error("$ORIGIN g.\na TYPE300 1 2\n"),
	    "test.zone:2: TYPE300 needs its data in the generic form: \\# "
	    "LENGTH HEX (RFC 3597 §5)");
	/* A '#' that is not \# is text. */
	load("$ORIGIN h.\n@ SOA ns h 1 2 3 4 5\na TXT # x\n");
	cr_assert_eq(ask("a.h", DNS_T_TXT)->txt[0].nstrings, 2);
}

Test(zonefile, a_file_that_cannot_be_placed_is_an_error)
{
	cr_assert_str_eq(load_error("mail.example.test. A 192.0.2.1\n"
	    "example.test. MX 10 mail.example.test.\n"),
	    "test.zone: no SOA record or $ORIGIN says which zone it holds, "
	    "so none of its records would be answered: add '$ORIGIN "
	    "example.com.' (the zone's name) as its first line");
}

Test(zonefile, a_file_named_for_its_zone_is_placed_by_its_name)
{
	char dir[] = "/tmp/mailauth-zone-XXXXXX", path[64];
	static const char text[] = "mail.example.test. A 192.0.2.1\n"
	    "example.test. MX 10 mail.example.test.\n";
	struct error err;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/example.test.zone", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	cr_assert_eq(dns_zoneset_load_file(zs, path, &err), 0, "%s", err.msg);
	cr_assert_eq(ask("example.test", DNS_T_MX)->kind, DNS_ANS_RECORDS);
	cr_assert_eq(ask("www.example.test", DNS_T_A)->kind,
	    DNS_ANS_NXDOMAIN);
	cr_assert_not_null(strstr(note(0), "answering for example.test, from "
	    "the file's name"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/other.test.zone", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	cr_assert_eq(dns_zoneset_load_file(zs, path, &err), -1);
	cr_assert_not_null(strstr(err.msg, "no SOA record or $ORIGIN"), "%s",
	    err.msg);
	unlink(path);
	rmdir(dir);
}

Test(zonefile, records_outside_the_zones_get_a_note)
{
	load("$ORIGIN in.test.\n@ SOA ns h 1 2 3 4 5\n"
	    "@ TXT \"v=spf1 -all\"\nelsewhere.test. TXT \"v=spf1 -all\"\n");
	cr_assert_str_eq(note(0), "test.zone: 1 record outside every zone "
	    "loaded (SOA owners, or each $ORIGIN of a file without SOA): "
	    "never answered");
}
