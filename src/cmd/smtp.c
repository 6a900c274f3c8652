/* mailauth smtp: the MX hosts' port 25 -- greeting, EHLO, STARTTLS, the
 * certificate, DANE -- and the domain's MTA-STS and TLS-RPT. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "cli.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "cmd/smtp.h"
#include "report/smtp.h"
#include "smtp/smtp.h"
#include "util/arena.h"
#include "util/safe.h"

enum smtp_key {
	OPT_EHLO = 6100,
};

struct smtp_opts {
	struct smtp_cli cli;
};

static const struct option smtp_longopts[] = {
	SMTP_CLI_LONGOPTS,
	{ "ehlo", required_argument, NULL, OPT_EHLO },
	{ NULL, 0, NULL, 0 },
};

static int
smtp_set_option(void *opts, int key, const char *arg,
    struct error *err)
{
	struct smtp_opts *o = opts;

	switch (key) {
	case OPT_EHLO: o->cli.ehlo = arg; return 0;
	}
	if (smtp_cli_set(&o->cli, key, arg) == 0) {
		return 0;
	}
	return error_set(err, "unknown option");
}

struct smtp_state {
	struct cmd_state head;
	struct smtp_input in;
	struct smtp_probe_config cfg;
	char ehlo[SMTP_CLI_EHLO_MAX];
	struct smtp_result *result;
};

/* RFC 5321 §4.1.1.1: EHLO takes a domain or an address literal; nothing
 * else may reach the command line we send. */
static bool
valid_ehlo(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 253) {
		return false;
	}
	if (s[0] == '[') {
		return s[n - 1] == ']' && strspn(s + 1, "0123456789abcdefABCDEF"
		    ".:IPv6") == n - 2;
	}
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.') {
			return false;
		}
	}
	return true;
}

/* The local host name, as a sending server would say EHLO. */
static void
default_ehlo(char *buf, size_t size)
{
	if (gethostname(buf, size) != 0 || buf[0] == '\0' ||
	    !valid_ehlo(buf)) {
		snprintf(buf, size, "localhost");
	}
	buf[size - 1] = '\0';
}

int
smtp_cli_set(struct smtp_cli *o, int key, const char *arg)
{
	switch (key) {
	case SMTP_OPT_PORT: o->port = arg; return 0;
	case SMTP_OPT_TIMEOUT: o->timeout = arg; return 0;
	case SMTP_OPT_CA_FILE: o->ca_file = arg; return 0;
	}
	return -1;
}

int
smtp_cli_config(struct cmd_state *s, const struct smtp_cli *o,
    struct smtp_probe_config *cfg, char *ehlo)
{
	const char *why;

	cfg->port = 25;
	cfg->timeout_ms = SMTP_DEFAULT_TIMEOUT_S * 1000;
	if (o->port && cli_parse_uint(o->port, 1, 65535, &cfg->port)) {
		return run_usage(s->rc, "invalid --smtp-port '%s': expected a "
		    "port number from 1 to 65535", safe_str(s->arena,
		    o->port));
	}
	if (o->timeout && (cli_parse_seconds(o->timeout, &cfg->timeout_ms) ||
	    cfg->timeout_ms > SMTP_MAX_TIMEOUT_S * 1000)) {
		return run_usage(s->rc, "invalid --smtp-timeout '%s': expected "
		    "seconds, more than 0 and at most %d", safe_str(s->arena,
		    o->timeout), SMTP_MAX_TIMEOUT_S);
	}
	if (o->ehlo && !valid_ehlo(o->ehlo)) {
		return run_usage(s->rc, "invalid --ehlo '%s': expected a host "
		    "name such as mail.example.com, or [192.0.2.1]",
		    safe_str(s->arena, o->ehlo));
	}
	if (o->ehlo) {
		snprintf(ehlo, SMTP_CLI_EHLO_MAX, "%s", o->ehlo);
	} else {
		default_ehlo(ehlo, SMTP_CLI_EHLO_MAX);
	}
	cfg->ehlo_name = ehlo;
	cfg->ca_file = o->ca_file;
	if (o->ca_file && (why = smtp_probe_check_ca(o->ca_file)) != NULL) {
		return run_usage(s->rc, "invalid --ca-file '%s': %s (expected "
		    "a PEM file of CA certificates)", safe_str(s->arena,
		    o->ca_file), why);
	}
	return 0;
}

bool
smtp_cli_probe(struct arena *a, struct smtp_result *r,
    const struct smtp_probe_config *cfg)
{
	struct smtp_session **sessions;
	size_t n = smtp_sessions(a, r, &sessions);
	const char *err = NULL;

	r->probed = smtp_probe_run(a, cfg, sessions, n, smtp_policy_fetch(r),
	    &err) == 0;
	return r->probed;
}

/* The target: an IP address, also as an address literal ([192.0.2.1],
 * [IPv6:2001:db8::1], RFC 5321 §4.1.3), or a domain or host name. A port
 * written after it goes in --smtp-port. */
static int
smtp_target(struct cmd_state *s, const char *arg, struct smtp_input *in)
{
	const char *close = arg[0] == '[' ? strchr(arg, ']') : NULL;
	const char *colon = strrchr(arg, ':');
	char lit[64];
	size_t n;

	if (ip_parse(arg, &in->ip)) {
		return 0;
	}
	if (close != NULL && close[1] == '\0' && (n = (size_t)(close - arg -
	    1)) < sizeof(lit)) {
		memcpy(lit, arg + 1, n);
		lit[n] = '\0';
		if (ip_parse(strncasecmp(lit, "IPv6:", 5) == 0 ? lit + 5 : lit,
		    &in->ip)) {
			return 0;
		}
	}
	if (colon != NULL && colon[1] != '\0' && strspn(colon + 1,
	    "0123456789") == strlen(colon + 1) && (close != NULL ? close + 1 ==
	    colon : strchr(arg, ':') == colon)) {
		return run_usage(s->rc, "invalid target '%s': give the port "
		    "with --smtp-port (mailauth smtp --smtp-port %s %.*s)",
		    safe_str(s->arena, arg), colon + 1, (int)(colon - arg),
		    safe_str(s->arena, arg));
	}
	in->name = run_domain_arg(s, arg);
	return in->name == NULL ? EXIT_USAGE : 0;
}

static int
smtp_start(struct run_ctx *rc, const void *opts, void *state, int argc,
    char **argv)
{
	struct smtp_state *st = run_begin(state, rc);

	if (run_one_argument(&st->head, argc, "smtp", "target", " (a domain, "
	    "a host name or an IP)") != 0 || smtp_cli_config(&st->head,
	    &((const struct smtp_opts *)opts)->cli, &st->cfg, st->ehlo) != 0) {
		return EXIT_USAGE;
	}
	st->in.port = st->cfg.port;
	return smtp_target(&st->head, argv[0], &st->in);
}

static bool
smtp_step(struct cmd_state *s)
{
	struct smtp_state *st = (struct smtp_state *)s;
	struct arena *a = run_pass(s);

	st->result = smtp_gather(a, run_lookup, s->rc->res, &st->in);
	if (st->result->pending > 0) {
		return false;
	}
	/* Every answer is in: the sessions and the policy fetch, bounded by
	 * the SMTP timeout, run now. */
	smtp_cli_probe(a, st->result, &st->cfg);
	return true;
}

static int
smtp_conclude(struct cmd_state *s)
{
	struct smtp_state *st = (struct smtp_state *)s;

	smtp_evaluate(s->pass, st->result, (long long)time(NULL));
	return run_exit_status(st->result->verdict);
}

static void
smtp_text(const struct cmd_state *s, FILE *f, const struct text_style *style)
{
	report_smtp_text(f, style, ((const struct smtp_state *)s)->result);
}

/* The verdict is smtp's own (pass, fail, unknown), as is the exit code. */
static void
smtp_brief(const struct cmd_state *s, FILE *f,
    const struct text_style *style, int code)
{
	(void)code;
	report_smtp_brief(f, style, ((const struct smtp_state *)s)->result);
}

static cJSON *
smtp_json(const struct cmd_state *s)
{
	return report_smtp_json(((const struct smtp_state *)s)->result);
}

/* One line at a time, each with at most SMTP_MAX_SESSIONS sessions:
 * never hundreds of sessions to other people's servers. */
size_t
smtp_batch_lines(const void *opts)
{
	(void)opts;
	return 1;
}

static const struct command_ops smtp_ops = {
	.state_size = sizeof(struct smtp_state),
	.start = smtp_start,
	.step = smtp_step,
	.conclude = smtp_conclude,
	.text = smtp_text,
	.brief = smtp_brief,
	.json = smtp_json,
	.batch_lines = smtp_batch_lines,
};

const struct command cmd_smtp = {
	.name = "smtp",
	.summary = "probe the MX hosts' port 25: STARTTLS, certificate, DANE, "
	    "MTA-STS",
	.usage = "smtp [OPTIONS] DOMAIN|HOST|IP",
	.help =
	    "      --smtp-port N       SMTP port to probe (default 25)\n"
	    "      --smtp-timeout SECONDS\n"
	    "                          bound on each step of a session\n"
	    "                          without progress: each reply line\n"
	    "                          starts it again, a reply gets at most\n"
	    "                          three (default 10)\n"
	    "      --ehlo NAME         our EHLO name (default: this host's "
	    "name)\n"
	    "      --ca-file FILE      trust these CA certificates (PEM)\n"
	    "                          instead of the system's\n",
	.exits =
	    "Exit status: 0 every host passes, 1 a host refuses, offers no\n"
	    "STARTTLS or presents a bad certificate (or an enforced MTA-STS\n"
	    "policy does not match), 2 usage error, 3 nothing could be found\n"
	    "out (DNS failed, a policy lookup failed, or no host answered:\n"
	    "outbound port 25 may be blocked).\n",
	.shortopts = "",
	.longopts = smtp_longopts,
	.opts_size = sizeof(struct smtp_opts),
	.set_option = smtp_set_option,
	.ops = &smtp_ops,
};
