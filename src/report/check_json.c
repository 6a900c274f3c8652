#include <string.h>

#include "check/check.h"
#include "report/check.h"
#include "report/dkim.h"
#include "report/dmarc.h"
#include "report/json.h"
#include "report/ptr.h"
#include "report/spf.h"

/* Lines of text (the records of a fix, one zone-file line each; the
 * details of an item) as an array. */
static cJSON *
records_json(const char *text)
{
	cJSON *arr = cJSON_CreateArray();
	const char *end;

	for (; text != NULL && *text; text = *end ? end + 1 : end) {
		end = strchr(text, '\n');
		end = end ? end : text + strlen(text);
		cJSON_AddItemToArray(arr, json_bytes(text, (size_t)(end -
		    text)));
	}
	return arr;
}

static cJSON *
requirements_json(const struct check_result *r)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, k;

	for (i = 0; i < r->nreqs; i++) {
		const struct check_requirement *q = &r->reqs[i];
		cJSON *o = cJSON_CreateObject(), *codes;

		json_add_str(o, "id", q->id);
		json_add_str(o, "status", check_status_name(q->status));
		json_add_bool(o, "required", q->required);
		json_add_str(o, "code", q->code);
		json_add_str(o, "message", q->message);
		json_add_str(o, "fix", q->fix);
		cJSON_AddItemToObject(o, "fix_records",
		    records_json(q->fix_records));
		cJSON_AddItemToObject(o, "details", records_json(q->details));
		codes = cJSON_AddArrayToObject(o, "gmail_codes");
		for (k = 0; q->gmail_codes[k]; k++) {
			cJSON_AddItemToArray(codes, json_str(q->gmail_codes[k]));
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
mx_json(const struct check_result *r)
{
	cJSON *o = cJSON_CreateObject(), *hosts;
	size_t i;

	json_add_str(o, "outcome", r->mx ? dns_kind_name(r->mx->kind) : NULL);
	json_add_bool(o, "null_mx", r->null_mx);
	hosts = cJSON_AddArrayToObject(o, "hosts");
	for (i = 0; i < r->nmx; i++) {
		cJSON *h = cJSON_CreateObject();

		json_add_str(h, "host", r->mxhosts[i].host);
		json_add_num(h, "preference", r->mxhosts[i].preference);
		cJSON_AddItemToObject(h, "addresses",
		    json_addresses(r->mxhosts[i].a4,
		    r->mxhosts[i].a6));
		cJSON_AddItemToArray(hosts, h);
	}
	return o;
}

/* true, false, or null when the list's answer says nothing. */
static void
listed_json(cJSON *o, enum dnsbl_status s)
{
	if (s == DNSBL_ERROR || s == DNSBL_FAILED || s == DNSBL_NOT_ASKED) {
		cJSON_AddNullToObject(o, "listed");
	} else {
		json_add_bool(o, "listed", s == DNSBL_LISTED ||
		    s == DNSBL_POLICY_LISTED);
	}
}

static const char *
first_address(const struct dns_answer *ans, char *buf)
{
	if (ans == NULL || ans->kind != DNS_ANS_RECORDS || ans->count == 0) {
		return NULL;
	}
	return ip_format(&ans->addrs[0], buf);
}

/* Every address a list answered, each with its own meaning. */
static cJSON *
hits_json(const struct check_listing *l)
{
	cJSON *arr = cJSON_CreateArray();
	char buf[IP_STRLEN];
	size_t i;

	for (i = 0; i < l->nhits; i++) {
		cJSON *o = cJSON_CreateObject();

		json_add_str(o, "answer", ip_format(l->hits[i].answer, buf));
		json_add_str(o, "status", dnsbl_status_name(l->hits[i].status));
		json_add_str(o, "meaning", l->hits[i].meaning);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
blocklists_json(const struct check_result *r)
{
	cJSON *arr = cJSON_CreateArray();
	char ip[IP_STRLEN];
	size_t i, j;

	for (i = 0; i < r->nips; i++) {
		for (j = 0; j < r->ips[i].nlistings; j++) {
			const struct check_listing *l = &r->ips[i].listings[j];
			cJSON *o = cJSON_CreateObject();

			json_add_str(o, "ip", ip_format(&r->ips[i].ip, ip));
			json_add_str(o, "zone", l->zone);
			json_add_str(o, "name", l->name);
			json_add_str(o, "status", dnsbl_status_name(l->status));
			listed_json(o, l->status);
			json_add_str(o, "answer", first_address(l->answer, ip));
			json_add_str(o, "meaning", l->meaning);
			cJSON_AddItemToObject(o, "answers", hits_json(l));
			cJSON_AddItemToArray(arr, o);
		}
	}
	return arr;
}

cJSON *
report_check_json(const struct check_result *r)
{
	cJSON *root = cJSON_CreateObject(), *ips, *evals, *ptrs, *spf;
	char buf[IP_STRLEN];
	size_t i;

	json_add_str(root, "command", "check");
	json_add_str(root, "domain", r->in->domain);
	json_add_str(root, "verdict", check_verdict_name(r->verdict));
	json_add_str(root, "sender_domain", r->sender_domain);
	json_add_bool(root, "all_senders", r->in->all_senders);
	json_add_bool(root, "ips_from_mx", r->ips_from_mx);
	ips = cJSON_AddArrayToObject(root, "sending_ips");
	for (i = 0; i < r->nips; i++) {
		cJSON_AddItemToArray(ips, json_str(ip_format(&r->ips[i].ip,
		    buf)));
	}
	cJSON_AddItemToObject(root, "requirements", requirements_json(r));
	cJSON_AddItemToObject(root, "mx", mx_json(r));
	spf = report_spf_json(r->sender_domain, r->spf_walk);
	evals = cJSON_AddArrayToObject(spf, "evaluations");
	for (i = 0; i < r->nips; i++) {
		cJSON *e = cJSON_CreateObject();

		report_spf_eval_json(e, &r->ips[i].spf_input, r->ips[i].spf);
		cJSON_AddItemToArray(evals, e);
	}
	cJSON_AddItemToObject(root, "spf", spf);
	cJSON_AddItemToObject(root, "dkim", report_dkim_json(r->in->domain,
	    r->dkim, NULL));
	cJSON_AddItemToObject(root, "dmarc", report_dmarc_json(r->dmarc));
	ptrs = cJSON_AddArrayToObject(root, "ptr");
	for (i = 0; i < r->nips; i++) {
		cJSON_AddItemToArray(ptrs, report_ptr_json(r->ips[i].ptr));
	}
	cJSON_AddItemToObject(root, "blocklists", blocklists_json(r));
	return root;
}
