#include "finding.h"

#include <stdarg.h>
#include <string.h>

#include "util/arena.h"

struct finding *
finding_add(struct arena *a, struct finding_list *list,
    enum finding_severity severity, const char *code, const char *fix,
    const char *fmt, ...)
{
	struct finding *f = arena_alloc(a, sizeof(*f));
	va_list ap;

	f->severity = severity;
	f->verdict = severity == FINDING_ERROR ? VERDICT_FAIL : VERDICT_PASS;
	f->code = code;
	f->domain = list->domain;
	f->fix = fix ? arena_strdup(a, fix) : NULL;
	f->offset = -1;
	va_start(ap, fmt);
	f->message = arena_vprintf(a, fmt, ap);
	va_end(ap);
	if (list->tail != NULL) {
		list->tail->next = f;
	} else {
		list->head = f;
	}
	list->tail = f;
	list->count++;
	return f;
}

enum verdict
verdict_join(enum verdict a, enum verdict b)
{
	if (a == VERDICT_FAIL || b == VERDICT_FAIL) {
		return VERDICT_FAIL;
	}
	return a == VERDICT_UNKNOWN || b == VERDICT_UNKNOWN ? VERDICT_UNKNOWN :
	    VERDICT_PASS;
}

const char *
verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS: return "pass";
	case VERDICT_FAIL: return "fail";
	case VERDICT_UNKNOWN: return "unknown";
	}
	return "unknown";
}

const char *
finding_severity_name(enum finding_severity s)
{
	switch (s) {
	case FINDING_ERROR: return "error";
	case FINDING_WARNING: return "warning";
	case FINDING_INFO: return "info";
	}
	return "info";
}

size_t
finding_count(const struct finding_list *list, enum finding_severity severity)
{
	const struct finding *f;
	size_t n = 0;

	for (f = list->head; f != NULL; f = f->next) {
		n += f->severity == severity;
	}
	return n;
}

/* A failed lookup decides first: what it hid may change the rest. */
static enum verdict
findings_join(enum verdict a, enum verdict b)
{
	if (a == VERDICT_UNKNOWN || b == VERDICT_UNKNOWN) {
		return VERDICT_UNKNOWN;
	}
	return a == VERDICT_FAIL || b == VERDICT_FAIL ? VERDICT_FAIL :
	    VERDICT_PASS;
}

void
finding_tally(const struct finding_list *list, struct finding_tally *t)
{
	const struct finding *f;

	for (f = list->head; f != NULL; f = f->next) {
		t->errors += f->severity == FINDING_ERROR;
		t->warnings += f->severity == FINDING_WARNING;
		t->infos += f->severity == FINDING_INFO;
		t->verdict = findings_join(t->verdict, f->verdict);
	}
}

const struct finding *
finding_find(const struct finding_list *list, const char *code)
{
	const struct finding *f;

	for (f = list->head; f != NULL; f = f->next) {
		if (strcmp(f->code, code) == 0) {
			return f;
		}
	}
	return NULL;
}

bool
finding_has(const struct finding_list *list, const char *code)
{
	return finding_find(list, code) != NULL;
}
