/* Making untrusted bytes (DNS data, user input echoed back) safe to print.
 * Every string that came from DNS passes through here before it reaches the
 * terminal or cJSON: control characters and invalid UTF-8 are escaped
 * visibly (\x1b), never sent raw. */
#ifndef MAILAUTH_UTIL_SAFE_H
#define MAILAUTH_UTIL_SAFE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct strbuf;

/* Appends data to sb as valid, visible UTF-8: NUL, C0 and C1 control
 * characters, DEL, invalid UTF-8 and bidirectional overrides become \xNN
 * escapes, one per byte. Printable text, including non-ASCII, is kept. */
void safe_append(struct strbuf *sb, const void *data, size_t len);
/* Returns the safe form of len bytes at data, allocated in the arena. */
char *safe_text(struct arena *a, const void *data, size_t len);
/* Same for a NUL-terminated string. */
char *safe_str(struct arena *a, const char *s);
/* True when safe_append() would copy the bytes unchanged. */
bool safe_is_clean(const void *data, size_t len);

#endif
