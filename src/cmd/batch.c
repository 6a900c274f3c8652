#include "cmd/batch.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "dns/resolver.h"
#include "report/json.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/safe.h"
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
	double deadline;	/* monotonic ms */
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
	FILE *in;
	bool eof;
	unsigned long lineno;
	struct job *jobs;	/* slots */
	size_t njobs;
	size_t active;
	size_t *runnable;	/* slots to step */
	size_t nrunnable;
	struct pending_line *window;	/* ring of lines not printed yet */
	size_t window_size, next_order, printed;
	int worst;
	double start_ms, last_progress;
	bool progress;
	bool closed;		/* writing the output failed */
	unsigned long total_lines;	/* of a regular file; else 0 */
};

/* FNV-1a: the line's shard must not depend on the machine. */
static uint32_t
line_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h = (h ^ (unsigned char)*s) * 16777619u;
	}
	return h;
}

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
			fputs(p->json, b->rc->out);
			fputc('\n', b->rc->out);
			free(p->json);
			p->json = NULL;
		}
		b->printed++;
	}
	/* The reader of the output went away (mailauth --batch ... | head):
	 * the loop stops. */
	if (fflush(b->rc->out) != 0) {
		b->closed = true;
	}
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
	double now = clock_ms(), rate;
	unsigned long handled = b->lineno - b->active;

	if (!b->progress || (!last && now - b->last_progress < 100)) {
		return;
	}
	b->last_progress = now;
	if (last) {
		fputs("\r\033[K", stderr);
		return;
	}
	rate = handled * 1000.0 / (now - b->start_ms + 1);
	fprintf(stderr, "\r%lu", handled);
	if (b->total_lines > 0) {
		fprintf(stderr, "/%lu", b->total_lines);
	}
	fprintf(stderr, " lines, %zu in progress, %.0f lines/s", b->active,
	    rate);
	if (b->total_lines > handled && rate > 0) {
		fprintf(stderr, ", ETA %.0f s", (double)(b->total_lines -
		    handled) / rate);
	}
	fputs("\033[K", stderr);
}

/* Adds "input", "line" and "error" to a line's object and queues it. */
static void
emit(struct batch *b, struct job *j, cJSON *obj, const char *error)
{
	char *text;

	if (obj == NULL) {
		obj = cJSON_CreateObject();
		json_add_str(obj, "command", b->cmd->name);
	}
	cJSON_AddItemToObject(obj, "input", json_str(j->input));
	json_add_num(obj, "line", (double)j->line);
	json_add_str(obj, "error", error);
	text = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (b->rc->g->unordered) {
		fputs(text, b->rc->out);
		fputc('\n', b->rc->out);
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
		b->cmd->ops->release(j->state);
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
	b->worst = worse(b->worst, code);
	emit(b, j, obj, NULL);
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

/* Splits a line into fields at blanks; '#' starts a comment. */
static int
split_fields(char *line, char **fields, int max)
{
	int n = 0;
	char *p = strchr(line, '#'), *save = NULL, *tok;

	if (p != NULL) {
		*p = '\0';
	}
	for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL && n < max;
	    tok = strtok_r(NULL, " \t\r\n", &save)) {
		fields[n++] = tok;
	}
	return n;
}

static bool
in_my_shard(const struct batch *b, const char *line)
{
	const struct global_opts *g = b->rc->g;

	return g->shard_count == 0 ||
	    line_hash(line) % g->shard_count == g->shard_index - 1;
}

/* What makes a line unusable as it was read. */
enum line_fault { LINE_OK, LINE_TOO_LONG, LINE_NUL };

/* Reads one line into buf (BATCH_MAX_LINE + 2 bytes) without its newline
 * or the CR of a CRLF; the rest of an over-long line is read and dropped,
 * so memory stays bounded whatever the input. False at the end. */
static bool
read_line(FILE *in, char *buf, enum line_fault *fault)
{
	size_t len = 0;
	bool dropped = false, nul = false;
	int c;

	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (len == BATCH_MAX_LINE + 1) {
			dropped = true;
			continue;
		}
		nul = nul || c == '\0';
		buf[len++] = (char)c;
	}
	if (!dropped && len > 0 && buf[len - 1] == '\r') {
		len--;
	}
	if (dropped || len > BATCH_MAX_LINE) {
		*fault = LINE_TOO_LONG;
		len = BATCH_MAX_LINE;
	} else {
		*fault = nul ? LINE_NUL : LINE_OK;
	}
	buf[len] = '\0';
	return c != EOF || len > 0 || dropped;
}

/* Reads the next line that is this run's to do; false at the end. A line
 * that is too long or holds a NUL keeps what can be shown of it and its
 * fault, so that it becomes an error line rather than another input. */
static bool
next_line(struct batch *b, char **out, enum line_fault *fault)
{
	char line[BATCH_MAX_LINE + 2];

	while (read_line(b->in, line, fault)) {
		char *p = line;

		b->lineno++;
		while (*p == ' ' || *p == '\t') {
			p++;
		}
		if ((*fault == LINE_OK && *p == '\0') || *p == '#' ||
		    !in_my_shard(b, p)) {
			continue;
		}
		*out = xstrdup(p);
		return true;
	}
	b->eof = true;
	return false;
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
	j->line = b->lineno;
	j->order = b->next_order++;
	j->input = input;
	j->arena = arena_create();
	j->state = xcalloc(1, b->cmd->ops->state_size);
	j->deadline = clock_ms() + b->rc->deadline_ms;
	b->active++;
	copy = arena_strdup(j->arena, input);
	n = split_fields(copy, fields, BATCH_MAX_FIELDS);
	b->rc->arena = j->arena;
	b->rc->error[0] = '\0';
	if (fault == LINE_TOO_LONG) {
		snprintf(b->rc->error, sizeof(b->rc->error), "line %lu is "
		    "longer than %d bytes (the input shows its start)",
		    j->line, BATCH_MAX_LINE);
		code = EXIT_USAGE;
	} else if (fault == LINE_NUL) {
		snprintf(b->rc->error, sizeof(b->rc->error), "line %lu holds "
		    "a NUL byte (the input shows what precedes it)", j->line);
		code = EXIT_USAGE;
	} else {
		code = b->cmd->ops->batch_start(b->rc, b->opts, j->state, n,
		    fields);
	}
	b->rc->arena = saved;
	if (code != 0) {
		/* A line that is not an input is a usage error: exit 2, above
		 * 1 and below 3 (worse()). */
		b->worst = worse(b->worst, EXIT_USAGE);
		emit(b, j, NULL, b->rc->error);
		release(b, j);
		return;
	}
	step(b, slot);
}

/* Jobs past their own deadline end with an error line (exit 3). */
static void
expire(struct batch *b)
{
	double now = clock_ms();
	size_t i;

	for (i = 0; i < b->njobs; i++) {
		struct job *j = &b->jobs[i];

		if (j->busy && now >= j->deadline) {
			b->worst = worse(b->worst, EXIT_DNS);
			emit(b, j, NULL, "the deadline passed before every "
			    "answer arrived");
			release(b, j);
		}
	}
}

static void
step_woken(struct batch *b)
{
	void **tokens;
	size_t n = dns_resolver_take_ready(b->rc->res, &tokens), i;

	b->nrunnable = 0;
	for (i = 0; i < n; i++) {
		uintptr_t t = (uintptr_t)tokens[i] - 1;
		size_t slot = t & ((1u << 20) - 1);
		struct job *j;

		if (slot >= b->njobs) {
			continue;
		}
		j = &b->jobs[slot];
		if (j->busy && j->seq == (unsigned)(t >> 20) && !j->queued) {
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

	while (!b->eof && !b->closed && b->active < b->njobs &&
	    b->next_order - b->printed < b->window_size && !cache_full(b) &&
	    next_line(b, &input, &fault)) {
		start_job(b, input, fault);
	}
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
	while (!b->closed) {
		fill(b);
		if (b->active == 0) {
			if (b->eof) {
				break;
			}
			if (!dns_resolver_idle(b->rc->res)) {
				void **stale;

				/* Answers for lines that ended at their
				 * deadline; nobody waits for them. */
				dns_resolver_wait(b->rc->res);
				dns_resolver_take_ready(b->rc->res, &stale);
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
		step_woken(b);
		expire(b);
		if (cache_full(b) && b->active == 0 &&
		    dns_resolver_idle(b->rc->res)) {
			dns_resolver_clear(b->rc->res);
		}
	}
}

int
batch_run(struct run_ctx *rc, const struct command *cmd, void *opts)
{
	struct batch b;
	const char *path = rc->g->batch;
	struct stat st;
	size_t i;

	memset(&b, 0, sizeof(b));
	b.rc = rc;
	b.cmd = cmd;
	b.opts = opts;
	b.in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (b.in == NULL) {
		return run_usage(rc, "cannot read batch file '%s': %s",
		    safe_str(rc->arena, path), strerror(errno));
	}
	b.njobs = rc->g->concurrency ? rc->g->concurrency :
	    BATCH_DEFAULT_CONCURRENCY;
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
	if (b.progress && fstat(fileno(b.in), &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		b.total_lines = count_lines(b.in);
	}
	loop(&b);
	abandon(&b);
	print_ready_lines(&b);
	progress(&b, true);
	for (i = 0; i < b.window_size; i++) {
		free(b.window[i].json);
	}
	free(b.window);
	free(b.runnable);
	free(b.jobs);
	if (b.in != stdin) {
		fclose(b.in);
	}
	return b.worst;
}
