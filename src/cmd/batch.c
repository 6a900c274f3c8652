#include "cmd/batch.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "cmd/cmd.h"
#include "cmd/batch_input.h"
#include "cmd/common.h"
#include "dns/resolver.h"
#include "report/batch.h"
#include "report/json.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/xalloc.h"

/* One input line in progress. */
struct job {
	unsigned seq;		/* tells a reused slot from its old job */
	bool busy;
	unsigned long line;	/* 1-based line number in the input */
	size_t order;		/* position among the lines processed */
	char *input;		/* the line as read (heap) */
	struct arena *arena;	/* everything the command allocates for it */
	void *state;		/* the command's state (heap) */
	double deadline;	/* on the batch's waiting clock; runs from
				 * the line's first question on the wire
				 * (INFINITY before) */
	unsigned tries;		/* most tries one of its answers took */
	bool queued;		/* on the list of jobs to step */
};

/* A finished line waiting for the ones before it (input order). */
struct pending_line {
	char *json;		/* NULL: not finished yet */
};

struct batch {
	struct run_ctx *rc;
	const struct command *cmd;
	void *opts;
	struct batch_input input;
	struct job *jobs;	/* slots */
	size_t njobs;
	size_t active;
	size_t *runnable;	/* slots to step */
	size_t nrunnable;
	struct pending_line *window;	/* ring of lines not printed yet */
	size_t window_size, next_order, printed;
	int worst;
	size_t answered, dns_failures, input_errors;	/* lines done */
	double start_ms, last_progress;
	double computing_ms;	/* spent computing, not waiting: see
				 * waiting_clock() */
	bool progress;
	bool closed;		/* writing the output failed */
	unsigned long total_lines;	/* of a regular file; else 0 */
};

static int
worse(int a, int b)
{
	if (a == EXIT_DNS || b == EXIT_DNS) {
		return EXIT_DNS;
	}
	return a > b ? a : b;
}

static void
print_ready_lines(struct batch *b)
{
	while (b->printed < b->next_order) {
		struct pending_line *p = &b->window[b->printed %
		    b->window_size];

		if (p->json == NULL) {
			if (!b->rc->g->unordered) {
				break;
			}
			/* Unordered lines were printed as they came. */
		} else {
			fputs(p->json, b->input.out);
			fputc('\n', b->input.out);
			free(p->json);
			p->json = NULL;
		}
		b->printed++;
	}
	/* The reader of the output went away (mailauth --batch ... | head):
	 * the loop stops. */
	if (fflush(b->input.out) != 0) {
		b->closed = true;
	}
}

static size_t
stats_window(const struct batch *b)
{
	struct dns_stats st;

	dns_resolver_stats(b->rc->res, &st);
	return st.window;
}

/* The lines of a regular file, for the share done and the ETA: counted
 * once before the batch, and only when progress is shown. */
static unsigned long
count_lines(FILE *in)
{
	char buf[65536];
	unsigned long lines = 0;
	size_t n, i;
	char last = '\n';

	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		for (i = 0; i < n; i++) {
			lines += buf[i] == '\n';
		}
		last = buf[n - 1];
	}
	rewind(in);
	return lines + (last != '\n');
}

/* One line on a terminal's standard error, rewritten in place ("\r",
 * then erase to the end of the line) and erased at the end. Lines read
 * and finished count, skipped ones (comments, other shards) included, so
 * that the share matches the file's lines. */
static void
progress(struct batch *b, bool last)
{
	double now = clock_ms();
	struct batch_progress p;

	if (!b->progress || (!last && now - b->last_progress < 100)) {
		return;
	}
	b->last_progress = now;
	if (last) {
		report_batch_progress_erase(stderr);
		return;
	}
	p.handled = b->input.lineno - b->active;
	p.total = b->total_lines;
	p.active = b->active;
	p.rate = p.handled * 1000.0 / (now - b->start_ms + 1);
	p.window = stats_window(b);
	report_batch_progress(stderr, &p);
}

/* Adds "input", "line", "error", "tries" and "exit_code" to a line's
 * object and queues it; code is the line's own exit code. */
static void
emit(struct batch *b, struct job *j, cJSON *obj, const char *error,
    int code)
{
	char *text;

	if (obj == NULL) {
		obj = cJSON_CreateObject();
		json_add_str(obj, "command", b->cmd->name);
	}
	cJSON_AddItemToObject(obj, "input", json_str(j->input));
	json_add_num(obj, "line", (double)j->line);
	json_add_str(obj, "error", error);
	json_add_num(obj, "tries", j->tries);
	json_add_num(obj, "exit_code", code);
	text = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	b->worst = worse(b->worst, code);
	if (code == EXIT_DNS) {
		b->dns_failures++;
	} else if (error != NULL) {
		b->input_errors++;
	} else {
		b->answered++;
	}
	if (b->rc->g->unordered) {
		fputs(text, b->input.out);
		fputc('\n', b->input.out);
		cJSON_free(text);
	} else {
		b->window[j->order % b->window_size].json = text;
	}
	print_ready_lines(b);
	progress(b, false);
}

static void
release(struct batch *b, struct job *j)
{
	if (j->state != NULL) {
		run_release(j->state);
		free(j->state);
	}
	arena_destroy(j->arena);
	free(j->input);
	j->state = NULL;
	j->arena = NULL;
	j->input = NULL;
	j->busy = false;
	j->seq++;
	b->active--;
}

static void
finish(struct batch *b, struct job *j)
{
	struct arena *saved = b->rc->arena;
	cJSON *obj;
	int code;

	b->rc->arena = j->arena;
	code = b->cmd->ops->conclude(j->state);
	obj = b->cmd->ops->json(j->state);
	b->rc->arena = saved;
	emit(b, j, obj, NULL, code);
	release(b, j);
}

/* A job's token for the resolver: its slot and sequence, plus one so
 * that it is never NULL (NULL means "no waiter"). */
static void *
token_of(size_t slot, const struct job *j)
{
	return (void *)(((uintptr_t)j->seq << 20 | slot) + 1);
}

/* One pass of a job; it finishes when nothing is missing. */
static void
step(struct batch *b, size_t slot)
{
	struct job *j = &b->jobs[slot];
	bool complete;

	j->queued = false;
	dns_resolver_set_waiter(b->rc->res, token_of(slot, j));
	complete = b->cmd->ops->step(j->state);
	dns_resolver_set_waiter(b->rc->res, NULL);
	if (complete) {
		finish(b, j);
	}
}

static size_t
free_slot(const struct batch *b)
{
	size_t i;

	for (i = 0; i < b->njobs; i++) {
		if (!b->jobs[i].busy) {
			return i;
		}
	}
	return b->njobs;
}

/* Starts one line: a bad line becomes an output line with its error. */
static void
start_job(struct batch *b, char *input, enum line_fault fault)
{
	size_t slot = free_slot(b);
	struct job *j = &b->jobs[slot];
	struct arena *saved = b->rc->arena;
	char *fields[BATCH_MAX_FIELDS], *copy;
	int n, code;

	j->busy = true;
	j->line = b->input.lineno;
	j->order = b->next_order++;
	j->input = input;
	j->arena = arena_create();
	j->state = xcalloc(1, b->cmd->ops->state_size);
	j->deadline = INFINITY;
	j->tries = 0;
	b->active++;
	copy = arena_strdup(j->arena, input);
	n = batch_split_fields(copy, fields, BATCH_MAX_FIELDS);
	b->rc->arena = j->arena;
	b->rc->error[0] = '\0';
	if (fault == LINE_TOO_LONG) {
		code = run_usage(b->rc, "line %lu is longer than %d bytes (the "
		    "input shows its start)", j->line, BATCH_MAX_LINE);
	} else if (fault == LINE_NUL) {
		code = run_usage(b->rc, "line %lu holds a NUL byte (the input "
		    "shows what precedes it)", j->line);
	} else {
		code = (b->cmd->ops->batch_start ? b->cmd->ops->batch_start :
		    b->cmd->ops->start)(b->rc, b->opts, j->state, n, fields);
	}
	b->rc->arena = saved;
	if (code != 0) {
		/* A line that is not an input is a usage error: exit 2, above
		 * 1 and below 3 (worse()). */
		emit(b, j, NULL, b->rc->error, EXIT_USAGE);
		release(b, j);
		return;
	}
	step(b, slot);
}

/* The clock line deadlines run on: monotonic ms without the time
 * mailauth spent computing (reading lines, stepping them through their
 * answers). That time is no time a line waits for the network, so a slow
 * machine, or many heavy lines sharing one answer, never expires lines
 * whose answers have come. */
static double
waiting_clock(const struct batch *b)
{
	return clock_ms() - b->computing_ms;
}

/* Jobs past their own deadline end with an error line (exit 3). */
static void
expire(struct batch *b)
{
	double now = waiting_clock(b);
	size_t i;

	for (i = 0; i < b->njobs; i++) {
		struct job *j = &b->jobs[i];

		if (j->busy && now >= j->deadline) {
			emit(b, j, NULL, "the deadline passed before every "
			    "answer arrived", EXIT_DNS);
			release(b, j);
		}
	}
}

/* The busy job a token stands for, or NULL (its line has ended). */
static struct job *
job_of(struct batch *b, const void *token, size_t *slot)
{
	uintptr_t t = (uintptr_t)token - 1;
	struct job *j;

	*slot = t & ((1u << 20) - 1);
	if (*slot >= b->njobs) {
		return NULL;
	}
	j = &b->jobs[*slot];
	return j->busy && j->seq == (unsigned)(t >> 20) ? j : NULL;
}

/* A line's deadline runs from when its first question goes out, so that
 * lines waiting behind a small window or a --qps cap never expire; and
 * once out, its later questions wait little, because no more lines start
 * than the window lets out, which under --qps is what the rate sends
 * within a round trip (dns/flow.c). */
static void
start_clocks(struct batch *b)
{
	void *const *tokens;
	size_t n = dns_resolver_take_started(b->rc->res, &tokens), i, slot;
	double now = waiting_clock(b);

	for (i = 0; i < n; i++) {
		struct job *j = job_of(b, tokens[i], &slot);

		if (j != NULL && isinf(j->deadline)) {
			j->deadline = now + b->rc->deadline_ms;
		}
	}
}

static void
step_woken(struct batch *b)
{
	const struct dns_wake *wakes;
	size_t n = dns_resolver_take_ready(b->rc->res, &wakes), i, slot;

	b->nrunnable = 0;
	for (i = 0; i < n; i++) {
		struct job *j = job_of(b, wakes[i].token, &slot);

		if (j == NULL) {
			continue;
		}
		if (wakes[i].tries > j->tries) {
			j->tries = wakes[i].tries;
		}
		if (!j->queued) {
			j->queued = true;
			b->runnable[b->nrunnable++] = slot;
		}
	}
	for (i = 0; i < b->nrunnable; i++) {
		struct job *j = &b->jobs[b->runnable[i]];

		if (j->busy) {
			step(b, b->runnable[i]);
		}
	}
}

/* The cache grows with every new name; once it is large, no line is
 * started until the running ones finish, and then it starts afresh. */
static bool
cache_full(const struct batch *b)
{
	return dns_resolver_questions(b->rc->res) >= BATCH_CACHE_QUESTIONS;
}

static void
fill(struct batch *b)
{
	char *input;
	enum line_fault fault;

	while (!b->input.eof && !b->closed && b->active < b->njobs &&
	    b->next_order - b->printed < b->window_size && !cache_full(b) &&
	    dns_resolver_wants_more(b->rc->res) &&
	    batch_input_next(&b->input, &input, &fault)) {
		start_job(b, input, fault);
	}
	start_clocks(b);
}

/* Ends the lines in progress without output: nobody reads it. */
static void
abandon(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->njobs; i++) {
		if (b->jobs[i].busy) {
			release(b, &b->jobs[i]);
		}
	}
}

static void
loop(struct batch *b)
{
	double computed_from;

	while (!b->closed) {
		computed_from = clock_ms();
		fill(b);
		b->computing_ms += clock_ms() - computed_from;
		if (b->active == 0) {
			if (b->input.eof) {
				break;
			}
			if (!dns_resolver_idle(b->rc->res)) {
				const struct dns_wake *stale;
				void *const *unused;

				/* Answers for lines that ended at their
				 * deadline; nobody waits for them. */
				dns_resolver_wait(b->rc->res);
				dns_resolver_take_ready(b->rc->res, &stale);
				dns_resolver_take_started(b->rc->res, &unused);
			} else if (cache_full(b)) {
				dns_resolver_clear(b->rc->res);
			}
			continue;
		}
		if (!dns_resolver_wait(b->rc->res)) {
			/* Jobs wait, yet nothing is in flight: they cannot
			 * progress, so they end now rather than spin. */
			size_t i;

			for (i = 0; i < b->njobs; i++) {
				if (b->jobs[i].busy) {
					b->jobs[i].deadline = 0;
				}
			}
		}
		computed_from = clock_ms();
		start_clocks(b);
		step_woken(b);
		b->computing_ms += clock_ms() - computed_from;
		expire(b);
		if (cache_full(b) && b->active == 0 &&
		    dns_resolver_idle(b->rc->res)) {
			dns_resolver_clear(b->rc->res);
		}
	}
}

/* The summary on stderr: what became of the lines, and what it took;
 * none when the reader of the output went away (the batch ends quietly,
 * as a pipe's writer does). */
static void
summarize(const struct batch *b)
{
	struct dns_stats st;
	struct batch_summary sum;

	if (b->closed) {
		return;
	}
	dns_resolver_stats(b->rc->res, &st);
	sum.answered = b->answered;
	sum.dns_failures = b->dns_failures;
	sum.input_errors = b->input_errors;
	sum.resumed = b->rc->g->resume != NULL;
	sum.skipped = b->input.skipped;
	sum.queries = st.sent + st.retries;
	sum.retries = st.retries;
	sum.smallest_window = st.smallest_window;
	sum.largest_window = st.largest_window;
	sum.seconds = (clock_ms() - b->start_ms) / 1000;
	/* Over the progress line, which is then erased below it. */
	sum.over_progress = b->progress;
	report_batch_summary(stderr, &sum);
}

int
batch_run(struct run_ctx *rc, const struct command *cmd, void *opts)
{
	struct batch b;
	size_t i;
	int code;

	memset(&b, 0, sizeof(b));
	b.rc = rc;
	b.cmd = cmd;
	b.opts = opts;
	if ((code = batch_input_open(&b.input, rc)) != 0) {
		return batch_input_close(&b.input, code);
	}
	b.njobs = BATCH_LINES_PER_SLOT * (rc->g->concurrency ?
	    rc->g->concurrency : BATCH_DEFAULT_CONCURRENCY);
	if (cmd->ops->batch_lines != NULL && cmd->ops->batch_lines(opts) &&
	    b.njobs > cmd->ops->batch_lines(opts)) {
		b.njobs = cmd->ops->batch_lines(opts);
	}
	b.jobs = xcalloc(b.njobs, sizeof(*b.jobs));
	b.runnable = xcalloc(b.njobs, sizeof(*b.runnable));
	b.window_size = b.njobs * 4;
	b.window = xcalloc(b.window_size, sizeof(*b.window));
	b.start_ms = clock_ms();
	b.progress = isatty(STDERR_FILENO) == 1;
	if (b.progress && b.input.size > 0) {
		b.total_lines = count_lines(b.input.in);
	}
	loop(&b);
	abandon(&b);
	print_ready_lines(&b);
	summarize(&b);
	progress(&b, true);
	for (i = 0; i < b.window_size; i++) {
		free(b.window[i].json);
	}
	free(b.window);
	free(b.runnable);
	free(b.jobs);
	return batch_input_close(&b.input, b.worst);
}
