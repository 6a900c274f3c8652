#!/usr/bin/python3
"""Golden outputs of every command: the text tree, the JSON and --brief,
byte for byte, against knotd serving tests/zones/ (and the DKIM and ARC
example keys below), and against tests/fakedns.py where a server must
fail. A change that is meant to keep the behaviour must keep every file
of tests/integration/golden/ as it is.

To regenerate after an intended change of output (then review the diff):

    MAILAUTH_GOLDEN=update meson test -C build integration-golden

smtp's goldens live in test_smtp.py, which has the SMTP servers; message
goldens of messages signed at test time are in test_message.py.
"""
import os
import sys
import tempfile
import unittest

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeDNS, Knot, TESTS, mailauth  # noqa: E402
import goldens  # noqa: E402

DKIM_DATA = os.path.join(TESTS, 'dkim')
RFC6376_MSG = os.path.join(DKIM_DATA, 'rfc6376.signed.msg')
ARC_SUITE = os.path.join(TESTS, 'conformance', 'arc-validation-tests.yml')

# --trace prints each answer's round-trip time and the run's totals.
TRACE_TEXT = [(r'\b\d+(\.\d+)? ms\b', '<ms> ms')]
TRACE_JSON = {'rtt_ms': '<ms>', 'elapsed_ms': '<ms>', 'ms': '<ms>'}

# (golden name, arguments after the server, exit status). Each runs as a
# tree (golden NAME.txt) and with --json (NAME.json); --brief cases have
# "brief" in their name and run as they are.
KNOT_CASES = [
    # spf: the tree and its counts, the limits, evaluation, --flatten.
    ('spf-tree-gmail', ['spf', 'gmail.com'], 0),
    ('spf-eleven', ['spf', 'eleven.spf.test'], 1),
    ('spf-voids', ['spf', 'voids.spf.test'], 1),
    ('spf-macro', ['spf', 'macro.spf.test'], 0),
    ('spf-ip-pass', ['spf', '--ip', '192.0.2.1', '--sender',
                     'a@strict.spf.test'], 0),
    ('spf-ip-fail', ['spf', '--ip', '192.0.2.99', 'strict.spf.test'], 1),
    ('spf-ip-gmail', ['spf', '--ip', '2607:f8b0:4000::1', 'gmail.com'], 0),
    ('spf-flatten', ['spf', '--flatten', 'flat.spf.test'], 0),
    ('spf-brief', ['--brief', 'spf', 'eleven.spf.test'], 1),
    ('spf-brief-ip', ['--brief', 'spf', '--ip', '192.0.2.99',
                      'strict.spf.test'], 1),
    # dkim: the probe, selectors, --verify of RFC 8463's example.
    ('dkim-probe', ['dkim', 'home.check.test'], 0),
    ('dkim-selector', ['dkim', '-s', 'default', 'testing.check.test'], 0),
    ('dkim-verify', ['dkim', '--verify', RFC6376_MSG], 0),
    ('dkim-verify-keys', ['dkim', '-s', 'brisbane', '-s', 'test',
                          'football.example.com'], 0),
    ('dkim-brief', ['--brief', 'dkim', 'home.check.test'], 0),
    # dmarc: the tree walk, the policy, report destinations.
    ('dmarc-org', ['dmarc', 'www.dmarc.test'], 0),
    ('dmarc-ext', ['dmarc', 'ext.dmarc.test'], 0),
    ('dmarc-bad', ['dmarc', 'bad.dmarc.test'], 1),
    ('dmarc-brief', ['--brief', 'dmarc', 'www.dmarc.test'], 0),
    # ptr: confirmed, missing, several names, the HELO and the domain.
    ('ptr-confirmed', ['ptr', '--helo', 'mail.home.check.test', '--domain',
                       'check.test', '198.51.100.25'], 0),
    ('ptr-missing', ['ptr', '192.0.2.1'], 1),
    ('ptr-v6', ['ptr', '2001:db8:1::25'], 0),
    ('ptr-brief', ['--brief', 'ptr', '192.0.2.1'], 1),
    # check: ready, not ready, --details.
    ('check-ready', ['check', '--no-dnsbl', 'home.check.test'], 0),
    ('check-noptr', ['check', 'noptr.check.test'], 1),
    ('check-details', ['check', '--details', '--no-dnsbl', '--ip',
                       '198.51.100.29', 'overlimit.check.test'], 1),
    ('check-brief', ['--brief', 'check', 'noptr.check.test'], 1),
    # message: RFC 8463's example with its SMTP context given, and an
    # ARC-sealed message of the ValiMail suite (two ARC Sets).
    ('message-rfc8463', ['message', '--ip', '192.0.2.1', '--helo',
                         'mail.football.example.com', '--sender',
                         'joe@football.example.com', '--authserv-id',
                         'mx.golden.test', RFC6376_MSG], 0),
    ('message-arc', ['message', '--authserv-id', 'mx.golden.test',
                     '@ARC'], 1),
    ('message-brief', ['--brief', 'message', '--authserv-id',
                       'mx.golden.test', RFC6376_MSG], 0),
]


def key_record(selector):
    with open(os.path.join(DKIM_DATA, '%s._domainkey.football.example.com'
                           '.txt' % selector)) as f:
        return f.read().strip()


def zone(apex, lines):
    head = ['$ORIGIN %s.' % apex, '$TTL 300',
            '@ SOA ns.test. hostmaster.test. 1 900 900 1800 60',
            '@ NS ns.test.']
    return '\n'.join(head + lines) + '\n'


def arc_case():
    """The message and key records of the suite's cv_pass_i2_1."""
    with open(ARC_SUITE, encoding='utf-8') as f:
        for doc in yaml.safe_load_all(f):
            if doc and 'cv_pass_i2_1' in doc.get('tests', {}):
                return doc['tests']['cv_pass_i2_1']['message'], \
                    doc['txt-records']
    raise RuntimeError('cv_pass_i2_1 is not in %s' % ARC_SUITE)


def extra_zones(arc_records):
    football = ['%s._domainkey TXT "%s"' % (s, key_record(s))
                for s in ('brisbane', 'test')]
    football.append('_dmarc TXT "v=DMARC1; p=reject; '
                    'rua=mailto:dmarc@football.example.com"')
    arc = {}
    for name, value in arc_records.items():
        selector, apex = name.split('._domainkey.')
        text = ' '.join(value.split())
        parts = ' '.join('"%s"' % text[i:i + 250]
                         for i in range(0, len(text), 250))
        arc.setdefault(apex, []).append('%s._domainkey TXT %s' %
                                        (selector, parts))
    # The DMARC tree walk goes up to _dmarc.com and _dmarc.org: their
    # zones answer that nothing is there.
    zones = {'football.example.com': zone('football.example.com',
                                          football),
             'com': zone('com', []), 'org': zone('org', [])}
    for apex, lines in arc.items():
        zones[apex] = zone(apex, lines)
    return zones


class GoldenAgainstKnot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        message, records = arc_case()
        cls.tmp = tempfile.mkdtemp(prefix='mailauth-golden-')
        cls.arc_message = os.path.join(cls.tmp, 'arc.eml')
        with open(cls.arc_message, 'w', encoding='utf-8', newline='') as f:
            f.write(message)
        cls.knot = Knot(extra_zones(records)).start()

    @classmethod
    def tearDownClass(cls):
        cls.knot.stop()
        import shutil
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_case(self, name, args, code):
        args = [self.arc_message if a == '@ARC' else a for a in args]
        r = mailauth(*self.knot.args(), *args)
        self.assertEqual(r.code, code, (name, r.err))
        self.assertEqual(r.err, '', name)
        goldens.check_text(self, name + '.txt', r)
        if 'brief' in name:
            return
        r = mailauth(*self.knot.args(), '--json', *args)
        self.assertEqual(r.code, code, (name, r.err))
        goldens.check_json(self, name + '.json', r)

    def test_cases(self):
        for name, args, code in KNOT_CASES:
            with self.subTest(name):
                self.run_case(name, args, code)

    def test_ascii_tree(self):
        r = mailauth(*self.knot.args(), '--ascii', 'dmarc', 'ext.dmarc.test')
        self.assertEqual(r.code, 0, r.err)
        goldens.check_text(self, 'dmarc-ext-ascii.txt', r)

    def test_authentication_results_field(self):
        r = mailauth(*self.knot.args(), 'message', '--ar', '--authserv-id',
                     'mx.golden.test', '--ip', '192.0.2.1', '--sender',
                     'joe@football.example.com', RFC6376_MSG)
        self.assertEqual(r.code, 0, r.err)
        goldens.check_text(self, 'message-ar.txt', r)

    def test_trace(self):
        """Round-trip and elapsed times are volatile: named and masked,
        never dropped. The three includes of _spf.google.com are asked at
        once, so their answers come in any order: the trace is compared
        sorted by question (the totals line stays last)."""
        r = mailauth(*self.knot.args(), '--trace', 'spf', 'gmail.com')
        self.assertEqual(r.code, 0, r.err)
        lines = goldens.mask_text(r.err, TRACE_TEXT).splitlines(True)
        goldens.compare(self, 'spf-trace.stderr',
                        ''.join(sorted(lines[:-1]) + lines[-1:]))
        r = mailauth(*self.knot.args(), '--trace', '--json', 'spf',
                     'gmail.com')
        self.assertEqual(r.code, 0, r.err)
        doc = goldens.mask_json(r.json(), TRACE_JSON)
        doc['queries'].sort(key=lambda q: (q['name'], q['type']))
        goldens.compare(self, 'spf-trace.json', goldens.json_text(doc))

    def test_batch(self):
        lines = b'gmail.com\neleven.spf.test\nstrict.spf.test 192.0.2.99\n' \
            b'user@example.com\n'
        r = mailauth(*self.knot.args(), '--batch', '-', 'spf',
                     input_bytes=lines)
        # The line that is no input ranks above the errors (3 > 2 > 1).
        self.assertEqual(r.code, 2, r.err)
        goldens.compare(self, 'spf-batch.ndjson', r.out)


# A zone where some names fail: known errors beside DNS failures, which
# decide the exit status (see the man page, EXIT STATUS).
REFUSED = {'*': {'action': 'rcode', 'rcode': 'REFUSED'}}
MIXED = {
    'zones': ['test', '2.0.192.in-addr.arpa'],
    'records': {
        'mix.test': [
            {'type': 'TXT', 'data':
             'v=spf1 include:nx.mix.test include:slow.mix.test -all'},
            {'type': 'MX', 'data': [10, 'mail.mix.test']}],
        'slow.mix.test': [{'type': 'TXT', 'data': 'v=spf1 -all'}],
        'mail.mix.test': [{'type': 'A', 'data': '192.0.2.7'}],
        'other.mix.test': [{'type': 'A', 'data': '192.0.2.8'}],
        '_dmarc.mix.test': [{'type': 'TXT', 'data':
                             'v=DMARC1; p=reject; adkim=x; '
                             'rua=mailto:d@other.test'}],
        'revoked._domainkey.mix.test': [{'type': 'TXT',
                                         'data': 'v=DKIM1; p='}],
        'slow._domainkey.mix.test': [{'type': 'TXT', 'data': 'v=DKIM1; p='}],
        '7.2.0.192.in-addr.arpa': [{'type': 'PTR', 'data': 'mail.mix.test'}],
        '9.2.0.192.in-addr.arpa': [
            {'type': 'PTR', 'data': 'refused.mix.test'},
            {'type': 'PTR', 'data': 'other.mix.test'}],
    },
    'behaviors': {
        'slow.mix.test': REFUSED,
        'slow._domainkey.mix.test': REFUSED,
        'refused.mix.test': REFUSED,
        'mix.test._report._dmarc.other.test': REFUSED,
        'mail.mix.test': {'AAAA': {'action': 'rcode', 'rcode': 'REFUSED'}},
    },
}

FAULT_CASES = [
    # A server that refuses everything: every command says unknown.
    ('refused', 'spf-refused', ['spf', 'gmail.com'], 3),
    ('refused', 'spf-refused-ip', ['spf', '--ip', '192.0.2.1',
                                   'gmail.com'], 3),
    ('refused', 'dkim-refused', ['dkim', '-s', 'default', 'mix.test'], 3),
    ('refused', 'dmarc-refused', ['dmarc', 'mix.test'], 3),
    ('refused', 'ptr-refused', ['ptr', '192.0.2.7'], 3),
    ('refused', 'check-refused', ['check', '--no-dnsbl', '-s', 'default',
                                  'mix.test'], 3),
    ('refused', 'message-refused', ['message', '--authserv-id',
                                    'mx.golden.test', RFC6376_MSG], 3),
    # Known errors and DNS failures together: the failed lookup decides
    # (3) for spf, dkim, dmarc and ptr; check's failed requirement
    # decides (1).
    ('mixed', 'spf-mixed', ['spf', 'mix.test'], 3),
    ('mixed', 'dkim-mixed', ['dkim', '-s', 'revoked', '-s', 'slow',
                             'mix.test'], 3),
    ('mixed', 'dmarc-mixed', ['dmarc', 'mix.test'], 3),
    ('mixed', 'ptr-mixed', ['ptr', '192.0.2.9'], 3),
    ('mixed', 'ptr-confirmed-aaaa-refused', ['ptr', '192.0.2.7'], 0),
    ('mixed', 'check-mixed', ['check', '--no-dnsbl', '-s', 'revoked',
                              'mix.test'], 1),
    ('mixed', 'spf-mixed-brief', ['--brief', 'spf', 'mix.test'], 3),
]


class GoldenUnderFailure(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Names outside its zones are REFUSED (fakedns.py).
        cls.servers = {'refused': FakeDNS({'zones': ['invalid']}).start(),
                       'mixed': FakeDNS(MIXED).start()}

    @classmethod
    def tearDownClass(cls):
        for server in cls.servers.values():
            server.stop()

    def test_cases(self):
        for server, name, args, code in FAULT_CASES:
            with self.subTest(name):
                base = self.servers[server].args() + ['--timeout', '5',
                                                      '--tries', '1']
                r = mailauth(*base, *args)
                self.assertEqual(r.code, code, (name, r.err))
                goldens.check_text(self, name + '.txt', r)
                if 'brief' in name:
                    continue
                r = mailauth(*base, '--json', *args)
                self.assertEqual(r.code, code, (name, r.err))
                goldens.check_json(self, name + '.json', r)


if __name__ == '__main__':
    unittest.main(verbosity=2)
