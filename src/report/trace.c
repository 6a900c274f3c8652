#include "report/trace.h"

#include "dns/answer.h"
#include "dns/resolver.h"
#include "report/json.h"
#include "util/arena.h"
#include "util/safe.h"

void
trace_print_answer(FILE *f, const struct dns_answer *ans)
{
	struct arena *a = arena_create();

	fprintf(f, ";; %s %s: %s", safe_str(a, ans->name),
	    dns_type_name(ans->type), dns_kind_name(ans->kind));
	if (ans->kind == DNS_ANS_RECORDS) {
		fprintf(f, " (%zu)", ans->count);
	}
	switch (ans->source) {
	case DNS_SRC_NETWORK:
		if (ans->rcode >= 0) {
			fprintf(f, ", rcode %d, %zu octets, %.1f ms, %s%s",
			    ans->rcode, ans->size, ans->rtt_ms,
			    ans->tcp ? "tcp" : "udp", ans->ad ? ", ad" : "");
		} else {
			fprintf(f, ", %.1f ms", ans->rtt_ms);
		}
		if (ans->tries > 1) {
			fprintf(f, ", %u tries", ans->tries);
		}
		break;
	case DNS_SRC_ZONE:
		fprintf(f, ", from --zone, %zu octets", ans->size);
		break;
	case DNS_SRC_DRAFT:
		fprintf(f, ", from --record");
		break;
	case DNS_SRC_NONE:
		break;
	}
	if (ans->cname != NULL) {
		fprintf(f, ", via CNAME %s", safe_str(a, ans->cname));
	}
	if (ans->error != NULL) {
		fprintf(f, " (%s)", safe_str(a, ans->error));
	}
	fputc('\n', f);
	arena_destroy(a);
}

void
trace_print_stats(FILE *f, const struct dns_stats *stats)
{
	fprintf(f, ";; %zu questions, %zu sent, at most %zu in flight, "
	    "%.1f ms%s\n", stats->questions, stats->sent, stats->max_in_flight,
	    stats->elapsed_ms, stats->deadline_hit ? ", deadline reached" :
	    "");
}

void
trace_add_json(cJSON *root, const struct dns_answer *const *log, size_t n,
    const struct dns_stats *stats)
{
	cJSON *queries = cJSON_AddArrayToObject(root, "queries");
	cJSON *st = cJSON_AddObjectToObject(root, "stats");
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON_AddItemToArray(queries, json_answer(log[i]));
	}
	json_add_num(st, "questions", (double)stats->questions);
	json_add_num(st, "sent", (double)stats->sent);
	json_add_num(st, "max_in_flight", (double)stats->max_in_flight);
	json_add_num(st, "elapsed_ms", (double)(long)(stats->elapsed_ms *
	    1000) / 1000);
	json_add_bool(st, "deadline_reached", stats->deadline_hit);
}
