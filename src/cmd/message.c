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
message_set_option(void *opts, int key, const char *arg, const char **err)
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
	*err = "unknown option";
	return -1;
}

struct message_state {
	struct run_ctx *rc;
	bool ar;
	struct message_input input;
	struct arena *arena;
	struct message_result *result;
};

static bool
message_step(void *arg)
{
	struct message_state *st = arg;

	arena_destroy(st->arena);
	st->arena = arena_create();
	st->result = message_run(st->arena, run_lookup, st->rc->res,
	    &st->input);
	return st->result->pending == 0;
}

/* RFC 8601 §2.5: an authserv-id names the receiving system; the local
 * host name unless --authserv-id says otherwise. */
static const char *
authserv_id(struct run_ctx *rc, const char *given)
{
	char host[256];

	if (given != NULL) {
		return given;
	}
	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0') {
		return "localhost";
	}
	host[sizeof(host) - 1] = '\0';
	return arena_strdup(rc->arena, host);
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
given_options(struct run_ctx *rc, const struct message_opts *o,
    struct message_input *in)
{
	if (o->ip != NULL) {
		if (run_ip_arg(rc, o->ip, &in->given.ip) != 0) {
			return EXIT_USAGE;
		}
		in->given.ip = ip_unmap(&in->given.ip);
		in->given.has_ip = true;
	}
	if (run_helo_arg(rc, o->helo) != 0) {
		return EXIT_USAGE;
	}
	in->given.helo = o->helo;
	if (o->sender != NULL && (in->given.sender = run_sender_arg(rc,
	    o->sender)) == NULL) {
		return EXIT_USAGE;
	}
	if (o->authserv_id != NULL && !plain_name(o->authserv_id)) {
		return run_usage(rc, "invalid --authserv-id '%s' (give a host "
		    "name such as mx.example.com)", safe_str(rc->arena,
		    o->authserv_id));
	}
	in->authserv_id = authserv_id(rc, o->authserv_id);
	in->receiver_id = o->receiver_id;
	return 0;
}

static int
message_start(struct run_ctx *rc, void *opts, void *state, int argc,
    char **argv)
{
	struct message_opts *o = opts;
	struct message_state *st = state;

	st->rc = rc;
	st->ar = o->ar;
	if (argc != 1) {
		return run_usage(rc, argc == 0 ? "message: missing FILE (or '-' "
		    "for standard input)" : "message: expected one FILE, got "
		    "%d arguments", argc);
	}
	if (given_options(rc, o, &st->input) != 0 ||
	    run_read_message(rc, argv[0], &st->input.msg) != 0) {
		return EXIT_USAGE;
	}
	st->input.psl = run_psl(rc);
	st->input.now = (long long)time(NULL);
	return 0;
}

static int
message_conclude_run(void *state)
{
	struct message_state *st = state;

	message_conclude(st->arena, st->result);
	switch (st->result->eval.result) {
	case DMARC_PASS: return EXIT_CLEAN;
	case DMARC_TEMPERROR: return EXIT_DNS;
	default: return EXIT_PROBLEMS;
	}
}

static void
message_text(void *state)
{
	struct message_state *st = state;

	if (st->ar) {
		report_message_authres(st->rc->out, st->result);
	} else {
		report_message_text(st->rc->out, &st->rc->style, st->result);
	}
}

/* The verdict is the DMARC result, as the exit code is. */
static void
message_brief(void *state, int code)
{
	struct message_state *st = state;

	(void)code;
	report_message_brief(st->rc->out, &st->rc->style, st->result);
}

static cJSON *
message_json(void *state)
{
	return report_message_json(((struct message_state *)state)->result);
}

static void
message_release(void *state)
{
	struct message_state *st = state;

	arena_destroy(st->arena);
	st->arena = NULL;
}

static const struct command_ops message_ops = {
	.state_size = sizeof(struct message_state),
	.start = message_start,
	.batch_start = message_start,
	.step = message_step,
	.conclude = message_conclude_run,
	.text = message_text,
	.brief = message_brief,
	.json = message_json,
	.release = message_release,
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
