/* One HTTPS GET with libcurl, as RFC 8461 §3.3 wants an MTA-STS policy
 * fetched: the host pinned to addresses mailauth's resolver found
 * (CURLOPT_RESOLVE, so libcurl asks no DNS of its own), certificates
 * verified against the same CA options as SMTP, no redirects followed, no
 * proxy, a bounded body and time. Driven by the loop in smtp/probe.c. */
#ifndef MAILAUTH_SMTP_HTTPS_H
#define MAILAUTH_SMTP_HTTPS_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "util/ip.h"

struct arena;
struct smtp_probe_config;

struct https_fetch {
	/* Set by the caller. */
	const char *host;		/* "mta-sts.example.com" */
	const char *path;		/* "/.well-known/mta-sts.txt" */
	const struct ip_addr *addrs;	/* where host is; at least one */
	size_t naddrs;
	/* Set by the fetch. */
	bool done;
	bool transferred;	/* an HTTP response arrived */
	long status;		/* HTTP status code */
	const char *content_type;	/* as sent, or NULL */
	const char *redirect;	/* Location of a 3xx, or NULL */
	const char *body;	/* arena, NUL-appended; NULL when refused */
	size_t len;
	const char *error;	/* why no response arrived, or NULL */
	void *priv;		/* libcurl state while running */
};

/* Returns "https://HOST/PATH" (arena). */
const char *https_fetch_url(struct arena *a, const struct https_fetch *f);
/* RFC 8461 §3.3: the media type is text/plain (parameters allowed). */
bool https_is_text_plain(const char *content_type);

/* Adds the request to multi (timeouts and CA options from cfg). When it
 * cannot start, f->done is set with f->error. */
void https_fetch_start(struct arena *a, CURLM *multi, struct https_fetch *f,
    const struct smtp_probe_config *cfg);
/* Lets libcurl work on what is ready; sets f->done when it is over. */
void https_fetch_perform(struct arena *a, CURLM *multi, struct https_fetch *f);

#endif
