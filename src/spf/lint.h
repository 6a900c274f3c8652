/* Findings about a complete SPF walk. Pure: reads the
 * walk, appends findings to the walk and to its nodes, allocates in arena. */
#ifndef MAILAUTH_SPF_LINT_H
#define MAILAUTH_SPF_LINT_H

struct arena;
struct spf_walk;

void spf_lint(struct arena *a, struct spf_walk *walk);

#endif
