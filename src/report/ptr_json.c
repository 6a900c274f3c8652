#include "ptr/ptr.h"
#include "report/json.h"
#include "report/ptr.h"

cJSON *
report_ptr_json(const struct ptr_result *r)
{
	cJSON *root = cJSON_CreateObject(), *names, *findings;
	char ip[IP_STRLEN];
	size_t i;

	json_add_str(root, "command", "ptr");
	json_add_str(root, "ip", ip_format(&r->ip, ip));
	json_add_str(root, "reverse_name", r->reverse_name);
	json_add_str(root, "answer", dns_kind_name(r->answer->kind));
	names = cJSON_AddArrayToObject(root, "ptr");
	for (i = 0; i < r->nnames; i++) {
		cJSON *o = cJSON_CreateObject();

		json_add_str(o, "name", r->names[i].name);
		cJSON_AddItemToObject(o, "addresses",
		    json_addresses(r->names[i].a,
		    r->names[i].aaaa));
		if (r->names[i].failed != NULL) {
			cJSON_AddNullToObject(o, "forward_confirmed");
		} else {
			json_add_bool(o, "forward_confirmed",
			    r->names[i].forward_confirmed);
		}
		json_add_str(o, "generic", r->names[i].generic);
		cJSON_AddItemToArray(names, o);
	}
	if (r->failed != NULL) {
		cJSON_AddNullToObject(root, "fcrdns");
	} else {
		json_add_bool(root, "fcrdns", r->fcrdns);
	}
	json_add_str(root, "helo", r->helo);
	if (r->helo != NULL) {
		json_add_bool(root, "helo_matches", r->helo_matches);
	}
	json_add_str(root, "domain", r->domain);
	if (r->domain != NULL) {
		json_add_bool(root, "in_domain", r->in_domain);
	}
	findings = cJSON_AddArrayToObject(root, "findings");
	json_add_findings(findings, &r->findings);
	return root;
}
