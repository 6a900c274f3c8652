/* Received fields as MTAs write them (RFC 5321 §4.4), Authentication-
 * Results (RFC 8601), From and Return-Path (RFC 5322 §3.4), the SMTP
 * context of a message, and DMARC alignment and verdicts (RFC 9989
 * §4.4, §5.3). */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/socket.h>

#include "dkim/message.h"
#include "dmarc/align.h"
#include "dmarc/discover.h"
#include "dmarc/psl.h"
#include "mail/authres.h"
#include "message/context.h"
#include "message/received.h"
#include "mail/rfc5322.h"
#include "util/arena.h"

static struct arena *a;
static struct dmarc_psl *psl;

static void
setup(void)
{
	a = arena_create();
	psl = dmarc_psl_create();
}

static void
teardown(void)
{
	dmarc_psl_destroy(psl);
	arena_destroy(a);
}

TestSuite(message, .init = setup, .fini = teardown);

static struct received
rcv(const char *value)
{
	struct received r;

	received_parse(a, value, &r);
	return r;
}

/* An address as text; has says whether there is one. */
static const char *
addr(bool has, const struct ip_addr *ip)
{
	char buf[IP_STRLEN];

	cr_assert(has);
	return arena_strdup(a, ip_format(ip, buf));
}

#define ipstr(r) addr((r)->has_ip, &(r)->ip)

Test(message, received_postfix)
{
	struct received r = rcv("from mail.example.com (mail-out.example.com "
	    "[81.0.2.10]) (using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
	    "(256/256 bits) key-exchange X25519) (No client certificate "
	    "requested) by mx.example.net (Postfix) with ESMTPS id 4ABC for "
	    "<bob@example.net>; Sun, 22 Nov 2026 12:00:01 +0000");

	cr_assert_str_eq(r.helo, "mail.example.com");
	cr_assert_str_eq(r.rdns, "mail-out.example.com");
	cr_assert_str_eq(ipstr(&r), "81.0.2.10");
	cr_assert_str_eq(r.by, "mx.example.net");
	cr_assert_str_eq(r.with, "ESMTPS");
	cr_assert_str_eq(r.id, "4ABC");
	cr_assert(r.tls);
	cr_assert_str_eq(r.tls_version, "TLSv1.3");
	cr_assert_str_eq(r.tls_cipher, "TLS_AES_256_GCM_SHA384");
	cr_assert_str_eq(r.date, "Sun, 22 Nov 2026 12:00:01 +0000");
}

Test(message, received_postfix_unknown_rdns)
{
	struct received r = rcv("from helo.example (unknown [81.0.100.7]) "
	    "by mx.example.net (Postfix) with ESMTP id 1; Sun, 1 Nov 2026");

	cr_assert_str_eq(r.helo, "helo.example");
	cr_assert_null(r.rdns);
	cr_assert_str_eq(ipstr(&r), "81.0.100.7");
	cr_assert_not(r.tls);
}

Test(message, received_exim)
{
	struct received r = rcv("from mail.example.com ([81.0.2.20]:41234 "
	    "helo=smtp.example.com) by mx.example.net with esmtps (TLS1.3) "
	    "tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from "
	    "<a@example.com>) id 1qXyZ-000 for b@example.net; Sun, 1 Nov "
	    "2026 10:00:00 +0000");

	cr_assert_str_eq(r.helo, "smtp.example.com");
	cr_assert_str_eq(r.rdns, "mail.example.com");
	cr_assert_str_eq(ipstr(&r), "81.0.2.20");
	cr_assert_str_eq(r.by, "mx.example.net");
	cr_assert_str_eq(r.tls_version, "TLS1.3");
	cr_assert_str_eq(r.tls_cipher, "TLS_AES_256_GCM_SHA384");
	cr_assert_str_eq(r.id, "1qXyZ-000");
}

Test(message, received_exim_without_rdns)
{
	struct received r = rcv("from [81.0.113.9] (helo=laptop) by "
	    "mx.example.net with esmtpsa (TLS1.2:ECDHE-RSA-AES128-GCM-SHA256:"
	    "128) (Exim 4.92) id 1; Sun, 1 Nov 2026");

	cr_assert_str_eq(r.helo, "laptop");
	cr_assert_null(r.rdns);
	cr_assert_str_eq(ipstr(&r), "81.0.113.9");
	cr_assert_str_eq(r.tls_version, "TLS1.2");
	cr_assert_str_eq(r.tls_cipher, "ECDHE-RSA-AES128-GCM-SHA256");
}

Test(message, received_sendmail)
{
	struct received r = rcv("from client.example (user@host.example.org "
	    "[81.0.2.44] (may be forged)) by mail.example.net (8.15.2/8.15.2) "
	    "with ESMTPS id 5AB (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 "
	    "bits=256 verify=NOT); Sun, 1 Nov 2026");

	cr_assert_str_eq(r.helo, "client.example");
	cr_assert_str_eq(r.rdns, "host.example.org");
	cr_assert_str_eq(ipstr(&r), "81.0.2.44");
	cr_assert_str_eq(r.tls_version, "TLSv1.3");
	cr_assert_str_eq(r.tls_cipher, "TLS_AES_256_GCM_SHA384");
}

Test(message, received_gmail)
{
	struct received r = rcv("from mail-sor-f41.google.com "
	    "(mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with "
	    "SMTPS id x5sor123.2026.11.22.04.00.00 for <bob@gmail.com> "
	    "(Google Transport Security); Sun, 22 Nov 2026 04:00:00 -0800 "
	    "(PST)");
	struct received top = rcv("by 2002:a05:6a10:b0c1:b0:5a1:2b3c:4d5e "
	    "with SMTP id x1csp1234pxb; Sun, 22 Nov 2026 04:00:01 -0800");

	cr_assert_str_eq(r.rdns, "mail-sor-f41.google.com");
	cr_assert_str_eq(ipstr(&r), "209.85.220.41");
	cr_assert(r.tls);
	cr_assert_null(r.tls_version);
	cr_assert_not(top.has_ip);
	cr_assert_str_eq(top.by, "2002:a05:6a10:b0c1:b0:5a1:2b3c:4d5e");
}

Test(message, received_gmail_tls_and_ipv6)
{
	struct received r = rcv("from mail.example.org (mail.example.org. "
	    "[2a00:5:1::25]) by mx.google.com with ESMTPS id a1si2 for "
	    "<bob@gmail.com> (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 "
	    "bits=256/256); Sun, 22 Nov 2026 04:00:00 -0800 (PST)");

	cr_assert_str_eq(ipstr(&r), "2a00:5:1::25");
	cr_assert_eq(r.ip.family, AF_INET6);
	cr_assert_str_eq(r.tls_version, "TLS1_3");
	cr_assert_str_eq(r.tls_cipher, "TLS_AES_256_GCM_SHA384");
}

Test(message, received_microsoft)
{
	struct received r = rcv("from mail-wr1-f52.google.com (209.85.221.52) "
	    "by AM4PEPF00025F9A.mail.protection.outlook.com (10.167.16.9) with "
	    "Microsoft SMTP Server (version=TLS1_3, cipher="
	    "TLS_AES_256_GCM_SHA384) id 15.20.7633.15 via Frontend Transport; "
	    "Sun, 22 Nov 2026 12:00:00 +0000");

	cr_assert_str_eq(r.helo, "mail-wr1-f52.google.com");
	cr_assert_str_eq(ipstr(&r), "209.85.221.52");
	cr_assert_str_eq(r.by, "AM4PEPF00025F9A.mail.protection.outlook.com");
	cr_assert_str_eq(r.tls_version, "TLS1_3");
	cr_assert_str_eq(r.tls_cipher, "TLS_AES_256_GCM_SHA384");
}

Test(message, received_ipv6_literal_and_lmtp)
{
	struct received r = rcv("from mx.example.net (mx.example.net "
	    "[IPv6:2a00:5::5]) by mail.example.net (Postfix) with ESMTPS");
	struct received l = rcv("from mx.example.net by imap.example.net "
	    "(Dovecot) with LMTP id abc; Sun, 1 Nov 2026");

	cr_assert_str_eq(ipstr(&r), "2a00:5::5");
	cr_assert_not(l.has_ip);
	cr_assert_str_eq(l.helo, "mx.example.net");
	cr_assert_str_eq(l.with, "LMTP");
}

/* Postfix writes the HELO first, here an address literal; Exim writes
 * "from NAME ([IP])" when the HELO is the name the address resolves to
 * (Sendmail's same form has no reverse name). */
Test(message, received_literal_helo_and_exim_same_name)
{
	struct received p = rcv("from [81.0.2.10] (mail.sender.test "
	    "[81.0.2.10]) by mx.receiver.test (Postfix) with ESMTP id 1");
	struct received e = rcv("from mail.sender.test ([81.0.2.10]) by "
	    "mx.receiver.test with esmtp (Exim 4.96) id 1qXyZ-0001; Sun");
	struct received sm = rcv("from mail.sender.test ([81.0.2.10]) by "
	    "mx.receiver.test (8.15.2/8.15.2) with ESMTP id 5AB; Sun");

	cr_assert_str_eq(p.helo, "[81.0.2.10]");
	cr_assert_str_eq(p.rdns, "mail.sender.test");
	cr_assert_str_eq(e.helo, "mail.sender.test");
	cr_assert_str_eq(e.rdns, "mail.sender.test");
	cr_assert_str_eq(sm.helo, "mail.sender.test");
	cr_assert_null(sm.rdns);
}

Test(message, received_receiver_address_recipient_and_protocol)
{
	struct received ms = rcv("from AS9PR06CA0001.eurprd06.prod.outlook.com "
	    "(2603:10a6:20b:462::6) by DB8PR01MB1234.eurprd01.prod.exchangelabs"
	    ".com (2603:10a6:10:1::12) with Microsoft SMTP Server (version="
	    "TLS1_2, cipher=X) id 15.20.1; Sun, 22 Nov 2026");
	struct received lmtp = rcv("from mx.receiver.test ([93.184.216.7]) by "
	    "imap1 with LMTP id 9Tq2J for <bob@receiver.test>; Sun");
	struct received sub = rcv("from [192.168.1.5] (pool.example.net "
	    "[81.0.113.9]) by mail.sender.test (Postfix) with ESMTPSA id 2 "
	    "for <bob@receiver.test>; Sun");
	struct received http = rcv("from a.prod.exchangelabs.com (2603:10a6::1)"
	    " by b.prod.exchangelabs.com with HTTPS; Sun");

	cr_assert(ms.has_by_ip);
	cr_assert_str_eq(addr(ms.has_by_ip, &ms.by_ip), "2603:10a6:10:1::12");
	cr_assert_not(ms.local);
	cr_assert_not(ms.authenticated);
	cr_assert(lmtp.local);
	cr_assert_str_eq(lmtp.recipient, "bob@receiver.test");
	cr_assert_not(lmtp.has_by_ip);
	cr_assert(sub.authenticated);
	cr_assert_not(sub.local);
	cr_assert(http.local);
}

Test(message, received_hostile)
{
	struct received r = rcv("from ((((( [1.2.3.4 by ;;; ( ");
	struct received e = rcv("");

	cr_assert_not(e.has_ip);
	cr_assert_null(e.by);
	cr_assert_not(r.has_ip);
}

static struct authres
ar(const char *value, bool arc)
{
	struct authres out;

	authres_parse(a, value, arc, &out);
	return out;
}

Test(message, authres_gmail)
{
	struct authres r = ar("mx.google.com; dkim=pass header.i=@example.com "
	    "header.s=sel header.b=AbCdEf12; spf=pass (google.com: domain of "
	    "x@example.com designates 81.0.2.1 as permitted sender) "
	    "smtp.mailfrom=x@example.com; dmarc=pass (p=NONE sp=NONE "
	    "dis=NONE) header.from=example.com", false);

	cr_assert_null(r.error, "%s", r.error);
	cr_assert_str_eq(r.authserv_id, "mx.google.com");
	cr_assert_eq(r.nresults, 3);
	cr_assert_str_eq(r.results[0].method, "dkim");
	cr_assert_str_eq(authres_prop(&r.results[0], "header", "b"),
	    "AbCdEf12");
	cr_assert_str_eq(r.results[1].result, "pass");
	cr_assert_str_eq(authres_prop(&r.results[1], "smtp", "mailfrom"),
	    "x@example.com");
	cr_assert(strstr(r.results[1].comment, "designates 81.0.2.1") !=
	    NULL);
	cr_assert_str_eq(r.results[2].comment, "p=NONE sp=NONE dis=NONE");
}

Test(message, authres_versions_reasons_and_none)
{
	struct authres r = ar("example.org 1; auth=pass (cram-md5) "
	    "smtp.auth=sender@example.net; dkim/1 = fail reason=\"bad "
	    "signature; really\" header.d=example.net", false);
	struct authres n = ar("example.com; none", false);

	cr_assert_null(r.error, "%s", r.error);
	cr_assert_eq(r.nresults, 2);
	cr_assert_str_eq(r.results[0].comment, "cram-md5");
	cr_assert_str_eq(r.results[1].method, "dkim");
	cr_assert_str_eq(r.results[1].reason, "bad signature; really");
	cr_assert_null(n.error);
	cr_assert_eq(n.nresults, 0);
}

Test(message, authres_microsoft_without_authserv_id)
{
	struct authres r = ar("spf=pass (sender IP is 209.85.221.52) "
	    "smtp.mailfrom=gmail.com; dkim=pass (signature was verified) "
	    "header.d=gmail.com;dmarc=pass action=none header.from=gmail.com;"
	    "compauth=pass reason=100", false);

	cr_assert_null(r.authserv_id);
	cr_assert_not_null(r.error);
	cr_assert_eq(r.nresults, 4);
	cr_assert_str_eq(authres_prop(&r.results[2], "", "action"), "none");
	cr_assert_str_eq(authres_prop(&r.results[2], "header", "from"),
	    "gmail.com");
	cr_assert_str_eq(r.results[3].reason, "100");
}

Test(message, authres_arc_instance_and_format)
{
	struct authres r = ar("i=2; lists.example.org; spf=pass "
	    "smtp.mailfrom=jqd@d1.example;\r\n dkim=pass (1024-bit key) "
	    "header.i=@d1.example; dmarc=pass", true);
	struct authres again;
	char *text;

	cr_assert_eq(r.instance, 2);
	cr_assert_str_eq(r.authserv_id, "lists.example.org");
	cr_assert_eq(r.nresults, 3);
	text = authres_format(a, &r, " ");
	cr_assert_str_eq(text, "i=2; lists.example.org; spf=pass "
	    "smtp.mailfrom=jqd@d1.example; dkim=pass (1024-bit key) "
	    "header.i=@d1.example; dmarc=pass");
	authres_parse(a, text, true, &again);
	cr_assert_eq(again.nresults, 3);
	cr_assert_not_null(ar("lists.example.org; spf=pass", true).error);
}

Test(message, authres_quotes_what_needs_it)
{
	struct authres_prop p = { "smtp", "mailfrom", "\"a b\"@example.com" };
	struct authres_result res = { "dkim", "fail", "body hash; mismatch",
	    "x (y)", &p, 1 };
	struct authres out = { -1, "mx.example.net", &res, 1, NULL };
	struct authres back;

	cr_assert_str_eq(authres_format(a, &out, " "), "mx.example.net; "
	    "dkim=fail (x \\(y\\)) reason=\"body hash; mismatch\" "
	    "smtp.mailfrom=\"\\\"a b\\\"@example.com\"");
	authres_parse(a, authres_format(a, &out, "\n\t"), false, &back);
	cr_assert_eq(back.nresults, 1);
	cr_assert_str_eq(back.results[0].reason, "body hash; mismatch");
	cr_assert_str_eq(authres_prop(&back.results[0], "smtp", "mailfrom"),
	    "\"a b\"@example.com");
}

/* RFC 8601 §2.2: the field is US-ASCII, whatever the reasons and the
 * message's own text hold. */
Test(message, authres_format_is_ascii)
{
	struct authres_prop props[1] = { { "header", "from", "ex\xc3\xa4mple" } };
	struct authres_result res[1] = { { "arc", "fail", "RFC 8617 \xc2\xa7" "5.2 "
	    "step 1\r\n", "a (\xc2\xa7 4.1) \xe2\x80\x94 b", props, 1 } };
	struct authres r = { -1, "mx.example", res, 1, NULL };
	const char *out = authres_format(a, &r, " ");
	const unsigned char *p;

	for (p = (const unsigned char *)out; *p; p++) {
		cr_assert(*p >= 0x20 && *p < 0x7f, "%s", out);
	}
	cr_assert_str_eq(out, "mx.example; arc=fail (a \\(section 4.1\\) ? b) "
	    "reason=\"RFC 8617 section 5.2 step 1  \" header.from=\"ex?mple\"");
}

Test(message, mailboxes)
{
	struct rfc5322_mailbox *b;
	size_t n = rfc5322_mailboxes(a, "\"Doe, John\" <john@Example.COM>, "
	    "jane@example.org (Jane), Team: a@x.example, b@y.example;", &b);

	cr_assert_eq(n, 4);
	cr_assert_str_eq(b[0].addr, "john@Example.COM");
	cr_assert_str_eq(b[0].domain, "example.com");
	cr_assert_str_eq(b[1].addr, "jane@example.org");
	cr_assert_str_eq(b[2].domain, "x.example");
	cr_assert_str_eq(b[3].addr, "b@y.example");
	cr_assert_eq(rfc5322_mailboxes(a, "undisclosed-recipients:;", &b), 0);
	cr_assert_eq(rfc5322_mailboxes(a, "Bob <bob@[81.0.2.1]>", &b), 1);
	cr_assert_null(b[0].domain);
	cr_assert_eq(rfc5322_mailboxes(a, "a@bücher.example", &b), 1);
	cr_assert_str_eq(b[0].domain, "xn--bcher-kva.example");
}

Test(message, return_path)
{
	cr_assert_str_eq(rfc5322_return_path(a, "<>"), "");
	cr_assert_str_eq(rfc5322_return_path(a, " < > (bounce)"), "");
	cr_assert_str_eq(rfc5322_return_path(a, "<bounce@example.com>"),
	    "bounce@example.com");
	cr_assert_str_eq(rfc5322_return_path(a, "<@relay.example:x@y.example>"),
	    "x@y.example");
	cr_assert_null(rfc5322_return_path(a, "nonsense"));
}

static struct message_context
context(const char *text, const struct message_given *given)
{
	struct message_given none;
	struct message_context c;
	struct dkim_message *m = dkim_message_parse(a, text, strlen(text));

	memset(&none, 0, sizeof(none));
	cr_assert_not_null(m);
	message_context_find(a, m, psl, given ? given : &none, &c);
	return c;
}

#define ctx_ip(c) addr((c)->has_ip, &(c)->ip)

Test(message, context_gmail_layout)
{
	struct message_context c = context(
	    "Received: by 2002:a05:6a10:b0c1::1 with SMTP id x1csp;\n"
	    "        Sun, 22 Nov 2026 04:00:01 -0800 (PST)\n"
	    "X-Received: by 2002:a17:90a::2 with SMTP id y2;\n"
	    "Return-Path: <bounce@example.com>\n"
	    "Received: from mail.example.com (mail.example.com. [81.0.2.10])\n"
	    "        by mx.google.com with ESMTPS id z3\n"
	    "        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);"
	    "\n        Sun, 22 Nov 2026 04:00:00 -0800 (PST)\n"
	    "Received-SPF: pass (google.com: domain of bounce@example.com "
	    "designates 81.0.2.10 as permitted sender) client-ip=81.0.2.10;\n"
	    "From: a@example.com\n\nbody\n", NULL);

	cr_assert_eq(c.nhops, 2);
	cr_assert_eq(c.boundary, 1);
	cr_assert_str_eq(ctx_ip(&c), "81.0.2.10");
	cr_assert_eq(c.ip_source, MESSAGE_SRC_RECEIVED);
	cr_assert_str_eq(c.helo, "mail.example.com");
	cr_assert_str_eq(c.sender, "bounce@example.com");
	cr_assert_eq(c.sender_source, MESSAGE_SRC_RETURN_PATH);
	cr_assert_str_eq(message_context_hop(&c)->tls_version, "TLS1_3");
}

Test(message, context_skips_internal_hops)
{
	/* Microsoft's own hops carry public addresses; so does an LMTP
	 * delivery inside one organization. */
	struct message_context ms = context(
	    "Received: from AM9PR02MB1.eurprd02.prod.outlook.com "
	    "(2603:10a6:20b:1::1) by DU0PR02MB2.eurprd02.prod.outlook.com with "
	    "HTTPS; Sun, 22 Nov 2026\n"
	    "Received: from AM6P193CA0123.EURP193.PROD.OUTLOOK.COM "
	    "(2603:10a6:209:85::28) by AM9PR02MB1.eurprd02.prod.outlook.com "
	    "(2603:10a6:20b:1::1) with Microsoft SMTP Server; Sun, 22 Nov 2026\n"
	    "Received: from AM4PEPF00025F9A.EURPRD84.prod.outlook.com "
	    "(2603:10a6:209:85:cafe::72) by AM6P193CA0123.outlook.office365.com"
	    " (2603:10a6:209:85::28) with Microsoft SMTP Server; Sun, 22 Nov\n"
	    "Received: from mail-wr1-f52.google.com (209.85.221.52) by "
	    "AM4PEPF00025F9A.mail.protection.outlook.com (10.167.16.9) with "
	    "Microsoft SMTP Server; Sun, 22 Nov 2026\n"
	    "From: a@gmail.com\n\nbody\n", NULL);
	struct message_context lmtp = context(
	    "Received: from mx.example.net (mx.example.net [81.0.100.5]) by "
	    "imap.example.net (Dovecot) with LMTP id 1; Sun, 22 Nov 2026\n"
	    "Received: from localhost (localhost [127.0.0.1]) by "
	    "mx.example.net (amavis); Sun, 22 Nov 2026\n"
	    "Received: from mail.sender.example (mail.sender.example "
	    "[81.0.2.77]) by mx.example.net (Postfix) with ESMTP id 2; Sun\n"
	    "From: a@sender.example\n\nbody\n", NULL);

	cr_assert_eq(ms.boundary, 3);
	cr_assert_str_eq(ctx_ip(&ms), "209.85.221.52");
	cr_assert_str_eq(ms.helo, "mail-wr1-f52.google.com");
	cr_assert_eq(lmtp.boundary, 2);
	cr_assert_str_eq(ctx_ip(&lmtp), "81.0.2.77");
}

Test(message, context_skips_addresses_the_internet_cannot_reach)
{
	struct message_context c = context(
	    "Received: from scanner (scanner [10.1.2.3]) by mx.example.net; Sun\n"
	    "Received: from doc (doc [192.0.2.7]) by scanner.example.net; Sun\n"
	    "Received: from fe (fe [IPv6:fe80::1]) by scanner.example.net; Sun\n"
	    "Received: from mail.sender.example (mail.sender.example "
	    "[81.0.2.77]) by scanner.example.net; Sun\n"
	    "From: a@sender.example\n\nbody\n", NULL);

	cr_assert_eq(c.boundary, 3);
	cr_assert_str_eq(ctx_ip(&c), "81.0.2.77");
}

Test(message, context_same_provider_both_ends)
{
	/* Gmail to Gmail: the boundary's client is Google too, and the hop
	 * below it was received by gmail.com, another organization. */
	struct message_context c = context(
	    "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. "
	    "[209.85.220.41]) by mx.google.com with SMTPS id 1; Sun\n"
	    "Received: from laptop (pool.example.net. [81.0.113.9]) by "
	    "smtp.gmail.com with ESMTPSA id 2; Sun\n"
	    "From: a@gmail.com\n\nbody\n", NULL);

	cr_assert_eq(c.boundary, 0);
	cr_assert_str_eq(ctx_ip(&c), "209.85.220.41");
}

Test(message, context_lmtp_delivery_is_inside)
{
	/* Dovecot's LMTP delivery names the MX by its public address, and
	 * its host by a short name: never the Internet boundary. */
	struct message_context c = context(
	    "Received: from mx.receiver.test ([93.184.216.7]) by imap1 with "
	    "LMTP id 9Tq2J for <bob@receiver.test>; Sun, 22 Nov 2026\n"
	    "Received: from mail.sender.test (mail.sender.test [81.0.2.10]) "
	    "by mx.receiver.test (Postfix) with ESMTPS id 4AbC1; Sun\n"
	    "From: a@sender.test\n\nbody\n", NULL);

	cr_assert_eq(c.boundary, 1);
	cr_assert_str_eq(ctx_ip(&c), "81.0.2.10");
}

Test(message, context_microsoft_mixed_domains)
{
	/* exchangelabs.com, outlook.com and protection.outlook.com hosts of
	 * one system: each client is the host that received the hop below. */
	struct message_context c = context(
	    "Received: from DB8PR01MB1234.eurprd01.prod.exchangelabs.com "
	    "(2603:10a6:10:1::12) by AM0PR01MB5678.eurprd01.prod.exchangelabs"
	    ".com with HTTPS; Sun, 22 Nov 2026\n"
	    "Received: from AS9PR06CA0001.eurprd06.prod.outlook.com "
	    "(2603:10a6:20b:462::6) by DB8PR01MB1234.eurprd01.prod.exchangelabs"
	    ".com (2603:10a6:10:1::12) with Microsoft SMTP Server id 15.20.1; "
	    "Sun\n"
	    "Received: from mail.sender.test (81.0.2.10) by AS9PR06CA0001.mail."
	    "protection.outlook.com (10.167.16.74) with Microsoft SMTP Server "
	    "id 15.20.3 via Frontend Transport; Sun\n"
	    "From: a@sender.test\n\nbody\n", NULL);

	cr_assert_eq(c.boundary, 2);
	cr_assert_str_eq(ctx_ip(&c), "81.0.2.10");
	cr_assert_str_eq(c.helo, "mail.sender.test");
}

Test(message, context_gateway_forward_and_submission)
{
	/* A filtering gateway relays to the mailbox server for the same
	 * recipient: inside. A forwarder changes the recipient: it is the
	 * boundary, even on the host that received the hop below. A user's
	 * authenticated submission below never makes the sender's server an
	 * inside relay. */
	struct message_context gw = context(
	    "Received: from mx1.filter.test (mx1.filter.test [93.184.216.9]) "
	    "by mail.receiver.test (Postfix) with ESMTPS id 2; Sun\n"
	    "Received: from mail.sender.test (mail.sender.test [81.0.2.10]) "
	    "by mx1.filter.test (Postfix) with ESMTPS id 1 for "
	    "<bob@receiver.test>; Sun\n"
	    "From: a@sender.test\n\nbody\n", NULL);
	struct message_context fwd = context(
	    "Received: from lists.example.org (lists.example.org [81.0.100.20])"
	    " by mx.receiver.test (Postfix) with ESMTPS id 2 for "
	    "<bob@receiver.test>; Sun\n"
	    "Received: from mail.sender.test (mail.sender.test [81.0.2.10]) "
	    "by lists.example.org (Postfix) with ESMTPS id 1 for "
	    "<friends@lists.example.org>; Sun\n"
	    "From: a@sender.test\n\nbody\n", NULL);
	struct message_context sub = context(
	    "Received: from mail.sender.test (mail.sender.test [81.0.2.10]) "
	    "by mx.receiver.test (Postfix) with ESMTPS id 2 for "
	    "<bob@receiver.test>; Sun\n"
	    "Received: from [192.168.1.5] (pool.example.net [81.0.113.9]) by "
	    "mail.sender.test (Postfix) with ESMTPSA id 1 for "
	    "<bob@receiver.test>; Sun\n"
	    "From: a@sender.test\n\nbody\n", NULL);

	cr_assert_eq(gw.boundary, 1);
	cr_assert_str_eq(ctx_ip(&gw), "81.0.2.10");
	cr_assert_eq(fwd.boundary, 0);
	cr_assert_str_eq(ctx_ip(&fwd), "81.0.100.20");
	cr_assert_eq(sub.boundary, 0);
	cr_assert_str_eq(ctx_ip(&sub), "81.0.2.10");
}

Test(message, context_received_spf_names_the_boundary)
{
	/* The receiver's Received-SPF (above its Received) moves the boundary
	 * up to the forwarder the chain alone took for a relay; an
	 * intermediary's, below the boundary, moves nothing. */
	struct message_context up = context(
	    "Received-SPF: fail (mx.receiver.test: 81.0.100.20 is not "
	    "permitted) client-ip=81.0.100.20;\n"
	    "Received: from fwd.example.org (fwd.example.org [81.0.100.20]) by "
	    "mx.receiver.test (Postfix) with ESMTPS id 2; Sun\n"
	    "Received: from mail.sender.test (mail.sender.test [81.0.2.10]) "
	    "by fwd.example.org (Postfix) with ESMTPS id 1; Sun\n"
	    "From: a@sender.test\n\nbody\n", NULL);
	struct message_context below = context(
	    "Received: from lists.example.org (lists.example.org [81.0.100.20])"
	    " by mx.receiver.test (Postfix) with ESMTPS id 2; Sun\n"
	    "Received-SPF: pass (lists.example.org) client-ip=81.0.2.10;\n"
	    "Received: from mail.sender.test (mail.sender.test [81.0.2.10]) "
	    "by mx.lists.example.org (Postfix) with ESMTPS id 1; Sun\n"
	    "From: a@sender.test\n\nbody\n", NULL);

	cr_assert_eq(up.boundary, 0);
	cr_assert_str_eq(ctx_ip(&up), "81.0.100.20");
	cr_assert_eq(below.boundary, 0);
	cr_assert_str_eq(ctx_ip(&below), "81.0.100.20");
}

Test(message, context_fallbacks_and_options)
{
	struct message_given given;
	struct message_context spf = context(
	    "Received-SPF: softfail (mx.example: transitioning) "
	    "client-ip=81.0.2.99; envelope-from=\"x@example.com\"; "
	    "helo=mail.example.com;\n"
	    "From: a@example.com\n\nbody\n", NULL);
	struct message_context authres = context(
	    "Authentication-Results: mx.example.net; iprev=pass "
	    "policy.iprev=2a00:5::9; spf=pass smtp.mailfrom=b@example.org "
	    "smtp.helo=out.example.org\n"
	    "From: a@example.org\n\nbody\n", NULL);
	struct message_context given_ctx;

	cr_assert_str_eq(ctx_ip(&spf), "81.0.2.99");
	cr_assert_eq(spf.ip_source, MESSAGE_SRC_RECEIVED_SPF);
	cr_assert_str_eq(spf.sender, "x@example.com");
	cr_assert_str_eq(spf.helo, "mail.example.com");
	cr_assert_eq(spf.boundary, -1);
	cr_assert_str_eq(ctx_ip(&authres), "2a00:5::9");
	cr_assert_eq(authres.ip_source, MESSAGE_SRC_AUTHRES);
	cr_assert_str_eq(authres.sender, "b@example.org");
	cr_assert_str_eq(authres.helo, "out.example.org");
	memset(&given, 0, sizeof(given));
	given.has_ip = ip_parse("81.0.100.1", &given.ip);
	given.sender = "";
	given_ctx = context("Return-Path: <x@example.com>\nReceived: from a "
	    "(a [81.0.2.1]) by b.example\nFrom: a@example.com\n\nbody\n",
	    &given);
	cr_assert_str_eq(ctx_ip(&given_ctx), "81.0.100.1");
	cr_assert_eq(given_ctx.ip_source, MESSAGE_SRC_OPTION);
	cr_assert_str_eq(given_ctx.sender, "");
	cr_assert_eq(given_ctx.sender_source, MESSAGE_SRC_OPTION);
	cr_assert_str_eq(given_ctx.helo, "a");
	cr_assert_eq(given_ctx.helo_source, MESSAGE_SRC_RECEIVED);
}

Test(message, context_no_received)
{
	struct message_context c = context("From: a@example.com\n\nbody\n",
	    NULL);

	cr_assert_not(c.has_ip);
	cr_assert_eq(c.boundary, -1);
	cr_assert_null(c.sender);
}

Test(message, alignment_rfc9989_table)
{
	/* RFC 9989 §4.4, Table 1. */
	cr_assert_eq(dmarc_alignment("news.example.com", "example.com",
	    "foo.example.com", "example.com"), DMARC_ALIGN_RELAXED);
	cr_assert_eq(dmarc_alignment("news.example.com", "example.com",
	    "NEWS.example.com.", "example.com"), DMARC_ALIGN_STRICT);
	cr_assert_eq(dmarc_alignment("news.example.com", "example.com",
	    "foo.example.net", "example.net"), DMARC_ALIGN_NONE);
	cr_assert_eq(dmarc_alignment("news.example.com", NULL,
	    "foo.example.com", "example.com"), DMARC_ALIGN_UNKNOWN);
	cr_assert(dmarc_aligned(DMARC_ALIGN_RELAXED, 'r'));
	cr_assert_not(dmarc_aligned(DMARC_ALIGN_RELAXED, 's'));
	cr_assert(dmarc_aligned(DMARC_ALIGN_STRICT, 's'));
	cr_assert_not(dmarc_aligned(DMARC_ALIGN_UNKNOWN, 'r'));
}

/* A discovery for domain whose record (at record_domain) reads text. */
static struct dmarc_result *
discovery(const char *domain, const char *record_domain, const char *text,
    bool exists)
{
	struct dmarc_result *r = arena_alloc(a, sizeof(*r));
	struct dmarc_step *s = arena_calloc(a, 1, sizeof(*s));
	const struct dmarc_record *rec = dmarc_record_parse(a, text,
	    strlen(text));

	s->domain = record_domain;
	s->name = arena_printf(a, "_dmarc.%s", record_domain);
	s->kind = DMARC_STEP_RECORD;
	s->record = rec;
	r->domain = domain;
	r->steps = s;
	r->nsteps = 1;
	r->org_domain = record_domain;
	r->org_domain_psl = record_domain;
	r->record_domain_7489 = record_domain;
	r->policy_step = s;
	r->exists = exists;
	r->source = strcmp(domain, record_domain) == 0 ? DMARC_SOURCE_DOMAIN :
	    DMARC_SOURCE_ORG;
	r->p_record = rec->p;
	r->sp_set = rec->sp != DMARC_POLICY_UNSET;
	r->np_set = rec->np != DMARC_POLICY_UNSET;
	r->p_sub = r->sp_set ? rec->sp : rec->p;
	r->p_nx = r->np_set ? rec->np : r->p_sub;
	r->p_domain = r->source == DMARC_SOURCE_DOMAIN ? rec->p : exists ?
	    r->p_sub : r->p_nx;
	r->adkim = rec->adkim;
	r->aspf = rec->aspf;
	return r;
}

static struct dmarc_ident
ident(const char *domain, const char *org, enum verdict authenticated)
{
	struct dmarc_ident id;

	memset(&id, 0, sizeof(id));
	id.domain = domain;
	id.org = org;
	id.org_psl = org;
	id.authenticated = authenticated;
	return id;
}

Test(message, verdict_relaxed_spf_pass)
{
	struct dmarc_result *r = discovery("example.com", "example.com",
	    "v=DMARC1; p=reject", true);
	struct dmarc_ident spf = ident("bounce.example.com", "example.com",
	    VERDICT_PASS);
	struct dmarc_eval e;

	dmarc_evaluate(r, &spf, NULL, 0, &e);
	cr_assert_eq(e.result, DMARC_PASS);
	cr_assert(spf.aligned);
	cr_assert_eq(spf.alignment, DMARC_ALIGN_RELAXED);
	cr_assert_str_eq(e.policy_tag, "p");
}

Test(message, verdict_strict_fails_and_disposition)
{
	struct dmarc_result *r = discovery("example.com", "example.com",
	    "v=DMARC1; p=quarantine; aspf=s; adkim=s", true);
	struct dmarc_ident spf = ident("bounce.example.com", "example.com",
	    VERDICT_PASS);
	struct dmarc_ident dkim = ident("mail.example.com", "example.com",
	    VERDICT_PASS);
	struct dmarc_eval e;

	dmarc_evaluate(r, &spf, &dkim, 1, &e);
	cr_assert_eq(e.result, DMARC_FAIL);
	cr_assert_not(spf.aligned);
	cr_assert_eq(dkim.alignment, DMARC_ALIGN_RELAXED);
	cr_assert_eq(e.disposition, DMARC_POLICY_QUARANTINE);
}

Test(message, verdict_sp_np_and_testing)
{
	struct dmarc_result *sub = discovery("a.example.com", "example.com",
	    "v=DMARC1; p=reject; sp=quarantine; np=reject; t=y", true);
	struct dmarc_result *nx = discovery("nx.example.com", "example.com",
	    "v=DMARC1; p=none; np=reject", false);
	struct dmarc_ident other = ident("other.example", "other.example",
	    VERDICT_PASS);
	struct dmarc_eval e;

	dmarc_evaluate(sub, &other, NULL, 0, &e);
	cr_assert_eq(e.result, DMARC_FAIL);
	cr_assert_str_eq(e.policy_tag, "sp");
	cr_assert_eq(e.policy, DMARC_POLICY_QUARANTINE);
	cr_assert(e.testing);
	cr_assert_eq(e.disposition, DMARC_POLICY_NONE);
	cr_assert_eq(e.policy_7489, DMARC_POLICY_QUARANTINE);
	cr_assert_eq(e.disposition_7489, DMARC_POLICY_QUARANTINE);
	dmarc_evaluate(nx, &other, NULL, 0, &e);
	cr_assert_str_eq(e.policy_tag, "np");
	cr_assert_eq(e.disposition, DMARC_POLICY_REJECT);
	cr_assert_eq(e.policy_7489, DMARC_POLICY_NONE);
}

Test(message, verdict_unknown_and_none)
{
	struct dmarc_result *r = discovery("example.com", "example.com",
	    "v=DMARC1; p=reject", true);
	struct dmarc_ident temp = ident("example.com", "example.com",
	    VERDICT_UNKNOWN);
	struct dmarc_ident lost = ident("mail.example.com", NULL, VERDICT_PASS);
	struct dmarc_ident pass = ident("example.com", "example.com",
	    VERDICT_PASS);
	struct dmarc_eval e;

	dmarc_evaluate(r, &temp, NULL, 0, &e);
	cr_assert_eq(e.result, DMARC_TEMPERROR);
	dmarc_evaluate(r, &lost, NULL, 0, &e);
	cr_assert_eq(e.result, DMARC_TEMPERROR);
	dmarc_evaluate(r, &temp, &pass, 1, &e);
	cr_assert_eq(e.result, DMARC_PASS);
	r->policy_step = NULL;
	r->record_domain_7489 = NULL;
	dmarc_evaluate(r, &pass, NULL, 0, &e);
	cr_assert_eq(e.result, DMARC_NONE);
	cr_assert_eq(e.result_7489, DMARC_NONE);
	r->walk_failed = true;
	dmarc_evaluate(r, &pass, NULL, 0, &e);
	cr_assert_eq(e.result, DMARC_TEMPERROR);
}

Test(message, verdict_invalid_policy_without_rua_is_none)
{
	struct dmarc_result *r = discovery("example.com", "example.com",
	    "v=DMARC1; p=bogus", true);
	struct dmarc_ident other = ident("other.example", "other.example",
	    VERDICT_PASS);
	struct dmarc_eval e;

	r->fallback = DMARC_FALLBACK_IGNORED;
	dmarc_evaluate(r, &other, NULL, 0, &e);
	cr_assert_eq(e.result, DMARC_NONE);
	r->fallback = DMARC_FALLBACK_NONE;
	r->p_domain = DMARC_POLICY_NONE;
	dmarc_evaluate(r, &other, NULL, 0, &e);
	cr_assert_eq(e.result, DMARC_FAIL);
	cr_assert_eq(e.disposition, DMARC_POLICY_NONE);
}
