/* The probe options mailauth smtp shares with check --smtp: reading and
 * checking them, and running the probe once the DNS answers are in. */
#ifndef MAILAUTH_CMD_SMTP_H
#define MAILAUTH_CMD_SMTP_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct cmd_state;
struct smtp_probe_config;
struct smtp_result;

/* Option keys, and their long options for a command's table. */
enum smtp_cli_key {
	SMTP_OPT_PORT = 6000,
	SMTP_OPT_TIMEOUT,
	SMTP_OPT_CA_FILE,
};
#define SMTP_CLI_LONGOPTS \
	{ "smtp-port", required_argument, NULL, SMTP_OPT_PORT }, \
	{ "smtp-timeout", required_argument, NULL, SMTP_OPT_TIMEOUT }, \
	{ "ca-file", required_argument, NULL, SMTP_OPT_CA_FILE }

/* The options as typed; checked by smtp_cli_config(). */
struct smtp_cli {
	const char *port;
	const char *timeout;
	const char *ehlo;
	const char *ca_file;
};

/* Room for the EHLO name: a domain (RFC 1035: 253) or an address
 * literal. */
#define SMTP_CLI_EHLO_MAX 256

/* Stores one of the options above; -1 when key is not one. */
int smtp_cli_set(struct smtp_cli *o, int key, const char *arg);
/* Fills cfg from o (ehlo: SMTP_CLI_EHLO_MAX bytes for the EHLO name).
 * Returns 0, or EXIT_USAGE with the run's error naming the bad input. */
int smtp_cli_config(struct cmd_state *s, const struct smtp_cli *o,
    struct smtp_probe_config *cfg, char *ehlo);
/* Runs the sessions and the policy fetch of a gathered result; false
 * when TLS could not be set up. */
bool smtp_cli_probe(struct arena *a, struct smtp_result *r,
    const struct smtp_probe_config *cfg);
/* Batch lines at once for a command that probes: one. */
size_t smtp_batch_lines(const void *opts);

#endif
