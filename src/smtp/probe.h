/* The network side of mailauth smtp: SMTP sessions to port 25 (connect,
 * banner, EHLO, STARTTLS, TLS with OpenSSL, EHLO, QUIT -- never anything
 * else) and the MTA-STS policy fetch, all at once in one poll() loop,
 * each step bounded by the timeout. What the sessions saw is stored in
 * the structs the caller passes, in the caller's arena. */
#ifndef MAILAUTH_SMTP_PROBE_H
#define MAILAUTH_SMTP_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/answer.h"
#include "smtp/reply.h"
#include "util/ip.h"

struct arena;
struct https_fetch;

enum smtp_connect {
	SMTP_CONNECT_NOT_TRIED,
	SMTP_CONNECT_OK,
	SMTP_CONNECT_REFUSED,		/* RST: nothing listens */
	SMTP_CONNECT_TIMEOUT,		/* no answer: filtered or blocked */
	SMTP_CONNECT_UNREACHABLE,	/* no route (ICMP, or no IPv6 here) */
	SMTP_CONNECT_ERROR,		/* another socket error */
};

/* Where a session is, or where it stopped. */
enum smtp_stage {
	SMTP_STAGE_CONNECT,
	SMTP_STAGE_BANNER,
	SMTP_STAGE_EHLO,
	SMTP_STAGE_STARTTLS,
	SMTP_STAGE_TLS,
	SMTP_STAGE_EHLO_TLS,
	SMTP_STAGE_QUIT,
	SMTP_STAGE_DONE,
};

/* Why a session ended before QUIT. */
enum smtp_stop {
	SMTP_STOP_NONE,		/* it got to QUIT (or to no STARTTLS) */
	SMTP_STOP_TIMEOUT,	/* the server said nothing in time */
	SMTP_STOP_CLOSED,	/* the server closed the connection */
	SMTP_STOP_MALFORMED,	/* a reply that is not SMTP */
	SMTP_STOP_TOO_LONG,	/* a reply past the bounds */
	SMTP_STOP_REJECTED,	/* a reply code other than the one needed */
	SMTP_STOP_TLS,		/* the TLS handshake failed */
	SMTP_STOP_IO,		/* a socket error */
};

struct smtp_session {
	/* Set by the caller. */
	struct ip_addr addr;
	const char *host;	/* the MX name (SNI, name check), or NULL */
	/* Set by smtp_probe_run(). */
	enum smtp_connect connect;
	const char *connect_error;	/* strerror text, or NULL */
	double connect_ms;
	const struct smtp_reply *banner, *ehlo, *starttls, *ehlo_tls;
	bool starttls_offered;
	bool tls_done;			/* the handshake completed */
	const char *tls_version;	/* OpenSSL's name: "TLSv1.3" */
	const char *tls_cipher;
	const struct dns_bytes *chain;	/* DER, the server's first */
	size_t nchain;
	long verify_code;		/* X509_V_OK (0) when the chain is
					 * trusted by the CA store */
	const char *verify_error;	/* OpenSSL's words, or NULL */
	enum smtp_stage stage;		/* where it ended */
	enum smtp_stop stop;
	const char *stop_detail;	/* one sentence, or NULL */
	double elapsed_ms;
};

struct smtp_probe_config {
	unsigned port;		/* 25 */
	unsigned timeout_ms;	/* each step: connect, each reply, TLS */
	const char *ehlo_name;	/* checked by the caller: no CR, LF */
	const char *ca_file;	/* NULL: the system's store */
};

/* Checks that the CA options can be loaded; NULL, or why not. */
const char *smtp_probe_check_ca(const char *ca_file);
/* Runs every session (at most SMTP_MAX_SESSIONS at once, one per
 * address) and the fetch (or NULL) together; returns when all are done.
 * Returns 0, or -1 with *err when TLS could not be set up. */
int smtp_probe_run(struct arena *a, const struct smtp_probe_config *cfg,
    struct smtp_session **sessions, size_t n, struct https_fetch *fetch,
    const char **err);

const char *smtp_connect_name(enum smtp_connect c);
const char *smtp_stage_name(enum smtp_stage s);
const char *smtp_stop_name(enum smtp_stop s);
/* Classifies a connect() errno. */
enum smtp_connect smtp_connect_from_errno(int err);

#endif
