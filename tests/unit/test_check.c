/* The checklist of `mailauth check` on zones in memory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "check/check.h"
#include "check/fix.h"
#include "cmd/common.h"
#include "dmarc/psl.h"
#include "dns/zonefile.h"
#include "util/arena.h"
#include "util/error.h"

static struct arena *a;
static struct dns_zoneset *zs;
static struct dmarc_psl *psl;

static void
setup(void)
{
	static const char zone[] =
	    "$ORIGIN example.\n@ SOA ns h 1 2 3 4 5\n"
	    "good MX 10 mx.good\nmx.good A 192.0.2.1\n"
	    "good TXT \"v=spf1 mx -all\"\n"
	    "_dmarc.good TXT \"v=DMARC1; p=reject; aspf=s\"\n"
	    "bounce.good TXT \"v=spf1 ip4:192.0.2.1 -all\"\n"
	    "other TXT \"v=spf1 ip4:192.0.2.1 -all\"\n"
	    "elsewhere A 192.0.2.99\n"
	    "$ORIGIN 2.0.192.in-addr.arpa.\n@ SOA ns h 1 2 3 4 5\n"
	    "1 PTR mx.good.example.\n";
	struct error err;

	a = arena_create();
	zs = dns_zoneset_create();
	psl = dmarc_psl_create();
	cr_assert_eq(dns_zoneset_load_text(zs, zone, strlen(zone), NULL, "z",
	    &err), 0, "%s", err.msg);
}

static void
teardown(void)
{
	dmarc_psl_destroy(psl);
	dns_zoneset_destroy(zs);
	arena_destroy(a);
}

TestSuite(check, .init = setup, .fini = teardown);

static const struct dns_answer *
zone_lookup(void *ctx, const char *name, enum dns_type type)
{
	const struct dns_answer *ans = dns_zoneset_answer(ctx, a, name, type);

	/* Names outside the test zone (blocklists, _dmarc.example) do not
	 * exist. */
	return ans ? ans : dns_answer_without_response(a, name, type,
	    DNS_ANS_NXDOMAIN, NULL);
}

static const struct check_requirement *
requirement(const struct check_result *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nreqs; i++) {
		if (strcmp(r->reqs[i].id, id) == 0) {
			return &r->reqs[i];
		}
	}
	cr_assert_fail("no requirement %s", id);
	return NULL;
}

static struct check_result *
run(const char *domain, const char *sender)
{
	struct check_input *in = arena_alloc(a, sizeof(*in));
	struct check_result *r;

	in->domain = domain;
	in->sender = sender;
	in->psl = psl;
	r = check_run(a, zone_lookup, zs, in);
	cr_assert_eq(r->pending, 0);
	check_evaluate(a, r);
	return r;
}

/* RFC 5321 §4.1.1.1: the HELO name is the client's host name; it must
 * resolve to the sending IP, and be neither localhost nor an address. */
Test(check, helo_names)
{
	static const struct {
		const char *helo;
		enum check_status status;
		const char *code;
	} rows[] = {
		{ "mx.good.example", CHECK_PASS, NULL },
		{ "MX.Good.Example.", CHECK_PASS, NULL },
		{ "localhost", CHECK_FAIL, "helo-localhost" },
		{ "localhost.localdomain", CHECK_FAIL, "helo-localhost" },
		{ "box.localhost", CHECK_FAIL, "helo-localhost" },
		{ "192.0.2.1", CHECK_FAIL, "helo-bare-ip" },
		{ "[192.0.2.1]", CHECK_FAIL, "helo-bare-ip" },
		{ "mailhost", CHECK_FAIL, "helo-not-fqdn" },
		{ "nothere.example", CHECK_FAIL, "helo-no-address" },
		{ "other.example", CHECK_FAIL, "helo-no-address" },
		{ "elsewhere.example", CHECK_FAIL, "helo-address-mismatch" },
	};
	struct ip_addr ip;
	size_t i;

	cr_assert(ip_parse("192.0.2.1", &ip));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct check_input *in = arena_alloc(a, sizeof(*in));
		const struct check_requirement *q;
		struct check_result *r;

		in->domain = "good.example";
		in->helo = rows[i].helo;
		in->ips = &ip;
		in->nips = 1;
		in->psl = psl;
		r = check_run(a, zone_lookup, zs, in);
		cr_assert_eq(r->pending, 0);
		check_evaluate(a, r);
		q = requirement(r, "helo");
		cr_assert_eq(q->status, rows[i].status, "%s", rows[i].helo);
		if (rows[i].code == NULL) {
			cr_assert_null(q->code, "%s", rows[i].helo);
		} else {
			cr_assert_str_eq(q->code, rows[i].code, "%s",
			    rows[i].helo);
			cr_assert_not_null(q->fix, "%s", rows[i].helo);
		}
	}
}

Test(check, ips_come_from_the_mx_hosts)
{
	struct check_result *r = run("good.example", NULL);

	cr_assert(r->ips_from_mx);
	cr_assert_eq(r->nips, 1);
	cr_assert_eq(requirement(r, "ptr")->status, CHECK_PASS);
	cr_assert_eq(requirement(r, "spf")->status, CHECK_PASS);
	cr_assert_eq(requirement(r, "alignment")->status, CHECK_PASS);
	/* No DKIM key anywhere. */
	cr_assert_eq(requirement(r, "dkim")->status, CHECK_FAIL);
	cr_assert_str_eq(requirement(r, "dkim")->code, "dkim-key-missing");
	cr_assert_eq(r->verdict, VERDICT_FAIL);
}

Test(check, strict_spf_alignment_wants_the_same_domain)
{
	struct check_result *r = run("good.example", "x@bounce.good.example");

	cr_assert_str_eq(r->sender_domain, "bounce.good.example");
	cr_assert_eq(requirement(r, "spf")->status, CHECK_PASS);
	cr_assert_eq(requirement(r, "alignment")->status, CHECK_FAIL);
	r = run("good.example", "x@other.example");
	cr_assert_eq(requirement(r, "alignment")->status, CHECK_FAIL);
}

/* The verdict: required items decide, fail before unknown; warnings and
 * information never do. Each row: statuses of required items, statuses
 * of items that are not required, the verdict, the exit status. */
struct verdict_row {
	const char *required;	/* p pass, f fail, w warn, u unknown, i info */
	const char *optional;
	enum verdict verdict;
	int exit_status;
};

static enum check_status
status_of(char c)
{
	switch (c) {
	case 'p': return CHECK_PASS;
	case 'f': return CHECK_FAIL;
	case 'w': return CHECK_WARN;
	case 'u': return CHECK_UNKNOWN;
	default: return CHECK_INFO;
	}
}

Test(check, verdict_and_exit_status_table)
{
	static const struct verdict_row rows[] = {
		{ "ppp", "", VERDICT_PASS, 0 },
		{ "", "", VERDICT_PASS, 0 },
		{ "ppw", "", VERDICT_PASS, 0 },		/* warnings never */
		{ "ppi", "", VERDICT_PASS, 0 },
		{ "pp", "fuwi", VERDICT_PASS, 0 },	/* nor information */
		{ "pfp", "", VERDICT_FAIL, 1 },
		{ "pfu", "", VERDICT_FAIL, 1 },	/* fail beats unknown */
		{ "ufw", "u", VERDICT_FAIL, 1 },
		{ "pup", "", VERDICT_UNKNOWN, 3 },
		{ "uw", "f", VERDICT_UNKNOWN, 3 },
		{ "uuu", "p", VERDICT_UNKNOWN, 3 },
	};
	static const char *const names[] = { "ready", "not-ready", "unknown" };
	struct check_requirement reqs[16];
	size_t i, j, n;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(reqs, 0, sizeof(reqs));
		n = 0;
		for (j = 0; rows[i].required[j]; j++, n++) {
			reqs[n].required = true;
			reqs[n].status = status_of(rows[i].required[j]);
		}
		for (j = 0; rows[i].optional[j]; j++, n++) {
			reqs[n].status = status_of(rows[i].optional[j]);
		}
		cr_assert_eq(check_verdict(reqs, n), rows[i].verdict, "row %zu",
		    i);
		cr_assert_eq(run_exit_status(rows[i].verdict),
		    rows[i].exit_status, "row %zu", i);
		cr_assert_str_eq(check_verdict_name(rows[i].verdict),
		    names[rows[i].verdict]);
	}
}

static const char *
with_terms(const char *record, const char *terms)
{
	const struct spf_record *rec = record ? spf_record_parse(a, record,
	    strlen(record)) : NULL;

	return check_spf_with_terms(a, rec, terms);
}

/* The SPF fix adds the terms where a receiver reads them. */
Test(check, spf_fix_record)
{
	cr_assert_str_eq(with_terms("v=spf1 mx -all", "ip4:203.0.113.5"),
	    "v=spf1 mx ip4:203.0.113.5 -all");
	cr_assert_str_eq(with_terms("v=spf1 mx ~all", "a"), "v=spf1 mx a ~all");
	cr_assert_str_eq(with_terms("v=spf1 all", "mx"), "v=spf1 mx all");
	cr_assert_str_eq(with_terms("v=spf1 redirect=_spf.example.net", "mx"),
	    "v=spf1 mx redirect=_spf.example.net");
	cr_assert_str_eq(with_terms("v=spf1 include:x.example ", "ip6:2001:db8::1"),
	    "v=spf1 include:x.example ip6:2001:db8::1");
	cr_assert_str_eq(with_terms(NULL, "mx ip4:192.0.2.1"),
	    "v=spf1 mx ip4:192.0.2.1 -all");
	cr_assert_str_eq(check_txt_record(a, "example.com",
	    "v=spf1 mx -all"), "example.com. TXT \"v=spf1 mx -all\"");
}

static const char *
merge(const char *one, const char *two)
{
	const struct spf_record *recs[2] = {
		spf_record_parse(a, one, strlen(one)),
		spf_record_parse(a, two, strlen(two)),
	};

	return check_spf_merge(a, recs, 2);
}

/* RFC 7208 §4.5: several records are a permerror; the fix is one record
 * with every term once, in order, the most lenient "all", and a redirect
 * kept only where it decides (else its target is included). */
Test(check, spf_records_merged)
{
	cr_assert_str_eq(merge("v=spf1 ip4:192.0.2.1 -all",
	    "v=spf1 include:_spf.example.net ~all"),
	    "v=spf1 ip4:192.0.2.1 include:_spf.example.net ~all");
	cr_assert_str_eq(merge("v=spf1 mx a -all", "v=spf1 MX ip4:192.0.2.1"),
	    "v=spf1 mx a ip4:192.0.2.1 -all");
	cr_assert_str_eq(merge("v=spf1 mx -all ip4:192.0.2.9",
	    "v=spf1 ?all"), "v=spf1 mx ?all");
	cr_assert_str_eq(merge("v=spf1 mx", "v=spf1 redirect=_spf.example.net"),
	    "v=spf1 mx redirect=_spf.example.net");
	cr_assert_str_eq(merge("v=spf1 mx -all",
	    "v=spf1 redirect=_spf.example.net"),
	    "v=spf1 mx include:_spf.example.net -all");
	cr_assert_str_eq(merge("v=spf1 redirect=a.example",
	    "v=spf1 redirect=b.example"),
	    "v=spf1 include:a.example include:b.example");
	cr_assert_str_eq(merge("v=spf1 mx exp=why.example -all",
	    "v=spf1 a -all"), "v=spf1 mx a exp=why.example -all");
	cr_assert_null(merge("v=spf1 ip4:300.1.1.1 -all", "v=spf1 a -all"));
}

/* A record without some of its terms (the void ones), and a key record
 * without a tag (h=sha1, s=tlsrpt). */
Test(check, records_without_a_part)
{
	const char *text = "v=spf1 a:gone.example mx exists:x.example -all";
	const struct spf_record *rec = spf_record_parse(a, text, strlen(text));
	const bool drop[] = { true, false, true, false };
	const char *key = "v=DKIM1; h=sha1; k=rsa; p=MIIB";

	cr_assert_str_eq(check_spf_without(a, rec, drop), "v=spf1 mx -all");
	cr_assert_str_eq(check_tags_without(a, key, strlen(key), "h"),
	    "v=DKIM1; k=rsa; p=MIIB");
	cr_assert_str_eq(check_tags_without(a, key, strlen(key), "s"), key);
}

/* A record over 255 octets is split into character-strings between
 * terms (RFC 1035 §3.3, RFC 7208 §3.3). */
Test(check, spf_fix_record_is_split)
{
	char record[400] = "v=spf1";
	const char *line, *p;
	size_t i, strings = 0;

	for (i = 0; i < 18; i++) {
		snprintf(record + strlen(record), sizeof(record) -
		    strlen(record), " ip4:198.51.100.%zu", 100 + i);
	}
	strcat(record, " -all");
	line = check_txt_record(a, "example.com", with_terms(record, "mx"));
	for (p = strchr(line, '"'); p != NULL; p = strchr(p + 1, '"')) {
		const char *end = strchr(p + 1, '"');

		cr_assert_not_null(end);
		cr_assert_leq(end - p - 1, 255);
		strings++;
		p = end;
	}
	cr_assert_eq(strings, 2, "%s", line);
	cr_assert(strstr(line, "mx -all\"") != NULL, "%s", line);
}

static enum dnsbl_status
classify(const char *zone, const char *answer, const char **meaning)
{
	struct dns_answer *ans = dns_answer_without_response(a, "q", DNS_T_A,
	    answer ? DNS_ANS_RECORDS : DNS_ANS_NXDOMAIN, NULL);
	struct ip_addr *ip = arena_alloc(a, sizeof(*ip));

	if (answer != NULL) {
		cr_assert(ip_parse(answer, ip));
		ans->addrs = ip;
		ans->count = 1;
	}
	return dnsbl_classify(a, zone, ans, meaning, NULL, NULL);
}

/* Lists' answers in their own words; an error answer is never a listing. */
Test(check, blocklist_answers)
{
	const char *m;

	cr_assert_eq(classify("zen.spamhaus.org", NULL, &m), DNSBL_NOT_LISTED);
	cr_assert_eq(classify("zen.spamhaus.org", "127.0.0.10", &m),
	    DNSBL_POLICY_LISTED);
	cr_assert_eq(classify("pbl.spamhaus.org", "127.0.0.11", &m),
	    DNSBL_POLICY_LISTED);
	cr_assert_eq(classify("zen.spamhaus.org", "127.0.0.4", &m),
	    DNSBL_LISTED);
	cr_assert(strstr(m, "XBL") != NULL);
	cr_assert_eq(classify("zen.spamhaus.org", "127.255.255.254", &m),
	    DNSBL_ERROR);
	cr_assert(strstr(m, "public") != NULL, "%s", m);
	cr_assert_eq(classify("key.zen.dq.spamhaus.net", "127.255.255.252",
	    &m), DNSBL_ERROR);
	cr_assert(strstr(m, "mistyped") != NULL, "%s", m);
	cr_assert_eq(classify("zen.spamhaus.org", "127.255.255.255", &m),
	    DNSBL_ERROR);
	cr_assert(strstr(m, "too many") != NULL, "%s", m);
	cr_assert_eq(classify("bl.example", "127.0.0.2", &m), DNSBL_LISTED);
	cr_assert_eq(classify("bl.example", "127.255.255.1", &m), DNSBL_ERROR);
	cr_assert_eq(classify("bl.example", "192.0.2.1", &m), DNSBL_ERROR);
	cr_assert(dnsbl_lists_family("zen.spamhaus.org", AF_INET6));
	cr_assert_not(dnsbl_lists_family("bl.spamcop.net", AF_INET6));
	cr_assert(dnsbl_lists_family("bl.spamcop.net", AF_INET));
	cr_assert(dnsbl_lists_family("bl.example", AF_INET6));
}

/* ZEN answers one address per list that has the IP: every one is kept,
 * with its own meaning, and the status is the one that matters most. */
Test(check, blocklist_answer_with_several_codes)
{
	struct dns_answer *ans = arena_alloc(a, sizeof(*ans));
	struct ip_addr *ips = arena_calloc(a, 2, sizeof(*ips));
	struct dnsbl_hit *hits;
	const char *m;
	size_t n;

	ans->kind = DNS_ANS_RECORDS;
	ans->type = DNS_T_A;
	cr_assert(ip_parse("127.0.0.2", &ips[0]));
	cr_assert(ip_parse("127.0.0.10", &ips[1]));
	ans->addrs = ips;
	ans->count = 2;
	cr_assert_eq(dnsbl_classify(a, "zen.spamhaus.org", ans, &m, &hits, &n),
	    DNSBL_POLICY_LISTED);
	cr_assert(strstr(m, "PBL") != NULL, "%s", m);
	cr_assert_eq(n, 2);
	cr_assert_eq(hits[0].status, DNSBL_LISTED);
	cr_assert(strstr(hits[0].meaning, "SBL") != NULL);
	cr_assert(ip_equal(hits[0].answer, &ips[0]));
	cr_assert_eq(hits[1].status, DNSBL_POLICY_LISTED);
}

/* What Gmail cannot see: the inside of a NAT, loopback, link-local,
 * reserved blocks; the documentation blocks count as public (examples and
 * tests use them). */
Test(check, unreachable_addresses)
{
	static const struct {
		const char *ip;
		const char *block;	/* a word of what it is, or NULL */
	} rows[] = {
		{ "10.0.0.1", "private" },
		{ "172.16.5.4", "private" },
		{ "172.32.0.1", NULL },
		{ "192.168.1.1", "private" },
		{ "100.64.0.1", "shared" },
		{ "100.128.0.1", NULL },
		{ "127.0.0.1", "loopback" },
		{ "169.254.3.4", "link-local" },
		{ "0.1.2.3", "this network" },
		{ "224.0.0.1", "multicast" },
		{ "255.255.255.255", "reserved" },
		{ "192.0.2.1", NULL },
		{ "198.51.100.7", NULL },
		{ "203.0.113.9", NULL },
		{ "8.8.8.8", NULL },
		{ "fc00::1", "unique local" },
		{ "fdab::1", "unique local" },
		{ "fe80::1", "link-local" },
		{ "::1", "loopback" },
		{ "::", "unspecified" },
		{ "ff02::1", "multicast" },
		{ "::ffff:192.168.0.1", "private" },
		{ "2001:db8::1", NULL },
		{ "2a00:1450::1", NULL },
	};
	struct ip_addr ip;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *block;

		cr_assert(ip_parse(rows[i].ip, &ip));
		block = ip_addr_unreachable(&ip);
		if (rows[i].block == NULL) {
			cr_assert_null(block, "%s: %s", rows[i].ip, block);
		} else {
			cr_assert_not_null(block, "%s", rows[i].ip);
			cr_assert(strstr(block, rows[i].block) != NULL, "%s: %s",
			    rows[i].ip, block);
		}
	}
}
