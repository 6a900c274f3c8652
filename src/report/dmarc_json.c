#include "dmarc/discover.h"
#include "report/dmarc.h"
#include "report/json.h"

static cJSON *
tags_json(const struct dmarc_record *rec)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < rec->ntags; i++) {
		const struct dmarc_tag *t = &rec->tags[i];
		cJSON *o = cJSON_CreateObject();

		json_add_str(o, "tag", t->name);
		json_add_str(o, "value", t->value);
		json_add_bool(o, "known", t->known);
		json_add_bool(o, "obsolete", t->obsolete);
		json_add_str(o, "error", t->error);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
policy_json(const struct dmarc_result *r)
{
	cJSON *o = cJSON_CreateObject();
	char c[2] = { 0, 0 };

	json_add_str(o, "p", dmarc_policy_name(r->p_domain));
	json_add_str(o, "sp", dmarc_policy_name(r->p_sub));
	json_add_str(o, "np", dmarc_policy_name(r->p_nx));
	c[0] = r->adkim;
	json_add_str(o, "adkim", c);
	c[0] = r->aspf;
	json_add_str(o, "aspf", c);
	json_add_bool(o, "testing", r->testing);
	json_add_str(o, "source", dmarc_source_name(r->source));
	json_add_str(o, "fallback", dmarc_fallback_name(r->fallback));
	return o;
}

static cJSON *
destinations_json(const struct dmarc_result *r)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < r->ndests; i++) {
		const struct dmarc_destination *d = &r->dests[i];
		cJSON *o = cJSON_CreateObject();

		json_add_str(o, "tag", d->tag);
		json_add_str(o, "uri", d->uri->uri);
		json_add_str(o, "host", d->uri->host);
		json_add_bool(o, "external", d->external);
		json_add_str(o, "problem", d->uri->problem);
		json_add_str(o, "checked", d->check_name);
		json_add_verdict(o, "authorized", d->authorized);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

cJSON *
report_dmarc_json(const struct dmarc_result *r)
{
	cJSON *root = cJSON_CreateObject(), *lookups, *findings;
	const struct dmarc_record *rec = r->policy_step ?
	    r->policy_step->record : NULL;
	size_t i;

	json_add_str(root, "command", "dmarc");
	json_add_str(root, "domain", r->domain);
	json_add_str(root, "record_domain", r->policy_step ?
	    r->policy_step->domain : NULL);
	json_add_str(root, "source", dmarc_source_name(r->source));
	json_add_str(root, "org_domain", r->org_domain);
	json_add_str(root, "org_domain_psl", r->org_domain_psl);
	json_add_str(root, "record_domain_rfc7489", r->record_domain_7489);
	lookups = cJSON_AddArrayToObject(root, "lookups");
	for (i = 0; i < r->nsteps; i++) {
		cJSON *o = cJSON_CreateObject();

		json_add_str(o, "name", r->steps[i].name);
		json_add_str(o, "outcome", r->steps[i].answer ?
		    dns_kind_name(r->steps[i].answer->kind) : NULL);
		cJSON_AddItemToArray(lookups, o);
	}
	cJSON_AddItemToObject(root, "record", rec ? json_bytes(rec->text,
	    rec->len) : cJSON_CreateNull());
	cJSON_AddItemToObject(root, "tags", rec ? tags_json(rec) :
	    cJSON_CreateArray());
	cJSON_AddItemToObject(root, "policy", rec ? policy_json(r) :
	    cJSON_CreateNull());
	cJSON_AddItemToObject(root, "report_destinations",
	    destinations_json(r));
	findings = cJSON_AddArrayToObject(root, "findings");
	json_add_findings(findings, &r->findings);
	return root;
}
