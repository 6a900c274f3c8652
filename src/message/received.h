/* Received header fields (RFC 5321 §4.4) as the common MTAs write them:
 * who connected (HELO, reverse DNS name, IP), who received (by), how
 * (with, and the TLS of the hop when recorded). Strings live in the arena
 * passed in. */
#ifndef MAILAUTH_MESSAGE_RECEIVED_H
#define MAILAUTH_MESSAGE_RECEIVED_H

#include <stdbool.h>

#include "util/ip.h"

struct arena;

struct received {
	const char *helo;	/* the HELO/EHLO name, or NULL */
	const char *rdns;	/* the client's name per the receiver's reverse
				 * lookup, or NULL */
	bool has_ip;
	struct ip_addr ip;	/* the client's address (when has_ip) */
	const char *by;		/* the receiving host, or NULL */
	bool has_by_ip;
	struct ip_addr by_ip;	/* its address, when recorded (Microsoft:
				 * "by HOST (IP)") */
	const char *with;	/* the protocol (ESMTPS, LMTP, ...), or NULL */
	bool local;		/* the protocol is not SMTP (LMTP, HTTPS,
				 * local, ...): a delivery inside a system */
	bool authenticated;	/* ESMTPA, ESMTPSA, ... (RFC 3848): a
				 * client's submission */
	const char *recipient;	/* the "for" address, or NULL */
	const char *id;		/* the receiver's queue id, or NULL */
	bool tls;		/* the hop used TLS: a protocol ending in S
				 * (RFC 3848), or a TLS version recorded */
	const char *tls_version;	/* "TLS1_3", "TLSv1.3", ... or NULL */
	const char *tls_cipher;		/* or NULL */
	const char *date;	/* after the last ';', or NULL */
};

/* Parses an unfolded Received value. Postfix ("from HELO (RDNS [IP])",
 * "from [IP] (RDNS [IP])" for an address literal HELO), Exim ("from RDNS
 * ([IP] helo=HELO)", "from RDNS ([IP])" when the two agree, "from [IP]
 * (helo=HELO)"), Sendmail,
 * Gmail ("from HELO (RDNS. [IP])") and Microsoft ("from HELO (IP)")
 * forms, IPv4 and "IPv6:" literals. Never fails: what is not found stays
 * NULL (or false). */
void received_parse(struct arena *a, const char *value, struct received *out);

#endif
