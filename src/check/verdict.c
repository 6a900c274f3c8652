/* The checklist's building blocks and the one verdict drawn from it. */
#include "check/req.h"
#include "util/arena.h"
#include "util/safe.h"

const char *
check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_PASS: return "pass";
	case CHECK_FAIL: return "fail";
	case CHECK_WARN: return "warn";
	case CHECK_UNKNOWN: return "unknown";
	case CHECK_INFO: return "info";
	}
	return "unknown";
}

/* Which reason a requirement shows when it has several. */
static int
weight(enum check_status s)
{
	switch (s) {
	case CHECK_PASS: return 0;
	case CHECK_INFO: return 1;
	case CHECK_WARN: return 2;
	case CHECK_UNKNOWN: return 3;
	case CHECK_FAIL: return 4;
	}
	return 3;
}

struct check_requirement *
check_req_add(struct check_result *r, const char *id, bool required,
    const char *const *gmail_codes)
{
	struct check_requirement *q = &r->reqs[r->nreqs++];

	q->id = id;
	q->required = required;
	q->gmail_codes = gmail_codes;
	q->status = CHECK_PASS;
	return q;
}

bool
check_req_set(struct check_requirement *q, enum check_status status,
    const char *code, const char *message)
{
	if (weight(status) <= weight(q->status)) {
		return false;
	}
	q->status = status;
	q->code = code;
	q->message = message;
	return true;
}

bool
check_req_failed(struct arena *a, struct check_requirement *q,
    const char *code, const char *prefix, const struct dns_answer *ans)
{
	const char *what = dns_answer_failure(a, ans);

	if (!check_req_set(q, CHECK_UNKNOWN, code, prefix ? arena_printf(a,
	    "%s: %s", prefix, what) : what)) {
		return false;
	}
	q->fix = dns_answer_retry_hint(ans) ? dns_answer_retry_hint(ans) :
	    arena_printf(a, "retry; if it lasts, ask another resolver "
	    "(@SERVER), or tell whoever runs the DNS servers of %s",
	    safe_str(a, ans->name));
	return true;
}

enum verdict
check_verdict(const struct check_requirement *reqs, size_t n)
{
	enum verdict v = VERDICT_PASS;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!reqs[i].required) {
			continue;
		}
		v = verdict_join(v, reqs[i].status == CHECK_FAIL ?
		    VERDICT_FAIL : reqs[i].status == CHECK_UNKNOWN ?
		    VERDICT_UNKNOWN : VERDICT_PASS);
	}
	return v;
}

const char *
check_verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS: return "ready";
	case VERDICT_FAIL: return "not-ready";
	case VERDICT_UNKNOWN: return "unknown";
	}
	return "unknown";
}
