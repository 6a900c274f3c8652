/* mailauth: a DNS mail-authentication diagnostic in the spirit of dig. */
#include <errno.h>
#include <locale.h>
#include <langinfo.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd/batch.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "dns/zonefile.h"
#include "version.h"

/* Listed in this order in --help, the man page and the completions. */
static const struct command *const commands[] = {
	&cmd_spf,
	&cmd_dkim,
	&cmd_dmarc,
	&cmd_ptr,
	&cmd_check,
	&cmd_smtp,
	&cmd_message,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char global_help[] =
    "Global options (before or after the command):\n"
    "  @SERVER, --server ADDR  ask this DNS server (an IP, or a name\n"
    "                          resolved first); default: the system's;\n"
    "                          with a port as kdig takes it: @ADDR#PORT,\n"
    "                          @IPv4:PORT, @[IPv6]:PORT\n"
    "  -p, --port N            server port (default 53)\n"
    "  -4, -6                  talk to the server over IPv4 (IPv6) only\n"
    "      --tcp               use TCP for every query\n"
    "      --timeout SECONDS   wait per try (default 5)\n"
    "      --tries N           tries per server (default 1); in a batch,\n"
    "                          per question (default 7)\n"
    "      --deadline SECONDS  bound on the whole run (default: timeout\n"
    "                          x tries x servers, at least 20), or on each\n"
    "                          line of a batch (default: timeout x tries)\n"
    "      --zone FILE         answer from this RFC 1035 zone file before\n"
    "                          the network (repeatable)\n"
    "      --trace             show every DNS question and its answer on\n"
    "                          stderr (and a \"queries\" array with --json)\n"
    "      --json              print JSON instead of a tree\n"
    "      --brief, +short     only the verdict and the counts (at most\n"
    "                          five lines)\n"
    "      --color WHEN        auto, always or never (NO_COLOR is honored;\n"
    "                          always overrides it)\n"
    "      --ascii             plain ASCII tree glyphs\n"
    "      --batch FILE        one input per line (\"-\": stdin), results\n"
    "                          as NDJSON in input order\n"
    "      --concurrency N     most queries in flight in a batch (default\n"
    "                          512); the batch adapts below it\n"
    "      --no-adapt          hold a batch at --concurrency in flight\n"
    "      --qps N             at most N queries per second\n"
    "      --unordered         print batch results as they finish\n"
    "      --shard K/N         only the lines of shard K of N\n"
    "      --resume FILE       continue the batch whose output is FILE:\n"
    "                          skip its answered lines, append the rest\n"
    "  -h, --help              show help (for a command: mailauth CMD -h)\n"
    "  -V, --version           show the version\n";

static const char exit_help[] =
    "Exit status: 0 no errors, 1 errors found (or an SPF verdict other\n"
    "than pass with --ip), 2 usage error, 3 DNS failure kept mailauth\n"
    "from a verdict, 4 the output could not be written.\n";

static void
print_help(FILE *f, const struct command *cmd)
{
	size_t i;

	if (cmd != NULL) {
		fprintf(f, "usage: mailauth %s\n\n%s\n\nOptions:\n%s\n%s\n%s",
		    cmd->usage, cmd->summary, cmd->help, global_help,
		    cmd->exits ? cmd->exits : exit_help);
		return;
	}
	fprintf(f, "usage: mailauth [OPTIONS] COMMAND [ARGS]\n\n"
	    "Diagnose a domain's mail authentication in DNS.\n\nCommands:\n");
	for (i = 0; i < NCOMMANDS; i++) {
		fprintf(f, "  %-8s %s\n", commands[i]->name,
		    commands[i]->summary);
	}
	fprintf(f, "\n%s\n%s", global_help, exit_help);
}

/* What loading --zone files noticed without failing. */
static void
print_zone_notes(const struct run_ctx *rc)
{
	size_t i, n;
	const char *const *notes = dns_zoneset_notes(rc->zones, &n);

	for (i = 0; i < n; i++) {
		fprintf(stderr, "mailauth: note: %s\n", notes[i]);
	}
}

/* Output that never reached the terminal or pipe is a failure the user
 * must hear about (Knot's stdout check at exit): the output is incomplete,
 * whatever it said (exit 4). */
static int
check_stdout(int code)
{
	struct error err;

	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* A reader that stopped early (mailauth ... | head -1) took
		 * what it wanted: end quietly. */
		if (errno == EPIPE) {
			return code;
		}
		error_set(&err, "error writing output: %s", strerror(errno));
		error_print(stderr, err.msg);
		return EXIT_OUTPUT;
	}
	return code;
}

int
main(int argc, char **argv)
{
	struct cli cli;
	struct run_ctx rc;
	struct error err;
	int code;

	setlocale(LC_CTYPE, "");
	/* c-ares 1.18 writes to its TCP sockets without MSG_NOSIGNAL: a
	 * server that closed the connection must be an error to handle, not
	 * a signal that kills the process. A closed stdout is handled the
	 * same way (check_stdout). */
	signal(SIGPIPE, SIG_IGN);
	if (cli_parse(argc, argv, commands, NCOMMANDS, &cli, &err) != CLI_OK) {
		error_print(stderr, err.msg);
		cli_finish(&cli);
		return EXIT_USAGE;
	}
	if (cli.version) {
		printf("mailauth %s\n", MAILAUTH_VERSION);
		cli_finish(&cli);
		return check_stdout(EXIT_CLEAN);
	}
	if (cli.help || cli.cmd == NULL) {
		bool asked = cli.help;

		print_help(asked ? stdout : stderr, cli.cmd);
		cli_finish(&cli);
		return asked ? check_stdout(EXIT_CLEAN) : EXIT_USAGE;
	}
	/* Box-drawing glyphs need a UTF-8 terminal. */
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
		cli.g.ascii = true;
	}
	if (run_ctx_init(&rc, &cli.g, stdout) != 0) {
		error_print(stderr, rc.error);
		run_ctx_finish(&rc);
		cli_finish(&cli);
		return EXIT_USAGE;
	}
	print_zone_notes(&rc);
	if (cli.g.batch != NULL && cli.argc > 0) {
		code = run_usage(&rc, "--batch reads its inputs from the file; "
		    "unexpected argument '%s'", cli.argv[0]);
	} else if (cli.g.batch != NULL) {
		code = batch_run(&rc, cli.cmd, cli.cmd_opts);
	} else {
		code = run_command(&rc, cli.cmd->ops, cli.cmd_opts, cli.argc,
		    cli.argv);
	}
	if (code == EXIT_USAGE && rc.error[0] != '\0') {
		error_print(stderr, rc.error);
	}
	run_ctx_finish(&rc);
	cli_finish(&cli);
	return check_stdout(code);
}
