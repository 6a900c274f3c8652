#include "cmd/batch_input.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bounds.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "util/error.h"
#include "util/safe.h"
#include "util/xalloc.h"

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

static bool
in_my_shard(const struct batch_input *bi, const char *line)
{
	const struct global_opts *g = bi->rc->g;

	return g->shard_count == 0 ||
	    line_hash(line) % g->shard_count == g->shard_index - 1;
}

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

bool
batch_input_next(struct batch_input *bi, char **out, enum line_fault *fault)
{
	char line[BATCH_MAX_LINE + 2];
	int code;

	while (read_line(bi->in, line, fault)) {
		char *p = line;

		bi->lineno++;
		while (*p == ' ' || *p == '\t') {
			p++;
		}
		if ((*fault == LINE_OK && *p == '\0') || *p == '#' ||
		    !in_my_shard(bi, p)) {
			continue;
		}
		if (batch_resume_done(&bi->resume, bi->lineno, &code)) {
			bi->skipped++;
			bi->skipped_worst = code > bi->skipped_worst ? code :
			    bi->skipped_worst;
			continue;
		}
		*out = xstrdup(p);
		return true;
	}
	bi->eof = true;
	return false;
}

int
batch_split_fields(char *line, char **fields, int max)
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


int
batch_input_open(struct batch_input *bi, struct run_ctx *rc)
{
	const char *path = rc->g->batch, *resume = rc->g->resume;
	struct stat st;
	bool stat_ok;
	struct error err;

	memset(bi, 0, sizeof(*bi));
	bi->rc = rc;
	bi->out = rc->out;
	bi->in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (bi->in == NULL) {
		return run_usage(rc, "cannot read batch file '%s': %s",
		    safe_str(rc->arena, path), strerror(errno));
	}
	stat_ok = fstat(fileno(bi->in), &st) == 0;
	if (stat_ok && S_ISREG(st.st_mode)) {
		bi->size = st.st_size;
	}
	if (resume != NULL && batch_resume_open(&bi->resume, resume,
	    safe_str(rc->arena, resume), stat_ok ? &st : NULL, &bi->out,
	    &err) != 0) {
		return run_usage(rc, "%s", err.msg);
	}
	return 0;
}

int
batch_input_close(struct batch_input *bi, int code)
{
	if (bi->in != NULL && bi->in != stdin) {
		fclose(bi->in);
	}
	/* The answers of the lines skipped count as if given again. */
	if (code != EXIT_DNS && bi->skipped_worst > code) {
		code = bi->skipped_worst;
	}
	if (bi->out != NULL && bi->out != bi->rc->out &&
	    (fflush(bi->out) != 0 || ferror(bi->out) ||
	    fclose(bi->out) != 0)) {
		struct error err;

		error_set(&err, "error writing '%s': %s",
		    safe_str(bi->rc->arena, bi->rc->g->resume),
		    strerror(errno));
		error_print(stderr, err.msg);
		code = code == EXIT_CLEAN ? EXIT_DNS : code;
	}
	batch_resume_finish(&bi->resume);
	return code;
}
