/* mailauth check: is a domain and its mail server ready for Gmail? */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "check/check.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/smtp.h"
#include "dmarc/psl.h"
#include "dns/name.h"
#include "input.h"
#include "report/check.h"
#include "report/smtp.h"
#include "smtp/smtp.h"
#include "util/arena.h"
#include "util/safe.h"

enum check_key {
	OPT_IP = 'i',
	OPT_SENDER = 'f',
	OPT_HELO = 'e',
	OPT_SELECTOR = 's',
	OPT_ALL_SENDERS = 5000,
	OPT_DNSBL,
	OPT_NO_DNSBL,
	OPT_DETAILS,
	OPT_SMTP,
};

/* Blocklists asked when --dnsbl is not given: the two that most
 * receivers consult. */
static const char *const default_dnsbls[] = {
	"zen.spamhaus.org", "bl.spamcop.net",
};

struct check_opts {
	const char *ips[CHECK_MAX_IPS];
	size_t nips;
	const char *selectors[DKIM_MAX_SELECTORS];
	size_t nselectors;
	const char *dnsbls[CHECK_MAX_DNSBLS];
	size_t ndnsbls;
	const char *sender;
	const char *helo;
	bool all_senders;
	bool no_dnsbl;
	bool details;
	bool smtp;		/* --smtp: probe the MX hosts */
	struct smtp_cli smtp_cli;
};

static const struct option check_longopts[] = {
	{ "ip", required_argument, NULL, OPT_IP },
	{ "client-ip", required_argument, NULL, OPT_IP },
	{ "sender", required_argument, NULL, OPT_SENDER },
	{ "helo", required_argument, NULL, OPT_HELO },
	{ "selector", required_argument, NULL, OPT_SELECTOR },
	{ "all-senders", no_argument, NULL, OPT_ALL_SENDERS },
	{ "dnsbl", required_argument, NULL, OPT_DNSBL },
	{ "no-dnsbl", no_argument, NULL, OPT_NO_DNSBL },
	{ "details", no_argument, NULL, OPT_DETAILS },
	{ "smtp", no_argument, NULL, OPT_SMTP },
	SMTP_CLI_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* Appends arg to a bounded list of options ("too many OPTION"). */
static int
push(const char **list, size_t *n, size_t max, const char *arg,
    const char *option, struct error *err)
{
	if (*n == max) {
		return error_set(err, "too many %s (at most %zu)", option,
		    max);
	}
	list[(*n)++] = arg;
	return 0;
}

static int
check_set_option(void *opts, int key, const char *arg,
    struct error *err)
{
	struct check_opts *o = opts;

	switch (key) {
	case OPT_IP:
		return push(o->ips, &o->nips, CHECK_MAX_IPS, arg, "--ip",
		    err);
	case OPT_SELECTOR:
		return push(o->selectors, &o->nselectors, DKIM_MAX_SELECTORS,
		    arg, "-s selectors", err);
	case OPT_DNSBL:
		return push(o->dnsbls, &o->ndnsbls, CHECK_MAX_DNSBLS, arg,
		    "--dnsbl", err);
	case OPT_SENDER: o->sender = arg; return 0;
	case OPT_HELO: o->helo = arg; return 0;
	case OPT_ALL_SENDERS: o->all_senders = true; return 0;
	case OPT_NO_DNSBL: o->no_dnsbl = true; return 0;
	case OPT_DETAILS: o->details = true; return 0;
	case OPT_SMTP: o->smtp = true; return 0;
	}
	if (smtp_cli_set(&o->smtp_cli, key, arg) == 0) {
		return 0;
	}
	return error_set(err, "unknown option");
}

struct check_state {
	struct cmd_state head;
	bool details;
	struct check_input in;
	struct check_result *result;
	bool smtp;			/* --smtp */
	struct smtp_input smtp_in;
	struct smtp_probe_config smtp_cfg;
	char ehlo[SMTP_CLI_EHLO_MAX];
	struct smtp_result *smtp_result;
};

static bool
check_step(struct cmd_state *s)
{
	struct check_state *st = (struct check_state *)s;
	struct arena *a = run_pass(s);

	st->result = check_run(a, run_lookup, s->rc->res, &st->in);
	if (!st->smtp) {
		return st->result->pending == 0;
	}
	/* --smtp asks its questions in the same pass, then probes the MX
	 * hosts once every answer is in. */
	st->smtp_result = smtp_gather(a, run_lookup, s->rc->res,
	    &st->smtp_in);
	if (st->result->pending > 0 || st->smtp_result->pending > 0) {
		return false;
	}
	smtp_cli_probe(a, st->smtp_result, &st->smtp_cfg);
	return true;
}

/* With --smtp, the tls line says what the probe found: the MX hosts'
 * inbound STARTTLS, which predicts but does not prove the server's own
 * outbound TLS. It stays information: the verdict does not change. */
static void
judge_tls(struct check_state *st)
{
	struct arena *a = st->head.pass;
	struct check_result *r = st->result;
	enum verdict tls;
	size_t i;

	smtp_evaluate(a, st->smtp_result, st->in.now);
	for (i = 0; i < r->nreqs; i++) {
		struct check_requirement *q = &r->reqs[i];

		if (strcmp(q->id, "tls") != 0) {
			continue;
		}
		/* A host whose STARTTLS could not be seen (refused, timed
		 * out) leaves the line unknown, not failed. */
		tls = smtp_tls_verdict(st->smtp_result);
		q->status = tls == VERDICT_PASS ? CHECK_PASS : tls ==
		    VERDICT_FAIL ? CHECK_FAIL : CHECK_UNKNOWN;
		q->message = arena_printf(a, "the MX hosts' inbound "
		    "STARTTLS (it predicts, not proves, your server's "
		    "outbound TLS): %s", smtp_tls_summary(a,
		    st->smtp_result));
		if (q->status != CHECK_PASS) {
			q->code = q->status == CHECK_FAIL ? "tls-fail" :
			    "tls-unknown";
			q->fix = arena_printf(a, "see mailauth smtp %s "
			    "for each MX host", safe_str(a,
			    st->in.domain));
		}
	}
}

/* A sending IP as Gmail would see it: an address that is private,
 * shared, loopback or link-local is the inside of a NAT or a typo. */
static int
sending_ip(struct cmd_state *s, const char *arg, struct ip_addr *ip)
{
	const char *block;

	if (run_ip_arg(s, arg, ip) != 0) {
		return EXIT_USAGE;
	}
	block = ip_addr_unreachable(ip);
	if (block != NULL) {
		return run_usage(s->rc, "--ip %s is not a public address (%s): "
		    "Gmail sees the public address your router or provider "
		    "gives the server; give that instead",
		    safe_str(s->arena, arg), block);
	}
	return 0;
}

/* A blocklist zone is a domain name; "" would ask for the bare reversed
 * IP. Returns the zone to ask, or NULL with rc->error set. */
static const char *
dnsbl_zone(struct cmd_state *s, const char *arg)
{
	const char *zone;

	if (arg[0] == '\0') {
		run_usage(s->rc, "empty --dnsbl zone: give a blocklist zone "
		    "such as zen.spamhaus.org, or --no-dnsbl");
		return NULL;
	}
	zone = run_domain_arg(s, arg);
	if (zone == NULL) {
		char why[sizeof(s->rc->error)];

		snprintf(why, sizeof(why), "%s", s->rc->error);
		run_usage(s->rc, "--dnsbl: %s", why);
	} else if (strlen(zone) > DNS_NAME_MAX - DNSBL_IPV6_PREFIX) {
		/* RFC 5782 §2.4: 32 nibbles and their dots go in front. */
		run_usage(s->rc, "--dnsbl '%s' is %zu octets: a question under "
		    "it would be over the %d a DNS name holds (RFC 1035 "
		    "§2.3.4) for an IPv6 address, whose reversed form takes "
		    "%d; give the list's zone, such as zen.spamhaus.org",
		    safe_str(s->arena, arg), strlen(zone), DNS_NAME_MAX,
		    DNSBL_IPV6_PREFIX);
		return NULL;
	}
	return zone;
}

/* Fills the input from the options; a usage error names the input. */
static int
make_input(struct cmd_state *s, const struct check_opts *o,
    const char *domain, struct check_input *in)
{
	struct ip_addr *ips = arena_calloc(s->arena, o->nips + 1,
	    sizeof(*ips));
	const char **zones = arena_calloc(s->arena, o->ndnsbls + 1,
	    sizeof(*zones));
	size_t i;

	memset(in, 0, sizeof(*in));
	in->domain = domain;
	if (o->sender != NULL &&
	    (in->sender = run_sender_arg(s, o->sender)) == NULL) {
		return EXIT_USAGE;
	}
	if (run_helo_arg(s, o->helo) != 0) {
		return EXIT_USAGE;
	}
	in->helo = o->helo;
	in->all_senders = o->all_senders;
	in->now = (long long)time(NULL);
	for (i = 0; i < o->nips; i++) {
		if (sending_ip(s, o->ips[i], &ips[i]) != 0) {
			return EXIT_USAGE;
		}
	}
	in->ips = ips;
	in->nips = o->nips;
	if (run_selectors_arg(s, o->selectors, o->nselectors, domain) != 0) {
		return EXIT_USAGE;
	}
	/* The lists are copied: a batch line's options live on the
	 * stack. */
	if (o->nselectors > 0) {
		in->selectors = (const char *const *)arena_memdup(s->arena,
		    o->selectors, o->nselectors * sizeof(o->selectors[0]));
		in->nselectors = o->nselectors;
	}
	if (o->no_dnsbl && o->ndnsbls > 0) {
		return run_usage(s->rc, "--dnsbl and --no-dnsbl exclude each "
		    "other: give --dnsbl ZONE to ask that list, or --no-dnsbl "
		    "to ask none");
	}
	for (i = 0; i < o->ndnsbls; i++) {
		if ((zones[i] = dnsbl_zone(s, o->dnsbls[i])) == NULL) {
			return EXIT_USAGE;
		}
	}
	if (o->no_dnsbl) {
		in->ndnsbls = 0;
	} else if (o->ndnsbls > 0) {
		in->dnsbls = zones;
		in->ndnsbls = o->ndnsbls;
	} else {
		in->dnsbls = default_dnsbls;
		in->ndnsbls = sizeof(default_dnsbls) / sizeof(default_dnsbls[0]);
	}
	return 0;
}

/* The verdict decides: 0 ready, 1 not-ready, 3 unknown. */
static int
check_conclude(struct cmd_state *s)
{
	struct check_state *st = (struct check_state *)s;

	check_evaluate(s->pass, st->result);
	if (st->smtp) {
		judge_tls(st);
		st->result->verdict = check_verdict(st->result->reqs,
		    st->result->nreqs);
	}
	return run_exit_status(st->result->verdict);
}

/* --smtp and the probe options that go with it. */
static int
smtp_start(const struct check_opts *o, struct check_state *st,
    const char *domain)
{
	const struct smtp_cli *c = &o->smtp_cli;

	if (!o->smtp) {
		return c->port || c->timeout || c->ca_file ?
		    run_usage(st->head.rc, "--smtp-port, --smtp-timeout and "
		    "--ca-file go with --smtp: add --smtp to probe the MX "
		    "hosts") : 0;
	}
	st->smtp = true;
	st->smtp_in.name = domain;
	if (smtp_cli_config(&st->head, c, &st->smtp_cfg, st->ehlo) != 0) {
		return EXIT_USAGE;
	}
	st->smtp_in.port = st->smtp_cfg.port;
	return 0;
}

static int
check_start(struct run_ctx *rc, const void *opts, void *state, int argc,
    char **argv)
{
	struct check_state *st = run_begin(state, rc);
	const char *domain;

	st->details = ((const struct check_opts *)opts)->details;
	if (run_one_argument(&st->head, argc, "check", "DOMAIN", "") != 0 ||
	    (domain = run_domain_arg(&st->head, argv[0])) == NULL ||
	    make_input(&st->head, opts, domain, &st->in) != 0) {
		return EXIT_USAGE;
	}
	st->in.psl = run_psl(rc);
	return smtp_start(opts, st, domain);
}

/* A batch line is "DOMAIN [IP ...]". */
static int
check_batch_start(struct run_ctx *rc, const void *opts, void *state, int n,
    char **fields)
{
	struct check_opts copy = *(const struct check_opts *)opts;
	int i;

	for (i = 1; i < n && copy.nips < CHECK_MAX_IPS; i++) {
		copy.ips[copy.nips++] = fields[i];
	}
	return check_start(rc, &copy, state, n > 0 ? 1 : 0, fields);
}

static void
check_text(const struct cmd_state *s, FILE *f, const struct text_style *style)
{
	const struct check_state *st = (const struct check_state *)s;

	report_check_text(f, style, st->result, st->details);
}

/* The verdict is the checklist's own, as the exit code is. */
static void
check_brief(const struct cmd_state *s, FILE *f,
    const struct text_style *style, int code)
{
	(void)code;
	report_check_brief(f, style, ((const struct check_state *)s)->result);
}

static cJSON *
check_json(const struct cmd_state *s)
{
	const struct check_state *st = (const struct check_state *)s;
	cJSON *obj = report_check_json(st->result);

	if (st->smtp) {
		cJSON_AddItemToObject(obj, "smtp",
		    report_smtp_json(st->smtp_result));
	}
	return obj;
}

/* With --smtp, one line at a time (smtp_batch_lines). */
static size_t
check_batch_lines(const void *opts)
{
	return ((const struct check_opts *)opts)->smtp ?
	    smtp_batch_lines(opts) : 0;
}

static const struct command_ops check_ops = {
	.state_size = sizeof(struct check_state),
	.start = check_start,
	.batch_start = check_batch_start,
	.step = check_step,
	.conclude = check_conclude,
	.text = check_text,
	.brief = check_brief,
	.json = check_json,
	.batch_lines = check_batch_lines,
};

const struct command cmd_check = {
	.name = "check",
	.summary = "is a domain and its mail server ready for Gmail?",
	.usage = "check [OPTIONS] DOMAIN",
	.help =
	    "  -i, --ip IP         the public IP the server sends from\n"
	    "                      (repeatable; default: the public\n"
	    "                      addresses of the domain's MX hosts)\n"
	    "  -f, --sender ADDR   the MAIL FROM address, alone (default\n"
	    "                      postmaster@DOMAIN; '<>' the null sender)\n"
	    "  -e, --helo NAME     the server's HELO/EHLO name\n"
	    "  -s, --selector SEL  DKIM selector (repeatable; default: probe)\n"
	    "  --all-senders       Google's rules for all senders instead of\n"
	    "                      those for bulk senders\n"
	    "  --dnsbl ZONE        a DNS blocklist to ask (repeatable; default\n"
	    "                      zen.spamhaus.org and bl.spamcop.net);\n"
	    "                      blocklists are information, never the\n"
	    "                      verdict\n"
	    "  --no-dnsbl          ask no blocklist (not with --dnsbl)\n"
	    "  --details           also show the SPF, DKIM, DMARC and PTR\n"
	    "                      sections in full\n"
	    "  --smtp              probe the MX hosts' STARTTLS for the tls\n"
	    "                      line (as mailauth smtp; information only)\n"
	    "  --smtp-port N, --smtp-timeout SECONDS, --ca-file FILE\n"
	    "                      as for mailauth smtp, with --smtp\n"
	    "\n"
	    "Verdict: ready (exit 0), not-ready (exit 1: a required item\n"
	    "fails), unknown (exit 3: none fails, a required item could not\n"
	    "be decided); warnings and information never change it.\n",
	.shortopts = "i:f:e:s:",
	.longopts = check_longopts,
	.opts_size = sizeof(struct check_opts),
	.set_option = check_set_option,
	.ops = &check_ops,
};
