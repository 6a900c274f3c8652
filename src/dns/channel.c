#include "dns/channel.h"

#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/clock.h"
#include "util/error.h"
#include "util/ip.h"
#include "util/xalloc.h"

/* With hundreds of questions in flight on one socket, a fast server's
 * answers arrive in bursts; the default buffer (about 200 KB, some 250
 * small datagrams) drops the rest, and each drop costs a whole timeout.
 * The kernel caps this at net.core.rmem_max. */
#define UDP_RECEIVE_BUFFER (4 * 1024 * 1024)

/* ARES_GETSOCK_READABLE/WRITABLE shift a signed 1 by up to 31 places,
 * which is undefined behaviour for the last socket: test the bits as
 * unsigned instead. */
static bool
sock_readable(int bits, int i)
{
	return ((unsigned)bits & (1u << i)) != 0;
}

static bool
sock_writable(int bits, int i)
{
	return ((unsigned)bits & (1u << (i + ARES_GETSOCK_MAXNUM))) != 0;
}

/* One turn of the event loop (c-ares 1.18): poll the sockets
 * ares_getsock() names, no longer than ares_timeout() or the deadline
 * allows, then ares_process_fd() on each ready one (an error or hang-up
 * counts as readable), or on none when the wait ran out, so that c-ares'
 * retries and timeouts fire. */
void
dns_channel_poll(struct dns_channel *ch, double deadline)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval maxtv, tv, *tvp;
	double remaining = deadline - clock_ms();
	int bits, n = 0, i, ms, ready;

	/* No deadline (a batch) still wakes up now and then; c-ares' own
	 * timeout comes first anyway. */
	if (remaining < 0) {
		remaining = 0;
	} else if (remaining > 60000) {
		remaining = 60000;
	}
	maxtv.tv_sec = (time_t)(remaining / 1000);
	maxtv.tv_usec = (suseconds_t)((remaining - (double)maxtv.tv_sec *
	    1000) * 1000);
	tvp = ares_timeout(ch->ares, &maxtv, &tv);
	ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
	bits = ares_getsock(ch->ares, socks, ARES_GETSOCK_MAXNUM);
	for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		if (!sock_readable(bits, i) && !sock_writable(bits, i)) {
			continue;
		}
		pfd[n].fd = socks[i];
		pfd[n].events = (short)((sock_readable(bits, i) ? POLLIN : 0) |
		    (sock_writable(bits, i) ? POLLOUT : 0));
		pfd[n].revents = 0;
		n++;
	}
	ready = poll(pfd, (nfds_t)n, ms);
	if (ready <= 0) {
		ares_process_fd(ch->ares, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		return;
	}
	for (i = 0; i < n; i++) {
		bool rd = pfd[i].revents & (POLLIN | POLLERR | POLLHUP);
		bool wr = pfd[i].revents & POLLOUT;

		if (rd || wr) {
			ares_process_fd(ch->ares,
			    rd ? pfd[i].fd : ARES_SOCKET_BAD,
			    wr ? pfd[i].fd : ARES_SOCKET_BAD);
		}
	}
}

/* c-ares 1.18 does not say which transport answered a query: counting
 * the stream sockets it opens lets the resolver tell. */
static int
on_socket(ares_socket_t fd, int type, void *arg)
{
	struct dns_channel *ch = arg;

	(void)fd;
	if (type == SOCK_STREAM) {
		ch->tcp_sockets++;
	}
	return ARES_SUCCESS;
}

struct host_wait {
	bool done;
	int status;
	struct ip_addr addr;
};

static void
on_server_host(void *arg, int status, int timeouts, struct hostent *host)
{
	struct host_wait *w = arg;

	(void)timeouts;
	w->done = true;
	w->status = status;
	if (status == ARES_SUCCESS && host != NULL &&
	    host->h_addr_list[0] != NULL) {
		w->addr.family = host->h_addrtype;
		memcpy(w->addr.bytes, host->h_addr_list[0],
		    host->h_addrtype == AF_INET ? 4 : 16);
	} else if (status == ARES_SUCCESS) {
		w->status = ARES_ENODATA;
	}
}

/* @NAME: like dig, resolve the server's name with the system's resolver
 * configuration first, IPv4 then IPv6 (only one of them with -4, -6). */
static int
resolve_server_name(struct dns_channel *ch, const char *name, int family,
    unsigned deadline_ms, struct ip_addr *out)
{
	static const int families[] = { AF_INET, AF_INET6 };
	double deadline = clock_ms() + deadline_ms;
	size_t f;
	int status = ARES_ENOTFOUND;

	for (f = 0; f < 2; f++) {
		struct host_wait w;

		if (family != 0 && families[f] != family) {
			continue;
		}
		memset(&w, 0, sizeof(w));
		ares_gethostbyname(ch->ares, name, families[f],
		    on_server_host, &w);
		while (!w.done) {
			if (clock_ms() >= deadline) {
				ares_cancel(ch->ares);
				break;
			}
			dns_channel_poll(ch, deadline);
		}
		status = w.status;
		if (w.done && status == ARES_SUCCESS) {
			*out = w.addr;
			return ARES_SUCCESS;
		}
	}
	return status;
}

/* " (IPv4 only: -4)" for messages. */
static const char *
family_note(int family)
{
	return family == AF_INET ? " (IPv4 only: -4)" : family == AF_INET6 ?
	    " (IPv6 only: -6)" : "";
}

static int
set_server(struct dns_channel *ch, const struct dns_config *cfg,
    unsigned deadline_ms, struct error *err)
{
	struct ip_addr addr;
	char ip[IP_STRLEN], csv[IP_STRLEN + 16];
	unsigned port = cfg->port ? cfg->port : 53;
	int status;

	if (!ip_parse(cfg->server, &addr)) {
		status = resolve_server_name(ch, cfg->server, cfg->family,
		    deadline_ms, &addr);
		if (status != ARES_SUCCESS) {
			return error_set(err, "cannot resolve server '%s'%s: "
			    "%s", cfg->server, family_note(cfg->family),
			    ares_strerror(status));
		}
	} else if (cfg->family != 0 && addr.family != cfg->family) {
		char want = cfg->family == AF_INET ? '4' : '6';

		return error_set(err, "server '%s' is an IPv%c address, and "
		    "-%c asks for IPv%c only: give an IPv%c server, or leave "
		    "out -%c", cfg->server, want == '4' ? '6' : '4', want, want,
		    want, want);
	}
	ip_format(&addr, ip);
	snprintf(csv, sizeof(csv), addr.family == AF_INET6 ? "[%s]:%u" :
	    "%s:%u", ip, port);
	status = ares_set_servers_ports_csv(ch->ares, csv);
	if (status != ARES_SUCCESS) {
		return error_set(err, "cannot use server '%s': %s", cfg->server,
		    ares_strerror(status));
	}
	return 0;
}

/* Without @SERVER: the system's servers, on another port with -p, of one
 * family with -4 or -6. Returns 0, or -1 with err set. */
static int
system_servers(struct dns_channel *ch, const struct dns_config *cfg,
    struct error *err)
{
	struct ares_addr_port_node *list = NULL, *n, *kept, *head = NULL;
	struct ares_addr_port_node **tail = &head;
	size_t count = 0, i = 0;

	if (ares_get_servers_ports(ch->ares, &list) != ARES_SUCCESS) {
		return 0;
	}
	for (n = list; n != NULL; n = n->next) {
		count += cfg->family == 0 || n->family == cfg->family;
	}
	if (count == 0) {
		ares_free_data(list);
		if (cfg->family == 0) {
			return 0;
		}
		return error_set(err, "no IPv%c server in the system's "
		    "resolver configuration (/etc/resolv.conf): give @SERVER",
		    cfg->family == AF_INET ? '4' : '6');
	}
	kept = xcalloc(count, sizeof(*kept));
	for (n = list; n != NULL; n = n->next) {
		if (cfg->family != 0 && n->family != cfg->family) {
			continue;
		}
		kept[i] = *n;
		if (cfg->port != 0) {
			kept[i].udp_port = (int)cfg->port;
			kept[i].tcp_port = (int)cfg->port;
		}
		*tail = &kept[i];
		tail = &kept[i++].next;
	}
	*tail = NULL;
	ares_set_servers_ports(ch->ares, head);
	free(kept);
	ares_free_data(list);
	ch->nservers = count;
	return 0;
}

int
dns_channel_open(struct dns_channel *ch, const struct dns_config *cfg,
    unsigned deadline_ms, struct error *err)
{
	struct ares_options opts;
	int status;

	memset(ch, 0, sizeof(*ch));
	status = ares_library_init(ARES_LIB_INIT_ALL);
	if (status != ARES_SUCCESS) {
		return error_set(err, "%s", ares_strerror(status));
	}
	memset(&opts, 0, sizeof(opts));
	/* NOCHECKRESP: pass SERVFAIL and REFUSED up with their rcode instead
	 * of trying the next server and hiding them behind "could not
	 * contact servers"; a diagnostic must see them. */
	opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_EDNS |
	    (cfg->tcp ? ARES_FLAG_USEVC : 0);
	opts.ednspsz = DNS_EDNS_UDP_SIZE;
	opts.timeout = (int)cfg->timeout_ms;
	opts.tries = (int)cfg->tries;
	opts.socket_receive_buffer_size = UDP_RECEIVE_BUFFER;
	status = ares_init_options(&ch->ares, &opts, ARES_OPT_FLAGS |
	    ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ |
	    ARES_OPT_SOCK_RCVBUF);
	if (status != ARES_SUCCESS) {
		error_set(err, "%s", ares_strerror(status));
		ares_library_cleanup();
		return -1;
	}
	ares_set_socket_callback(ch->ares, on_socket, ch);
	ch->nservers = 1;
	if (cfg->server == NULL ? system_servers(ch, cfg, err) != 0 :
	    set_server(ch, cfg, deadline_ms, err) != 0) {
		ares_destroy(ch->ares);
		ares_library_cleanup();
		return -1;
	}
	return 0;
}

void
dns_channel_close(struct dns_channel *ch)
{
	ares_destroy(ch->ares);
	ares_library_cleanup();
}
