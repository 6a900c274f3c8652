/* Inside the --zone reader: the state shared by the master-file reader
 * (zonefile.c: tokens, names, directives) and the RDATA parser
 * (zonerdata.c). Not for other modules: they use dns/zonefile.h. */
#ifndef MAILAUTH_DNS_ZONEREADER_H
#define MAILAUTH_DNS_ZONEREADER_H

#include <stdbool.h>
#include <stddef.h>

struct dns_zoneset;
struct error;

/* One token of a logical line: the bytes after unescaping. */
struct token {
	char *text;		/* NUL-appended */
	size_t len;
	bool quoted;
	bool generic;		/* written \# (RFC 3597 §5), not a '#' */
};

/* The reader's state for one text. */
struct reader {
	struct dns_zoneset *zs;
	const char *label;	/* file name for messages */
	const char *p, *end;
	unsigned line;		/* line of the current position */
	unsigned start_line;	/* first line of the logical line */
	const char *origin;	/* current $ORIGIN, normalized, or NULL */
	const char *owner;	/* previous owner, for blank owners */
	const char **origins;	/* every origin set: the zones of a file
				 * without SOA */
	size_t norigins;
	bool saw_soa;
	struct token *tokens;
	size_t ntokens, captokens;
	bool leading_space;	/* the logical line began with a blank */
	struct error *err;
};

/* Sets r->err to "LABEL:LINE: message"; returns -1. */
int zone_fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A token as the user wrote it, made printable (a static buffer). */
const char *zone_shown(const struct token *t);
/* A name field made absolute and lower case, or NULL after zone_fail(). */
const char *zone_name_field(struct reader *r, const struct token *t);
/* True for a TTL: seconds, or with units as BIND writes them (1h30m). */
bool zone_is_ttl(const struct token *t);
/* Adds the record whose type is tokens[first] to the set. Returns 0, or
 * -1 after zone_fail(). */
int zone_add_record(struct reader *r, const char *owner, size_t first);
/* The mnemonic of a type the reader knows, or "TYPEn" (RFC 3597 §5). */
const char *zone_type_name(unsigned type);

#endif
