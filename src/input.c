#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/ip.h"
#include "util/safe.h"
#include "util/xalloc.h"

/* Characters of a host name (RFC 1123 §2.1), with '_' for the service
 * labels mail uses (_dmarc, _domainkey) and non-ASCII for names typed in
 * Unicode, which libidn2 converts later. */
static bool
name_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c >= 0x80;
}

static bool
blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* True when len bytes at s make a plausible domain to suggest: a name of
 * two labels or more. */
static bool
plain_domain(struct arena *a, const char *s, size_t len)
{
	struct ip_addr ip;
	char *copy;
	size_t i;

	if (len == 0) {
		return false;
	}
	for (i = 0; i < len; i++) {
		if (!name_char((unsigned char)s[i])) {
			return false;
		}
	}
	copy = arena_memdup(a, s, len);
	return dns_name_check(copy) == DNS_NAME_OK &&
	    dns_name_is_multilabel(copy) && !ip_parse(copy, &ip);
}

static const char *
suggest(struct arena *a, const char *what, const char *s, size_t len,
    const char *otherwise)
{
	if (plain_domain(a, s, len)) {
		return arena_printf(a, "%s; did you mean %s?", what,
		    safe_text(a, s, len));
	}
	return arena_printf(a, "%s; %s", what, otherwise);
}

/* https://user@host:port/path: the host. */
static const char *
url_mistake(struct arena *a, const char *s)
{
	const char *host = strstr(s, "://") + 3;
	const char *end = host + strcspn(host, "/?#");
	const char *at = memchr(host, '@', (size_t)(end - host));

	if (at != NULL) {
		host = at + 1;
	}
	end = host + strcspn(host, ":/?#");
	return suggest(a, "a URL", host, (size_t)(end - host),
	    "give the host name in it");
}

/* The first character that cannot be in a name, for the message. */
static const char *
bad_char(struct arena *a, const char *s, const char *what)
{
	for (; *s != '\0'; s++) {
		if (!name_char((unsigned char)*s)) {
			return arena_printf(a, "'%s' cannot be in %s",
			    safe_text(a, s, 1), what);
		}
	}
	return NULL;
}

const char *
input_domain_mistake(struct arena *a, const char *s)
{
	size_t len = strlen(s), lead = 0, trail = 0;
	const char *at = strrchr(s, '@');
	struct ip_addr ip;

	while (lead < len && blank((unsigned char)s[lead])) {
		lead++;
	}
	while (trail < len - lead && blank((unsigned char)s[len - 1 - trail])) {
		trail++;
	}
	if ((lead || trail) && len > lead + trail &&
	    plain_domain(a, s + lead, len - lead - trail)) {
		return suggest(a, "blanks around it", s + lead,
		    len - lead - trail, "");
	}
	if (s[0] == '-') {
		return "it looks like an option; give a domain name";
	}
	if (strstr(s, "://") != NULL) {
		return url_mistake(a, s);
	}
	if (at != NULL) {
		return suggest(a, "an e-mail address", at + 1, strlen(at + 1),
		    "give the domain after the '@'");
	}
	if (strpbrk(s, " \t\n\r\v\f") != NULL) {
		return "a domain name has no blanks";
	}
	if (ip_parse(s, &ip) || (s[0] == '[' && s[len - 1] == ']')) {
		return arena_printf(a, "an IP address; give a domain name "
		    "(mailauth ptr %s checks an IP)", safe_str(a, s));
	}
	return bad_char(a, s, "a domain name");
}

const char *
input_selector_mistake(struct arena *a, const char *sel, const char *domain)
{
	char *lower = arena_strdup(a, sel);
	const char *mark, *why, *keydom, *name;
	enum dns_name_error err;
	size_t i, len = strlen(sel);

	for (i = 0; lower[i] != '\0'; i++) {
		lower[i] = (char)tolower((unsigned char)lower[i]);
	}
	mark = strstr(lower, "._domainkey");

	if (sel[0] == '\0') {
		return "empty; give the selector's name, as in -s google";
	}
	if (mark != NULL && mark > lower) {
		name = safe_text(a, sel, (size_t)(mark - lower));
		keydom = sel + (mark - lower) + strlen("._domainkey");
		if (keydom[0] == '.' && keydom[1] != '\0' && domain != NULL &&
		    !dns_name_equal(keydom + 1, domain)) {
			return arena_printf(a, "the key name of selector %s at "
			    "%s, not at %s; give %s as the domain, with -s %s",
			    name, safe_str(a, keydom + 1), safe_str(a, domain),
			    safe_str(a, keydom + 1), name);
		}
		return arena_printf(a, "the whole key name; did you mean -s "
		    "%s?", name);
	}
	if (strncmp(lower, "_domainkey", strlen("_domainkey")) == 0 &&
	    (lower[10] == '\0' || lower[10] == '.')) {
		return "the _domainkey label is mailauth's to add; give the "
		    "selector alone, as in -s google";
	}
	if ((why = bad_char(a, sel, "a selector")) != NULL) {
		return why;
	}
	if (len > 1 && sel[len - 1] == '.') {
		return arena_printf(a, "a selector does not end with a dot "
		    "(the name goes on with ._domainkey); did you mean -s %s?",
		    safe_text(a, sel, len - 1));
	}
	err = dns_name_check(sel);
	return err == DNS_NAME_OK ? NULL : dns_name_error_str(err);
}

const char *
input_ip_hint(struct arena *a, const char *s)
{
	const char *close = strchr(s, ']'), *colon = strchr(s, ':');
	const char *slash = strchr(s, '/');
	struct ip_addr ip;
	char *part;

	if (s[0] == '[' && close != NULL) {
		part = arena_memdup(a, s + 1, (size_t)(close - s - 1));
	} else if (slash != NULL) {
		part = arena_memdup(a, s, (size_t)(slash - s));
		if (ip_parse(part, &ip)) {
			return arena_printf(a, "a network; give one address, "
			    "such as %s", part);
		}
	} else if (colon != NULL && strchr(colon + 1, ':') == NULL) {
		part = arena_memdup(a, s, (size_t)(colon - s));
	} else {
		part = NULL;
	}
	if (part != NULL && ip_parse(part, &ip)) {
		return arena_printf(a, "did you mean %s?", part);
	}
	if (input_domain_mistake(a, s) == NULL && strchr(s, '.') != NULL) {
		return "a domain name; give an IP address, such as 192.0.2.1";
	}
	return "give an IPv4 or IPv6 address, such as 192.0.2.1 or "
	    "2001:db8::1";
}

const char *
input_sender_mistake(struct arena *a, const char *s)
{
	const char *addr = input_sender(a, s), *at = strrchr(addr, '@');
	const char *open = strchr(s, '<'), *close = strrchr(s, '>'), *why;

	if (addr[0] == '\0') {
		return NULL;	/* the null sender */
	}
	if (open != NULL && close != NULL && open < close && addr == s) {
		/* "Bob <b@x.org>": a From field, not a MAIL FROM. */
		const char *inner = arena_memdup(a, open + 1,
		    (size_t)(close - open - 1));

		return input_sender_mistake(a, inner) == NULL && *inner ?
		    arena_printf(a, "a display name with the address; did you "
		    "mean %s?", safe_str(a, inner)) : "give the address alone, "
		    "such as bounces@example.com";
	}
	if (at == NULL) {
		return arena_printf(a, "no '@'; give a whole address, such as "
		    "%s@example.com (or '<>' for the null sender)",
		    safe_str(a, addr));
	}
	if (memchr(addr, '@', (size_t)(at - addr)) != NULL) {
		return "more than one '@'; give one address, such as "
		    "bounces@example.com";
	}
	/* "@example.com" has no local-part: RFC 7208 §4.3 reads it as
	 * postmaster@example.com; a local-part may hold blanks when
	 * quoted (RFC 5321 §4.1.2), so only the domain is held to a
	 * name's shape. */
	if (at[1] == '\0') {
		return arena_printf(a, "no domain after the '@'; give a whole "
		    "address, such as %sexample.com", safe_str(a, addr));
	}
	/* An address literal (RFC 5321 §4.1.3) or an odd but typeable
	 * domain is judged by the check (RFC 7208 §4.3: SPF "none"); only
	 * what cannot have been meant is refused. */
	if (at[1] != '[' && (why = input_domain_mistake(a, at + 1)) != NULL) {
		return arena_printf(a, "after the '@': %s", why);
	}
	return NULL;
}

const char *
input_helo_mistake(const char *s)
{
	/* Whatever a client says is judged (a finding), even "localhost" or
	 * an odd string (RFC 7208 §2.3 tests take any); only nothing at all
	 * cannot have been meant. */
	if (s[0] == '\0') {
		return "empty; give the name the server says in HELO/EHLO, such "
		    "as mail.example.com";
	}
	return NULL;
}

const char *
input_sender(struct arena *a, const char *s)
{
	size_t len = strlen(s);

	if (len >= 2 && s[0] == '<' && s[len - 1] == '>') {
		return arena_memdup(a, s + 1, len - 2);
	}
	return s;
}

static bool
parse_port(const char *s, unsigned *port)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0])) {
		return false;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535) {
		return false;
	}
	*port = (unsigned)v;
	return true;
}

bool
input_server(const char *text, char **host, unsigned *port,
    struct error *err)
{
	const char *spec = text, *end, *sep, *colon = strchr(text, ':');

	*port = 0;
	if (spec[0] == '[') {
		end = strchr(spec, ']');
		if (end == NULL) {
			error_set(err, "server '%s' lacks the closing "
			    "']': write @[IPv6] or @[IPv6]:PORT", spec);
			return false;
		}
		sep = end[1] != '\0' ? end + 1 : NULL;
		if (sep != NULL && *sep != ':' && *sep != '#') {
			error_set(err, "unexpected '%s' after ']' in "
			    "server '%s': write @[IPv6]:PORT", sep, text);
			return false;
		}
		spec++;
	} else if ((sep = strchr(spec, '@')) != NULL ||
	    (sep = strchr(spec, '#')) != NULL ||
	    (colon != NULL && strchr(colon + 1, ':') == NULL &&
	    (sep = colon) != NULL)) {
		end = sep;
	} else {
		end = spec + strlen(spec);
	}
	if (end == spec) {
		error_set(err, "server '%s' has no address: write "
		    "@ADDRESS#PORT", text);
		return false;
	}
	if (sep != NULL && !parse_port(sep + 1, port)) {
		error_set(err, "invalid port '%s' in server '%s': "
		    "expected a number from 1 to 65535", sep + 1, text);
		return false;
	}
	*host = xcalloc((size_t)(end - spec) + 1, 1);
	memcpy(*host, spec, (size_t)(end - spec));
	return true;
}
