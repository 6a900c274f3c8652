#include "smtp/probe.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "bounds.h"
#include "smtp/https.h"
#include "smtp/session.h"
#include "util/arena.h"
#include "util/clock.h"

const char *
smtp_connect_name(enum smtp_connect c)
{
	switch (c) {
	case SMTP_CONNECT_NOT_TRIED: return "not-tried";
	case SMTP_CONNECT_OK: return "ok";
	case SMTP_CONNECT_REFUSED: return "refused";
	case SMTP_CONNECT_TIMEOUT: return "timeout";
	case SMTP_CONNECT_UNREACHABLE: return "unreachable";
	case SMTP_CONNECT_ERROR: return "error";
	}
	return "error";
}

const char *
smtp_stage_name(enum smtp_stage s)
{
	switch (s) {
	case SMTP_STAGE_CONNECT: return "connect";
	case SMTP_STAGE_BANNER: return "banner";
	case SMTP_STAGE_EHLO: return "ehlo";
	case SMTP_STAGE_STARTTLS: return "starttls";
	case SMTP_STAGE_TLS: return "tls";
	case SMTP_STAGE_EHLO_TLS: return "ehlo-tls";
	case SMTP_STAGE_QUIT: return "quit";
	case SMTP_STAGE_DONE: return "done";
	}
	return "done";
}

const char *
smtp_stop_name(enum smtp_stop s)
{
	switch (s) {
	case SMTP_STOP_NONE: return "none";
	case SMTP_STOP_TIMEOUT: return "timeout";
	case SMTP_STOP_CLOSED: return "closed";
	case SMTP_STOP_MALFORMED: return "malformed";
	case SMTP_STOP_TOO_LONG: return "too-long";
	case SMTP_STOP_REJECTED: return "rejected";
	case SMTP_STOP_TLS: return "tls-error";
	case SMTP_STOP_IO: return "io-error";
	}
	return "none";
}

/* A client context: any version the library allows, the chain verified
 * against the CA store but the handshake never stopped for it, so that
 * the certificate can be shown and judged afterwards. */
static SSL_CTX *
make_ctx(const char *ca_file, const char **err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	int ok;

	if (ctx == NULL) {
		*err = "cannot create a TLS context";
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	ok = ca_file ? SSL_CTX_load_verify_locations(ctx, ca_file, NULL) :
	    SSL_CTX_set_default_verify_paths(ctx);
	if (ok != 1) {
		ERR_clear_error();
		SSL_CTX_free(ctx);
		*err = "cannot load the CA certificates";
		return NULL;
	}
	return ctx;
}

const char *
smtp_probe_check_ca(const char *ca_file)
{
	const char *err = NULL;
	SSL_CTX *ctx = make_ctx(ca_file, &err);

	SSL_CTX_free(ctx);
	return err;
}

struct loop {
	struct arena *a;
	const struct smtp_probe_config *cfg;
	SSL_CTX *ctx;
	struct smtp_session **sessions;
	size_t n, next;
	struct smtp_conn *conns[SMTP_MAX_SESSIONS];
	size_t active;
	CURLM *multi;
	struct https_fetch *fetch;
};

static void
fill(struct loop *l)
{
	size_t i;

	for (i = 0; i < SMTP_MAX_SESSIONS && l->next < l->n; i++) {
		if (l->conns[i] != NULL) {
			continue;
		}
		l->conns[i] = smtp_conn_start(l->a, l->ctx, l->cfg,
		    l->sessions[l->next++]);
		l->active++;
		if (smtp_conn_step(l->conns[i], 0)) {
			smtp_conn_destroy(l->conns[i]);
			l->conns[i] = NULL;
			l->active--;
			i--;	/* the slot is free again */
		}
	}
}

/* Milliseconds until the first step deadline (or curl's next timer). */
static int
wait_ms(struct loop *l)
{
	double now = clock_ms(), first = now + 1000;
	long curl_ms = -1;
	size_t i;

	for (i = 0; i < SMTP_MAX_SESSIONS; i++) {
		if (l->conns[i] != NULL &&
		    smtp_conn_deadline(l->conns[i]) < first) {
			first = smtp_conn_deadline(l->conns[i]);
		}
	}
	if (l->fetch != NULL && !l->fetch->done &&
	    curl_multi_timeout(l->multi, &curl_ms) == CURLM_OK &&
	    curl_ms >= 0 && now + (double)curl_ms < first) {
		first = now + (double)curl_ms;
	}
	return first <= now ? 0 : (int)(first - now) + 1;
}

static void
turn(struct loop *l)
{
	struct curl_waitfd wfd[SMTP_MAX_SESSIONS];
	size_t slot[SMTP_MAX_SESSIONS], k = 0, i;

	for (i = 0; i < SMTP_MAX_SESSIONS; i++) {
		if (l->conns[i] == NULL) {
			continue;
		}
		wfd[k].fd = smtp_conn_fd(l->conns[i]);
		wfd[k].events = (short)(smtp_conn_events(l->conns[i]) == POLLIN ?
		    CURL_WAIT_POLLIN : CURL_WAIT_POLLOUT);
		wfd[k].revents = 0;
		slot[k++] = i;
	}
	curl_multi_wait(l->multi, wfd, (unsigned)k, wait_ms(l), NULL);
	for (i = 0; i < k; i++) {
		struct smtp_conn *c = l->conns[slot[i]];
		short rev = 0;

		if (wfd[i].revents & (CURL_WAIT_POLLIN | CURL_WAIT_POLLPRI)) {
			rev |= POLLIN;
		}
		if (wfd[i].revents & CURL_WAIT_POLLOUT) {
			rev |= POLLOUT;
		}
		if (smtp_conn_step(c, rev)) {
			smtp_conn_destroy(c);
			l->conns[slot[i]] = NULL;
			l->active--;
		}
	}
	if (l->fetch != NULL && !l->fetch->done) {
		https_fetch_perform(l->a, l->multi, l->fetch);
	}
}

int
smtp_probe_run(struct arena *a, const struct smtp_probe_config *cfg,
    struct smtp_session **sessions, size_t n, struct https_fetch *fetch,
    const char **err)
{
	struct loop l;
	struct sigaction ign, old;

	memset(&l, 0, sizeof(l));
	l.a = a;
	l.cfg = cfg;
	l.sessions = sessions;
	l.n = n;
	l.fetch = fetch;
	if ((l.ctx = make_ctx(cfg->ca_file, err)) == NULL) {
		return -1;
	}
	/* A server that closes while we write must not kill the run:
	 * OpenSSL writes with write(2), which raises SIGPIPE. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	l.multi = curl_multi_init();
	if (fetch != NULL) {
		https_fetch_start(a, l.multi, fetch, cfg);
	}
	for (;;) {
		fill(&l);
		if (l.active == 0 && (fetch == NULL || fetch->done)) {
			break;
		}
		turn(&l);
	}
	curl_multi_cleanup(l.multi);
	curl_global_cleanup();
	sigaction(SIGPIPE, &old, NULL);
	SSL_CTX_free(l.ctx);
	return 0;
}
