/* mailauth message: what a receiver decides about a received message. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/common.h"
#include "input.h"
#include "message/message.h"
#include "report/message.h"
#include "util/arena.h"
#include "util/safe.h"

enum message_key {
	OPT_IP = 'i',
	OPT_SENDER = 'f',
	OPT_HELO = 'e',
	OPT_AUTHSERV_ID = 6000,
	OPT_AR,
	OPT_RECEIVER_ID,
};

struct message_opts {
	const char *ip;
	const char *helo;
	const char *sender;
	const char *authserv_id;
	const char *receiver_id;
	bool ar;		/* --ar: the header field alone */
};

static const struct option message_longopts[] = {
	{ "ip", required_argument, NULL, OPT_IP },
	{ "client-ip", required_argument, NULL, OPT_IP },
	{ "sender", required_argument, NULL, OPT_SENDER },
	{ "helo", required_argument, NULL, OPT_HELO },
	{ "authserv-id", required_argument, NULL, OPT_AUTHSERV_ID },
	{ "ar", no_argument, NULL, OPT_AR },
	{ "receiver-id", required_argument, NULL, OPT_RECEIVER_ID },
	{ NULL, 0, NULL, 0 },
};

static int
message_set_option(void *opts, int key, const char *arg,
    struct error *err)
{
	struct message_opts *o = opts;

	switch (key) {
	case OPT_IP: o->ip = arg; return 0;
	case OPT_SENDER: o->sender = arg; return 0;
	case OPT_HELO: o->helo = arg; return 0;
	case OPT_AUTHSERV_ID: o->authserv_id = arg; return 0;
	case OPT_RECEIVER_ID: o->receiver_id = arg; return 0;
	case OPT_AR: o->ar = true; return 0;
	}
	return error_set(err, "unknown option");
}

struct message_state {
	struct cmd_state head;
	bool ar;
	struct message_input input;
	struct message_result *result;
};

static bool
message_step(struct cmd_state *s)
{
	struct message_state *st = (struct message_state *)s;

	st->result = message_run(run_pass(s), run_lookup, s->rc->res,
	    &st->input);
	return st->result->pending == 0;
}

/* RFC 8601 §2.5: an authserv-id names the receiving system; the local
 * host name unless --authserv-id says otherwise. */
static const char *
authserv_id(struct cmd_state *s, const char *given)
{
	char host[256];

	if (given != NULL) {
		return given;
	}
	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0') {
		return "localhost";
	}
	host[sizeof(host) - 1] = '\0';
	return arena_strdup(s->arena, host);
}

static bool
plain_name(const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr(";()\"\\", *p) != NULL) {
			return false;
		}
	}
	return p != s;
}

static int
given_options(struct cmd_state *s, const struct message_opts *o,
    struct message_input *in)
{
	if (o->ip != NULL) {
		if (run_ip_arg(s, o->ip, &in->given.ip) != 0) {
			return EXIT_USAGE;
		}
		in->given.ip = ip_unmap(&in->given.ip);
		in->given.has_ip = true;
	}
	if (run_helo_arg(s, o->helo) != 0) {
		return EXIT_USAGE;
	}
	in->given.helo = o->helo;
	if (o->sender != NULL && (in->given.sender = run_sender_arg(s,
	    o->sender)) == NULL) {
		return EXIT_USAGE;
	}
	if (o->authserv_id != NULL && !plain_name(o->authserv_id)) {
		return run_usage(s->rc, "invalid --authserv-id '%s' (give a "
		    "host name such as mx.example.com)", safe_str(s->arena,
		    o->authserv_id));
	}
	in->authserv_id = authserv_id(s, o->authserv_id);
	in->receiver_id = o->receiver_id;
	return 0;
}

static int
message_start(struct run_ctx *rc, const void *opts, void *state, int argc,
    char **argv)
{
	const struct message_opts *o = opts;
	struct message_state *st = run_begin(state, rc);

	st->ar = o->ar;
	if (run_one_argument(&st->head, argc, "message", "FILE", " (or '-' "
	    "for standard input)") != 0 ||
	    given_options(&st->head, o, &st->input) != 0 ||
	    run_read_message(&st->head, argv[0], &st->input.msg) != 0) {
		return EXIT_USAGE;
	}
	st->input.psl = run_psl(rc);
	st->input.now = (long long)time(NULL);
	return 0;
}

/* The DMARC result decides (RFC 9989 §4.10): temperror is unknown. */
static int
message_conclude_run(struct cmd_state *s)
{
	struct message_state *st = (struct message_state *)s;

	message_conclude(s->pass, st->result);
	switch (st->result->eval.result) {
	case DMARC_PASS: return run_exit_status(VERDICT_PASS);
	case DMARC_TEMPERROR: return run_exit_status(VERDICT_UNKNOWN);
	default: return run_exit_status(VERDICT_FAIL);
	}
}

static void
message_text(const struct cmd_state *s, FILE *f,
    const struct text_style *style)
{
	const struct message_state *st = (const struct message_state *)s;

	if (st->ar) {
		report_message_authres(f, st->result);
	} else {
		report_message_text(f, style, st->result);
	}
}

/* The verdict is the DMARC result, as the exit code is. */
static void
message_brief(const struct cmd_state *s, FILE *f,
    const struct text_style *style, int code)
{
	(void)code;
	report_message_brief(f, style,
	    ((const struct message_state *)s)->result);
}

static cJSON *
message_json(const struct cmd_state *s)
{
	return report_message_json(((const struct message_state *)s)->result);
}

static const struct command_ops message_ops = {
	.state_size = sizeof(struct message_state),
	.start = message_start,
	.step = message_step,
	.conclude = message_conclude_run,
	.text = message_text,
	.brief = message_brief,
	.json = message_json,
};

const struct command cmd_message = {
	.name = "message",
	.summary = "what a receiver decides about a message, and why",
	.usage = "message [OPTIONS] FILE|-",
	.help =
	    "  -i, --ip, --client-ip IP\n"
	    "                      the sending client's IP (default: from the\n"
	    "                      receiver's Received field)\n"
	    "  -e, --helo NAME     the client's HELO/EHLO name\n"
	    "  -f, --sender ADDR   the MAIL FROM address ('' for <>; default:\n"
	    "                      the Return-Path)\n"
	    "  --authserv-id NAME  the authserv-id of the Authentication-Results\n"
	    "                      field mailauth writes (default: host name)\n"
	    "  --ar                print only that Authentication-Results field\n"
	    "  --receiver-id NAME  the authserv-id of the receiver's own\n"
	    "                      Authentication-Results (default: the host\n"
	    "                      of the receiving Received field)\n",
	.exits =
	    "Exit status: the DMARC result -- 0 pass, 1 fail, none or\n"
	    "permerror, 3 temperror (a DNS failure left it unknown); 2 usage\n"
	    "error (not a message, an unreadable file).\n",
	.shortopts = "i:e:f:",
	.longopts = message_longopts,
	.opts_size = sizeof(struct message_opts),
	.set_option = message_set_option,
	.ops = &message_ops,
};
