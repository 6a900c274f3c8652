#include "report/spf.h"

#include "bounds.h"
#include "report/json.h"
#include "dns/txt.h"
#include "spf/walk.h"
#include "util/arena.h"

static cJSON *node_json(struct arena *a, const struct spf_node *node);

static const char *
via_name(enum spf_via via)
{
	switch (via) {
	case SPF_VIA_TOP: return "top";
	case SPF_VIA_INCLUDE: return "include";
	case SPF_VIA_REDIRECT: return "redirect";
	}
	return "top";
}

static cJSON *
strings_json(const struct dns_txt *rr)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < rr->nstrings; i++) {
		cJSON *s = cJSON_CreateObject();

		json_add_num(s, "length", (double)rr->strings[i].len);
		cJSON_AddItemToObject(s, "text", json_bytes(
		    rr->strings[i].data, rr->strings[i].len));
		cJSON_AddItemToArray(arr, s);
	}
	return arr;
}

static cJSON *
record_json(struct arena *a, const struct dns_txt *rr)
{
	size_t len;
	const char *text = dns_txt_join(a, rr, &len);

	return json_bytes(text, len);
}

static cJSON *
mx_json(const struct spf_walk_term *wt)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < wt->nmx_hosts; i++) {
		cJSON *h = cJSON_CreateObject();

		json_add_str(h, "host", wt->mx_hosts[i].host);
		json_add_num(h, "preference", wt->mx_hosts[i].preference);
		cJSON_AddItemToObject(h, "addresses", json_addresses(
		    wt->mx_hosts[i].a4, wt->mx_hosts[i].a6));
		cJSON_AddItemToArray(arr, h);
	}
	return arr;
}

static cJSON *
term_json(struct arena *a, const struct spf_walk_term *wt)
{
	const struct spf_term *t = wt->term;
	cJSON *o = cJSON_CreateObject();
	char q[2] = { t->qualifier, '\0' };

	json_add_str(o, "term", t->text);
	json_add_str(o, "mechanism", spf_term_name(t));
	json_add_str(o, "qualifier", t->kind == SPF_TERM_MECHANISM ? q : NULL);
	json_add_str(o, "target", wt->target);
	json_add_num(o, "cost", wt->cost);
	json_add_num(o, "running_total", wt->running_total);
	json_add_num(o, "subtree", wt->subtree);
	json_add_bool(o, "evaluated", wt->evaluated);
	json_add_str(o, "skipped", wt->evaluated ? NULL : wt->skipped_why);
	json_add_bool(o, "depends_on_sender", wt->depends_on_sender);
	json_add_bool(o, "may_void", wt->may_void);
	json_add_bool(o, "void_ipv4", wt->void4);
	json_add_bool(o, "void_ipv6", wt->void6);
	json_add_str(o, "error", t->error);
	if (wt->a4 != NULL || wt->a6 != NULL) {
		cJSON_AddItemToObject(o, "addresses",
		    json_addresses(wt->a4, wt->a6));
	}
	if (wt->mx != NULL) {
		json_add_str(o, "mx_outcome", dns_kind_name(wt->mx->kind));
		json_add_num(o, "mx_names", (double)wt->mx->count);
		cJSON_AddItemToObject(o, "mx", mx_json(wt));
	}
	cJSON_AddItemToObject(o, "child", wt->child ? node_json(a, wt->child) :
	    cJSON_CreateNull());
	return o;
}

static cJSON *
node_json(struct arena *a, const struct spf_node *node)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *terms, *records;
	size_t i;

	json_add_str(o, "domain", node->domain);
	json_add_str(o, "via", via_name(node->via));
	json_add_str(o, "status", spf_node_status_name(node->status));
	json_add_str(o, "answer", node->answer ?
	    dns_kind_name(node->answer->kind) : NULL);
	cJSON_AddItemToObject(o, "record", node->nspf == 1 ?
	    record_json(a, node->spf[0]) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "strings", node->nspf == 1 ?
	    strings_json(node->spf[0]) : cJSON_CreateArray());
	if (node->nspf > 1) {
		records = cJSON_AddArrayToObject(o, "records");
		for (i = 0; i < node->nspf; i++) {
			cJSON_AddItemToArray(records, record_json(a,
			    node->spf[i]));
		}
	}
	json_add_num(o, "lookups", node->lookups);
	terms = cJSON_AddArrayToObject(o, "terms");
	for (i = 0; i < node->nterms; i++) {
		cJSON_AddItemToArray(terms, term_json(a, &node->terms[i]));
	}
	return o;
}

static cJSON *
where_json(const struct spf_walk_term *wt, const struct spf_node *node)
{
	cJSON *o;

	if (wt == NULL) {
		return cJSON_CreateNull();
	}
	o = cJSON_CreateObject();
	json_add_str(o, "term", wt->term->text);
	json_add_str(o, "domain", node->domain);
	return o;
}

cJSON *
report_spf_json(const char *domain, const struct spf_walk *walk)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *lookups, *voids, *findings;
	struct arena *a;
	size_t i;

	json_add_str(root, "command", "spf");
	json_add_str(root, "domain", domain);
	if (walk == NULL) {
		cJSON_AddArrayToObject(root, "findings");
		cJSON_AddNullToObject(root, "tree");
		return root;
	}
	lookups = cJSON_AddObjectToObject(root, "lookups");
	json_add_num(lookups, "count", walk->lookups);
	json_add_num(lookups, "limit", SPF_LOOKUP_LIMIT);
	/* false: a lookup failed, and count is a lower bound */
	cJSON_AddBoolToObject(lookups, "complete", walk->failed == NULL);
	cJSON_AddItemToObject(lookups, "over_limit_at",
	    where_json(walk->limit_term, walk->limit_node));
	voids = cJSON_AddObjectToObject(root, "void_lookups");
	json_add_num(voids, "count", walk->voids);
	json_add_num(voids, "limit", SPF_VOID_LIMIT);
	cJSON_AddBoolToObject(voids, "complete", walk->failed == NULL);
	json_add_num(voids, "ipv4", walk->void4);
	json_add_num(voids, "ipv6", walk->void6);
	cJSON_AddItemToObject(voids, "over_limit_at", walk->void4_term ?
	    where_json(walk->void4_term, walk->void4_node) :
	    where_json(walk->void6_term, walk->void6_node));
	json_add_num(root, "records", (double)walk->records);
	json_add_num(root, "depth", walk->levels);
	findings = cJSON_AddArrayToObject(root, "findings");
	json_add_findings(findings, &walk->findings);
	for (i = 0; i < walk->norder; i++) {
		json_add_findings(findings, &walk->order[i]->findings);
	}
	a = arena_create();
	cJSON_AddItemToObject(root, "tree", node_json(a, walk->root));
	arena_destroy(a);
	return root;
}
