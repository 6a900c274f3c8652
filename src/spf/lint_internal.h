/* What the SPF lint files (lint*.c) share: the linter's state. A finding
 * about a record goes to its node's list (whose domain is the node's),
 * one about the whole walk to the walk's. Everything is allocated in the
 * walk's arena. */
#ifndef MAILAUTH_SPF_LINT_INTERNAL_H
#define MAILAUTH_SPF_LINT_INTERNAL_H

#include "finding.h"
#include "spf/walk.h"
#include "util/arena.h"

struct linter {
	struct arena *arena;
	struct spf_walk *walk;
};

#define LINT_MSG(l, ...) arena_printf((l)->arena, __VA_ARGS__)

/* The term as written, safe to print. */
const char *spf_lint_term(struct linter *l, const struct spf_walk_term *wt);
/* The "where receivers differ" note (information only): what another
 * implementation decides, beside the finding it concerns; on the walk's
 * list when node is NULL. */
struct finding *spf_lint_differs(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt, const char *msg);

/* Findings about the networks one term authorizes (lint_net.c). */
void spf_lint_networks(struct linter *l, struct spf_node *node,
    const struct spf_walk_term *wt);
/* A record with more network terms than libspf2 compiles (lint_net.c). */
void spf_lint_network_count(struct linter *l, struct spf_node *node);
/* Duplicate terms and includes that never pass (lint_never.c). */
void spf_lint_never_match(struct linter *l, struct spf_node *node);
/* The lookup and void-lookup limits of RFC 7208 §4.6.4 and the walk's
 * own (lint_limits.c). */
void spf_lint_limits(struct linter *l);

#endif
