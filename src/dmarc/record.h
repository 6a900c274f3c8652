/* DMARC policy records (RFC 9989 §4.7, with the RFC 7489 tags it removed
 * read and flagged). Everything returned lives in the arena passed in. */
#ifndef MAILAUTH_DMARC_RECORD_H
#define MAILAUTH_DMARC_RECORD_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

enum dmarc_policy {
	DMARC_POLICY_UNSET,	/* the tag is absent */
	DMARC_POLICY_NONE,
	DMARC_POLICY_QUARANTINE,
	DMARC_POLICY_REJECT,
	DMARC_POLICY_INVALID,	/* present with a value outside the three */
};

struct dmarc_tag {
	const char *name;	/* lower case */
	const char *value;	/* trimmed, as published */
	size_t offset;		/* of the tag in the record */
	bool known;		/* a tag of RFC 9989 */
	bool obsolete;		/* pct, rf, ri: RFC 7489 only */
	const char *error;	/* why the value is invalid, or NULL */
};

struct dmarc_uri {
	const char *uri;	/* as published, without "!size" */
	const char *size;	/* the obsolete "!size" suffix, or NULL */
	const char *host;	/* mailto: domain part (lower case), or NULL */
	bool valid;		/* a syntactically valid URI (RFC 9989 §4.8) */
	const char *problem;	/* why no report goes there, or NULL */
	const char *suggest;	/* the URI to publish instead, or NULL */
};

struct dmarc_record {
	const char *text;	/* NUL-appended */
	size_t len;
	struct dmarc_tag *tags;
	size_t ntags;
	const char *error;	/* a syntax error of the record, or NULL */
	size_t error_offset;
	enum dmarc_policy p, sp, np;
	char psd;		/* 'y', 'n', 'u' (absent: 'u') */
	char t;			/* 'y', 'n' (absent: 'n') */
	char adkim, aspf;	/* 'r', 's' (absent: 'r') */
	const char *fo;		/* absent: "0" */
	int pct;		/* -1 when absent */
	struct dmarc_uri *rua, *ruf;
	size_t nrua, nruf;
};

/* True when text starts with "v=DMARC1" (spaces allowed around '=') and
 * then ';' or the end (RFC 9989 §4.7). */
bool dmarc_is_record(const void *text, size_t len);
/* Parses a record; never fails: problems are in ->error and the tags. */
struct dmarc_record *dmarc_record_parse(struct arena *a, const void *text,
    size_t len);
const char *dmarc_policy_name(enum dmarc_policy p);
/* True when rua= has at least one syntactically valid URI: what decides
 * how receivers read a record with an invalid p=, sp= or np= (RFC 9989
 * §4.10.1). */
bool dmarc_record_has_valid_rua(const struct dmarc_record *r);
/* The tag named name (lower case), or NULL. */
const struct dmarc_tag *dmarc_record_tag(const struct dmarc_record *r,
    const char *name);

#endif
