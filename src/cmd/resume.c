#include "cmd/resume.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cmd/cmd.h"
#include "util/xalloc.h"

/* Input line numbers a batch can reach: a larger "line" in the file is
 * not one of ours. */
#define MAX_LINE_NUMBER 4294967295.0

static void
mark(struct batch_resume *r, unsigned long line, bool done)
{
	size_t byte = line / 8;
	unsigned char bit = (unsigned char)(1u << (line % 8));
	bool was;

	if (byte >= r->nbytes) {
		size_t n = r->nbytes ? r->nbytes : 1024;

		if (!done) {
			return;
		}
		while (n <= byte) {
			n *= 2;
		}
		r->done = xreallocarray(r->done, n, 1);
		memset(r->done + r->nbytes, 0, n - r->nbytes);
		r->nbytes = n;
	}
	was = (r->done[byte] & bit) != 0;
	if (done && !was) {
		r->done[byte] |= bit;
		r->ndone++;
	} else if (!done && was) {
		r->done[byte] &= (unsigned char)~bit;
		r->ndone--;
	}
}

/* One object of the earlier output; the last one for a line wins. */
static void
take_entry(struct batch_resume *r, const char *text)
{
	cJSON *obj = cJSON_Parse(text);
	const cJSON *line = cJSON_GetObjectItemCaseSensitive(obj, "line");
	const cJSON *error = cJSON_GetObjectItemCaseSensitive(obj, "error");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(obj,
	    "exit_code");

	if (cJSON_IsNumber(line) && line->valuedouble >= 1 &&
	    line->valuedouble <= MAX_LINE_NUMBER) {
		mark(r, (unsigned long)line->valuedouble, cJSON_IsNull(error) &&
		    !(cJSON_IsNumber(code) && code->valueint == EXIT_DNS));
	}
	cJSON_Delete(obj);
}

int
batch_resume_open(struct batch_resume *r, const char *path, FILE **out)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	off_t kept = 0;
	int fd;
	FILE *f;

	memset(r, 0, sizeof(*r));
	fd = open(path, O_RDWR | O_CREAT, 0666);
	if (fd < 0) {
		return -1;
	}
	if ((f = fdopen(fd, "r+")) == NULL) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	while ((len = getline(&buf, &cap, f)) > 0) {
		if (buf[len - 1] != '\n') {
			break;		/* torn: cut off below */
		}
		kept += len;
		take_entry(r, buf);
	}
	free(buf);
	if (ferror(f) || ftruncate(fd, kept) != 0 ||
	    fseeko(f, kept, SEEK_SET) != 0) {
		int saved = errno;

		fclose(f);
		batch_resume_finish(r);
		errno = saved;
		return -1;
	}
	*out = f;
	return 0;
}

bool
batch_resume_done(const struct batch_resume *r, unsigned long line)
{
	return line / 8 < r->nbytes &&
	    (r->done[line / 8] & (1u << (line % 8))) != 0;
}

void
batch_resume_finish(struct batch_resume *r)
{
	free(r->done);
	memset(r, 0, sizeof(*r));
}
