#include "util/color.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool
color_decide(enum color_mode mode, bool json, int fd)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (mode == COLOR_NEVER || json) {
		return false;
	}
	if (mode == COLOR_ALWAYS) {
		return true;
	}
	/* https://no-color.org: set and non-empty means no colour. */
	if (no_color != NULL && no_color[0] != '\0') {
		return false;
	}
	if (term != NULL && strcmp(term, "dumb") == 0) {
		return false;
	}
	return isatty(fd) == 1;
}

bool
color_mode_parse(const char *s, enum color_mode *out)
{
	if (strcmp(s, "auto") == 0) {
		*out = COLOR_AUTO;
	} else if (strcmp(s, "always") == 0) {
		*out = COLOR_ALWAYS;
	} else if (strcmp(s, "never") == 0) {
		*out = COLOR_NEVER;
	} else {
		return false;
	}
	return true;
}

const char *col_red(bool on) { return on ? "\033[31m" : ""; }
const char *col_yellow(bool on) { return on ? "\033[33m" : ""; }
const char *col_green(bool on) { return on ? "\033[32m" : ""; }
const char *col_cyan(bool on) { return on ? "\033[36m" : ""; }
const char *col_dim(bool on) { return on ? "\033[2m" : ""; }
const char *col_bold(bool on) { return on ? "\033[1m" : ""; }
const char *col_reset(bool on) { return on ? "\033[0m" : ""; }
