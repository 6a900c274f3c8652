/* What a user types on the command line for a domain, a DKIM selector, a
 * sender, an IP or a DNS server: the common mistakes recognised, with what
 * to type instead. Pure functions; strings returned are allocated in the
 * arena passed in (never free them). */
#ifndef MAILAUTH_INPUT_H
#define MAILAUTH_INPUT_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct error;

/* Returns NULL when s, typed where a domain is expected, has the shape of
 * one; else why not and what to type instead, e.g. "an e-mail address;
 * did you mean gmail.com?" (made safe to print). */
const char *input_domain_mistake(struct arena *a, const char *s);
/* The same for a DKIM selector given with -s, for the keys of domain
 * (NULL when none is given). */
const char *input_selector_mistake(struct arena *a, const char *sel,
    const char *domain);
/* What to type instead of s, which is not an IP address ("did you mean
 * 192.0.2.1?" for "192.0.2.1:25"). Never NULL. */
const char *input_ip_hint(struct arena *a, const char *s);
/* A MAIL FROM address as typed, without the angle brackets of an SMTP
 * reverse-path (RFC 5321 §4.1.2): "<a@b>" is "a@b", "<>" the null
 * sender "". */
const char *input_sender(struct arena *a, const char *s);

/* Returns NULL when s, given as a MAIL FROM address (--sender), can be
 * one: [local-part]@domain, the domain without the characters no name
 * has (an address literal allowed), or the null sender ("" or "<>"),
 * angle brackets around the whole allowed; else what is wrong and what
 * to type instead ("Bob <b@x.org>": "did you mean b@x.org?"; no '@',
 * nothing after it, two of them). */
const char *input_sender_mistake(struct arena *a, const char *s);
/* Returns NULL when s can be given as a HELO name: anything but nothing
 * (localhost, an address or an odd string are findings, not usage
 * errors); else why. */
const char *input_helo_mistake(const char *s);

/* @SERVER as kdig reads it: ADDR, ADDR#PORT, ADDR@PORT, IPv4:PORT (or
 * NAME:PORT: one colon), [IPv6] or [IPv6]:PORT. Returns true with *host
 * (heap: free() it) and *port (0 when none was given); false with err
 * set to what is wrong. */
bool input_server(const char *spec, char **host, unsigned *port,
    struct error *err);

#endif
