#!/usr/bin/python3
"""Writes the benchmark's zone (fixtures/bench.json, for tests/fakedns.py)
and its list of domains (fixtures/mass.txt). Deterministic: run it again
and the files are the same."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'fixtures')
records = {}


def txt(name, text):
    records.setdefault(name, []).append(
        {'type': 'TXT', 'data': [text[i:i + 255]
                                 for i in range(0, len(text), 255)]})


def a(name, ip):
    records.setdefault(name, []).append({'type': 'A', 'data': ip})


def nets(prefix, n):
    return ' '.join('ip4:%s.%d.0/24' % (prefix, i) for i in range(n))


# gmail-like: depth 3, 5 queries (redirect, then three includes).
txt('gmail.bench', 'v=spf1 redirect=_spf.google.bench')
txt('_spf.google.bench', 'v=spf1 include:_netblocks.google.bench '
    'include:_netblocks2.google.bench include:_netblocks3.google.bench ~all')
txt('_netblocks.google.bench', 'v=spf1 %s ~all' % nets('64.233', 12))
txt('_netblocks2.google.bench', 'v=spf1 ip6:2001:4860:4000::/36 '
    'ip6:2404:6800:4000::/36 ~all')
txt('_netblocks3.google.bench', 'v=spf1 ip4:172.217.0.0/19 ~all')

# heavy enterprise: 4 levels, 15 DNS-querying terms.
txt('enterprise.bench', 'v=spf1 mx a include:_spf.enterprise.bench '
    'include:spf.protection.outlook.bench include:_spf.salesforce.bench '
    'include:mail.zendesk.bench -all')
records.setdefault('enterprise.bench', []).append(
    {'type': 'MX', 'data': [10, 'mx.enterprise.bench']})
a('enterprise.bench', '198.51.100.1')
a('mx.enterprise.bench', '198.51.100.2')
txt('_spf.enterprise.bench', 'v=spf1 include:_spf1.enterprise.bench '
    'include:_spf2.enterprise.bench ~all')
txt('_spf1.enterprise.bench', 'v=spf1 include:_nets1.enterprise.bench ~all')
txt('_nets1.enterprise.bench', 'v=spf1 %s ~all' % nets('203.0', 5))
txt('_spf2.enterprise.bench', 'v=spf1 ip4:198.51.100.0/24 ~all')
txt('spf.protection.outlook.bench', 'v=spf1 include:spfa.outlook.bench '
    'include:spfb.outlook.bench -all')
txt('spfa.outlook.bench', 'v=spf1 include:spfa1.outlook.bench ~all')
txt('spfa1.outlook.bench', 'v=spf1 %s ~all' % nets('40.92', 8))
txt('spfb.outlook.bench', 'v=spf1 %s ~all' % nets('52.100', 8))
txt('_spf.salesforce.bench', 'v=spf1 exists:%{i}._spf.salesforce.bench '
    'include:_blocks.salesforce.bench ~all')
txt('_blocks.salesforce.bench', 'v=spf1 %s ~all' % nets('136.147', 6))
txt('mail.zendesk.bench', 'v=spf1 %s ~all' % nets('192.161', 4))

# wide: 9 includes, each with a nested include (depth 3).
txt('wide.bench', 'v=spf1 ' + ' '.join('include:w%d.wide.bench' % i
                                       for i in range(9)) + ' -all')
for i in range(9):
    txt('w%d.wide.bench' % i, 'v=spf1 include:n%d.wide.bench ~all' % i)
    txt('n%d.wide.bench' % i, 'v=spf1 ip4:10.%d.0.0/16 ~all' % i)

# 10,000 domains: SPF of depth 1-3 sharing 20 sending providers, + DMARC.
for k in range(20):
    txt('esp%d.bench' % k, 'v=spf1 include:_nb.esp%d.bench ~all' % k)
    txt('_nb.esp%d.bench' % k, 'v=spf1 %s ~all' % nets('100.%d' % k, 4))
domains = []
for i in range(10000):
    d = 'd%05d.mass.bench' % i
    domains.append(d)
    depth = i % 3
    if depth == 0:
        txt(d, 'v=spf1 ip4:192.0.2.%d -all' % (i % 250))
    elif depth == 1:
        txt(d, 'v=spf1 include:esp%d.bench -all' % (i % 20))
    else:
        txt(d, 'v=spf1 mx include:esp%d.bench include:esp%d.bench -all'
            % (i % 20, (i + 7) % 20))
    txt('_dmarc.' + d, 'v=DMARC1; p=%s; rua=mailto:dmarc@%s'
        % (('none', 'quarantine', 'reject')[i % 3], d))

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'bench.json'), 'w') as f:
    json.dump({'zones': ['bench'], 'records': records}, f, sort_keys=True)
with open(os.path.join(OUT, 'mass.txt'), 'w') as f:
    f.write('\n'.join(domains) + '\n')
print('%d names, %d domains' % (len(records), len(domains)))
