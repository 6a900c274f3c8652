#!/usr/bin/python3
"""Nothing a DNS server can send crashes, hangs or fools mailauth. Each
case of tests/README.md's table runs the binary against
tests/fakedns.py and asserts: no crash (exit 0-3), finished within
--timeout plus one second, bounded memory, valid JSON with a finding or
error that names the problem, and no raw control bytes from DNS reaching
the terminal."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import WRAPPER, SLOWDOWN, FakeDNS, mailauth_measured  # noqa: E402

TIMEOUT = 1.0
# Peak RSS allowed for one run (KiB). A sanitizer build maps shadow
# memory; its real use stays far below this too.
MAX_RSS_KB = 256 * 1024
# The slack over --timeout: process start and exit, a slow CI machine.
SLACK = 1.0
ZONE = 'hostile.test'


def spf_txt(text):
    """TXT data in strings of at most 255 octets."""
    return [text[i:i + 255] for i in range(0, len(text), 255)]


def wire_case(action, **params):
    behavior = dict(action=action, **params)
    return {'records': {'t.hostile.test': [
        {'type': 'TXT', 'data': 'v=spf1 -all'}]},
        'behaviors': {'t.hostile.test': {'*': behavior}}}


WIRE_CASES = {
    'timeout': wire_case('timeout'),
    'late answer': wire_case('delay', ms=3000),
    'servfail': wire_case('rcode', rcode='SERVFAIL'),
    'refused': wire_case('rcode', rcode='REFUSED'),
    'formerr': wire_case('rcode', rcode='FORMERR'),
    'notimp': wire_case('rcode', rcode='NOTIMP'),
    'yxdomain': wire_case('rcode', rcode=6),
    'notauth': wire_case('rcode', rcode=9),
    'rcode 15': wire_case('rcode', rcode=15),
    'garbage': wire_case('garbage', length=60),
    'spoofed id': wire_case('wrong_id'),
    'pointer loop': wire_case('pointer_loop'),
    'more answers announced than sent': wire_case('count_mismatch'),
    'answer cut short': wire_case('cut'),
    'QR bit clear': wire_case('qr_zero'),
    'answer to another question': wire_case('wrong_question'),
    'empty datagram': wire_case('empty'),
    'TCP drips a byte at a time': wire_case('tcp_drip', ms=300),
    'TCP stalls': wire_case('tcp_stall'),
    'TC set over TCP': wire_case('tcp_tc'),
    'TCP length prefix too long': wire_case('oversized_tcp'),
}


def tree_cases():
    cases = {}
    fan = 'v=spf1 ' + ' '.join('include:f%d.hostile.test' % i
                               for i in range(400)) + ' -all'
    records = {'t.hostile.test': [{'type': 'TXT', 'data': spf_txt(fan)}]}
    for i in range(400):
        records['f%d.hostile.test' % i] = [
            {'type': 'TXT', 'data': 'v=spf1 ip4:192.0.2.%d -all' % (i % 250)}]
    cases['fan-out of 400 includes'] = ({'records': records}, ['spf'],
                                        'spf-walk-limit')
    records = {}
    for i in range(60):
        records['d%d.hostile.test' % i] = [
            {'type': 'TXT', 'data': 'v=spf1 include:d%d.hostile.test -all'
             % (i + 1)}]
    records['t.hostile.test'] = records.pop('d0.hostile.test')
    cases['include chain 60 deep'] = ({'records': records}, ['spf'],
                                      'spf-walk-limit')
    cases['record includes itself'] = ({'records': {'t.hostile.test': [
        {'type': 'TXT', 'data': 'v=spf1 include:t.hostile.test -all'}]}},
        ['spf'], 'spf-loop')
    big = 'v=spf1 ' + ' '.join('ip4:10.%d.%d.0/24' % (i // 250, i % 250)
                               for i in range(2500)) + ' -all'
    cases['60 KB SPF record over TCP'] = ({'records': {'t.hostile.test': [
        {'type': 'TXT', 'data': spf_txt(big)}]}}, ['spf'],
        'spf-answer-too-large')
    mx = [{'type': 'MX', 'data': [i, 'm%d.hostile.test' % i]}
          for i in range(300)]
    cases['300 MX records'] = ({'records': {'t.hostile.test': [
        {'type': 'TXT', 'data': 'v=spf1 mx -all'}] + mx}}, ['spf'],
        'spf-mx-too-many')
    cases['label over 63 octets'] = ({'records': {'t.hostile.test': [
        {'type': 'TXT', 'data': 'v=spf1 include:%s.hostile.test -all' %
         ('x' * 70)}]}}, ['spf'], 'spf-include-no-record')
    cases['macro past 253 octets'] = ({'records': {'t.hostile.test': [
        {'type': 'TXT', 'data': 'v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}.'
         'hostile.test -all'}]}},
        ['spf', '--ip', '192.0.2.1', '--sender', 'a' * 60 +
         '@t.hostile.test'], None)
    key = 'v=DKIM1; p=' + 'A' * 30000
    cases['30 KB DKIM key'] = ({'records': {
        'x._domainkey.t.hostile.test': [{'type': 'TXT',
                                          'data': spf_txt(key)}]}},
        ['dkim', '-s', 'x'], 'dkim-key-invalid')
    rua = ','.join('mailto:r%d@ext%d.example' % (i, i) for i in range(500))
    cases['500 report destinations'] = ({'records': {
        '_dmarc.t.hostile.test': [{'type': 'TXT',
                                   'data': spf_txt('v=DMARC1; p=reject; '
                                                   'rua=' + rua)}]}},
        ['dmarc'], 'dmarc-report-limit')
    ptr = [{'type': 'PTR', 'data': 'p%d.hostile.test' % i}
           for i in range(300)]
    cases['300 PTR names'] = ({'zones': ['in-addr.arpa'], 'records': {
        '7.2.0.192.in-addr.arpa': ptr}}, ['ptr', '192.0.2.7'],
        'ptr-multiple')
    chain = {}
    for i in range(30):
        chain['c%d.hostile.test' % i] = [
            {'type': 'CNAME', 'data': 'c%d.hostile.test' % (i + 1)}]
    chain['t.hostile.test'] = [{'type': 'CNAME', 'data': 'c0.hostile.test'}]
    cases['CNAME chain of 30'] = ({'records': chain}, ['spf'], None)
    return cases


def run_case(testcase, config, command, expect_code=None):
    config = dict(config)
    config.setdefault('zones', [])
    config['zones'] = list(config['zones']) + [ZONE, 'test', 'example']
    server = FakeDNS(config).start()
    testcase.addCleanup(server.stop)
    target = [] if command[0] in ('ptr',) else ['t.hostile.test']
    r = mailauth_measured(*server.args(), '--timeout', str(TIMEOUT),
                          '--tries', '1', '--json', '--trace',
                          *command[:1], *target, *command[1:])
    testcase.assertIn(r.code, (0, 1, 3), 'crashed or usage: %d %s' %
                      (r.code, r.err[-500:]))
    if expect_code is not None:
        testcase.assertEqual(r.code, expect_code, r.out[-500:])
    testcase.assertLess(r.elapsed, (TIMEOUT + SLACK) * SLOWDOWN, 'too slow')
    if not WRAPPER:
        testcase.assertLess(r.maxrss_kb, MAX_RSS_KB, 'memory')
    doc = json.loads(r.out)
    testcase.assertNotIn('\x1b', r.out + r.err)
    return r, doc


def codes(doc):
    return [f['code'] for f in doc.get('findings', [])]


class WireFaults(unittest.TestCase):
    pass


def make_wire_test(name, config):
    def test(self):
        r, doc = run_case(self, config, ['spf'], expect_code=3)
        self.assertIn('spf-dns-error', codes(doc), name)
    return test


for _name, _config in WIRE_CASES.items():
    setattr(WireFaults, 'test_' + _name.replace(' ', '_').replace('-', '_'),
            make_wire_test(_name, _config))


class HostileTrees(unittest.TestCase):
    pass


def make_tree_test(name, config, command, code):
    def test(self):
        r, doc = run_case(self, config, command)
        if code is not None:
            self.assertIn(code, codes(doc), name)
    return test


for _name, (_config, _command, _code) in tree_cases().items():
    setattr(HostileTrees, 'test_' + _name.replace(' ', '_').replace('-', '_'),
            make_tree_test(_name, _config, _command, _code))


class TerminalSafety(unittest.TestCase):
    HOSTILE = ['v=spf1 ip4:192.0.2.1 \\x1b[31mred\\x1b[0m \\x07\\x00 '
               '\\xc3\\x28 \\xe2\\x80\\xae -all']

    def server(self):
        server = FakeDNS({'zones': [ZONE], 'records': {
            't.hostile.test': [{'type': 'TXT', 'data': self.HOSTILE}],
            '\\x1b[2J.hostile.test': [{'type': 'A', 'data': '192.0.2.9'}]},
        }).start()
        self.addCleanup(server.stop)
        return server

    def test_text_escapes_control_bytes(self):
        server = self.server()
        r = mailauth_measured(*server.args(), '--trace', '--color=always',
                              'spf', 't.hostile.test')
        raw = (r.out + r.err).replace('\x1b[', '')
        self.assertNotIn('\x1b', r.out.replace('\x1b[0m', '').replace(
            '\x1b[1m', '').replace('\x1b[2m', '').replace(
            '\x1b[31m', '').replace('\x1b[32m', '').replace(
            '\x1b[33m', '').replace('\x1b[36m', ''))
        self.assertIn('\\x1b[31mred\\x1b[0m', r.out)
        self.assertIn('\\x07\\x00', r.out)
        self.assertIn('\\xc3(', r.out)
        self.assertIn('\\xe2\\x80\\xae', r.out)
        self.assertNotIn('\x07', raw)
        self.assertNotIn('\x00', raw)

    def test_json_is_valid_utf8_with_the_same_escapes(self):
        server = self.server()
        r = mailauth_measured(*server.args(), '--json', 'spf',
                              't.hostile.test')
        doc = json.loads(r.out)
        self.assertIn('\\x1b[31m', doc['tree']['record'])
        r.out.encode('utf-8')


if __name__ == '__main__':
    unittest.main(verbosity=2)
