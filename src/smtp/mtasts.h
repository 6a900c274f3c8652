/* MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) as text: the TXT records, the
 * policy file and MX pattern matching. Pure; results live in the arena
 * passed in and point at copies of the input. */
#ifndef MAILAUTH_SMTP_MTASTS_H
#define MAILAUTH_SMTP_MTASTS_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

/* RFC 8461 §3.1: "v=STSv1; id=...". */
struct mta_sts_record {
	const char *id;		/* 1-32 letters and digits */
};

/* Parses one record; returns NULL when it is valid, else why not (a
 * static or arena string). */
const char *mta_sts_record_parse(struct arena *a, const char *text,
    size_t len, struct mta_sts_record *out);
/* True when a TXT record is meant as an MTA-STS record ("v=STSv1" first;
 * RFC 8461 §3.1: other records are ignored). */
bool mta_sts_record_is_sts(struct arena *a, const char *text, size_t len);

enum mta_sts_mode {
	MTA_STS_MODE_NONE,
	MTA_STS_MODE_TESTING,
	MTA_STS_MODE_ENFORCE,
	MTA_STS_MODE_INVALID,	/* missing or not one of the three */
};

/* RFC 8461 §3.2: the policy file. */
struct mta_sts_policy {
	const char *version;		/* "STSv1", or NULL when absent */
	enum mta_sts_mode mode;
	const char *mode_text;		/* as written, or NULL */
	const char **mx;		/* patterns, at most MTA_STS_MAX_MX */
	size_t nmx;
	long max_age;			/* -1 when absent or not a number */
	const char **errors;		/* what is wrong, one sentence each */
	size_t nerrors;
};

/* Parses a policy body (LF or CRLF lines of "key: value"). Unknown keys
 * are ignored (§3.2); every other problem is listed in out->errors. */
void mta_sts_policy_parse(struct arena *a, const char *body, size_t len,
    struct mta_sts_policy *out);
const char *mta_sts_mode_name(enum mta_sts_mode m);

/* RFC 8461 §4.1: host matches pattern exactly, or pattern is "*.rest"
 * and host is one more label in front of rest (case-insensitive; a
 * trailing dot on either is ignored). */
bool mta_sts_mx_match(const char *pattern, const char *host);

/* RFC 8460 §3: "v=TLSRPTv1; rua=URI[,URI]". */
struct tls_rpt_record {
	const char **rua;	/* the URIs as written */
	size_t nrua;
};

/* True when a TXT record starts with "v=TLSRPTv1" (§3: others are
 * discarded). */
bool tls_rpt_record_is_rpt(struct arena *a, const char *text, size_t len);
/* Parses one record; NULL when valid, else why not. */
const char *tls_rpt_record_parse(struct arena *a, const char *text,
    size_t len, struct tls_rpt_record *out);

#endif
