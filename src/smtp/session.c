#include "smtp/session.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "bounds.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* What the connection is doing within its stage. */
enum io {
	IO_CONNECTING,
	IO_WRITING,	/* sending out[] */
	IO_READING,	/* waiting for a reply */
	IO_HANDSHAKE,	/* SSL_connect */
	IO_FINISHED,
};

struct smtp_conn {
	struct arena *a;
	const struct smtp_probe_config *cfg;
	struct smtp_session *s;
	SSL_CTX *ctx;
	SSL *ssl;		/* after STARTTLS */
	int fd;
	enum io io;
	short want;		/* POLLIN or POLLOUT */
	double started, deadline;
	double reply_limit;	/* when the reply being read must be done */
	char out[512];		/* a command: RFC 5321 §4.5.3.1.4 */
	size_t outlen, outpos;
	char *in;		/* SMTP_MAX_REPLY_BYTES */
	size_t inlen;
};

enum smtp_connect
smtp_connect_from_errno(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return SMTP_CONNECT_REFUSED;
	case ETIMEDOUT:
		return SMTP_CONNECT_TIMEOUT;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
	case EAFNOSUPPORT:
	case EADDRNOTAVAIL:
		return SMTP_CONNECT_UNREACHABLE;
	default:
		return SMTP_CONNECT_ERROR;
	}
}

static void
finish(struct smtp_conn *c)
{
	c->io = IO_FINISHED;
	c->want = 0;
	c->s->elapsed_ms = clock_ms() - c->started;
	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
}

static void
stop(struct smtp_conn *c, enum smtp_stop why, const char *detail)
{
	c->s->stop = why;
	c->s->stop_detail = detail;
	finish(c);
}

static void
set_deadline(struct smtp_conn *c)
{
	c->deadline = clock_ms() + c->cfg->timeout_ms;
	c->reply_limit = clock_ms() + (double)c->cfg->timeout_ms *
	    SMTP_REPLY_MAX_TIMEOUTS;
}

/* A line of the reply arrived: progress, so the wait starts again, up to
 * the bound on the whole reply (bounds.h). */
static void
progress(struct smtp_conn *c, const char *from, size_t len)
{
	double next = clock_ms() + c->cfg->timeout_ms;

	if (memchr(from, '\n', len) != NULL) {
		c->deadline = next < c->reply_limit ? next : c->reply_limit;
	}
}

/* Queues one command line and starts sending it. */
static void
send_command(struct smtp_conn *c, enum smtp_stage stage, const char *cmd)
{
	c->s->stage = stage;
	c->outlen = (size_t)snprintf(c->out, sizeof(c->out), "%s\r\n", cmd);
	c->outpos = 0;
	c->io = IO_WRITING;
	c->want = POLLOUT;
	set_deadline(c);
}

static void
send_ehlo(struct smtp_conn *c, enum smtp_stage stage)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "EHLO %s", c->cfg->ehlo_name);
	send_command(c, stage, cmd);
}

static const char *
ssl_error_text(struct smtp_conn *c, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e == 0) {
		return arena_printf(c->a, "%s: %s", what, errno ?
		    strerror(errno) : "the connection was closed");
	}
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return arena_printf(c->a, "%s: %s", what, buf);
}

static void
keep_chain(struct smtp_conn *c)
{
	STACK_OF(X509) *chain = SSL_get_peer_cert_chain(c->ssl);
	int i, n = chain ? sk_X509_num(chain) : 0;
	struct dns_bytes *ders;

	if (n > SMTP_MAX_CHAIN) {
		n = SMTP_MAX_CHAIN;
	}
	ders = arena_calloc(c->a, (size_t)n + 1, sizeof(*ders));
	for (i = 0; i < n; i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(sk_X509_value(chain, i), &der);

		if (len > 0) {
			ders[c->s->nchain].data = (const unsigned char *)
			    arena_memdup(c->a, der, (size_t)len);
			ders[c->s->nchain++].len = (size_t)len;
		}
		OPENSSL_free(der);
	}
	c->s->chain = ders;
}

static void
handshake_done(struct smtp_conn *c)
{
	struct smtp_session *s = c->s;

	s->tls_done = true;
	s->tls_version = arena_strdup(c->a, SSL_get_version(c->ssl));
	s->tls_cipher = arena_strdup(c->a, SSL_get_cipher_name(c->ssl));
	keep_chain(c);
	s->verify_code = SSL_get_verify_result(c->ssl);
	if (s->verify_code != X509_V_OK) {
		s->verify_error = arena_strdup(c->a,
		    X509_verify_cert_error_string(s->verify_code));
	}
	send_ehlo(c, SMTP_STAGE_EHLO_TLS);
}

static void
start_tls(struct smtp_conn *c)
{
	c->s->stage = SMTP_STAGE_TLS;
	/* Bytes the server sent after its 220 to STARTTLS came before the
	 * handshake and must not be read as protected (RFC 3207 §4.2). */
	c->inlen = 0;
	c->ssl = SSL_new(c->ctx);
	SSL_set_fd(c->ssl, c->fd);
	if (c->s->host != NULL) {
		SSL_set_tlsext_host_name(c->ssl, c->s->host);
	}
	c->io = IO_HANDSHAKE;
	c->want = POLLOUT;
	set_deadline(c);
}

/* A complete reply arrived for the current stage: go on. */
static void
on_reply(struct smtp_conn *c, const struct smtp_reply *r)
{
	struct smtp_session *s = c->s;
	struct smtp_extension *ext;
	size_t n;

	switch (s->stage) {
	case SMTP_STAGE_BANNER:
		s->banner = r;
		if (r->code != 220) {
			/* RFC 5321 §3.1: after a 554 greeting, only QUIT. */
			s->stop = SMTP_STOP_REJECTED;
			send_command(c, SMTP_STAGE_QUIT, "QUIT");
			return;
		}
		send_ehlo(c, SMTP_STAGE_EHLO);
		return;
	case SMTP_STAGE_EHLO:
		s->ehlo = r;
		if (r->code != 250) {
			s->stop = SMTP_STOP_REJECTED;
			send_command(c, SMTP_STAGE_QUIT, "QUIT");
			return;
		}
		n = smtp_ehlo_extensions(c->a, r, &ext);
		s->starttls_offered = smtp_has_extension(ext, n, "STARTTLS");
		if (s->starttls_offered) {
			send_command(c, SMTP_STAGE_STARTTLS, "STARTTLS");
		} else {
			send_command(c, SMTP_STAGE_QUIT, "QUIT");
		}
		return;
	case SMTP_STAGE_STARTTLS:
		s->starttls = r;
		if (r->code != 220) {
			s->stop = SMTP_STOP_REJECTED;
			send_command(c, SMTP_STAGE_QUIT, "QUIT");
			return;
		}
		start_tls(c);
		return;
	case SMTP_STAGE_EHLO_TLS:
		s->ehlo_tls = r;
		if (r->code != 250) {
			s->stop = SMTP_STOP_REJECTED;
		}
		send_command(c, SMTP_STAGE_QUIT, "QUIT");
		return;
	case SMTP_STAGE_QUIT:
		s->stage = SMTP_STAGE_DONE;
		finish(c);
		return;
	case SMTP_STAGE_CONNECT:
	case SMTP_STAGE_TLS:
	case SMTP_STAGE_DONE:
		break;
	}
	finish(c);
}

/* Tries to take a reply out of the input buffer. */
static void
parse_input(struct smtp_conn *c)
{
	struct smtp_reply *r = arena_alloc(c->a, sizeof(*r));
	size_t used = 0;

	switch (smtp_reply_parse(c->a, c->in, c->inlen, r, &used)) {
	case SMTP_REPLY_PARTIAL:
		return;
	case SMTP_REPLY_MALFORMED:
		stop(c, SMTP_STOP_MALFORMED, "the server's reply is not an "
		    "SMTP reply (RFC 5321 §4.2)");
		return;
	case SMTP_REPLY_TOO_LONG:
		stop(c, SMTP_STOP_TOO_LONG, arena_printf(c->a, "the server's "
		    "reply goes past %d lines or %d bytes",
		    SMTP_MAX_REPLY_LINES, SMTP_MAX_REPLY_BYTES));
		return;
	case SMTP_REPLY_DONE:
		break;
	}
	memmove(c->in, c->in + used, c->inlen - used);
	c->inlen -= used;
	on_reply(c, r);
}

/* The QUIT stage ends quietly whatever the server does: the facts are
 * all in. */
static void
lost(struct smtp_conn *c, enum smtp_stop why, const char *detail)
{
	if (c->s->stage == SMTP_STAGE_QUIT) {
		c->s->stage = SMTP_STAGE_DONE;
		finish(c);
		return;
	}
	stop(c, why, detail);
}

/* After SSL_read or SSL_write returned r <= 0: waits for the socket when
 * OpenSSL asks to, or ends the session. */
static void
ssl_wait(struct smtp_conn *c, int r, const char *what)
{
	int e = SSL_get_error(c->ssl, r);

	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		c->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return;
	}
	lost(c, e == SSL_ERROR_ZERO_RETURN ? SMTP_STOP_CLOSED : SMTP_STOP_TLS,
	    ssl_error_text(c, what));
}

static void
do_read(struct smtp_conn *c)
{
	for (;;) {
		size_t room = SMTP_MAX_REPLY_BYTES - c->inlen;
		ssize_t got;

		if (room == 0) {
			stop(c, SMTP_STOP_TOO_LONG, arena_printf(c->a, "the "
			    "server's reply goes past %d bytes",
			    SMTP_MAX_REPLY_BYTES));
			return;
		}
		if (c->ssl != NULL) {
			int r = SSL_read(c->ssl, c->in + c->inlen, (int)room);

			if (r <= 0) {
				ssl_wait(c, r, "reading over TLS");
				return;
			}
			got = r;
		} else {
			got = recv(c->fd, c->in + c->inlen, room, 0);
			if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
				c->want = POLLIN;
				return;
			}
			if (got <= 0) {
				lost(c, got == 0 ? SMTP_STOP_CLOSED :
				    SMTP_STOP_IO, got == 0 ? "the server closed "
				    "the connection" : arena_strdup(c->a,
				    strerror(errno)));
				return;
			}
		}
		progress(c, c->in + c->inlen, (size_t)got);
		c->inlen += (size_t)got;
		parse_input(c);
		if (c->io != IO_READING) {
			return;
		}
	}
}

static void
do_write(struct smtp_conn *c)
{
	while (c->outpos < c->outlen) {
		ssize_t put;

		if (c->ssl != NULL) {
			int r = SSL_write(c->ssl, c->out + c->outpos,
			    (int)(c->outlen - c->outpos));

			if (r <= 0) {
				ssl_wait(c, r, "writing over TLS");
				return;
			}
			put = r;
		} else {
			put = send(c->fd, c->out + c->outpos,
			    c->outlen - c->outpos, MSG_NOSIGNAL);
			if (put < 0 && (errno == EAGAIN || errno == EINTR)) {
				c->want = POLLOUT;
				return;
			}
			if (put < 0) {
				lost(c, SMTP_STOP_IO, arena_strdup(c->a,
				    strerror(errno)));
				return;
			}
		}
		c->outpos += (size_t)put;
	}
	c->io = IO_READING;
	c->want = POLLIN;
	do_read(c);
}

static void
do_handshake(struct smtp_conn *c)
{
	int r = SSL_connect(c->ssl), e;

	if (r == 1) {
		handshake_done(c);
		do_write(c);
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		c->want = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		return;
	}
	stop(c, SMTP_STOP_TLS, ssl_error_text(c, "TLS handshake failed"));
}

static void
do_connected(struct smtp_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
		err = errno;
	}
	if (err != 0) {
		c->s->connect = smtp_connect_from_errno(err);
		c->s->connect_error = arena_strdup(c->a, strerror(err));
		finish(c);
		return;
	}
	c->s->connect = SMTP_CONNECT_OK;
	c->s->connect_ms = clock_ms() - c->started;
	c->s->stage = SMTP_STAGE_BANNER;
	c->io = IO_READING;
	c->want = POLLIN;
	set_deadline(c);
	do_read(c);
}

static void
timed_out(struct smtp_conn *c)
{
	static const char *const what[] = {
		[SMTP_STAGE_CONNECT] = "connecting",
		[SMTP_STAGE_BANNER] = "waiting for the 220 greeting",
		[SMTP_STAGE_EHLO] = "waiting for the reply to EHLO",
		[SMTP_STAGE_STARTTLS] = "waiting for the reply to STARTTLS",
		[SMTP_STAGE_TLS] = "in the TLS handshake",
		[SMTP_STAGE_EHLO_TLS] = "waiting for the reply to EHLO over "
		    "TLS",
		[SMTP_STAGE_QUIT] = "waiting for the reply to QUIT",
		[SMTP_STAGE_DONE] = "",
	};
	const char *detail = clock_ms() >= c->reply_limit ? arena_printf(c->a,
	    "a reply still incomplete after %.0f s %s",
	    c->cfg->timeout_ms * SMTP_REPLY_MAX_TIMEOUTS / 1000.0,
	    what[c->s->stage]) : arena_printf(c->a, "no progress in %.0f s %s",
	    c->cfg->timeout_ms / 1000.0, what[c->s->stage]);

	if (c->s->stage == SMTP_STAGE_CONNECT) {
		c->s->connect = SMTP_CONNECT_TIMEOUT;
		c->s->connect_error = detail;
		finish(c);
		return;
	}
	lost(c, SMTP_STOP_TIMEOUT, detail);
}

bool
smtp_conn_step(struct smtp_conn *c, short revents)
{
	if (c->io == IO_FINISHED) {
		return true;
	}
	if (revents == 0) {
		if (clock_ms() >= c->deadline) {
			timed_out(c);
		}
		return c->io == IO_FINISHED;
	}
	switch (c->io) {
	case IO_CONNECTING: do_connected(c); break;
	case IO_WRITING: do_write(c); break;
	case IO_READING: do_read(c); break;
	case IO_HANDSHAKE: do_handshake(c); break;
	case IO_FINISHED: break;
	}
	if (c->io != IO_FINISHED && clock_ms() >= c->deadline) {
		timed_out(c);
	}
	return c->io == IO_FINISHED;
}

static socklen_t
sockaddr_of(const struct smtp_session *s, unsigned port,
    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (s->addr.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, s->addr.bytes, 4);
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, s->addr.bytes, 16);
		return sizeof(*sin6);
	}
}

struct smtp_conn *
smtp_conn_start(struct arena *a, SSL_CTX *ctx,
    const struct smtp_probe_config *cfg, struct smtp_session *out)
{
	struct smtp_conn *c = xcalloc(1, sizeof(*c));
	struct sockaddr_storage ss;
	socklen_t sslen = sockaddr_of(out, cfg->port, &ss);

	c->a = a;
	c->cfg = cfg;
	c->s = out;
	c->ctx = ctx;
	c->in = xcalloc(1, SMTP_MAX_REPLY_BYTES);
	c->started = clock_ms();
	out->stage = SMTP_STAGE_CONNECT;
	c->io = IO_CONNECTING;
	c->want = POLLOUT;
	set_deadline(c);
	c->fd = socket(out->addr.family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (c->fd < 0 || (connect(c->fd, (struct sockaddr *)&ss, sslen) != 0 &&
	    errno != EINPROGRESS)) {
		out->connect = smtp_connect_from_errno(errno);
		out->connect_error = arena_strdup(a, strerror(errno));
		finish(c);
	}
	return c;
}

int
smtp_conn_fd(const struct smtp_conn *c)
{
	return c->fd;
}

short
smtp_conn_events(const struct smtp_conn *c)
{
	return c->want;
}

double
smtp_conn_deadline(const struct smtp_conn *c)
{
	return c->deadline;
}

void
smtp_conn_destroy(struct smtp_conn *c)
{
	if (c == NULL) {
		return;
	}
	if (c->io != IO_FINISHED) {
		finish(c);
	}
	free(c->in);
	free(c);
}
