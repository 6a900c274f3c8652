/* Monotonic time in milliseconds, for round trips and deadlines. */
#ifndef MAILAUTH_UTIL_CLOCK_H
#define MAILAUTH_UTIL_CLOCK_H

double clock_ms(void);

#endif
