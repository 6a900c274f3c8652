/* The command line: options anywhere, @SERVER, unique prefixes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "cmd/cmd.h"
#include "input.h"
#include "util/arena.h"

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
fake_set(void *opts, int key, const char *arg, struct error *err)
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
	return error_set(err, "bad");
}

static const struct command dkim = {
	"dkim", "", "", "", "s:", fake_longopts, sizeof(struct fake_opts),
	fake_set, NULL, NULL,
};
static const struct command dmarc = {
	"dmarc", "", "", "", "", fake_longopts + 2, sizeof(struct fake_opts),
	fake_set, NULL, NULL,
};
static const struct command *const commands[] = { &cmd_spf, &dkim, &dmarc };

static enum cli_status
parse(struct cli *cli, struct error *err, int argc, char **argv)
{
	return cli_parse(argc, argv, commands, 3, cli, err);
}

Test(cli, options_before_and_after_the_command)
{
	char *argv[] = { "mailauth", "--json", "-p", "5353", "spf",
	    "gmail.com", "--timeout", "0.5", "--tcp", "@127.0.0.1",
	    "--zone", "a.zone", "--zone=b.zone", NULL };
	struct cli cli;
	struct error err;

	cr_assert_eq(parse(&cli, &err, 13, argv), CLI_OK, "%s", err.msg);
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
	struct error err;
	struct fake_opts *o;

	cr_assert_eq(parse(&cli, &err, 8, argv), CLI_OK, "%s", err.msg);
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
	struct error err;

	cr_assert_eq(parse(&cli, &err, 6, argv), CLI_OK, "%s", err.msg);
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
	struct error err;

	cr_assert_eq(parse(&cli, &err, 3, argv1), CLI_OK);
	cr_assert_eq(cli.cmd, &cmd_spf);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 3, argv2), CLI_USAGE);
	cr_assert_str_eq(err.msg, "ambiguous command 'd': could be dkim dmarc");
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 2, argv3), CLI_USAGE);
	cr_assert_not_null(strstr(err.msg, "unknown command 'frob'"));
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
	struct error err;

	cr_assert_eq(parse(&cli, &err, 5, argv1), CLI_USAGE);
	cr_assert_not_null(strstr(err.msg, "'70000'"), "%s", err.msg);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 5, argv2), CLI_USAGE);
	cr_assert_not_null(strstr(err.msg, "'soon'"), "%s", err.msg);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 4, argv3), CLI_USAGE);
	cr_assert_not_null(strstr(err.msg, "--frobnicate"), "%s", err.msg);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 4, argv4), CLI_USAGE);
	cr_assert_not_null(strstr(err.msg, "--zone"), "%s", err.msg);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 4, argv5), CLI_USAGE);
	cr_assert_not_null(strstr(err.msg, "'pink'"), "%s", err.msg);
	cli_finish(&cli);
}

Test(cli, help_and_version_without_a_command)
{
	char *argv[] = { "mailauth", "--version", NULL };
	struct cli cli;
	struct error err;

	cr_assert_eq(parse(&cli, &err, 2, argv), CLI_OK);
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
	struct error err;

	cr_assert_eq(parse(&cli, &err, 9, argv1), CLI_OK, "%s", err.msg);
	cr_assert(cli.g.no_adapt);
	cr_assert_eq(cli.g.qps, 50);
	cr_assert_str_eq(cli.g.resume, "out.ndjson");
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 4, argv2), CLI_USAGE);
	cr_assert_not_null(strstr(err.msg, "invalid qps '0'"), "%s", err.msg);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 4, argv3), CLI_USAGE);
	cr_assert_not_null(strstr(err.msg, "'1e3'"), "%s", err.msg);
	cli_finish(&cli);
}

Test(cli, batch_only_options_need_batch)
{
	const char *opts[][2] = { { "--unordered", NULL },
	    { "--no-adapt", NULL }, { "--shard", "1/2" },
	    { "--concurrency", "8" }, { "--resume", "out.ndjson" } };
	char *with_qps[] = { "mailauth", "spf", "--qps", "5", NULL };
	struct cli cli;
	struct error err;
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		char *argv[] = { "mailauth", "spf", (char *)opts[i][0],
		    (char *)opts[i][1], NULL };
		char *batch[] = { "mailauth", "--batch", "-", "spf",
		    (char *)opts[i][0], (char *)opts[i][1], NULL };
		int n = opts[i][1] ? 4 : 3;

		cr_assert_eq(parse(&cli, &err, n, argv), CLI_USAGE, "%s",
		    opts[i][0]);
		cr_assert_not_null(strstr(err.msg, "needs --batch FILE"),
		    "%s", err.msg);
		cr_assert_eq(strncmp(err.msg, opts[i][0], strlen(opts[i][0])),
		    0, "%s", err.msg);
		cli_finish(&cli);
		cr_assert_eq(parse(&cli, &err, n + 2, batch), CLI_OK, "%s",
		    err.msg);
		cli_finish(&cli);
	}
	cr_assert_eq(parse(&cli, &err, 4, with_qps), CLI_OK, "%s", err.msg);
	cli_finish(&cli);
}

/* What users type where a domain, selector, IP, sender or server is
 * expected (src/input.c). */
Test(input, domains_that_are_not_domains_say_what_to_type)
{
	struct arena *a = arena_create();

	cr_assert_null(input_domain_mistake(a, "gmail.com"));
	cr_assert_null(input_domain_mistake(a, "_dmarc.Example.COM."));
	cr_assert_null(input_domain_mistake(a, "bücher.de"));
	cr_assert_str_eq(input_domain_mistake(a, "user@gmail.com"),
	    "an e-mail address; did you mean gmail.com?");
	cr_assert_str_eq(input_domain_mistake(a, "user@"),
	    "an e-mail address; give the domain after the '@'");
	cr_assert_str_eq(input_domain_mistake(a, "https://gmail.com/x?y"),
	    "a URL; did you mean gmail.com?");
	cr_assert_str_eq(input_domain_mistake(a, "http://u:p@mx.gmail.com:25"),
	    "a URL; did you mean mx.gmail.com?");
	cr_assert_str_eq(input_domain_mistake(a, "gmail com"),
	    "a domain name has no blanks");
	cr_assert_str_eq(input_domain_mistake(a, " gmail.com\n"),
	    "blanks around it; did you mean gmail.com?");
	cr_assert_not_null(strstr(input_domain_mistake(a, "192.0.2.1"),
	    "an IP address"));
	cr_assert_not_null(strstr(input_domain_mistake(a, "[192.0.2.1]"),
	    "an IP address"));
	cr_assert_str_eq(input_domain_mistake(a, "a/b.example"),
	    "'/' cannot be in a domain name");
	cr_assert_str_eq(input_domain_mistake(a, "a\x1b.example"),
	    "'\\x1b' cannot be in a domain name");
	arena_destroy(a);
}

Test(input, selectors)
{
	struct arena *a = arena_create();

	cr_assert_null(input_selector_mistake(a, "google", NULL));
	cr_assert_null(input_selector_mistake(a, "s1.2024", "example.com"));
	cr_assert_str_eq(input_selector_mistake(a, "", NULL),
	    "empty; give the selector's name, as in -s google");
	cr_assert_str_eq(input_selector_mistake(a,
	    "sel._domainkey.example.com", "Example.COM."),
	    "the whole key name; did you mean -s sel?");
	cr_assert_str_eq(input_selector_mistake(a, "Sel._DomainKey", NULL),
	    "the whole key name; did you mean -s Sel?");
	cr_assert_str_eq(input_selector_mistake(a, "a b", NULL),
	    "' ' cannot be in a selector");
	cr_assert_str_eq(input_selector_mistake(a, "a..b", NULL),
	    "empty label");
	/* The key of another domain: that domain, not only the selector. */
	cr_assert_str_eq(input_selector_mistake(a,
	    "k1._domainkey.other.test", "d.test"), "the key name of selector "
	    "k1 at other.test, not at d.test; give other.test as the domain, "
	    "with -s k1");
	cr_assert_str_eq(input_selector_mistake(a, "k1.", "d.test"),
	    "a selector does not end with a dot (the name goes on with "
	    "._domainkey); did you mean -s k1?");
	cr_assert_not_null(strstr(input_selector_mistake(a, "_domainkey",
	    NULL), "the _domainkey label is mailauth's to add"));
	cr_assert_not_null(strstr(input_selector_mistake(a, "_DomainKey.x",
	    NULL), "the _domainkey label"));
	arena_destroy(a);
}

Test(input, ips_and_senders)
{
	struct arena *a = arena_create();

	cr_assert_str_eq(input_ip_hint(a, "192.0.2.1:25"),
	    "did you mean 192.0.2.1?");
	cr_assert_str_eq(input_ip_hint(a, "[2001:db8::1]"),
	    "did you mean 2001:db8::1?");
	cr_assert_str_eq(input_ip_hint(a, "192.0.2.0/24"),
	    "a network; give one address, such as 192.0.2.0");
	cr_assert_str_eq(input_ip_hint(a, "mail.example.com"),
	    "a domain name; give an IP address, such as 192.0.2.1");
	cr_assert_str_eq(input_sender(a, "<a@b.example>"), "a@b.example");
	cr_assert_str_eq(input_sender(a, "<>"), "");
	cr_assert_str_eq(input_sender(a, "a@b.example"), "a@b.example");
	arena_destroy(a);
}

static void
server_ok(const char *spec, const char *host, unsigned port)
{
	struct error err;
	char *h = NULL;
	unsigned p = 99;

	cr_assert(input_server(spec, &h, &p, &err), "%s: %s", spec, err.msg);
	cr_assert_str_eq(h, host, "%s", spec);
	cr_assert_eq(p, port, "%s", spec);
	free(h);
}

static const char *
server_error(const char *spec)
{
	static struct error err;
	char *h = NULL;
	unsigned p;

	cr_assert_not(input_server(spec, &h, &p, &err), "%s", spec);
	return err.msg;
}

Test(input, servers_as_kdig_reads_them)
{
	server_ok("192.0.2.53", "192.0.2.53", 0);
	server_ok("192.0.2.53#5353", "192.0.2.53", 5353);
	server_ok("192.0.2.53@5353", "192.0.2.53", 5353);
	server_ok("192.0.2.53:5353", "192.0.2.53", 5353);
	server_ok("ns.example:53", "ns.example", 53);
	server_ok("2001:db8::53", "2001:db8::53", 0);
	server_ok("2001:db8::53#5353", "2001:db8::53", 5353);
	server_ok("[2001:db8::53]", "2001:db8::53", 0);
	server_ok("[2001:db8::53]:5353", "2001:db8::53", 5353);
	cr_assert_str_eq(server_error("[2001:db8::53"), "server "
	    "'[2001:db8::53' lacks the closing ']': write @[IPv6] or "
	    "@[IPv6]:PORT");
	cr_assert_str_eq(server_error("192.0.2.53#70000"), "invalid port "
	    "'70000' in server '192.0.2.53#70000': expected a number from 1 "
	    "to 65535");
	cr_assert_str_eq(server_error("[::1]x"), "unexpected 'x' after ']' "
	    "in server '[::1]x': write @[IPv6]:PORT");
	cr_assert_str_eq(server_error("#53"), "server '#53' has no address: "
	    "write @ADDRESS#PORT");
}

Test(cli, dig_words_families_and_brief)
{
	char *argv1[] = { "mailauth", "+short", "@[::1]:5353", "-6", "spf",
	    "x.example", NULL };
	char *argv2[] = { "mailauth", "spf", "x.example", "-4", "-6", NULL };
	char *argv3[] = { "mailauth", "spf", "x.example", "+trace", NULL };
	char *argv4[] = { "mailauth", "spf", "--record", "+all", "--brief",
	    "x.example", "--json", NULL };
	struct cli cli;
	struct error err;

	cr_assert_eq(parse(&cli, &err, 6, argv1), CLI_OK, "%s", err.msg);
	cr_assert(cli.g.brief);
	cr_assert_str_eq(cli.g.server, "::1");
	cr_assert_eq(cli.g.server_port, 5353);
	cr_assert_eq(cli.g.family, AF_INET6);
	cr_assert_eq(cli.argc, 1);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 5, argv2), CLI_USAGE);
	cr_assert_str_eq(err.msg, "-4 and -6 exclude each other: give one");
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 4, argv3), CLI_USAGE);
	cr_assert_not_null(strstr(err.msg, "unknown option '+trace'"), "%s",
	    err.msg);
	cli_finish(&cli);
	cr_assert_eq(parse(&cli, &err, 7, argv4), CLI_USAGE);
	cr_assert_str_eq(err.msg, "--brief prints one result as text: leave "
	    "out --json");
	cli_finish(&cli);
}
