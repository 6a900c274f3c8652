/* Answering questions from the records of --zone files, as an
 * authoritative server and a resolver together would: records, CNAME
 * chains inside the set, NODATA, NXDOMAIN and wildcards. */
#include "dns/zoneset.h"

#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "dns/name.h"
#include "dns/zonefile.h"
#include "util/arena.h"
#include "util/xalloc.h"

/* RFC 1035 §4.1: header, then question type and class. */
#define WIRE_HEADER 12
#define WIRE_QFIXED 4
/* An answer RR: compressed owner (2), type, class, TTL, RDLENGTH (10). */
#define WIRE_RR_FIXED 12

struct dns_zoneset *
dns_zoneset_create(void)
{
	struct dns_zoneset *zs = xcalloc(1, sizeof(*zs));

	zs->arena = arena_create();
	return zs;
}

void
dns_zoneset_destroy(struct dns_zoneset *zs)
{
	if (zs == NULL) {
		return;
	}
	arena_destroy(zs->arena);
	free(zs->rrs);
	free(zs->apexes);
	free(zs->notes);
	free(zs);
}

void
zoneset_add_record(struct dns_zoneset *zs, const struct zone_rr *rr)
{
	zs->rrs = array_grow(NULL, zs->rrs, zs->n, &zs->cap, sizeof(*zs->rrs));
	zs->rrs[zs->n++] = *rr;
}

void
zoneset_add_apex(struct dns_zoneset *zs, const char *apex)
{
	size_t i;

	for (i = 0; i < zs->napexes; i++) {
		if (strcmp(zs->apexes[i], apex) == 0) {
			return;
		}
	}
	zs->apexes = array_grow(NULL, zs->apexes, zs->napexes, &zs->capapexes,
	    sizeof(*zs->apexes));
	zs->apexes[zs->napexes++] = apex;
}

void
zoneset_add_note(struct dns_zoneset *zs, const char *note)
{
	zs->notes = xreallocarray(zs->notes, zs->nnotes + 1,
	    sizeof(*zs->notes));
	zs->notes[zs->nnotes++] = note;
}

const char *const *
dns_zoneset_notes(const struct dns_zoneset *zs, size_t *n)
{
	*n = zs ? zs->nnotes : 0;
	return zs ? zs->notes : NULL;
}

/* The closest apex of the set that contains name, or NULL. */
static const char *
enclosing_apex(const struct dns_zoneset *zs, const char *name)
{
	const char *best = NULL;
	size_t i;

	for (i = 0; i < zs->napexes; i++) {
		if (dns_name_is_under(name, zs->apexes[i]) &&
		    (best == NULL || strlen(zs->apexes[i]) > strlen(best))) {
			best = zs->apexes[i];
		}
	}
	return best;
}

bool
zoneset_answers_for(const struct dns_zoneset *zs, const char *name)
{
	return enclosing_apex(zs, name) != NULL;
}

/* True when name owns records or is an empty non-terminal (RFC 8020: a
 * name with names below it exists). */
static bool
name_exists(const struct dns_zoneset *zs, const char *name)
{
	size_t i;

	for (i = 0; i < zs->n; i++) {
		if (dns_name_is_under(zs->rrs[i].owner, name)) {
			return true;
		}
	}
	return false;
}

/* True when rr answers (owner, type). */
static bool
answers(const struct zone_rr *rr, const char *owner, unsigned type)
{
	return rr->type == type && !rr->opaque && strcmp(rr->owner, owner) ==
	    0;
}

static size_t
count_rrs(const struct dns_zoneset *zs, const char *owner, unsigned type)
{
	size_t i, n = 0;

	for (i = 0; i < zs->n; i++) {
		n += answers(&zs->rrs[i], owner, type);
	}
	return n;
}

static const struct zone_rr *
find_rr(const struct dns_zoneset *zs, const char *owner, unsigned type)
{
	size_t i;

	for (i = 0; i < zs->n; i++) {
		if (answers(&zs->rrs[i], owner, type)) {
			return &zs->rrs[i];
		}
	}
	return NULL;
}

/* Octets of a name on the wire, uncompressed (RFC 1035 §3.1). */
static size_t
wire_name(const char *name)
{
	return name[0] ? strlen(name) + 2 : 1;
}

static size_t
rdata_size(const struct zone_rr *rr)
{
	size_t n = 0, i;

	switch (rr->type) {
	case DNS_T_A: return 4;
	case DNS_T_AAAA: return 16;
	case DNS_T_MX: return 2 + wire_name(rr->rd.mx.host);
	case DNS_T_TLSA: return 3 + rr->rd.tlsa.len;
	case DNS_T_TXT:
		for (i = 0; i < rr->rd.txt.nstrings; i++) {
			n += 1 + rr->rd.txt.strings[i].len;
		}
		return n;
	default: return wire_name(rr->rd.name);
	}
}

/* Copies the records of (owner, type) into the answer's arrays. */
static void
fill_records(const struct dns_zoneset *zs, struct arena *a,
    struct dns_answer *ans, const char *owner)
{
	size_t n = count_rrs(zs, owner, ans->type), i, k = 0;
	struct dns_txt *txt = NULL;
	struct ip_addr *addrs = NULL;
	struct dns_mx *mx = NULL;
	const char **names = NULL;
	struct dns_tlsa *tlsa = NULL;

	switch (ans->type) {
	case DNS_T_TXT: txt = arena_calloc(a, n, sizeof(*txt)); break;
	case DNS_T_A:
	case DNS_T_AAAA: addrs = arena_calloc(a, n, sizeof(*addrs)); break;
	case DNS_T_MX: mx = arena_calloc(a, n, sizeof(*mx)); break;
	case DNS_T_TLSA: tlsa = arena_calloc(a, n, sizeof(*tlsa)); break;
	default: names = arena_calloc(a, n + 1, sizeof(*names)); break;
	}
	for (i = 0; i < zs->n; i++) {
		const struct zone_rr *rr = &zs->rrs[i];

		if (!answers(rr, owner, ans->type)) {
			continue;
		}
		ans->size += WIRE_RR_FIXED + rdata_size(rr);
		if (txt != NULL) {
			txt[k] = rr->rd.txt;
		} else if (addrs != NULL) {
			addrs[k] = rr->rd.addr;
		} else if (mx != NULL) {
			mx[k].preference = rr->rd.mx.preference;
			mx[k].host = arena_strdup(a, rr->rd.mx.host);
		} else if (tlsa != NULL) {
			tlsa[k] = rr->rd.tlsa;
			tlsa[k].data = (const unsigned char *)arena_memdup(a,
			    rr->rd.tlsa.data, rr->rd.tlsa.len);
		} else {
			names[k] = arena_strdup(a, rr->rd.name);
		}
		k++;
	}
	ans->txt = txt;
	ans->addrs = addrs;
	ans->mx = mx;
	ans->names = names;
	ans->tlsa = tlsa;
	ans->count = k;
	ans->kind = k > 0 ? DNS_ANS_RECORDS : DNS_ANS_NODATA;
}

/* TXT strings point into the set; the answer must live as long as the
 * caller's arena, so they are copied there. */
static void
copy_strings(struct arena *a, struct dns_answer *ans)
{
	struct dns_txt *txt = (struct dns_txt *)ans->txt;
	size_t i, j;

	for (i = 0; txt != NULL && i < ans->count; i++) {
		struct dns_bytes *s = arena_calloc(a, txt[i].nstrings,
		    sizeof(*s));

		for (j = 0; j < txt[i].nstrings; j++) {
			s[j].data = (const unsigned char *)arena_memdup(a,
			    txt[i].strings[j].data, txt[i].strings[j].len);
			s[j].len = txt[i].strings[j].len;
		}
		txt[i].strings = s;
	}
}

/* RFC 4592 §3.3.1: the wildcard of the closest encloser of a name that
 * does not exist. Returns its owner when it has records, else NULL. */
static const char *
wildcard_for(const struct dns_zoneset *zs, struct arena *a, const char *name,
    const char *apex)
{
	const char *encloser = strchr(name, '.');
	const char *star;
	size_t i;

	while (encloser != NULL && dns_name_is_under(encloser + 1, apex)) {
		if (name_exists(zs, encloser + 1) ||
		    strcmp(encloser + 1, apex) == 0) {
			star = arena_printf(a, "*.%s", encloser + 1);
			for (i = 0; i < zs->n; i++) {
				if (strcmp(zs->rrs[i].owner, star) == 0) {
					return star;
				}
			}
			return NULL;
		}
		encloser = strchr(encloser + 1, '.');
	}
	return NULL;
}

/* RFC 6672 §2: the DNAME of a proper ancestor of name, the highest one
 * (a DNAME hides the names below its owner), or NULL. */
static const struct zone_rr *
dname_above(const struct dns_zoneset *zs, const char *name)
{
	const struct zone_rr *best = NULL;
	size_t i;

	for (i = 0; i < zs->n; i++) {
		const struct zone_rr *rr = &zs->rrs[i];

		if (rr->type == ZONE_T_DNAME && strcmp(rr->owner, name) != 0 &&
		    dns_name_is_under(name, rr->owner) && (best == NULL ||
		    strlen(rr->owner) < strlen(best->owner))) {
			best = rr;
		}
	}
	return best;
}

/* The name a DNAME makes of name (RFC 6672 §2.2): its labels above the
 * DNAME's owner, then the target. NULL when that is too long. */
static const char *
dname_target(struct arena *a, const char *name, const struct zone_rr *dname)
{
	size_t keep = strlen(name) - strlen(dname->owner) - 1;
	const char *out = dname->rd.name[0] ? arena_printf(a, "%.*s.%s",
	    (int)keep, name, dname->rd.name) : arena_printf(a, "%.*s",
	    (int)keep, name);

	return strlen(out) > DNS_NAME_MAX ? NULL : out;
}

/* The next name of the chain from cur (a CNAME, or a DNAME above it),
 * with its size added to the answer; NULL when cur holds the data. Sets
 * *too_long when a DNAME makes a name longer than a name can be. */
static const char *
next_link(const struct dns_zoneset *zs, struct arena *a,
    struct dns_answer *ans, const char *cur, const char *owner,
    bool *too_long)
{
	const struct zone_rr *cname, *dname = dname_above(zs, cur);
	const char *next;

	*too_long = false;
	if (dname != NULL) {
		next = dname_target(a, cur, dname);
		*too_long = next == NULL;
		ans->size += 2 * WIRE_RR_FIXED + wire_name(dname->rd.name) +
		    (next ? wire_name(next) : 0);
		return next;
	}
	cname = find_rr(zs, owner, DNS_T_CNAME);
	if (cname == NULL || ans->type == DNS_T_CNAME) {
		return NULL;
	}
	ans->size += WIRE_RR_FIXED + wire_name(cname->rd.name);
	return arena_strdup(a, cname->rd.name);
}

static bool
on_chain(const char *const *chain, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (dns_name_equal(chain[i], name)) {
			return true;
		}
	}
	return false;
}

struct dns_answer *
dns_zoneset_answer(const struct dns_zoneset *zs, struct arena *a,
    const char *name, enum dns_type type)
{
	char *qname = dns_name_normalize(a, name);
	const char *apex = enclosing_apex(zs, qname), *cur = qname, *owner;
	const char *chain[DNS_MAX_CNAME_CHAIN + 2];
	struct dns_answer *ans;
	size_t n = 0;
	bool too_long;
	int step;

	if (apex == NULL) {
		return NULL;
	}
	ans = dns_answer_without_response(a, qname, type, DNS_ANS_NODATA,
	    NULL);
	ans->source = DNS_SRC_ZONE;
	ans->rcode = 0;
	ans->size = WIRE_HEADER + wire_name(qname) + WIRE_QFIXED;
	chain[n++] = qname;
	for (step = 0; step <= DNS_MAX_CNAME_CHAIN; step++) {
		owner = cur;
		if (dname_above(zs, cur) == NULL && !name_exists(zs, cur)) {
			owner = wildcard_for(zs, a, cur, apex);
			if (owner == NULL) {
				ans->kind = DNS_ANS_NXDOMAIN;
				ans->rcode = 3;
				return ans;
			}
		}
		cur = next_link(zs, a, ans, cur, owner, &too_long);
		if (too_long) {
			ans->kind = DNS_ANS_RCODE;
			ans->rcode = 6;	/* YXDOMAIN, RFC 6672 §2.2 */
			ans->error = "a DNAME makes the name too long";
			return ans;
		}
		if (cur == NULL) {
			fill_records(zs, a, ans, owner);
			copy_strings(a, ans);
			return ans;
		}
		ans->cname = cur;
		if (on_chain(chain, n, cur)) {
			chain[n++] = cur;
			dns_answer_set_cname_loop(a, ans, chain, n);
			return ans;
		}
		chain[n++] = cur;
		apex = enclosing_apex(zs, cur);
		if (apex == NULL) {
			return ans;	/* the chain leaves the set */
		}
	}
	ans->kind = DNS_ANS_SERVFAIL;
	ans->rcode = 2;
	ans->error = "CNAME chain too long in --zone";
	return ans;
}
