#include "dns/name.h"

#include <ctype.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "bounds.h"
#include "util/arena.h"

enum dns_name_error
dns_name_check(const char *name)
{
	size_t len = strlen(name), label = 0, i;

	if (len > 0 && name[len - 1] == '.') {
		len--;
	}
	if (len == 0) {
		return DNS_NAME_EMPTY;
	}
	if (len > DNS_NAME_MAX) {
		return DNS_NAME_TOO_LONG;
	}
	for (i = 0; i < len; i++) {
		if (name[i] != '.') {
			if (++label > DNS_LABEL_MAX) {
				return DNS_NAME_LONG_LABEL;
			}
		} else if (label == 0) {
			return DNS_NAME_EMPTY_LABEL;
		} else {
			label = 0;
		}
	}
	return DNS_NAME_OK;
}

const char *
dns_name_error_str(enum dns_name_error err)
{
	switch (err) {
	case DNS_NAME_OK: return "valid";
	case DNS_NAME_EMPTY: return "empty name";
	case DNS_NAME_EMPTY_LABEL: return "empty label";
	case DNS_NAME_LONG_LABEL:
		return "label longer than " BOUND_TEXT(DNS_LABEL_MAX) " octets";
	case DNS_NAME_TOO_LONG:
		return "name longer than " BOUND_TEXT(DNS_NAME_MAX) " octets";
	}
	return "invalid name";
}

bool
dns_name_is_multilabel(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot != NULL && dot != name && dot[1] != '\0';
}

char *
dns_name_normalize(struct arena *a, const char *name)
{
	size_t len = strlen(name), i;
	char *out;

	if (len > 0 && name[len - 1] == '.') {
		len--;
	}
	out = arena_memdup(a, name, len);
	for (i = 0; i < len; i++) {
		out[i] = (char)tolower((unsigned char)out[i]);
	}
	return out;
}

static size_t
length_without_dot(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && s[len - 1] == '.' ? len - 1 : len;
}

bool
dns_name_equal(const char *a, const char *b)
{
	size_t la = length_without_dot(a), lb = length_without_dot(b);

	return la == lb && strncasecmp(a, b, la) == 0;
}

bool
dns_name_is_under(const char *name, const char *zone)
{
	size_t ln = length_without_dot(name), lz = length_without_dot(zone);

	if (lz == 0) {
		return true;
	}
	if (ln < lz || strncasecmp(name + ln - lz, zone, lz) != 0) {
		return false;
	}
	return ln == lz || name[ln - lz - 1] == '.';
}

char *
dns_name_reverse(struct arena *a, const struct ip_addr *ip)
{
	static const char hex[] = "0123456789abcdef";
	char buf[80];
	size_t pos = 0;
	int i;

	if (ip->family == AF_INET) {
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u.in-addr.arpa",
		    ip->bytes[3], ip->bytes[2], ip->bytes[1], ip->bytes[0]);
		return arena_strdup(a, buf);
	}
	for (i = 15; i >= 0; i--) {
		buf[pos++] = hex[ip->bytes[i] & 15];
		buf[pos++] = '.';
		buf[pos++] = hex[ip->bytes[i] >> 4];
		buf[pos++] = '.';
	}
	memcpy(buf + pos, "ip6.arpa", sizeof("ip6.arpa"));
	return arena_strdup(a, buf);
}

char *
dns_name_from_user(struct arena *a, const char *input, const char **why)
{
	const unsigned char *p;
	char *ascii = NULL, *out;
	int rc;

	for (p = (const unsigned char *)input; *p; p++) {
		if (*p >= 0x80) {
			break;
		}
	}
	if (*p == '\0') {
		return arena_strdup(a, input);
	}
	/* Names typed in Unicode become A-labels (RFC 5891 via libidn2);
	 * DNS itself only carries the ASCII form. */
	rc = idn2_to_ascii_8z(input, &ascii,
	    IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	if (rc != IDN2_OK) {
		*why = idn2_strerror(rc);
		return NULL;
	}
	out = arena_strdup(a, ascii);
	idn2_free(ascii);
	return out;
}
