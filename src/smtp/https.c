#include "smtp/https.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "smtp/probe.h"
#include "util/arena.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct fetch_priv {
	CURL *easy;
	struct curl_slist *resolve;
	struct strbuf body;
	bool too_large;
	char errbuf[CURL_ERROR_SIZE];
};

const char *
https_fetch_url(struct arena *a, const struct https_fetch *f)
{
	return arena_printf(a, "https://%s%s", f->host, f->path);
}

bool
https_is_text_plain(const char *content_type)
{
	size_t n;

	if (content_type == NULL) {
		return false;
	}
	while (*content_type == ' ') {
		content_type++;
	}
	n = strcspn(content_type, "; \t");
	return n == 10 && strncasecmp(content_type, "text/plain", 10) == 0;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct fetch_priv *p = arg;
	size_t len = size * nmemb;

	if (p->body.len + len > MTA_STS_MAX_BODY) {
		p->too_large = true;
		return 0;	/* makes libcurl stop with an error */
	}
	strbuf_add(&p->body, data, len);
	return len;
}

/* "host:443:addr,addr" with IPv6 addresses in brackets (libcurl's
 * CURLOPT_RESOLVE syntax). */
static char *
resolve_entry(struct arena *a, const struct https_fetch *f)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[IP_STRLEN], *out;
	size_t i;

	strbuf_addf(&sb, "%s:443:", f->host);
	for (i = 0; i < f->naddrs; i++) {
		ip_format(&f->addrs[i], buf);
		strbuf_addf(&sb, f->addrs[i].family == AF_INET6 ? "%s[%s]" :
		    "%s%s", i ? "," : "", buf);
	}
	out = arena_strdup(a, strbuf_str(&sb));
	strbuf_finish(&sb);
	return out;
}

static void
done(struct https_fetch *f, const char *error)
{
	struct fetch_priv *p = f->priv;

	f->done = true;
	f->error = error;
	if (p != NULL) {
		curl_slist_free_all(p->resolve);
		strbuf_finish(&p->body);
		free(p);
		f->priv = NULL;
	}
}

void
https_fetch_start(struct arena *a, CURLM *multi, struct https_fetch *f,
    const struct smtp_probe_config *cfg)
{
	struct fetch_priv *p = xcalloc(1, sizeof(*p));
	CURL *e = curl_easy_init();
	long ms = (long)cfg->timeout_ms;

	f->priv = p;
	if (e == NULL || f->naddrs == 0) {
		curl_easy_cleanup(e);
		done(f, "cannot start the HTTPS request");
		return;
	}
	p->easy = e;
	p->resolve = curl_slist_append(NULL, resolve_entry(a, f));
	curl_easy_setopt(e, CURLOPT_URL, https_fetch_url(a, f));
	curl_easy_setopt(e, CURLOPT_RESOLVE, p->resolve);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->ca_file != NULL) {
		curl_easy_setopt(e, CURLOPT_CAINFO, cfg->ca_file);
		curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
	}
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms);
	/* Connect, handshake and response each get the timeout. */
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 3 * ms);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)MTA_STS_MAX_BODY);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, p->errbuf);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "mailauth");
	curl_multi_add_handle(multi, e);
}

static void
collect(struct arena *a, struct https_fetch *f, CURLcode code)
{
	struct fetch_priv *p = f->priv;
	const char *ctype = NULL, *loc = NULL;

	curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &f->status);
	if (curl_easy_getinfo(p->easy, CURLINFO_CONTENT_TYPE, &ctype) ==
	    CURLE_OK && ctype != NULL) {
		f->content_type = arena_strdup(a, ctype);
	}
	if (curl_easy_getinfo(p->easy, CURLINFO_REDIRECT_URL, &loc) ==
	    CURLE_OK && loc != NULL) {
		f->redirect = arena_strdup(a, loc);
	}
	f->transferred = f->status > 0;
	if (p->too_large || code == CURLE_FILESIZE_EXCEEDED) {
		f->transferred = false;
		done(f, arena_printf(a, "the response is larger than %d bytes",
		    MTA_STS_MAX_BODY));
		return;
	}
	if (code != CURLE_OK) {
		f->transferred = false;
		done(f, arena_strdup(a, p->errbuf[0] ? p->errbuf :
		    curl_easy_strerror(code)));
		return;
	}
	f->body = arena_memdup(a, strbuf_str(&p->body), p->body.len);
	f->len = p->body.len;
	done(f, NULL);
}

void
https_fetch_perform(struct arena *a, CURLM *multi, struct https_fetch *f)
{
	struct fetch_priv *p = f->priv;
	CURLMsg *msg;
	int running = 0, left = 0;

	curl_multi_perform(multi, &running);
	while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
		CURL *easy = msg->easy_handle;
		CURLcode code = msg->data.result;

		if (msg->msg != CURLMSG_DONE || easy != p->easy) {
			continue;
		}
		/* msg is invalid once the handle is removed. */
		collect(a, f, code);
		curl_multi_remove_handle(multi, easy);
		curl_easy_cleanup(easy);
		return;
	}
}
