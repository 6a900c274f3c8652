#include "cmd/common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "cmd/cmd.h"
#include "dkim/message.h"
#include "dmarc/psl.h"
#include "dns/name.h"
#include "dns/resolver.h"
#include "dns/zonefile.h"
#include "input.h"
#include "report/json.h"
#include "report/trace.h"
#include "util/arena.h"
#include "util/safe.h"
#include "util/xalloc.h"

static void
trace_answer(void *ctx, const struct dns_answer *ans)
{
	(void)ctx;
	trace_print_answer(stderr, ans);
}

static int
load_zones(struct run_ctx *rc)
{
	size_t i;

	if (rc->g->nzones == 0) {
		return 0;
	}
	rc->zones = dns_zoneset_create();
	for (i = 0; i < rc->g->nzones; i++) {
		struct error err;

		if (dns_zoneset_load_file(rc->zones, rc->g->zones[i],
		    &err) != 0) {
			snprintf(rc->error, sizeof(rc->error), "%s", err.msg);
			return -1;
		}
	}
	return 0;
}

int
run_ctx_init(struct run_ctx *rc, const struct global_opts *g, FILE *out)
{
	struct dns_config cfg;
	struct error err;

	memset(rc, 0, sizeof(*rc));
	rc->g = g;
	rc->out = out;
	rc->arena = arena_create();
	rc->style.color = color_decide(g->color, g->json, fileno(out));
	rc->style.ascii = g->ascii;
	if (load_zones(rc) != 0) {
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.server = g->server;
	cfg.port = g->server_port ? g->server_port : g->port;
	cfg.family = g->family;
	cfg.tcp = g->tcp;
	cfg.timeout_ms = g->timeout_ms;
	cfg.tries = g->tries;
	cfg.deadline_ms = g->deadline_ms;
	cfg.zones = rc->zones;
	cfg.qps = g->qps;
	cfg.max_in_flight = g->concurrency;
	if (g->batch != NULL) {
		/* A batch has a deadline per input, and its memory is bounded
		 * by starting the cache afresh, not by a cap on questions. It
		 * asks again itself, and sizes its window to the server. */
		cfg.no_deadline = true;
		cfg.max_queries = (size_t)-1 / 2;
		cfg.retransmit = true;
		cfg.adapt = !g->no_adapt;
		cfg.tries = g->tries ? g->tries : BATCH_TRIES;
	}
	/* A batch's line is bounded like one question's tries; the run's
	 * own deadline, outside a batch, is the resolver's. */
	rc->deadline_ms = g->deadline_ms ? g->deadline_ms :
	    (g->timeout_ms ? g->timeout_ms : DNS_DEFAULT_TIMEOUT_MS) *
	    (cfg.tries ? cfg.tries : 1);
	if (g->trace) {
		cfg.on_answer = trace_answer;
	}
	if (dns_resolver_create(&cfg, &rc->res, &err) != 0) {
		snprintf(rc->error, sizeof(rc->error), "%s", err.msg);
		return -1;
	}
	return 0;
}

const struct dmarc_psl *
run_psl(struct run_ctx *rc)
{
	if (rc->psl == NULL) {
		rc->psl = dmarc_psl_create();
	}
	return rc->psl;
}

void
run_ctx_finish(struct run_ctx *rc)
{
	dmarc_psl_destroy(rc->psl);
	rc->psl = NULL;
	dns_resolver_destroy(rc->res);
	dns_zoneset_destroy(rc->zones);
	arena_destroy(rc->arena);
	rc->res = NULL;
	rc->zones = NULL;
	rc->arena = NULL;
}

int
run_usage(struct run_ctx *rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rc->error, sizeof(rc->error), fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

void *
run_begin(void *state, struct run_ctx *rc)
{
	struct cmd_state *s = state;

	s->rc = rc;
	s->arena = rc->arena;
	return state;
}

struct arena *
run_pass(struct cmd_state *s)
{
	arena_destroy(s->pass);
	s->pass = arena_create();
	return s->pass;
}

void
run_release(void *state)
{
	struct cmd_state *s = state;

	arena_destroy(s->pass);
	s->pass = NULL;
}

const struct dns_answer *
run_lookup(void *ctx, const char *name, enum dns_type type)
{
	return dns_lookup(ctx, name, type);
}

void
run_until_complete(struct cmd_state *s, bool (*step)(struct cmd_state *s))
{
	while (!step(s)) {
		/* Nothing outstanding yet the step is incomplete cannot
		 * happen (every lookup either answers or asks), but stop
		 * rather than spin if it ever does. */
		if (!dns_resolver_wait(s->rc->res)) {
			step(s);
			break;
		}
	}
}

int
run_one_argument(struct cmd_state *s, int argc, const char *cmd,
    const char *what, const char *hint)
{
	if (argc == 0) {
		return run_usage(s->rc, "%s: missing %s%s", cmd, what, hint);
	}
	if (argc > 1) {
		return run_usage(s->rc, "%s: expected one %s, got %d "
		    "arguments", cmd, what, argc);
	}
	return 0;
}

int
run_read_message(struct cmd_state *s, const char *path,
    const struct dkim_message **out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *data;
	size_t len;
	int err;

	if (f == NULL) {
		return run_usage(s->rc, "cannot read message '%s': %s (give "
		    "the path of a saved message, or - to read standard input)",
		    safe_str(s->arena, path), strerror(errno));
	}
	data = xcalloc(DKIM_MAX_MESSAGE + 1, 1);
	len = fread(data, 1, DKIM_MAX_MESSAGE + 1, f);
	err = ferror(f) ? errno : 0;
	if (f != stdin) {
		fclose(f);
	}
	if (err != 0) {
		free(data);
		return run_usage(s->rc, "cannot read message '%s': %s (give "
		    "the path of a saved message file, or - to read standard "
		    "input)", safe_str(s->arena, path), err == EISDIR ?
		    "it is a directory" : strerror(err));
	}
	if (len > DKIM_MAX_MESSAGE) {
		free(data);
		return run_usage(s->rc, "message '%s' is larger than %d MiB "
		    "(give one message, not a mailbox)", safe_str(s->arena,
		    path), DKIM_MAX_MESSAGE >> 20);
	}
	*out = dkim_message_parse(s->arena, data, len);
	free(data);
	if (*out == NULL) {
		return run_usage(s->rc, "'%s' is not an RFC 5322 message (no "
		    "header fields): save the whole message with its header "
		    "(Gmail: Show original, then Download original; "
		    "Outlook: Save as .eml)", safe_str(s->arena, path));
	}
	return 0;
}

const char *
run_domain_arg(struct cmd_state *s, const char *input)
{
	const char *why = NULL, *name;
	enum dns_name_error err;

	why = input_domain_mistake(s->arena, input);
	if (why != NULL) {
		run_usage(s->rc, "invalid domain '%s': %s", safe_str(s->arena,
		    input), why);
		return NULL;
	}
	name = dns_name_from_user(s->arena, input, &why);
	if (name == NULL) {
		run_usage(s->rc, "invalid domain '%s': %s", safe_str(s->arena,
		    input), why);
		return NULL;
	}
	err = dns_name_check(name);
	if (err != DNS_NAME_OK) {
		run_usage(s->rc, "invalid domain '%s': %s", safe_str(s->arena,
		    input), dns_name_error_str(err));
		return NULL;
	}
	/* Keep the case as typed (macros expand it); drop a final dot. */
	name = arena_strdup(s->arena, name);
	if (name[0] != '\0' && name[strlen(name) - 1] == '.') {
		((char *)name)[strlen(name) - 1] = '\0';
	}
	return name;
}

int
run_ip_arg(struct cmd_state *s, const char *input, struct ip_addr *out)
{
	if (!ip_parse(input, out)) {
		return run_usage(s->rc, "invalid IP address '%s': %s",
		    safe_str(s->arena, input), input_ip_hint(s->arena,
		    input));
	}
	return 0;
}

int
run_selectors_arg(struct cmd_state *s, const char *const *sels, size_t n,
    const char *domain)
{
	const char *why;
	size_t i, len;

	for (i = 0; i < n; i++) {
		why = input_selector_mistake(s->arena, sels[i], domain);
		if (why != NULL) {
			return run_usage(s->rc, "invalid selector '%s': %s",
			    safe_str(s->arena, sels[i]), why);
		}
		len = strlen(sels[i]) + strlen("._domainkey.") +
		    (domain ? strlen(domain) : 0);
		if (domain != NULL && len > DNS_NAME_MAX) {
			return run_usage(s->rc, "invalid selector '%s': the "
			    "key's name (SELECTOR._domainkey.%s) would be %zu "
			    "octets, over the %d a DNS name holds (RFC 1035 "
			    "§2.3.4); give the selector your server signs with "
			    "(s= of its DKIM-Signature)", safe_str(s->arena,
			    sels[i]), safe_str(s->arena, domain), len,
			    DNS_NAME_MAX);
		}
	}
	return 0;
}

const char *
run_sender_arg(struct cmd_state *s, const char *input)
{
	const char *why = input_sender_mistake(s->arena, input);

	if (why != NULL) {
		run_usage(s->rc, "invalid --sender '%s': %s", safe_str(s->arena,
		    input), why);
		return NULL;
	}
	return input_sender(s->arena, input);
}

int
run_helo_arg(struct cmd_state *s, const char *input)
{
	const char *why = input == NULL ? NULL : input_helo_mistake(input);

	return why == NULL ? 0 : run_usage(s->rc, "invalid --helo '%s': %s",
	    safe_str(s->arena, input), why);
}

const char *
run_verdict(int code)
{
	return code == EXIT_CLEAN ? "pass" : code == EXIT_DNS ? "unknown" :
	    "fail";
}

int
run_exit_status(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS: return EXIT_CLEAN;
	case VERDICT_FAIL: return EXIT_PROBLEMS;
	case VERDICT_UNKNOWN: return EXIT_DNS;
	}
	return EXIT_DNS;
}

int
run_emit_json(struct run_ctx *rc, cJSON *root)
{
	int rc_write;

	if (rc->g->trace) {
		struct dns_stats stats;
		size_t n;
		const struct dns_answer *const *log = dns_resolver_log(rc->res,
		    &n);

		dns_resolver_stats(rc->res, &stats);
		trace_add_json(root, log, n, &stats);
	}
	rc_write = json_write(rc->out, root, isatty(fileno(rc->out)) == 1);
	cJSON_Delete(root);
	return rc_write;
}

int
run_command(struct run_ctx *rc, const struct command_ops *ops,
    const void *opts, int argc, char **argv)
{
	struct cmd_state *s = xcalloc(1, ops->state_size);
	int code = ops->start(rc, opts, s, argc, argv);

	if (code == 0) {
		run_until_complete(s, ops->step);
		code = ops->conclude(s);
		if (rc->g->brief) {
			ops->brief(s, rc->out, &rc->style, code);
		} else if (!rc->g->json) {
			ops->text(s, rc->out, &rc->style);
		} else if (run_emit_json(rc, ops->json(s)) != 0) {
			code = EXIT_OUTPUT;
		}
		run_trace_summary(rc);
	}
	run_release(s);
	free(s);
	return code;
}

void
run_trace_summary(struct run_ctx *rc)
{
	struct dns_stats stats;

	if (!rc->g->trace) {
		return;
	}
	dns_resolver_stats(rc->res, &stats);
	trace_print_stats(stderr, &stats);
}
