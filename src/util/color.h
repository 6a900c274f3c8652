/* Terminal colour, decided once per stream: --color=never or --json turn
 * it off, --color=always on, then a non-empty NO_COLOR off, TERM=dumb off,
 * else whether the stream is a terminal (color_decide()). The helpers
 * return "" when colour is off, so callers never branch on it. */
#ifndef MAILAUTH_UTIL_COLOR_H
#define MAILAUTH_UTIL_COLOR_H

#include <stdbool.h>

enum color_mode {
	COLOR_AUTO,
	COLOR_ALWAYS,
	COLOR_NEVER,
};

/* Applies, in order: --color=never or --json, --color=always, a non-empty
 * NO_COLOR, TERM=dumb, and whether fd is a terminal. */
bool color_decide(enum color_mode mode, bool json, int fd);
/* Parses "auto", "always" or "never"; false when s is none of them. */
bool color_mode_parse(const char *s, enum color_mode *out);

const char *col_red(bool on);
const char *col_yellow(bool on);
const char *col_green(bool on);
const char *col_cyan(bool on);
const char *col_dim(bool on);
const char *col_bold(bool on);
const char *col_reset(bool on);

#endif
