#include <string.h>

#include "arc/arc.h"
#include "message/message.h"
#include "report/dkim.h"
#include "report/dmarc.h"
#include "report/json.h"
#include "report/message.h"
#include "report/spf.h"
#include "util/arena.h"

static void
add_ip(cJSON *o, const char *key, bool has, const struct ip_addr *ip)
{
	char buf[IP_STRLEN];

	json_add_str(o, key, has ? ip_format(ip, buf) : NULL);
}

static cJSON *
hop_json(const struct received *h)
{
	cJSON *o = cJSON_CreateObject(), *tls = cJSON_CreateObject();

	json_add_str(o, "helo", h->helo);
	json_add_str(o, "rdns", h->rdns);
	add_ip(o, "ip", h->has_ip, &h->ip);
	json_add_str(o, "by", h->by);
	json_add_str(o, "with", h->with);
	json_add_str(o, "id", h->id);
	json_add_str(o, "date", h->date);
	json_add_bool(tls, "used", h->tls);
	json_add_str(tls, "version", h->tls_version);
	json_add_str(tls, "cipher", h->tls_cipher);
	cJSON_AddItemToObject(o, "tls", tls);
	return o;
}

static cJSON *
context_json(const struct message_result *r)
{
	const struct message_context *c = &r->ctx;
	const struct received *hop = message_context_hop(c);
	cJSON *o = cJSON_CreateObject(), *src = cJSON_CreateObject();

	add_ip(o, "ip", c->has_ip, &c->ip);
	json_add_str(o, "helo", c->helo);
	json_add_str(o, "sender", c->sender);
	json_add_str(src, "ip", message_source_name(c->ip_source));
	json_add_str(src, "helo", message_source_name(c->helo_source));
	json_add_str(src, "sender", message_source_name(c->sender_source));
	cJSON_AddItemToObject(o, "sources", src);
	json_add_num(o, "received_fields", (double)c->nhops);
	if (hop != NULL) {
		json_add_num(o, "boundary", (double)(c->boundary + 1));
		cJSON_AddItemToObject(o, "received", hop_json(hop));
	} else {
		cJSON_AddNullToObject(o, "boundary");
		cJSON_AddNullToObject(o, "received");
	}
	return o;
}

static cJSON *
spf_json(const struct message_result *r)
{
	cJSON *o = cJSON_CreateObject();

	json_add_bool(o, "evaluated", r->spf != NULL);
	if (r->spf == NULL) {
		cJSON_AddNullToObject(o, "result");
		json_add_str(o, "not_evaluated", r->spf_skip ==
		    MESSAGE_SPF_NO_IP ? "no client IP" : "no MAIL FROM");
		return o;
	}
	json_add_str(o, "domain", r->spf_input.domain);
	report_spf_eval_json(o, &r->spf_input, r->spf);
	return o;
}

static void
add_alignment(cJSON *o, const struct dmarc_ident *id)
{
	json_add_bool(o, "aligned", id->aligned);
	json_add_str(o, "alignment", dmarc_alignment_name(id->alignment));
	json_add_str(o, "org_domain", id->org);
	json_add_bool(o, "aligned_rfc7489", id->aligned_7489);
}

static cJSON *
dkim_json(const struct message_result *r)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < r->dkim->nsigs; i++) {
		cJSON *o = report_dkim_signature_json(&r->dkim->sigs[i]);

		add_alignment(o, &r->dkim_idents[i]);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
alignment_json(const struct message_result *r)
{
	cJSON *o = cJSON_CreateObject(), *spf = cJSON_CreateObject();
	cJSON *dkim = cJSON_CreateArray();
	size_t i;

	json_add_str(spf, "domain", r->spf_ident.domain);
	add_alignment(spf, &r->spf_ident);
	cJSON_AddItemToObject(o, "spf", spf);
	for (i = 0; i < r->dkim->nsigs; i++) {
		cJSON *d = cJSON_CreateObject();

		json_add_str(d, "d", r->dkim->sigs[i].d);
		json_add_str(d, "result", dkim_result_name(
		    r->dkim->sigs[i].result));
		add_alignment(d, &r->dkim_idents[i]);
		cJSON_AddItemToArray(dkim, d);
	}
	cJSON_AddItemToObject(o, "dkim", dkim);
	return o;
}

static const char *
policy_or_null(enum dmarc_policy p)
{
	return p == DMARC_POLICY_UNSET ? NULL : dmarc_policy_name(p);
}

static cJSON *
dmarc_json(const struct message_result *r)
{
	const struct dmarc_eval *e = &r->eval;
	cJSON *o = cJSON_CreateObject(), *old = cJSON_CreateObject();
	cJSON *from = cJSON_CreateArray();
	size_t i;

	json_add_str(o, "result", dmarc_verdict_name(e->result));
	json_add_str(o, "disposition", e->result == DMARC_FAIL ?
	    dmarc_policy_name(e->disposition) : NULL);
	json_add_str(o, "policy", policy_or_null(e->policy));
	json_add_str(o, "policy_tag", e->policy_tag);
	json_add_bool(o, "testing", e->testing);
	json_add_str(o, "from_domain", r->author.domain);
	json_add_str(o, "from_error", r->author.error);
	for (i = 0; i < r->author.nboxes; i++) {
		cJSON_AddItemToArray(from, json_str(r->author.boxes[i].addr));
	}
	cJSON_AddItemToObject(o, "from", from);
	json_add_str(o, "org_domain", r->dmarc ? r->dmarc->org_domain : NULL);
	cJSON_AddItemToObject(o, "alignment", alignment_json(r));
	json_add_str(old, "result", dmarc_verdict_name(e->result_7489));
	json_add_str(old, "org_domain", r->dmarc ? r->dmarc->org_domain_psl :
	    NULL);
	json_add_str(old, "record_domain", r->dmarc ?
	    r->dmarc->record_domain_7489 : NULL);
	json_add_str(old, "policy", policy_or_null(e->policy_7489));
	if (e->pct >= 0) {
		json_add_num(old, "pct", e->pct);
	} else {
		cJSON_AddNullToObject(old, "pct");
	}
	json_add_str(old, "disposition", e->result_7489 == DMARC_FAIL ?
	    dmarc_policy_name(e->disposition_7489) : NULL);
	cJSON_AddItemToObject(o, "rfc7489", old);
	if (r->dmarc != NULL) {
		cJSON_AddItemToObject(o, "discovery",
		    report_dmarc_json(r->dmarc));
	} else {
		cJSON_AddNullToObject(o, "discovery");
	}
	return o;
}

static cJSON *
results_json(struct arena *a, const struct authres *ar)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, k;

	for (i = 0; i < ar->nresults; i++) {
		const struct authres_result *res = &ar->results[i];
		cJSON *o = cJSON_CreateObject(), *props = cJSON_CreateObject();

		json_add_str(o, "method", res->method);
		json_add_str(o, "result", res->result);
		json_add_str(o, "reason", res->reason);
		json_add_str(o, "comment", res->comment);
		for (k = 0; k < res->nprops; k++) {
			const struct authres_prop *p = &res->props[k];

			json_add_str(props, p->ptype[0] ? arena_printf(a,
			    "%s.%s", p->ptype, p->property) : p->property,
			    p->value);
		}
		cJSON_AddItemToObject(o, "properties", props);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
sig_json(const struct arc_sig *sig)
{
	cJSON *o = cJSON_CreateObject();

	json_add_str(o, "d", sig->d);
	json_add_str(o, "s", sig->s);
	json_add_str(o, "result", arc_check_name(sig->check));
	json_add_str(o, "reason", sig->reason ? sig->reason : sig->error);
	return o;
}

static cJSON *
arc_json(struct arena *a, const struct arc_result *arc)
{
	cJSON *o = cJSON_CreateObject(), *sets = cJSON_CreateArray();
	unsigned k;

	json_add_str(o, "result", arc_chain_name(arc->chain));
	json_add_str(o, "reason", arc->reason);
	json_add_num(o, "instances", arc->n);
	if (arc->oldest_pass >= 0) {
		json_add_num(o, "oldest_pass", arc->oldest_pass);
	} else {
		cJSON_AddNullToObject(o, "oldest_pass");
	}
	for (k = 0; k < arc->nsets; k++) {
		const struct arc_set *set = &arc->sets[k];
		cJSON *so = cJSON_CreateObject(), *aar = cJSON_CreateObject();

		json_add_num(so, "instance", k + 1);
		json_add_str(so, "cv", set->seal.cv);
		cJSON_AddItemToObject(so, "seal", sig_json(&set->seal));
		cJSON_AddItemToObject(so, "message_signature",
		    sig_json(&set->ams));
		json_add_str(aar, "authserv_id", set->aar.authserv_id);
		json_add_str(aar, "value", set->aar_header ?
		    authres_format(a, &set->aar, " ") : NULL);
		cJSON_AddItemToObject(aar, "results", results_json(a,
		    &set->aar));
		cJSON_AddItemToObject(so, "authentication_results", aar);
		cJSON_AddItemToArray(sets, so);
	}
	cJSON_AddItemToObject(o, "sets", sets);
	return o;
}

static cJSON *
receiver_json(struct arena *a, const struct receiver_view *v)
{
	cJSON *o = cJSON_CreateObject(), *diffs = cJSON_CreateArray();
	size_t i;

	json_add_bool(o, "found", v->found);
	json_add_str(o, "authserv_id", v->authserv_id);
	json_add_str(o, "matched_by", v->matched_by);
	cJSON_AddItemToObject(o, "results", results_json(a, &v->results));
	json_add_str(o, "disposition", v->disposition);
	for (i = 0; i < v->ndiffs; i++) {
		cJSON *d = cJSON_CreateObject();

		json_add_str(d, "method", v->diffs[i].method);
		json_add_str(d, "subject", v->diffs[i].subject);
		json_add_str(d, "receiver", v->diffs[i].theirs);
		json_add_str(d, "mailauth", v->diffs[i].ours);
		json_add_str(d, "cause", v->diffs[i].cause);
		cJSON_AddItemToArray(diffs, d);
	}
	cJSON_AddItemToObject(o, "differences", diffs);
	return o;
}

cJSON *
report_message_json(const struct message_result *r)
{
	struct arena *a = arena_create();
	cJSON *root = cJSON_CreateObject(), *findings = cJSON_CreateArray();

	json_add_str(root, "command", "message");
	cJSON_AddItemToObject(root, "context", context_json(r));
	cJSON_AddItemToObject(root, "spf", spf_json(r));
	cJSON_AddItemToObject(root, "dkim", dkim_json(r));
	cJSON_AddItemToObject(root, "dmarc", dmarc_json(r));
	cJSON_AddItemToObject(root, "arc", arc_json(a, r->arc));
	json_add_str(root, "authentication_results", authres_format(a,
	    &r->ours, " "));
	cJSON_AddItemToObject(root, "receiver", receiver_json(a, &r->receiver));
	json_add_findings(findings, &r->dkim->findings);
	json_add_findings(findings, &r->findings);
	cJSON_AddItemToObject(root, "findings", findings);
	arena_destroy(a);
	return root;
}
