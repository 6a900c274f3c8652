#include "mail/rfc5322.h"

#include <string.h>
#include <strings.h>

#include "dkim/message.h"
#include "dns/name.h"
#include "util/arena.h"
#include "util/strbuf.h"

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *
rfc5322_unfold(struct arena *a, const struct dkim_header *h)
{
	const char *p = h->value, *end = h->raw + h->rawlen;
	struct strbuf sb = STRBUF_INIT;
	char *out;

	for (; p < end; p++) {
		if (*p != '\r' && *p != '\n') {
			strbuf_addc(&sb, *p == '\t' ? ' ' : *p);
		}
	}
	p = strbuf_str(&sb);
	while (*p == ' ') {
		p++;
	}
	out = arena_strdup(a, p);
	strbuf_finish(&sb);
	for (end = out + strlen(out); end > out && end[-1] == ' '; end--) {
	}
	out[end - out] = '\0';
	return out;
}

bool
rfc5322_next_field(const struct dkim_message *m, const char *name,
    size_t *from)
{
	size_t i;

	for (i = *from; i < m->nheaders; i++) {
		if (strcasecmp(m->headers[i].name, name) == 0) {
			*from = i;
			return true;
		}
	}
	return false;
}

size_t
rfc5322_count_fields(const struct dkim_message *m, const char *name)
{
	size_t i, n = 0;

	for (i = 0; rfc5322_next_field(m, name, &i); i++) {
		n++;
	}
	return n;
}

const char *
rfc5322_comment_end(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			return p + 1;
		}
	}
	return p;
}

const char *
rfc5322_skip_cfws(const char *p)
{
	for (;;) {
		while (is_wsp(*p)) {
			p++;
		}
		if (*p != '(') {
			return p;
		}
		p = rfc5322_comment_end(p);
	}
}

/* The end of the quoted string that starts at p ('"'). */
static const char *
quoted_end(const char *p)
{
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
		}
	}
	return *p ? p + 1 : p;
}

const char *
rfc5322_addr_domain(struct arena *a, const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	const char *why = NULL;
	char *name;
	size_t len;

	if (at == NULL || at[1] == '\0' || at[1] == '[') {
		return NULL;
	}
	name = arena_strdup(a, at + 1);
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.') {
		name[len - 1] = '\0';
	}
	/* RFC 9989 §5.3.1: a U-label is converted to an A-label. */
	name = dns_name_from_user(a, name, &why);
	if (name == NULL || dns_name_check(name) != DNS_NAME_OK ||
	    strchr(name, '.') == NULL) {
		return NULL;
	}
	return dns_name_normalize(a, name);
}

/* The address of one mailbox: the part in angle brackets (a source
 * route dropped), else the addr-spec; comments and outer blanks go. */
static const char *
mailbox_addr(struct arena *a, const char *start, const char *end)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p, *lt, *gt, *text;
	char *out;

	for (p = start; p < end;) {
		if (*p == '(') {
			p = rfc5322_comment_end(p);
			continue;
		}
		if (*p == '"') {
			const char *q = quoted_end(p);

			strbuf_add(&sb, p, (size_t)((q < end ? q : end) - p));
			p = q;
			continue;
		}
		strbuf_addc(&sb, *p++);
	}
	text = strbuf_str(&sb);
	lt = strrchr(text, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	if (lt != NULL && gt != NULL) {
		const char *colon = memchr(lt, ':', (size_t)(gt - lt));

		if (lt[1] == '@' && colon != NULL) {
			lt = colon;
		}
		out = arena_memdup(a, lt + 1, (size_t)(gt - lt - 1));
	} else {
		out = arena_strdup(a, text);
	}
	strbuf_finish(&sb);
	for (p = out; is_wsp(*p); p++) {
	}
	out = (char *)p;
	for (p = out + strlen(out); p > out && is_wsp(p[-1]); p--) {
	}
	out[p - out] = '\0';
	return out;
}

size_t
rfc5322_mailboxes(struct arena *a, const char *value,
    struct rfc5322_mailbox **out)
{
	size_t n = 0, cap = 0;
	struct rfc5322_mailbox *boxes = NULL;
	const char *p = value, *start = value;
	int angle = 0;

	for (;;) {
		bool split = *p == '\0' || (angle == 0 && (*p == ',' ||
		    *p == ';'));

		if (split) {
			const char *addr = mailbox_addr(a, start, p);

			if (addr[0] != '\0') {
				boxes = array_grow(a, boxes, n, &cap,
				    sizeof(*boxes));
				boxes[n].addr = addr;
				boxes[n].domain = rfc5322_addr_domain(a, addr);
				n++;
			}
			if (*p == '\0') {
				break;
			}
			start = ++p;
		} else if (*p == '(') {
			p = rfc5322_comment_end(p);
		} else if (*p == '"') {
			p = quoted_end(p);
		} else if (angle == 0 && *p == ':') {
			start = ++p;	/* a group's display name */
		} else {
			angle += *p == '<';
			angle -= *p == '>' && angle > 0;
			p++;
		}
	}
	*out = boxes;
	return n;
}

const char *
rfc5322_return_path(struct arena *a, const char *value)
{
	struct rfc5322_mailbox *boxes;
	const char *p = rfc5322_skip_cfws(value);

	if (*p == '<' && *rfc5322_skip_cfws(p + 1) == '>') {
		return "";
	}
	if (rfc5322_mailboxes(a, value, &boxes) != 1 ||
	    strchr(boxes[0].addr, '@') == NULL) {
		return NULL;
	}
	return boxes[0].addr;
}
