/* Every bound mailauth puts on work done for untrusted input, in one place.
 * Hitting one is reported as a finding, never a silent truncation. */
#ifndef MAILAUTH_BOUNDS_H
#define MAILAUTH_BOUNDS_H

/* A bound (or a protocol constant) written as one number, as text for a
 * static message: BOUND_TEXT(SPF_LOOKUP_LIMIT) is "10". */
#define BOUND_TEXT(n) BOUND_TEXT_(n)
#define BOUND_TEXT_(n) #n

/* RFC 7208 §4.6.4: at most 10 terms that cause DNS queries per check. */
#define SPF_LOOKUP_LIMIT 10
/* RFC 7208 §4.6.4: at most 2 lookups that return no records (void). */
#define SPF_VOID_LIMIT 2
/* RFC 7208 §4.6.4: an "mx" (or "ptr") term may look up at most 10 names. */
#define SPF_MX_NAME_LIMIT 10
#define SPF_PTR_NAME_LIMIT 10

/* RFC 7208 §3.4: SPF answers should fit a 512-octet UDP reply; larger
 * ones need EDNS or TCP and some receivers give up. */
#define SPF_ANSWER_UDP_MAX 512
/* --flatten keeps each record's text to this, leaving room in a 512-octet
 * answer for the question, the RR header and the string lengths. */
#define SPF_FLAT_RECORD_MAX 450

/* PTR names whose addresses are looked up for one IP: receivers check a
 * handful, and a hostile reverse zone may publish thousands. */
#define PTR_MAX_NAMES 10

/* RFC 9989 §4.10: the DMARC DNS Tree Walk asks at most 8 names. */
#define DMARC_WALK_MAX_QUERIES 8

/* DKIM-Signature fields of one message that are checked: each costs a
 * key lookup and a public-key operation. */
#define DKIM_MAX_SIGNATURES 16
/* -s selectors on one command line. */
#define DKIM_MAX_SELECTORS 32
/* A message given to dkim --verify. */
#define DKIM_MAX_MESSAGE (64 * 1024 * 1024)

/* Received fields of one message that are read: a message crosses a
 * handful of hops, and RFC 5321 §6.3 has MTAs refuse one with about 100. */
#define MESSAGE_MAX_RECEIVED 100

/* RFC 8617 §4.2.1, §5.2 step 1: at most 50 ARC Sets on a message. */
#define ARC_MAX_INSTANCES 50
/* The largest i= read, to say how far past 50 a chain goes. */
#define ARC_MAX_INSTANCE_READ 999999

/* DMARC report destinations whose authorization is checked: each costs
 * a query, and a record may list hundreds. */
#define DMARC_MAX_DESTINATIONS 32

/* check: MX hosts and sending IPs looked at for one domain. */
#define CHECK_MAX_MX 10
#define CHECK_MAX_IPS 16
/* Blocklist zones asked for each sending IP. */
#define CHECK_MAX_DNSBLS 8
/* Requirements one check lists: each item of the checklist at most once
 * (src/check/requirements.c and auth.c add 18 at most). */
#define CHECK_MAX_REQUIREMENTS 18

/* --batch: longer lines are errors (no input needs more than a few names
 * and an IP); the fields read from one line; lines in progress at once
 * by default; and the cached questions after which the cache starts
 * afresh, which keeps memory flat however long the input (about 10 MB of
 * answers). */
#define BATCH_MAX_LINE 4096
#define BATCH_MAX_FIELDS 34
#define BATCH_DEFAULT_CONCURRENCY 512
#define BATCH_MAX_CONCURRENCY 65536
#define BATCH_CACHE_QUESTIONS 20000
/* --batch asks a question up to this many times (the retry budget): with
 * 5% of queries lost at random, a question is lost 7 times in a row once
 * in 1.3e9, so a batch of 10,000 lines (some 30,000 questions) loses none;
 * with 10% lost on each way (19% of tries), once in 110,000 questions. */
#define BATCH_TRIES 7
/* Lines in progress per question the window allows: a line waits for
 * one question at a time or none (backing off, answered from the
 * cache), so twice the ceiling keeps the window full. */
#define BATCH_LINES_PER_SLOT 2
/* --qps: more than a million questions a second is no cap. */
#define BATCH_MAX_QPS 1000000
/* --resume: the largest input line number a batch counts to (an unsigned
 * long on 32-bit machines); a larger "line" in the file is not ours. */
#define BATCH_MAX_LINE_NUMBER 4294967295UL

/* The walk keeps going past the lookup limit to show how far over a domain
 * is, but not forever: 10 lookups can reach at most 11 records, so ten
 * times that is far past anything a receiver would read. */
#define SPF_WALK_MAX_RECORDS 100
/* Nesting of include/redirect; a receiver stops at depth 11. */
#define SPF_WALK_MAX_DEPTH 20

/* CNAME links a lookup follows when a server answers with the CNAME
 * alone (an authoritative server pointing into another zone), and that
 * --zone answers follow; a longer chain is a loop, answered SERVFAIL. */
#define DNS_MAX_CNAME_CHAIN 8

/* --zone files hold drafts a user typed, not the Internet: the size and
 * the records only keep a wrong file (a log, a binary) from eating the
 * machine; the tokens of one logical line allow a TXT record of 64 KiB in
 * one-octet strings. */
#define ZONE_MAX_FILE (16 * 1024 * 1024)
#define ZONE_MAX_RECORDS 100000
#define ZONE_MAX_TOKENS 70000

/* Strings per TXT record and octets per record need no bound of their
 * own: a DNS message holds at most 65535 octets (RFC 1035 §4.2.2), every
 * parser is linear in it, and records over 255 octets a string or 512 an
 * answer are findings of the SPF lint. */

/* Times one question is asked again on a new TCP connection after the
 * server closed the one it was sent on (RFC 7766 §6.2.1): a server that
 * answers one question per connection needs as many as there are
 * questions in flight; the run's deadline bounds the time anyway. */
#define DNS_MAX_REASKS 64

/* Distinct DNS questions in one run; a fan-out bomb stops here. */
#define DNS_MAX_QUESTIONS 20000
/* Queries outstanding at once on the channel. */
#define DNS_MAX_IN_FLIGHT 512
/* How long one try waits for its answer without --timeout. */
#define DNS_DEFAULT_TIMEOUT_MS 5000
/* The run's default deadline, when --deadline is not given and timeout x
 * tries x servers is shorter: RFC 7208 §4.6.4 asks that an SPF evaluation
 * be allowed at least 20 seconds, and check chains lookups (MX, then A,
 * then PTR, then A again) that a slow resolver answers one after the
 * other. A server that answers nothing still ends the run at its timeout:
 * the first lookups fail together, and nothing waits on them. */
#define DNS_DEFAULT_DEADLINE_MS 20000

/* Numbers typed on the command line: --timeout and --deadline in seconds
 * (an hour is past any answer worth waiting for), --tries per server
 * (each try waits --timeout), and the N of --shard K/N (a million shards
 * is past any job runner). */
#define CLI_MAX_SECONDS 3600
#define CLI_MAX_TRIES 10
#define CLI_MAX_SHARDS (1u << 20)

/* smtp: SMTP sessions open at once (one per address), in a single run and
 * in a batch whatever --concurrency says: a diagnostic must never open
 * hundreds of sessions to other people's servers. */
#define SMTP_MAX_SESSIONS 8
/* MX hosts probed for one domain, and addresses probed for one host: a
 * sender tries a few (RFC 5321 §5.1 leaves the number to it). */
#define SMTP_MAX_HOSTS 10
#define SMTP_MAX_ADDRS_PER_HOST 4
/* One SMTP reply: RFC 5321 §4.5.3.1.5 allows 512 octets a line; an EHLO
 * reply lists a few dozen extensions. More than this is a hostile or
 * broken server, reported, never buffered without end. */
#define SMTP_MAX_REPLY_LINES 100
#define SMTP_MAX_REPLY_BYTES (64 * 1024)
/* --smtp-timeout bounds each step without progress (RFC 5321 §4.5.3.2
 * gives whole minutes per reply; a diagnostic waits less): every line
 * of a reply that arrives starts it again, but a reply whose lines keep
 * trickling in gets at most this many timeouts in all. */
#define SMTP_REPLY_MAX_TIMEOUTS 3
/* The default for --smtp-timeout (seconds), and its ceiling. */
#define SMTP_DEFAULT_TIMEOUT_S 10
#define SMTP_MAX_TIMEOUT_S 300
/* Certificates of a chain kept for DANE usage 2 (RFC 7671 §5.2.2); a
 * real chain has 2 to 4. */
#define SMTP_MAX_CHAIN 16
/* TLSA records matched for one host. */
#define SMTP_MAX_TLSA 16
/* RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
#define MTA_STS_MAX_AGE 31557600L
/* An MTA-STS policy (RFC 8461 §3.2) is a few short lines; a body larger
 * than this is refused rather than read. */
#define MTA_STS_MAX_BODY (64 * 1024)
/* mx: lines of one policy that are matched. */
#define MTA_STS_MAX_MX 32

#endif
