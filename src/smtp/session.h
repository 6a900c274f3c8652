/* One SMTP session as a non-blocking state machine, driven by the poll()
 * loop of smtp/probe.c. Private to smtp/. */
#ifndef MAILAUTH_SMTP_SESSION_H
#define MAILAUTH_SMTP_SESSION_H

#include <stdbool.h>

#include <openssl/ssl.h>

#include "smtp/probe.h"

struct arena;
struct smtp_conn;

/* Opens the socket and starts connecting; the connection writes what it
 * sees into *out. Never NULL; it may already be finished. */
struct smtp_conn *smtp_conn_start(struct arena *a, SSL_CTX *ctx,
    const struct smtp_probe_config *cfg, struct smtp_session *out);
/* The socket and the poll() events it waits for (0 when finished). */
int smtp_conn_fd(const struct smtp_conn *c);
short smtp_conn_events(const struct smtp_conn *c);
/* When the current step times out (monotonic ms). */
double smtp_conn_deadline(const struct smtp_conn *c);
/* Runs the session as far as it can go with revents; true once it is
 * finished (then destroy it). */
bool smtp_conn_step(struct smtp_conn *c, short revents);
/* Closes the socket and frees the connection; accepts NULL. */
void smtp_conn_destroy(struct smtp_conn *c);

#endif
