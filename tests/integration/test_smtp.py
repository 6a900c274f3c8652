#!/usr/bin/python3
"""mailauth smtp against a real Exim, hostile SMTP servers and an HTTPS
MTA-STS server, all on loopback, with knotd serving
tests/zones/smtp.test.zone (tests/integration/smtp_servers.py)."""
import os
import socket
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeDNS, Knot, WRAPPER, ZONES, mailauth  # noqa: E402
import smtp_servers as srv  # noqa: E402
import goldens  # noqa: E402

TIMEOUT = 2 * (3 if WRAPPER else 1)
HAVE_V6 = socket.has_ipv6
HOSTILE = {
    '127.0.0.8': srv.stall, '127.0.0.9': srv.endless_banner,
    '127.0.0.10': srv.huge_ehlo, '127.0.0.11': srv.garbage_tls,
}


def codes(findings):
    return [f['code'] for f in findings]


def all_codes(doc):
    out = codes(doc['findings'])
    for h in doc['hosts']:
        out += codes(h['findings'])
    for part in ('mta_sts', 'tls_rpt'):
        if doc.get(part):
            out += codes(doc[part]['findings'])
    return out


class Recorder:
    """Answers like a server without STARTTLS and keeps every line it
    was sent."""

    def __init__(self):
        self.lines = []

    def __call__(self, c):
        c.sendall(b'220 mx.recorder.smtp.test ESMTP\r\n')
        while True:
            line = srv.read_line(c)
            if not line:
                return
            self.lines.append(line)
            if line.upper().startswith(b'EHLO'):
                c.sendall(b'250-mx.recorder.smtp.test\r\n250 SIZE 1000\r\n')
            elif line.upper().startswith(b'QUIT'):
                c.sendall(b'221 bye\r\n')
                return
            else:
                c.sendall(b'500 what\r\n')


class SmtpProbe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        global HAVE_V6
        cls.tmp = tempfile.mkdtemp(prefix='mailauth-pki-')
        os.chmod(cls.tmp, 0o755)
        cls.pki = srv.PKI(cls.tmp)
        # The good server sends its chain, for DANE-TA (usage 2).
        with open(cls.pki.path('good.pem'), 'a') as f, \
                open(cls.pki.path('ca.pem')) as ca:
            f.write(ca.read())
        greetings = srv.greetings(TIMEOUT)
        addresses = list(srv.EXIM_ADDRESSES) + list(HOSTILE) + [
            '127.0.0.7', '127.0.0.12', '127.0.0.14'] + list(greetings) + [
            '127.0.1.%d' % i for i in range(1, 13)]
        try:
            s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            s.bind(('::1', 0))
            s.close()
        except OSError:
            HAVE_V6 = False
            del srv.EXIM_ADDRESSES['::1']
            addresses.remove('::1')
        cls.port = srv.port_free_everywhere(addresses)
        tlsa = ('$ORIGIN _25._tcp.mx.good.smtp.test.\n$TTL 300\n'
                '@ SOA ns.test. h.test. 1 900 900 1800 60\n@ NS ns.test.\n'
                '@ TLSA 3 1 1 %s\n@ TLSA 2 0 1 %s\n' % (
                    cls.pki.spki_sha256('good'), cls.ca_sha256()))
        big = ('$ORIGIN aspmx9.l.google.com.\n$TTL 300\n'
               '@ SOA ns.test. h.test. 1 900 900 1800 60\n@ NS ns.test.\n'
               '@ A 127.0.0.12\n')
        # The policy server first: the zone names the address it got.
        cls.policy = srv.PolicyServer(cls.pki).start()
        with open(os.path.join(ZONES, 'smtp.test.zone')) as f:
            zone = f.read().replace(srv.PolicyServer.ZONE_ADDRESS,
                                    cls.policy.address)
        cls.knot = Knot(extra_zones={'_25._tcp.mx.good.smtp.test': tlsa,
                                     'aspmx9.l.google.com': big,
                                     'smtp.test': zone}).start()
        cls.exim = srv.Exim(cls.pki, cls.port).start()
        cls.hostile = srv.Hostile(cls.port)
        for ip, handler in list(HOSTILE.items()) + list(greetings.items()):
            cls.hostile.serve(ip, handler)
        cls.recorder = Recorder()
        cls.hostile.serve('127.0.0.14', cls.recorder)
        cls.many = srv.Hostile(cls.port)
        for i in range(1, 13):
            cls.many.serve('127.0.1.%d' % i, srv.stall_silent)
        # The accept queue of 127.0.0.12 is full: SYNs go unanswered.
        cls.hostile.serve('127.0.0.12', None, backlog=0, accept=False)
        cls.fillers = []
        for _ in range(3):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect(('127.0.0.12', cls.port))
            except BlockingIOError:
                pass
            cls.fillers.append(c)

    @classmethod
    def ca_sha256(cls):
        import hashlib
        import subprocess
        der = subprocess.run(['openssl', 'x509', '-in', cls.pki.path(
            'ca.pem'), '-outform', 'DER'], capture_output=True,
            check=True).stdout
        return hashlib.sha256(der).hexdigest()

    @classmethod
    def tearDownClass(cls):
        for part in ('policy', 'many', 'hostile', 'exim', 'knot'):
            getattr(cls, part).stop()
        for c in cls.fillers:
            c.close()
        import shutil
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def run_smtp(self, *args, ca=True, json=True):
        extra = ['--ca-file', self.pki.path('ca.pem')] if ca else []
        r = mailauth(*self.knot.args(), *(['--json'] if json else []),
                     'smtp', '--smtp-port', str(self.port),
                     '--smtp-timeout', str(TIMEOUT), '--ehlo',
                     'probe.mailauth.test', *extra, *args, timeout=120)
        return r

    def doc(self, target, *args):
        r = self.run_smtp(target, *args)
        self.assertIn(r.code, (0, 1, 3), r.err)
        return r, r.json()

    # 1. Targets, MX order, addresses.

    def test_good_server(self):
        r, doc = self.doc('good.smtp.test')
        self.assertEqual(r.code, 0, all_codes(doc))
        self.assertEqual(doc['result'], 'pass')
        hosts = doc['hosts']
        self.assertEqual([h['address'] for h in hosts],
                         ['127.0.0.2'] + (['::1'] if HAVE_V6 else []))
        h = hosts[0]
        self.assertEqual(h['name'], 'mx.good.smtp.test')
        self.assertEqual(h['port'], self.port)
        self.assertEqual(h['connect'], {'result': 'ok', 'error': None,
                                        'ms': h['connect']['ms']})
        self.assertEqual(h['banner_host'], 'mx.good.smtp.test')
        self.assertEqual(h['ehlo']['name'], 'mx.good.smtp.test')
        self.assertIn('STARTTLS', h['ehlo']['extensions'])
        tls = h['starttls']
        self.assertTrue(tls['offered'])
        self.assertEqual(tls['result'], 'ok')
        self.assertIn(tls['version'], ('TLSv1.2', 'TLSv1.3'))
        self.assertTrue(tls['cipher'])
        cert = tls['certificate']
        self.assertEqual(cert['subject'], 'CN=mx.good.smtp.test')
        self.assertEqual(cert['issuer'], 'CN=mailauth test CA')
        self.assertEqual(cert['names'], ['mx.good.smtp.test',
                                         'nomx.smtp.test'])
        self.assertTrue(cert['chain_verified'])
        self.assertTrue(cert['name_matches'])
        self.assertRegex(cert['not_after'], r'^\d{4}-\d\d-\d\dT')
        self.assertNotIn('STARTTLS', h['ehlo_tls']['extensions'])
        self.assertEqual([t['result'] for t in h['tlsa']['records']],
                         ['match', 'match'])
        self.assertFalse(h['tlsa']['dnssec'])
        self.assertEqual(h['ptr'], [{'name': 'mx.good.smtp.test',
                                     'forward_confirmed': True}])
        sts = doc['mta_sts']
        self.assertEqual(sts['record_id'], '20240101')
        self.assertEqual(sts['mode'], 'enforce')
        self.assertEqual(sts['mx'], ['mx.good.smtp.test', '*.other.test'])
        self.assertEqual(sts['max_age'], 604800)
        self.assertTrue(sts['mx_match'])
        self.assertEqual(sts['findings'], [])
        self.assertTrue(doc['tls_rpt']['valid'])
        self.assertEqual(doc['tls_rpt']['rua'],
                         ['mailto:tls@good.smtp.test'])
        self.assertTrue(h['mta_sts_valid'])
        self.assertNotIn('error', [f['severity'] for h in hosts
                                   for f in h['findings']])
        self.assertIn('smtp-dane-insecure', all_codes(doc))

    def test_good_server_text(self):
        r = self.run_smtp('good.smtp.test', json=False)
        self.assertEqual(r.code, 0, r.out)
        for text in ('mx.good.smtp.test  MX 10', '220 mx.good.smtp.test',
                     'STARTTLS: TLSv1', 'chain verified, name matches',
                     'TLSA 3 1 1: match', 'every MX host matches',
                     'mode enforce, max_age 604800', 'result: pass'):
            self.assertIn(text, r.out)

    def test_ip_target(self):
        r, doc = self.doc('127.0.0.2')
        self.assertEqual(r.code, 0, all_codes(doc))
        self.assertEqual(doc['ip'], '127.0.0.2')
        self.assertIsNone(doc['hosts'][0]['name'])
        self.assertIsNone(
            doc['hosts'][0]['starttls']['certificate']['name_matches'])
        self.assertIsNone(doc['mta_sts'])

    def test_mx_preference_order(self):
        r, doc = self.doc('multi.smtp.test')
        self.assertEqual(r.code, 1)
        names = [h['name'] for h in doc['hosts']]
        self.assertEqual(names[0], 'mx.good.smtp.test')
        self.assertEqual(names[-1], 'mx.closed.smtp.test')
        self.assertEqual(doc['hosts'][-1]['connect']['result'], 'refused')

    def test_no_mx_uses_the_domain(self):
        r, doc = self.doc('nomx.smtp.test')
        self.assertEqual(doc['hosts'][0]['name'], 'nomx.smtp.test')
        self.assertIn('smtp-implicit-mx', codes(doc['findings']))
        self.assertTrue(doc['hosts'][0]['starttls']['certificate'][
            'name_matches'])

    def test_null_mx_is_reported_not_probed(self):
        r, doc = self.doc('nullmx.smtp.test')
        self.assertEqual(r.code, 0)
        self.assertTrue(doc['null_mx'])
        self.assertEqual(doc['hosts'], [])
        self.assertIn('smtp-null-mx', codes(doc['findings']))

    def test_mx_without_address(self):
        r, doc = self.doc('noaddr.smtp.test')
        self.assertEqual(r.code, 1)
        self.assertIsNone(doc['hosts'][0]['address'])
        self.assertIn('smtp-no-address', all_codes(doc))

    # 2. The conversation.

    def test_closed_port(self):
        r, doc = self.doc('closed.smtp.test')
        self.assertEqual(r.code, 1)
        self.assertEqual(doc['hosts'][0]['connect']['result'], 'refused')
        self.assertIn('smtp-connect-failed', all_codes(doc))

    def test_connect_timeout_is_unknown(self):
        r, doc = self.doc('blackhole.smtp.test')
        self.assertEqual(r.code, 3)
        self.assertEqual(doc['result'], 'unknown')
        self.assertEqual(doc['hosts'][0]['connect']['result'], 'timeout')
        self.assertIn('smtp-connect-timeout', all_codes(doc))
        # The test's port is not 25: no ISP is blamed (unit/test_smtp.c
        # has port 25).
        blocked = [f for f in doc['findings']
                   if f['code'] == 'smtp-port-blocked']
        self.assertTrue(blocked, doc['findings'])
        self.assertNotIn('ISP', blocked[0]['message'])

    def test_timeout_on_another_port_blames_no_isp(self):
        r, doc = self.doc('bigprov.smtp.test')
        self.assertEqual(r.code, 3)
        msg = [f['message'] for f in doc['hosts'][0]['findings']
               if f['code'] == 'smtp-connect-timeout'][0]
        self.assertNotIn('blocks outbound port', msg)
        self.assertNotIn('ISP', msg)

    def test_no_starttls(self):
        r, doc = self.doc('nostarttls.smtp.test')
        self.assertEqual(r.code, 1)
        self.assertFalse(doc['hosts'][0]['starttls']['offered'])
        self.assertIn('smtp-no-starttls', all_codes(doc))

    def test_stall_after_banner_ends_at_the_timeout(self):
        r, doc = self.doc('stall.smtp.test')
        self.assertEqual(r.code, 1)
        self.assertIn('smtp-stalled', all_codes(doc))
        self.assertEqual(doc['hosts'][0]['stage'], 'ehlo')
        self.assertLess(r.elapsed, TIMEOUT * 3 + 5)

    def test_only_ehlo_and_quit_are_sent(self):
        self.recorder.lines.clear()
        r, doc = self.doc('recorder.smtp.test')
        self.assertIn('smtp-no-starttls', all_codes(doc))
        self.assertEqual(self.recorder.lines,
                         [b'EHLO probe.mailauth.test\r\n', b'QUIT\r\n'])

    def batch(self, *domains):
        """One run over several targets (one process: cheaper under
        valgrind); the NDJSON lines, in input order."""
        import json
        r = mailauth(*self.knot.args(), '--batch', '-', 'smtp',
                     '--smtp-port', str(self.port), '--smtp-timeout',
                     str(TIMEOUT), '--ca-file', self.pki.path('ca.pem'),
                     input_bytes=''.join(d + '\n' for d in domains).encode(),
                     timeout=300)
        docs = [json.loads(line) for line in r.out.splitlines() if line]
        self.assertEqual([d['input'] for d in docs], list(domains))
        return r, docs

    def test_hostile_servers_end_in_findings(self):
        cases = (('endless', 'too-long'), ('hugeehlo', 'too-long'),
                 ('garbagetls', 'tls-error'))
        r, docs = self.batch(*(d + '.smtp.test' for d, _ in cases))
        for (domain, stop), doc in zip(cases, docs):
            self.assertEqual(doc['result'], 'fail', domain)
            self.assertEqual(doc['hosts'][0]['stop'], stop, domain)
            self.assertTrue({'smtp-bad-reply', 'smtp-tls-failed'} &
                            set(all_codes(doc)), domain)
        # No hang: each ends well before its timeout.
        self.assertLess(r.elapsed, TIMEOUT * 3 + 5 * len(cases))

    def test_at_most_eight_sessions_at_once(self):
        self.many.accepted.clear()
        r, doc = self.doc('many.smtp.test')
        self.assertEqual(len(doc['hosts']), 12)
        self.assertEqual(r.code, 1)
        self.assertEqual(len(self.many.accepted), 12)
        self.assertEqual(self.many.most_in_window(TIMEOUT / 2), 8)
        # Two rounds of timeouts, not twelve.
        self.assertLess(r.elapsed, TIMEOUT * 4 + 5)

    def test_batch_keeps_the_bound(self):
        self.many.accepted.clear()
        r = mailauth(*self.knot.args(), '--batch', '-', '--concurrency',
                     '100', 'smtp', '--smtp-port', str(self.port),
                     '--smtp-timeout', str(TIMEOUT),
                     input_bytes=b'many.smtp.test\nmany.smtp.test\n'
                     b'closed.smtp.test\n', timeout=120)
        lines = [line for line in r.out.splitlines() if line]
        self.assertEqual(len(lines), 3)
        self.assertEqual(len(self.many.accepted), 24)
        self.assertEqual(self.many.most_in_window(TIMEOUT / 2), 8)
        self.assertEqual(r.code, 1)

    # 3. Certificates, names, DANE.

    def test_self_signed(self):
        r, doc = self.doc('selfsigned.smtp.test')
        self.assertEqual(r.code, 1)
        cert = doc['hosts'][0]['starttls']['certificate']
        self.assertFalse(cert['chain_verified'])
        self.assertTrue(cert['self_signed'])
        self.assertIn('smtp-cert-untrusted', all_codes(doc))
        self.assertIn('smtp-dane-mismatch', all_codes(doc))
        self.assertEqual(doc['hosts'][0]['tlsa']['records'][0]['result'],
                         'no-match')

    def test_certificate_for_another_name(self):
        r, doc = self.doc('wrongname.smtp.test')
        self.assertEqual(r.code, 1)
        self.assertFalse(
            doc['hosts'][0]['starttls']['certificate']['name_matches'])
        self.assertIn('smtp-cert-name-mismatch', all_codes(doc))
        self.assertIn('smtp-banner-name', all_codes(doc))

    def test_expired(self):
        r, doc = self.doc('expired.smtp.test')
        self.assertEqual(r.code, 1)
        self.assertTrue(doc['hosts'][0]['starttls']['certificate'][
            'expired'])
        self.assertIn('smtp-cert-expired', all_codes(doc))

    def test_expiring_is_a_warning(self):
        r, doc = self.doc('expiring.smtp.test')
        self.assertEqual(r.code, 0, all_codes(doc))
        self.assertIn('smtp-cert-expiring', all_codes(doc))

    def test_system_store_does_not_trust_the_test_ca(self):
        r = self.run_smtp('good.smtp.test', ca=False)
        self.assertEqual(r.code, 1)
        self.assertIn('smtp-cert-untrusted', all_codes(r.json()))

    # 4. MTA-STS and TLS-RPT.

    def test_mta_sts_failures(self):
        cases = {
            'stsmismatch': ('mta-sts-mx-mismatch', 'error', 'fail'),
            'ststesting': ('mta-sts-mx-mismatch', 'warning', 'pass'),
            'sts404': ('mta-sts-fetch-failed', 'warning', 'pass'),
            'stsredirect': ('mta-sts-fetch-failed', 'warning', 'pass'),
            'ststype': ('mta-sts-policy-invalid', 'warning', 'pass'),
            'stsbad': ('mta-sts-policy-invalid', 'warning', 'pass'),
            'stscert': ('mta-sts-cert-invalid', 'error', 'fail'),
        }
        r, docs = self.batch(*(d + '.smtp.test' for d in cases))
        for (domain, (code, severity, result)), doc in zip(cases.items(),
                                                           docs):
            found = [f for f in doc['mta_sts']['findings']
                     if f['code'] == code]
            self.assertTrue(found, (domain, doc['mta_sts']))
            self.assertEqual(found[0]['severity'], severity, domain)
            self.assertEqual(doc['result'], result, (domain,
                                                     all_codes(doc)))
        self.assertEqual(r.code, 1)
        redirect = docs[list(cases).index('stsredirect')]
        self.assertIn('redirects', redirect['mta_sts']['findings'][0][
            'message'])
        cert = docs[list(cases).index('stscert')]
        self.assertIn('tls-rpt-invalid', codes(cert['tls_rpt']['findings']))

    # Goldens (tests/integration/goldens.py): what changes from run to run
    # is masked by name. The port is free-picked; the test CA, the
    # certificates and their keys are made at each run (dates, serials,
    # fingerprints); connect and session times are measured.

    def golden_patterns(self):
        return [(r'\b%d\b' % self.port, '<port>'),
                (r'\b\d+ ms\b', '<ms> ms'),
                (r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', '<date>'),
                (r'\b\d+ days\b', '<n> days')]

    def golden_text(self, text):
        return goldens.mask_text(text, self.golden_patterns())

    # The TLSA records of good.smtp.test hold digests of the run's keys.
    GOLDEN_JSON = {'port': '<port>', 'ms': '<ms>', 'not_before': '<date>',
                   'not_after': '<date>', 'days_left': '<days>',
                   'data': '<digest>'}

    def test_goldens(self):
        for name, target, code in (('smtp-good', 'good.smtp.test', 0),
                                   ('smtp-wrongname', 'wrongname.smtp.test',
                                    1),
                                   ('smtp-closed', 'closed.smtp.test', 1),
                                   ('smtp-nullmx', 'nullmx.smtp.test', 0)):
            with self.subTest(name):
                if target == 'good.smtp.test' and not HAVE_V6:
                    self.skipTest('good.smtp.test has an address on ::1, '
                                  'and this machine has no IPv6 loopback')
                r = self.run_smtp(target, json=False)
                self.assertEqual(r.code, code, r.err)
                goldens.compare(self, name + '.txt',
                                self.golden_text(r.out))
                r = self.run_smtp(target)
                self.assertEqual(r.code, code, r.err)
                goldens.check_json(self, name + '.json', r,
                                   self.GOLDEN_JSON, self.golden_patterns())
        r = self.run_smtp('--brief', 'wrongname.smtp.test', json=False)
        self.assertEqual(r.code, 1, r.err)
        goldens.compare(self, 'smtp-brief.txt', self.golden_text(r.out))
        # check --smtp: the tls line and the "smtp" object.
        for fmt in ('txt', 'json'):
            r = mailauth(*self.knot.args(), *(['--json'] if fmt == 'json'
                                              else []), 'check',
                         '--no-dnsbl', '--smtp', '--smtp-port',
                         str(self.port), '--smtp-timeout', str(TIMEOUT),
                         '--ca-file', self.pki.path('ca.pem'),
                         'wrongname.smtp.test', timeout=120)
            self.assertEqual(r.code, 1, r.err)
            if fmt == 'txt':
                goldens.compare(self, 'check-smtp.txt',
                                self.golden_text(r.out))
            else:
                goldens.check_json(self, 'check-smtp.json', r,
                                   self.GOLDEN_JSON, self.golden_patterns())

    # DNS failures and usage.

    def test_dns_failure_is_unknown(self):
        fake = FakeDNS({'zones': ['smtp.test'], 'records': {},
                        'behaviors': {'fail.smtp.test': {
                            '*': {'action': 'rcode', 'rcode': 'SERVFAIL'}}}})
        fake.start()
        try:
            r = mailauth(*fake.args(), '--json', 'smtp', 'fail.smtp.test')
        finally:
            fake.stop()
        self.assertEqual(r.code, 3)
        self.assertIn('smtp-dns-error', codes(r.json()['findings']))

    def test_greetings_and_refusals(self):
        """The timeout is per progress: a greeting whose lines keep
        coming is not a stall, one that never ends is, within three
        timeouts. A 554 greeting is not checked as a name; each refusal
        says what to fix."""
        names = ('slowgreet', 'trickle', 'b554', 'tls454', 'ehlo500')
        r, docs = self.batch(*(n + '.smtp.test' for n in names))
        doc = dict(zip(names, docs))
        slow = doc['slowgreet']['hosts'][0]
        self.assertEqual(len(slow['banner_lines']), 3, slow)
        self.assertEqual(slow['stop'], 'none', slow['stop_detail'])
        self.assertNotIn('smtp-stalled', all_codes(doc['slowgreet']))
        self.assertIn('smtp-no-starttls', all_codes(doc['slowgreet']))
        trickle = doc['trickle']['hosts'][0]
        self.assertEqual(trickle['stop'], 'timeout')
        self.assertIn('still incomplete', trickle['stop_detail'])
        self.assertIn('smtp-stalled', all_codes(doc['trickle']))
        fixes = {}
        for n in ('b554', 'tls454', 'ehlo500'):
            found = [f for f in doc[n]['hosts'][0]['findings']
                     if f['code'] == 'smtp-rejected']
            self.assertTrue(found, (n, all_codes(doc[n])))
            self.assertTrue(found[0]['fix'], (n, found[0]))
            fixes[n] = found[0]['fix']
            self.assertEqual(doc[n]['result'], 'fail')
        self.assertNotIn('smtp-banner-name', all_codes(doc['b554']))
        self.assertIn('blocklist', fixes['b554'])
        self.assertIn('certificate', fixes['tls454'])
        self.assertIn('EHLO', fixes['ehlo500'])
        self.assertEqual(doc['tls454']['hosts'][0]['starttls']['result'],
                         'refused')
        self.assertLess(r.elapsed, TIMEOUT * 3 * 2 + 10)

    def test_fixes_are_records(self):
        """MTA-STS with the real MX names; the TLSA 3 1 1 record of the
        certificate the server presents; a policy whose max_age is over
        the limit is invalid (RFC 8461 §3.2), with the policy to serve;
        an MX that names an alias gets the MX record to publish."""
        r, docs = self.batch('nostarttls.smtp.test', 'selfsigned.smtp.test',
                             'stsmaxage.smtp.test', 'cname.smtp.test')
        missing = [f for f in docs[0]['mta_sts']['findings']
                   if f['code'] == 'mta-sts-missing'][0]
        self.assertIn('mx: mx.nostarttls.smtp.test\\n', missing['fix'])
        self.assertNotIn('MXHOST', missing['fix'])
        dane = [f for f in docs[1]['hosts'][0]['findings']
                if f['code'] == 'smtp-dane-mismatch'][0]
        self.assertIn('_25._tcp.mx.selfsigned.smtp.test. TLSA 3 1 1 ' +
                      self.pki.spki_sha256('selfsigned'), dane['fix'])
        sts = docs[2]['mta_sts']
        bad = [f for f in sts['findings']
               if f['code'] == 'mta-sts-policy-invalid'][0]
        self.assertIn('max_age 99999999', bad['message'])
        self.assertIn('mode: enforce\\nmx: mx.good.smtp.test\\nmax_age: '
                      '31557600', bad['fix'])
        self.assertFalse(sts['policy_valid'])
        self.assertIsNone(sts['mx_match'])
        self.assertEqual(docs[2]['result'], 'pass', all_codes(docs[2]))
        alias = [f for f in docs[3]['hosts'][0]['findings']
                 if f['code'] == 'smtp-mx-cname'][0]
        self.assertEqual(alias['fix'], 'cname.smtp.test. MX 10 '
                         'mx.good.smtp.test. (instead of the alias)')

    def test_several_records_are_listed(self):
        r = self.run_smtp('twotxt.smtp.test', json=False)
        for text in ('"v=STSv1; id=1"', '"v=STSv1; id=2"',
                     'rua=mailto:a@twotxt.smtp.test',
                     'rua=mailto:b@twotxt.smtp.test'):
            self.assertIn(text, r.out)
        doc = self.run_smtp('twotxt.smtp.test').json()
        self.assertEqual(len(doc['mta_sts']['records']), 2)
        self.assertEqual(doc['mta_sts']['answer'], 'records')
        self.assertEqual(len(doc['tls_rpt']['records']), 2)

    def test_zone_serves_tlsa(self):
        """--zone answers TLSA as a server would (here one record that
        does not match, where knotd serves two that do)."""
        path = os.path.join(self.tmp, 'dane.zone')
        with open(path, 'w') as f:
            f.write('$ORIGIN _25._tcp.mx.good.smtp.test.\n'
                    '@ SOA ns.test. h.test. 1 900 900 1800 60\n'
                    '@ TLSA 3 1 1 %s\n' % self.pki.spki_sha256('wrongname'))
        r, doc = self.doc('good.smtp.test', '--zone', path)
        tlsa = doc['hosts'][0]['tlsa']
        self.assertEqual(tlsa['answer'], 'records')
        self.assertEqual([t['result'] for t in tlsa['records']],
                         ['no-match'])
        self.assertIn('smtp-dane-mismatch', all_codes(doc))

    def test_failed_lookups_are_unknown(self):
        """A refused MTA-STS lookup makes the result unknown (a policy
        may apply), with a fix; a failed TLSA lookup says DANE is unknown
        (a warning); a refused PTR is unknown in the JSON too."""
        zone = {'smtp.test': [], 'mx.good.smtp.test': [
            {'type': 'A', 'data': '127.0.0.2'}]}
        records = {'sts.smtp.test': [{'type': 'MX',
                                      'data': [10, 'mx.good.smtp.test']}],
                   'dane.smtp.test': [{'type': 'MX',
                                       'data': [10, 'mx.good.smtp.test']}]}
        records.update(zone)
        fake = FakeDNS({'zones': ['smtp.test'], 'records': records,
                        'behaviors': {
                            '_mta-sts.sts.smtp.test': {
                                '*': {'action': 'rcode', 'rcode': 'REFUSED'}},
                            '_25._tcp.mx.good.smtp.test': {
                                '*': {'action': 'rcode',
                                      'rcode': 'SERVFAIL'}}}}).start()
        try:
            out = {}
            for d in ('sts', 'dane'):
                r = mailauth(*fake.args(), '--json', 'smtp', '--smtp-port',
                             str(self.port), '--smtp-timeout', str(TIMEOUT),
                             '--ca-file', self.pki.path('ca.pem'),
                             d + '.smtp.test', timeout=120)
                out[d] = (r.code, r.json())
        finally:
            fake.stop()
        code, doc = out['sts']
        self.assertEqual((code, doc['result']), (3, 'unknown'),
                         all_codes(doc))
        sts = doc['mta_sts']
        self.assertEqual(sts['answer'], 'refused')
        self.assertTrue(sts['unknown'])
        err = [f for f in sts['findings']
               if f['code'] == 'mta-sts-dns-error'][0]
        self.assertTrue(err['fix'])
        self.assertEqual(doc['hosts'][0]['ptr_answer'], 'refused')
        self.assertNotIn('smtp-no-ptr', all_codes(doc))
        code, doc = out['dane']
        self.assertEqual(code, 0, all_codes(doc))
        dane = [f for f in doc['hosts'][0]['findings']
                if f['code'] == 'smtp-dane-dns-error']
        self.assertTrue(dane, all_codes(doc))
        self.assertEqual(dane[0]['severity'], 'warning')
        self.assertIn('DANE status unknown', dane[0]['message'])

    def test_address_literal_and_port_in_the_target(self):
        r = self.run_smtp('[127.0.0.2]')
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(r.json()['ip'], '127.0.0.2')
        r = mailauth('smtp', '127.0.0.2:25')
        self.assertEqual(r.code, 2)
        self.assertIn('--smtp-port 25 127.0.0.2', r.err)

    def test_usage_errors(self):
        for args, word in ((['--smtp-port', '0', 'x.test'], 'smtp-port'),
                           (['--smtp-timeout', 'soon', 'x.test'],
                            'smtp-timeout'),
                           (['--ehlo', 'a\r\nMAIL FROM:<>', 'x.test'],
                            'ehlo'),
                           (['--ca-file', '/nonexistent', 'x.test'],
                            'ca-file'),
                           ([], 'missing')):
            r = mailauth('smtp', *args)
            self.assertEqual(r.code, 2, args)
            self.assertIn(word, r.err)
            self.assertEqual(r.err.count('\n'), 1, r.err)



class CheckWithSmtp(SmtpProbe):
    """check --smtp: the tls line from the probe, information only."""

    def check(self, domain, *extra):
        return mailauth(*self.knot.args(), '--json', 'check', domain,
                        '--dnsbl', 'bl.smtp.test', *extra, timeout=120)

    def tls_line(self, doc):
        return [q for q in doc['requirements'] if q['id'] == 'tls'][0]

    def test_tls_line_follows_the_probe(self):
        base = self.check('good.smtp.test')
        for domain, status in (('good', 'pass'), ('nostarttls', 'fail'),
                               ('blackhole', 'unknown'),
                               ('prefclosed', 'unknown')):
            r = self.check(domain + '.smtp.test', '--smtp', '--smtp-port',
                           str(self.port), '--smtp-timeout', str(TIMEOUT),
                           '--ca-file', self.pki.path('ca.pem'))
            doc = r.json()
            line = self.tls_line(doc)
            self.assertEqual(line['status'], status, (domain, line))
            self.assertFalse(line['required'])
            self.assertIn('inbound STARTTLS', line['message'])
            # The preferred MX refuses: smtp fails, yet its TLS could
            # not be seen, so the tls line is unknown.
            self.assertEqual(doc['smtp']['result'], 'fail' if domain ==
                             'prefclosed' else status)
        # Information only: the verdict is the one without --smtp.
        r = self.check('good.smtp.test', '--smtp', '--smtp-port',
                       str(self.port), '--ca-file', self.pki.path('ca.pem'))
        self.assertEqual(r.code, base.code)
        self.assertEqual(self.tls_line(base.json())['status'], 'info')

    def test_probe_options_need_smtp(self):
        r = mailauth('check', 'example.com', '--smtp-port', '2525')
        self.assertEqual(r.code, 2)
        self.assertIn('--smtp', r.err)


# The probe tests run once, in SmtpProbe.
for _name in [n for n in dir(SmtpProbe) if n.startswith('test_')]:
    setattr(CheckWithSmtp, _name, None)


if __name__ == '__main__':
    unittest.main(verbosity=2)
