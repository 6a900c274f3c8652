/* Findings about a received message: what kept a check from running,
 * why DMARC failed, each with the record to publish or the change to
 * make, computed from what the message shows. */
#ifndef MAILAUTH_MESSAGE_LINT_H
#define MAILAUTH_MESSAGE_LINT_H

struct arena;
struct message_result;

/* Adds the findings of a concluded result to r->findings. */
void message_lint(struct arena *a, struct message_result *r);

#endif
