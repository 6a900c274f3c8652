/* The command line: options anywhere, @SERVER, unique prefixes. */
#include <criterion/criterion.h>
#include <string.h>

#include "cli.h"
#include "cmd/cmd.h"

struct fake_opts {
	const char *selector;
	int verbose;
};

static const struct option fake_longopts[] = {
	{ "selector", required_argument, NULL, 's' },
	{ "loud", no_argument, NULL, 3000 },
	{ NULL, 0, NULL, 0 },
};

static int
fake_set(void *opts, int key, const char *arg, const char **err)
{
	struct fake_opts *o = opts;

	if (key == 's') {
		o->selector = arg;
		return 0;
	}
	if (key == 3000) {
		o->verbose++;
		return 0;
	}
	*err = "bad";
	return -1;
}

static const struct command dkim = {
	"dkim", "", "", "", "s:", fake_longopts, sizeof(struct fake_opts),
	fake_set, NULL,
};
static const struct command dmarc = {
	"dmarc", "", "", "", "", fake_longopts + 2, sizeof(struct fake_opts),
	fake_set, NULL,
};
static const struct command *const commands[] = { &cmd_spf, &dkim, &dmarc };

static enum cli_status
parse(struct cli *cli, char *err, int argc, char **argv)
{
	return cli_parse(argc, argv, commands, 3, cli, err, 256);
}

Test(cli, options_before_and_after_the_command)
{
	char *argv[] = { "mailauth", "--json", "-p", "5353", "spf",
	    "gmail.com", "--timeout", "0.5", "--tcp", "@127.0.0.1",
	    "--zone", "a.zone", "--zone=b.zone", NULL };
	struct cli cli;
	char err[256];

	cr_assert_eq(parse(&cli, err, 13, argv), CLI_OK, "%s", err);
	cr_assert_eq(cli.cmd, &cmd_spf);
	cr_assert(cli.g.json);
	cr_assert(cli.g.tcp);
	cr_assert_eq(cli.g.port, 5353);
	cr_assert_eq(cli.g.timeout_ms, 500);
	cr_assert_str_eq(cli.g.server, "127.0.0.1");
	cr_assert_eq(cli.g.nzones, 2);
	cr_assert_str_eq(cli.g.zones[1], "b.zone");
	cr_assert_eq(cli.argc, 1);
	cr_assert_str_eq(cli.argv[0], "gmail.com");
	cli_finish(&cli);
}

Test(cli, server_first_and_command_options_before_the_command)
{
	char *argv[] = { "mailauth", "@ns.example", "-s", "sel1",
	    "dkim", "example.com", "--selector=sel2", "--loud", NULL };
	struct cli cli;
	char err[256];
	struct fake_opts *o;

	cr_assert_eq(parse(&cli, err, 8, argv), CLI_OK, "%s", err);
	cr_assert_eq(cli.cmd, &dkim);
	o = cli.cmd_opts;
	cr_assert_str_eq(o->selector, "sel2");
	cr_assert_eq(o->verbose, 1);
	cr_assert_str_eq(cli.g.server, "ns.example");
	cr_assert_eq(cli.argc, 1);
	cli_finish(&cli);
}

Test(cli, an_option_value_starting_with_at_is_not_a_server)
{
	char *argv[] = { "mailauth", "spf", "--record", "@x", "@192.0.2.53",
	    "example.com", NULL };
	struct cli cli;
	char err[256];

	cr_assert_eq(parse(&cli, err, 6, argv), CLI_OK, "%s", err);
	cr_assert_str_eq(cli.g.server, "192.0.2.53");
	cr_assert_eq(cli.argc, 1);
	cli_finish(&cli);
}

Test(cli, unique_prefix_and_ambiguity)
{
	char *argv1[] = { "mailauth", "sp", "x.example", NULL };
	char *argv2[] = { "mailauth", "d", "x.example", NULL };
	char *argv3[] = { "mailauth", "frob", NULL };
	struct cli cli;
	char err[256];

	cr_assert_eq(parse(&cli, err, 3, argv1), CLI_OK);
	cr_assert_eq(cli.cmd, &cmd_spf);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, err, 3, argv2), CLI_USAGE);
	cr_assert_str_eq(err, "ambiguous command 'd': could be dkim dmarc");
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, err, 2, argv3), CLI_USAGE);
	cr_assert_not_null(strstr(err, "unknown command 'frob'"));
	cli_finish(&cli);
}

Test(cli, bad_values_name_the_input)
{
	char *argv1[] = { "mailauth", "spf", "x", "-p", "70000", NULL };
	char *argv2[] = { "mailauth", "spf", "x", "--timeout", "soon", NULL };
	char *argv3[] = { "mailauth", "spf", "x", "--frobnicate", NULL };
	char *argv4[] = { "mailauth", "spf", "x", "--zone", NULL };
	char *argv5[] = { "mailauth", "spf", "x", "--color=pink", NULL };
	struct cli cli;
	char err[256];

	cr_assert_eq(parse(&cli, err, 5, argv1), CLI_USAGE);
	cr_assert_not_null(strstr(err, "'70000'"), "%s", err);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, err, 5, argv2), CLI_USAGE);
	cr_assert_not_null(strstr(err, "'soon'"), "%s", err);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, err, 4, argv3), CLI_USAGE);
	cr_assert_not_null(strstr(err, "--frobnicate"), "%s", err);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, err, 4, argv4), CLI_USAGE);
	cr_assert_not_null(strstr(err, "--zone"), "%s", err);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, err, 4, argv5), CLI_USAGE);
	cr_assert_not_null(strstr(err, "'pink'"), "%s", err);
	cli_finish(&cli);
}

Test(cli, help_and_version_without_a_command)
{
	char *argv[] = { "mailauth", "--version", NULL };
	struct cli cli;
	char err[256];

	cr_assert_eq(parse(&cli, err, 2, argv), CLI_OK);
	cr_assert(cli.version);
	cr_assert_null(cli.cmd);
	cli_finish(&cli);
}

Test(cli, batch_flow_options)
{
	char *argv1[] = { "mailauth", "--batch", "-", "--no-adapt", "--qps",
	    "50", "spf", "--resume", "out.ndjson", NULL };
	char *argv2[] = { "mailauth", "spf", "--qps", "0", NULL };
	char *argv3[] = { "mailauth", "spf", "--qps", "1e3", NULL };
	struct cli cli;
	char err[256];

	cr_assert_eq(parse(&cli, err, 9, argv1), CLI_OK, "%s", err);
	cr_assert(cli.g.no_adapt);
	cr_assert_eq(cli.g.qps, 50);
	cr_assert_str_eq(cli.g.resume, "out.ndjson");
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, err, 4, argv2), CLI_USAGE);
	cr_assert_not_null(strstr(err, "invalid qps '0'"), "%s", err);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, err, 4, argv3), CLI_USAGE);
	cr_assert_not_null(strstr(err, "'1e3'"), "%s", err);
	cli_finish(&cli);
}
