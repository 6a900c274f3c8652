#include <string.h>

#include "dns/txt.h"
#include "report/json.h"
#include "report/smtp.h"
#include "smtp/smtp.h"
#include "util/arena.h"

static cJSON *
strings_json(const char *const *list, size_t n)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON_AddItemToArray(arr, json_str(list[i]));
	}
	return arr;
}

/* Every TXT record of an answer, joined (the STS or TLS-RPT record is
 * one of them). */
static cJSON *
records_json(struct arena *a, const struct dns_answer *ans)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, len;

	for (i = 0; ans->kind == DNS_ANS_RECORDS && i < ans->count; i++) {
		const char *text = dns_txt_join(a, &ans->txt[i], &len);

		cJSON_AddItemToArray(arr, json_bytes(text, len));
	}
	return arr;
}

static cJSON *
ehlo_json(struct arena *a, const struct smtp_reply *r, const char *name,
    const struct smtp_extension *ext, size_t n)
{
	cJSON *o, *arr;
	size_t i;

	if (r == NULL) {
		return cJSON_CreateNull();
	}
	o = cJSON_CreateObject();
	json_add_num(o, "code", r->code);
	json_add_str(o, "name", name);
	arr = cJSON_AddArrayToObject(o, "extensions");
	for (i = 0; i < n; i++) {
		cJSON_AddItemToArray(arr, json_str(ext[i].params[0] ?
		    arena_printf(a, "%s %s", ext[i].keyword, ext[i].params) :
		    ext[i].keyword));
	}
	return o;
}

static cJSON *
cert_json(const struct smtp_addr *ad)
{
	cJSON *o;

	if (!ad->have_cert) {
		return cJSON_CreateNull();
	}
	o = cJSON_CreateObject();
	json_add_str(o, "subject", ad->cert.subject);
	json_add_str(o, "issuer", ad->cert.issuer);
	cJSON_AddItemToObject(o, "names", strings_json(ad->cert.names,
	    ad->cert.nnames));
	json_add_str(o, "not_before", ad->cert.not_before);
	json_add_str(o, "not_after", ad->cert.not_after);
	json_add_num(o, "days_left", (double)ad->days_left);
	json_add_bool(o, "expired", ad->expired);
	json_add_bool(o, "self_signed", ad->cert.self_signed);
	json_add_bool(o, "chain_verified", ad->chain_verified);
	json_add_str(o, "verify_error", ad->session.verify_error);
	json_add_verdict(o, "name_matches", ad->name_matches);
	json_add_num(o, "chain_length", (double)ad->session.nchain);
	return o;
}

static cJSON *
starttls_json(const struct smtp_addr *ad)
{
	const struct smtp_session *s = &ad->session;
	cJSON *o = cJSON_CreateObject();

	json_add_bool(o, "offered", s->starttls_offered);
	json_add_str(o, "result", !s->starttls_offered ? "not-offered" :
	    s->tls_done ? "ok" : s->stop == SMTP_STOP_TLS ? "tls-error" :
	    s->starttls && s->starttls->code != 220 ? "refused" : "failed");
	json_add_num(o, "code", s->starttls ? s->starttls->code : 0);
	json_add_str(o, "version", s->tls_version);
	json_add_str(o, "cipher", s->tls_cipher);
	cJSON_AddItemToObject(o, "certificate", cert_json(ad));
	return o;
}

static cJSON *
tlsa_json(struct arena *a, const struct smtp_host *h,
    const struct smtp_addr *ad)
{
	const struct dns_answer *t = h->tlsa;
	cJSON *o, *arr;
	size_t i;

	if (t == NULL) {
		return cJSON_CreateNull();
	}
	o = cJSON_CreateObject();
	json_add_str(o, "name", t->name);
	json_add_str(o, "answer", dns_kind_name(t->kind));
	json_add_bool(o, "dnssec", t->ad);
	arr = cJSON_AddArrayToObject(o, "records");
	for (i = 0; t->kind == DNS_ANS_RECORDS && i < t->count; i++) {
		cJSON *rec = cJSON_CreateObject();

		json_add_num(rec, "usage", t->tlsa[i].usage);
		json_add_num(rec, "selector", t->tlsa[i].selector);
		json_add_num(rec, "matching_type", t->tlsa[i].mtype);
		json_add_str(rec, "data", smtp_cert_hex(a, t->tlsa[i].data,
		    t->tlsa[i].len));
		json_add_str(rec, "result", ad->tlsa ?
		    tlsa_outcome_name(ad->tlsa[i].outcome) : NULL);
		json_add_str(rec, "why", ad->tlsa ? ad->tlsa[i].why : NULL);
		cJSON_AddItemToArray(arr, rec);
	}
	return o;
}

static cJSON *
ptr_json(const struct smtp_addr *ad)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; ad->ptr != NULL && i < ad->ptr->nnames; i++) {
		cJSON *o = cJSON_CreateObject();

		json_add_str(o, "name", ad->ptr->names[i].name);
		json_add_bool(o, "forward_confirmed",
		    ad->ptr->names[i].forward_confirmed);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
addr_json(struct arena *a, const struct smtp_result *r,
    const struct smtp_host *h, const struct smtp_addr *ad)
{
	const struct smtp_session *s = &ad->session;
	cJSON *o = cJSON_CreateObject(), *c;
	char ip[IP_STRLEN];

	json_add_str(o, "name", h->name);
	json_add_num(o, "preference", h->preference);
	json_add_str(o, "address", ip_format(&ad->ip, ip));
	json_add_num(o, "port", r->in->port);
	c = cJSON_AddObjectToObject(o, "connect");
	json_add_str(c, "result", smtp_connect_name(s->connect));
	json_add_str(c, "error", s->connect_error);
	json_add_num(c, "ms", (double)(long)s->connect_ms);
	cJSON_AddItemToObject(o, "ptr", ptr_json(ad));
	json_add_str(o, "ptr_answer", ad->ptr ?
	    dns_kind_name(ad->ptr->answer->kind) : NULL);
	json_add_num(o, "banner_code", s->banner ? s->banner->code : 0);
	json_add_str(o, "banner", s->banner && s->banner->nlines ?
	    s->banner->lines[0] : NULL);
	cJSON_AddItemToObject(o, "banner_lines", strings_json(s->banner ?
	    s->banner->lines : NULL, s->banner ? s->banner->nlines : 0));
	json_add_str(o, "banner_host", ad->banner_host);
	cJSON_AddItemToObject(o, "ehlo", ehlo_json(a, s->ehlo, ad->ehlo_host,
	    ad->ext, ad->next));
	cJSON_AddItemToObject(o, "starttls", starttls_json(ad));
	cJSON_AddItemToObject(o, "ehlo_tls", ehlo_json(a, s->ehlo_tls,
	    s->ehlo_tls ? smtp_reply_host(a, s->ehlo_tls) : NULL, ad->ext_tls,
	    ad->next_tls));
	json_add_str(o, "stage", smtp_stage_name(s->stage));
	json_add_str(o, "stop", smtp_stop_name(s->stop));
	json_add_str(o, "stop_detail", s->stop_detail);
	json_add_bool(o, "mta_sts_valid", ad->sts_valid);
	json_add_str(o, "tls", verdict_name(ad->tls == SMTP_TLS_PASS ?
	    VERDICT_PASS : ad->tls == SMTP_TLS_FAIL ? VERDICT_FAIL :
	    VERDICT_UNKNOWN));
	cJSON_AddItemToObject(o, "tlsa", tlsa_json(a, h, ad));
	json_add_findings(cJSON_AddArrayToObject(o, "findings"),
	    &ad->findings);
	return o;
}

/* A host with no address still gets one entry, with its findings. */
static cJSON *
bare_host_json(const struct smtp_result *r, const struct smtp_host *h)
{
	cJSON *o = cJSON_CreateObject(), *c;

	json_add_str(o, "name", h->name);
	json_add_num(o, "preference", h->preference);
	json_add_str(o, "address", NULL);
	json_add_num(o, "port", r->in->port);
	c = cJSON_AddObjectToObject(o, "connect");
	json_add_str(c, "result", "not-tried");
	json_add_str(c, "error", "no address");
	json_add_findings(cJSON_AddArrayToObject(o, "findings"),
	    &h->findings);
	return o;
}

static cJSON *
hosts_json(struct arena *a, const struct smtp_result *r)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, j;

	for (i = 0; i < r->nhosts; i++) {
		const struct smtp_host *h = &r->hosts[i];

		if (h->naddrs == 0) {
			cJSON_AddItemToArray(arr, bare_host_json(r, h));
			continue;
		}
		for (j = 0; j < h->naddrs; j++) {
			cJSON *o = addr_json(a, r, h, &h->addrs[j]);

			/* Findings about the host go with its first
			 * address. */
			if (j == 0) {
				json_add_findings(cJSON_GetObjectItem(o,
				    "findings"), &h->findings);
			}
			cJSON_AddItemToArray(arr, o);
		}
	}
	return arr;
}

static cJSON *
sts_json(struct arena *a, const struct smtp_result *r)
{
	const struct smtp_mta_sts *s = &r->sts;
	cJSON *o = cJSON_CreateObject(), *f;

	json_add_str(o, "answer", dns_kind_name(s->txt->kind));
	cJSON_AddItemToObject(o, "records", records_json(a, s->txt));
	json_add_str(o, "record", s->record);
	json_add_str(o, "record_id", s->rec.id);
	json_add_str(o, "policy_url", s->fetch.host ? https_fetch_url(a,
	    &s->fetch) : NULL);
	if (s->fetch.host != NULL) {
		f = cJSON_AddObjectToObject(o, "fetch");
		json_add_str(f, "host", s->fetch.host);
		json_add_str(f, "a_answer", s->a4 ? dns_kind_name(s->a4->kind) :
		    NULL);
		json_add_str(f, "aaaa_answer", s->a6 ?
		    dns_kind_name(s->a6->kind) : NULL);
		json_add_bool(f, "attempted", s->fetching);
		json_add_num(f, "status", (double)s->fetch.status);
		json_add_str(f, "content_type", s->fetch.content_type);
		json_add_str(f, "redirect", s->fetch.redirect);
		json_add_str(f, "error", s->fetch.error);
	}
	json_add_str(o, "mode", s->have_policy ?
	    mta_sts_mode_name(s->policy.mode) : NULL);
	if (s->have_policy) {
		json_add_bool(o, "policy_valid", s->policy_valid);
	} else {
		cJSON_AddNullToObject(o, "policy_valid");
	}
	json_add_bool(o, "unknown", s->unknown);
	cJSON_AddItemToObject(o, "mx", strings_json(s->policy.mx,
	    s->have_policy ? s->policy.nmx : 0));
	if (s->have_policy && s->policy.max_age >= 0) {
		json_add_num(o, "max_age", (double)s->policy.max_age);
	} else {
		cJSON_AddNullToObject(o, "max_age");
	}
	json_add_verdict(o, "mx_match", s->mx_match);
	json_add_findings(cJSON_AddArrayToObject(o, "findings"), &s->findings);
	return o;
}

static cJSON *
rpt_json(struct arena *a, const struct smtp_result *r)
{
	const struct smtp_tls_rpt *t = &r->rpt;
	cJSON *o = cJSON_CreateObject();

	json_add_str(o, "answer", dns_kind_name(t->txt->kind));
	cJSON_AddItemToObject(o, "records", records_json(a, t->txt));
	json_add_str(o, "record", t->record);
	json_add_bool(o, "valid", t->valid);
	cJSON_AddItemToObject(o, "rua", strings_json(t->rec.rua,
	    t->rec.nrua));
	json_add_findings(cJSON_AddArrayToObject(o, "findings"), &t->findings);
	return o;
}

cJSON *
report_smtp_json(const struct smtp_result *r)
{
	struct arena *a = arena_create();
	cJSON *root = cJSON_CreateObject();
	char ip[IP_STRLEN];

	json_add_str(root, "command", "smtp");
	if (r->in->name != NULL) {
		json_add_str(root, "domain", r->in->name);
		json_add_str(root, "mx_answer", r->mx ?
		    dns_kind_name(r->mx->kind) : NULL);
		json_add_bool(root, "null_mx", r->null_mx);
	} else {
		json_add_str(root, "ip", ip_format(&r->in->ip, ip));
	}
	json_add_str(root, "result", verdict_name(r->verdict));
	cJSON_AddItemToObject(root, "hosts", hosts_json(a, r));
	if (r->in->name != NULL && r->sts.txt != NULL) {
		cJSON_AddItemToObject(root, "mta_sts", sts_json(a, r));
		cJSON_AddItemToObject(root, "tls_rpt", rpt_json(a, r));
	} else {
		cJSON_AddNullToObject(root, "mta_sts");
		cJSON_AddNullToObject(root, "tls_rpt");
	}
	json_add_findings(cJSON_AddArrayToObject(root, "findings"),
	    &r->findings);
	arena_destroy(a);
	return root;
}
