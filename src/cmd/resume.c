#include "cmd/resume.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "bounds.h"
#include "cmd/cmd.h"
#include "util/error.h"
#include "util/xalloc.h"

/* What --resume takes instead of a file that is not a batch's output. */
#define RESUME_HINT "give --resume the NDJSON file an earlier --batch " \
	"wrote, or the name of a new file"

/* An integer item of obj from min to max, or -1 when it is missing, not
 * a number or not an integer in that range ("line": 1.5 is no line). */
static double
integer_item(const cJSON *obj, const char *key, double min, double max)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
	double d;

	if (!cJSON_IsNumber(item)) {
		return -1;
	}
	d = item->valuedouble;
	return d >= min && d <= max && d == (double)(unsigned long)d ? d : -1;
}

/* Reads one line of the file (len bytes and a NUL, no newline) into *e;
 * NULL when it is an object of a batch's output, else what it lacks. */
static const char *
parse_entry(const char *text, size_t len, struct resume_entry *e)
{
	cJSON *obj;
	const char *why = NULL;
	double line, code;

	if (memchr(text, '\0', len) != NULL ||
	    (obj = cJSON_ParseWithLengthOpts(text, len + 1, NULL,
	    true)) == NULL) {
		return "not one JSON value";
	}
	line = integer_item(obj, "line", 1, (double)BATCH_MAX_LINE_NUMBER);
	code = integer_item(obj, "exit_code", EXIT_CLEAN, EXIT_OUTPUT);
	if (!cJSON_IsObject(obj)) {
		why = "not a JSON object";
	} else if (line < 0) {
		why = "no integer \"line\" from 1 to 4294967295";
	} else if (code < 0) {
		why = "no integer \"exit_code\" from 0 to 4";
	} else if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj,
	    "input")) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(obj,
	    "command"))) {
		why = "no \"input\" and \"command\" strings";
	} else {
		e->line = (unsigned long)line;
		e->exit_code = (int)code;
		e->done = cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(obj,
		    "error")) && e->exit_code != EXIT_DNS;
	}
	cJSON_Delete(obj);
	return why;
}

static int
by_line_then_seq(const void *a, const void *b)
{
	const struct resume_entry *x = a, *y = b;

	if (x->line != y->line) {
		return x->line < y->line ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts the entries by line and keeps the last one of each line. */
static void
keep_last(struct batch_resume *r)
{
	size_t i, n = 0;

	if (r->n > 0) {
		qsort(r->entries, r->n, sizeof(*r->entries), by_line_then_seq);
	}
	for (i = 0; i < r->n; i++) {
		if (i + 1 < r->n &&
		    r->entries[i + 1].line == r->entries[i].line) {
			continue;
		}
		r->entries[n++] = r->entries[i];
	}
	r->n = n;
}

/* Reads every line of f into r; *kept is the length of the file without
 * a torn last line, *newline whether a valid last line lacks its
 * newline. Nothing is written. */
static int
read_entries(struct batch_resume *r, FILE *f, const char *name,
    off_t *kept, bool *newline, struct error *err)
{
	char *buf = NULL;
	size_t cap = 0, fileline = 0;
	ssize_t len;
	int rc = 0;

	*kept = 0;
	*newline = false;
	while (rc == 0 && (len = getline(&buf, &cap, f)) > 0) {
		bool last = buf[len - 1] != '\n';
		struct resume_entry e;
		const char *why;

		fileline++;
		buf[len - !last] = '\0';
		why = parse_entry(buf, (size_t)len - !last, &e);
		if (why != NULL && last && buf[0] == '{') {
			break;		/* torn: cut off by the caller */
		}
		if (why != NULL) {
			rc = error_set(err, "resume file '%s' line %zu is no "
			    "line of a batch's output (%s): " RESUME_HINT,
			    name, fileline, why);
			break;
		}
		*kept += len;
		*newline = last;
		e.seq = r->n;
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 1024;
			r->entries = xreallocarray(r->entries, r->cap,
			    sizeof(*r->entries));
		}
		r->entries[r->n++] = e;
	}
	free(buf);
	if (rc == 0 && ferror(f)) {
		rc = error_set(err, "cannot read resume file '%s': %s", name,
		    strerror(errno));
	}
	keep_last(r);
	return rc;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return S_ISREG(a->st_mode) && S_ISREG(b->st_mode) &&
	    a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int
batch_resume_open(struct batch_resume *r, const char *path,
    const char *name, const struct stat *input, FILE **out,
    struct error *err)
{
	struct stat st;
	off_t kept;
	bool newline;
	int fd;
	FILE *f;

	memset(r, 0, sizeof(*r));
	fd = open(path, O_RDWR | O_CREAT, 0666);
	if (fd < 0 || (f = fdopen(fd, "r+")) == NULL) {
		error_set(err, "cannot use resume file '%s': %s", name,
		    strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	if (input != NULL && fstat(fd, &st) == 0 && same_file(input, &st)) {
		fclose(f);
		return error_set(err, "resume file '%s' is the batch input: "
		    "give --resume the file the results go to (a new one the "
		    "first time), not the input", name);
	}
	if (read_entries(r, f, name, &kept, &newline, err) != 0) {
		fclose(f);
		batch_resume_finish(r);
		return -1;
	}
	if (ftruncate(fd, kept) != 0 || fseeko(f, kept, SEEK_SET) != 0 ||
	    (newline && fputc('\n', f) == EOF)) {
		error_set(err, "cannot use resume file '%s': %s", name,
		    strerror(errno));
		fclose(f);
		batch_resume_finish(r);
		return -1;
	}
	*out = f;
	return 0;
}

static int
by_line(const void *key, const void *entry)
{
	unsigned long line = *(const unsigned long *)key;
	const struct resume_entry *e = entry;

	return line < e->line ? -1 : line > e->line;
}

bool
batch_resume_done(const struct batch_resume *r, unsigned long line,
    int *code)
{
	const struct resume_entry *e = r->n == 0 ? NULL : bsearch(&line,
	    r->entries, r->n, sizeof(*r->entries), by_line);

	if (e == NULL || !e->done) {
		return false;
	}
	*code = e->exit_code;
	return true;
}

void
batch_resume_finish(struct batch_resume *r)
{
	free(r->entries);
	memset(r, 0, sizeof(*r));
}
