/* --trace: one line per DNS question on stderr as its answer arrives, like
 * dig's statistics, and the same facts as a "queries" array in JSON. */
#ifndef MAILAUTH_REPORT_TRACE_H
#define MAILAUTH_REPORT_TRACE_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

struct dns_answer;
struct dns_stats;

/* Prints ";; NAME TYPE: outcome ..." for one answer. */
void trace_print_answer(FILE *f, const struct dns_answer *ans);
/* Prints the run's totals: questions, queries sent, most in flight. */
void trace_print_stats(FILE *f, const struct dns_stats *stats);
/* Adds "queries" (every answer, in order) and "stats" to a JSON object. */
void trace_add_json(cJSON *root, const struct dns_answer *const *log,
    size_t n, const struct dns_stats *stats);

#endif
