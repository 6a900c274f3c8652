#include "report/batch.h"

/* Back to the start of the line, which is then cleared to its end. */
#define LINE_START "\r"
#define CLEAR_TO_END "\033[K"

void
report_batch_progress(FILE *f, const struct batch_progress *p)
{
	fprintf(f, LINE_START "%lu", p->handled);
	if (p->total > 0) {
		fprintf(f, "/%lu", p->total);
	}
	fprintf(f, " lines, %zu in progress, %.0f lines/s, window %zu",
	    p->active, p->rate, p->window);
	if (p->total > p->handled && p->rate > 0) {
		fprintf(f, ", ETA %.0f s", (double)(p->total - p->handled) /
		    p->rate);
	}
	fputs(CLEAR_TO_END, f);
}

void
report_batch_progress_erase(FILE *f)
{
	fputs(LINE_START CLEAR_TO_END, f);
}

void
report_batch_summary(FILE *f, const struct batch_summary *s)
{
	fprintf(f, "%smailauth: %zu lines: %zu answered, %zu DNS failures, "
	    "%zu input errors", s->over_progress ? LINE_START CLEAR_TO_END :
	    "", s->answered + s->dns_failures + s->input_errors, s->answered,
	    s->dns_failures, s->input_errors);
	if (s->resumed) {
		fprintf(f, ", %zu skipped (answered before)", s->skipped);
	}
	fprintf(f, "; %zu queries, %zu retries; window %zu-%zu; %.1f s\n",
	    s->queries, s->retries, s->smallest_window, s->largest_window,
	    s->seconds);
}
