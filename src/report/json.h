/* cJSON helpers shared by every command. Every string goes through
 * util/safe.h first: cJSON 1.7 copies bytes >= 0x80 raw and stops at a NUL,
 * so untrusted bytes must become valid, visible UTF-8 before they get here.
 * Items added to an object belong to it (cJSON_Delete frees the tree). */
#ifndef MAILAUTH_REPORT_JSON_H
#define MAILAUTH_REPORT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "finding.h"

struct dns_answer;

/* Returns a JSON string of the safe form of s, or null when s is NULL. */
cJSON *json_str(const char *s);
/* Same for len bytes (binary-safe). */
cJSON *json_bytes(const void *data, size_t len);
void json_add_str(cJSON *obj, const char *key, const char *s);
void json_add_num(cJSON *obj, const char *key, double v);
void json_add_bool(cJSON *obj, const char *key, bool v);
/* A yes-or-no fact that may be unknown: true, false, or null. */
void json_add_verdict(cJSON *obj, const char *key, enum verdict v);
/* Appends each finding of list to the array. */
void json_add_findings(cJSON *array, const struct finding_list *list);
/* Returns the addresses of an A and an AAAA answer (either may be NULL)
 * as one array of strings. */
cJSON *json_addresses(const struct dns_answer *a4, const struct dns_answer *a6);
/* Returns {name, type, outcome, rcode, ...} for one answer (the trace). */
cJSON *json_answer(const struct dns_answer *ans);
/* Writes the tree followed by a newline: indented when pretty. Returns 0,
 * or -1 when the write failed. */
int json_write(FILE *f, const cJSON *root, bool pretty);

#endif
