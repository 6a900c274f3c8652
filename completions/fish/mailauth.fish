# fish completion for mailauth(1)

set -l commands spf dkim dmarc ptr check smtp message

complete -c mailauth -f
complete -c mailauth -n "not __fish_seen_subcommand_from $commands" -a spf -d "walk a domain's SPF record, or evaluate it for one IP"
complete -c mailauth -n "not __fish_seen_subcommand_from $commands" -a dkim -d "check DKIM keys at selectors, or verify a message"
complete -c mailauth -n "not __fish_seen_subcommand_from $commands" -a dmarc -d "find a domain's DMARC policy (RFC 9989 tree walk)"
complete -c mailauth -n "not __fish_seen_subcommand_from $commands" -a check -d "is a domain and its mail server ready for Gmail?"
complete -c mailauth -n "not __fish_seen_subcommand_from $commands" -a ptr -d "check an IP's reverse DNS and its forward confirmation"
complete -c mailauth -n "not __fish_seen_subcommand_from $commands" -a smtp -d "probe the MX hosts' port 25: STARTTLS, certificate, DANE, MTA-STS"
complete -c mailauth -n "not __fish_seen_subcommand_from $commands" -a message -d "what a receiver decides about a message, and why"

complete -c mailauth -l server -r -d 'DNS server to ask'
complete -c mailauth -s p -l port -r -d 'server port'
complete -c mailauth -l tcp -d 'use TCP for every query'
complete -c mailauth -l timeout -r -d 'seconds to wait per try'
complete -c mailauth -l tries -r -d 'tries per server, or per question in a batch'
complete -c mailauth -l deadline -r -d 'bound on the whole run, in seconds'
complete -c mailauth -l zone -r -F -d 'answer from this zone file first'
complete -c mailauth -l trace -d 'show every DNS question and answer'
complete -c mailauth -l json -d 'print JSON'
complete -c mailauth -l color -x -a 'auto always never' -d 'use colours'
complete -c mailauth -l ascii -d 'plain ASCII tree glyphs'
complete -c mailauth -l batch -r -F -d 'one input per line, NDJSON out'
complete -c mailauth -l concurrency -r -d 'most queries in flight in a batch'
complete -c mailauth -l unordered -d 'print batch results as they finish'
complete -c mailauth -l shard -r -d 'only shard K of N'
complete -c mailauth -l no-adapt -d 'hold a batch at --concurrency queries in flight'
complete -c mailauth -l qps -r -d 'at most this many queries per second'
complete -c mailauth -l resume -r -F -d 'continue the batch whose output is this file'
complete -c mailauth -s 4 -d 'talk to the DNS server over IPv4 only'
complete -c mailauth -s 6 -d 'talk to the DNS server over IPv6 only'
complete -c mailauth -l brief -d 'the verdict and the counts (+short)'
complete -c mailauth -a +short -d 'the verdict and the counts (--brief)'
complete -c mailauth -s h -l help -d 'show help'
complete -c mailauth -s V -l version -d 'show the version'

complete -c mailauth -n "__fish_seen_subcommand_from spf" -l record -r -d 'test a draft record'
complete -c mailauth -n "__fish_seen_subcommand_from spf" -s i -l ip -l client-ip -r -d 'evaluate for this client IP'
complete -c mailauth -n "__fish_seen_subcommand_from spf" -s f -l sender -r -d 'MAIL FROM address'
complete -c mailauth -n "__fish_seen_subcommand_from spf" -s e -l helo -r -d 'HELO name'
complete -c mailauth -n "__fish_seen_subcommand_from spf" -l flatten -d 'print records with includes flattened to ip4/ip6'

complete -c mailauth -n "__fish_seen_subcommand_from ptr" -s e -l helo -r -d 'HELO name to compare'
complete -c mailauth -n "__fish_seen_subcommand_from ptr" -l domain -r -d 'the sending domain'
complete -c mailauth -n "__fish_seen_subcommand_from dkim" -s s -l selector -r -d 'selector to check'
complete -c mailauth -n "__fish_seen_subcommand_from dkim" -l verify -r -F -d 'verify the DKIM signatures of a message'
complete -c mailauth -n "__fish_seen_subcommand_from check" -s i -l ip -l client-ip -r -d 'a sending IP'
complete -c mailauth -n "__fish_seen_subcommand_from check" -s f -l sender -r -d 'MAIL FROM address'
complete -c mailauth -n "__fish_seen_subcommand_from check" -s e -l helo -r -d 'HELO name'
complete -c mailauth -n "__fish_seen_subcommand_from check" -s s -l selector -r -d 'DKIM selector'
complete -c mailauth -n "__fish_seen_subcommand_from check" -l all-senders -d 'rules for all senders, not bulk senders'
complete -c mailauth -n "__fish_seen_subcommand_from check" -l dnsbl -r -d 'DNS blocklist zone'
complete -c mailauth -n "__fish_seen_subcommand_from check" -l no-dnsbl -d 'ask no blocklist'
complete -c mailauth -n "__fish_seen_subcommand_from check" -l details -d 'also show the SPF, DKIM, DMARC and PTR sections'
complete -c mailauth -n "__fish_seen_subcommand_from check" -l smtp -d 'probe the MX hosts for the tls line'
complete -c mailauth -n "__fish_seen_subcommand_from smtp check" -l smtp-port -r -d 'SMTP port to probe'
complete -c mailauth -n "__fish_seen_subcommand_from smtp check" -l smtp-timeout -r -d 'seconds each step may go without progress'
complete -c mailauth -n "__fish_seen_subcommand_from smtp" -l ehlo -r -d 'our EHLO name'
complete -c mailauth -n "__fish_seen_subcommand_from smtp check" -l ca-file -r -F -d 'trust these CA certificates'
complete -c mailauth -n "__fish_seen_subcommand_from message" -F
complete -c mailauth -n "__fish_seen_subcommand_from message" -s i -l ip -l client-ip -r -d 'the sending client IP'
complete -c mailauth -n "__fish_seen_subcommand_from message" -s f -l sender -r -d 'MAIL FROM address'
complete -c mailauth -n "__fish_seen_subcommand_from message" -s e -l helo -r -d 'HELO name'
complete -c mailauth -n "__fish_seen_subcommand_from message" -l authserv-id -r -d 'authserv-id of the field mailauth writes'
complete -c mailauth -n "__fish_seen_subcommand_from message" -l ar -d 'print only that Authentication-Results field'
complete -c mailauth -n "__fish_seen_subcommand_from message" -l receiver-id -r -d "authserv-id of the receiver's results"
