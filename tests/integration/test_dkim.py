#!/usr/bin/python3
"""mailauth dkim against knotd: key records of every kind, selector
discovery, and verification of messages signed here, with keys made here,
by dkimpy (Debian's python3-dkim) -- an implementation independent of
mailauth's."""
import base64
import os
import re
import subprocess
import sys
import tempfile
import unittest

import dkim
import nacl.signing

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeDNS, Knot, mailauth  # noqa: E402

DOMAIN = 'dkim.test'
MESSAGE = (b'From: Alice <alice@dkim.test>\r\n'
           b'To: Bob <bob@example.test>\r\n'
           b'Subject: Dinner at  eight\r\n'
           b'Date: Sun, 22 Nov 2026 12:00:00 +0000\r\n'
           b'Message-ID: <1@dkim.test>\r\n'
           b'\r\n'
           b'Hi Bob,\r\n'
           b'  see you  at eight.   \r\n'
           b'\r\n'
           b'\r\n')
HEADERS = [b'from', b'to', b'subject', b'date', b'message-id']


def openssl(*args, data=None):
    return subprocess.run(['openssl'] + list(args), input=data,
                          capture_output=True, check=True).stdout


def rsa_key(bits):
    """(private PEM in PKCS#1, public SubjectPublicKeyInfo in base64)."""
    pem = openssl('genrsa', '-traditional', str(bits))
    der = openssl('rsa', '-pubout', '-outform', 'DER', data=pem)
    return pem, base64.b64encode(der).decode()


def ed25519_key():
    sk = nacl.signing.SigningKey.generate()
    return (base64.b64encode(bytes(sk)),
            base64.b64encode(bytes(sk.verify_key)).decode())


def txt(value):
    """A zone-file TXT value in strings of at most 255 octets."""
    parts = [value[i:i + 250] for i in range(0, len(value), 250)]
    return ' '.join('"%s"' % p for p in parts)


class Keys:
    def __init__(self):
        self.rsa2048 = rsa_key(2048)
        self.rsa1024 = rsa_key(1024)
        self.rsa512 = rsa_key(512)
        self.ed = ed25519_key()
        self.testing = rsa_key(2048)
        p = 'v=DKIM1; k=rsa; p=' + self.rsa2048[1]
        broken = p[:200] + p[201:]        # one character lost at a split
        records = [
            ('rsa2048', txt(p)),
            ('rsa1024', txt('v=DKIM1; k=rsa; p=' + self.rsa1024[1])),
            ('rsa512', txt('v=DKIM1; p=' + self.rsa512[1])),
            ('ed', txt('v=DKIM1; k=ed25519; p=' + self.ed[1])),
            ('revoked', txt('v=DKIM1; k=rsa; p=')),
            ('testing', txt('v=DKIM1; t=y; p=' + self.testing[1])),
            ('split', txt(broken)),
            ('sha1', txt('v=DKIM1; h=sha1; p=' + self.rsa2048[1])),
            ('quoted', txt('v=DKIM1; p=\\"' + self.rsa2048[1] + '\\"')),
            ('spaced', txt('v=DKIM1; p=' + self.rsa2048[1][:100] + ' ' +
                           self.rsa2048[1][100:])),
            ('future', txt('k=rsa; v=DKIM1; p=' + self.rsa2048[1])),
            ('selector1', txt(p)),
            ('strict', txt('v=DKIM1; t=s; p=' + self.rsa2048[1])),
            ('tlsrpt', txt('v=DKIM1; s=tlsrpt; p=' + self.rsa2048[1])),
            ('anysvc', txt('v=DKIM1; s=tlsrpt:*; p=' + self.rsa2048[1])),
            ('duptag', txt('v=DKIM1; k=rsa; p=' + self.rsa2048[1] +
                           '; k=ed25519')),
        ]
        lines = ['$ORIGIN %s.' % DOMAIN, '$TTL 300',
                 '@ SOA ns.test. hostmaster.test. 1 900 900 1800 60',
                 '@ NS ns.test.']
        for sel, value in records:
            lines.append('%s._domainkey TXT %s' % (sel, value))
        lines.append('two._domainkey TXT %s' % txt(p))
        lines.append('two._domainkey TXT "v=DKIM1; p="')
        lines.append('cname._domainkey CNAME sel._domainkey.provider.test.')
        lines.append('lp._domainkey CNAME lp2._domainkey')
        lines.append('lp2._domainkey CNAME lp._domainkey')
        self.zone = '\n'.join(lines) + '\n'
        self.provider = '\n'.join([
            '$ORIGIN provider.test.', '$TTL 300',
            '@ SOA ns.test. hostmaster.test. 1 900 900 1800 60',
            '@ NS ns.test.',
            'sel._domainkey TXT %s' % txt('v=DKIM1; p=' + self.rsa1024[1]),
            '']) + '\n'


def sign(message, selector, key, algorithm=b'rsa-sha256',
         canon=(b'relaxed', b'relaxed'), length=False, identity=None):
    sig = dkim.sign(message, selector.encode(), DOMAIN.encode(), key,
                    canonicalize=canon, signature_algorithm=algorithm,
                    include_headers=HEADERS, length=length,
                    identity=identity)
    return sig + message


def sign_edited(message, key, edit, selector='rsa2048'):
    """Signs with the tag list as edit(fields) leaves it: dkimpy hashes
    and signs the field it writes, whatever its tags."""
    original = dkim.DKIM.gen_header

    def edited(self, fields, *args, **kwargs):
        edit(fields)
        return original(self, fields, *args, **kwargs)

    dkim.DKIM.gen_header = edited
    try:
        return sign(message, selector, key)
    finally:
        dkim.DKIM.gen_header = original


def replace_tag(name, value):
    def edit(fields):
        names = [f[0] for f in fields]
        fields[names.index(name)] = (name, value)
    return edit


def sign_with_expiry(message, key):
    """dkimpy has no x=; add one in the past before it signs."""
    original = dkim.DKIM.gen_header

    def with_x(self, fields, *args, **kwargs):
        names = [f[0] for f in fields]
        fields[names.index(b't')] = (b't', b'1000000000')
        fields.insert(names.index(b'b'), (b'x', b'1000000100'))
        return original(self, fields, *args, **kwargs)

    dkim.DKIM.gen_header = with_x
    try:
        return sign(message, 'rsa2048', key)
    finally:
        dkim.DKIM.gen_header = original


class DkimAgainstKnot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = Keys()
        cls.knot = Knot({DOMAIN: cls.keys.zone,
                         'provider.test': cls.keys.provider}).start()
        cls.tmp = tempfile.mkdtemp(prefix='mailauth-dkim-')

    @classmethod
    def tearDownClass(cls):
        cls.knot.stop()

    def selectors(self, *args):
        r = mailauth(*self.knot.args(), '--json', 'dkim', *args)
        doc = r.json()
        return r, doc, {s['selector']: s for s in doc['selectors']}

    def codes(self, sel):
        return [f['code'] for f in sel['findings']]

    def test_key_sizes_and_types(self):
        r, doc, s = self.selectors(DOMAIN, '-s', 'rsa2048', '-s', 'rsa1024',
                                   '-s', 'ed')
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertEqual(doc['command'], 'dkim')
        self.assertEqual((s['rsa2048']['key_type'],
                          s['rsa2048']['key_bits']), ('rsa', 2048))
        self.assertEqual(s['rsa1024']['key_bits'], 1024)
        self.assertIn('dkim-key-weak', self.codes(s['rsa1024']))
        self.assertEqual((s['ed']['key_type'], s['ed']['key_bits']),
                         ('ed25519', 256))
        self.assertEqual(s['ed']['tags']['k'], 'ed25519')
        self.assertEqual(s['rsa2048']['name'],
                         'rsa2048._domainkey.dkim.test')

    def test_bad_keys(self):
        cases = {'rsa512': 'dkim-key-too-short', 'revoked': 'dkim-key-revoked',
                 'testing': 'dkim-testing', 'split': 'dkim-key-invalid',
                 'sha1': 'dkim-sha1-only', 'quoted': 'dkim-key-invalid',
                 'spaced': 'dkim-key-whitespace', 'future': 'dkim-syntax',
                 'two': 'dkim-multiple-records', 'missing': 'dkim-no-key'}
        args = [DOMAIN]
        for sel in cases:
            args += ['-s', sel]
        r, doc, s = self.selectors(*args)
        self.assertEqual(r.code, 1)
        for sel, code in cases.items():
            self.assertIn(code, self.codes(s[sel]), sel)
        self.assertIsNone(s['missing']['record'])
        self.assertIn('quote', [f for f in s['quoted']['findings']
                                if f['code'] == 'dkim-key-invalid'][0][
            'message'])
        self.assertEqual(s['spaced']['key_bits'], 2048)

    def test_cname_to_a_provider(self):
        r, doc, s = self.selectors('cname._domainkey.' + DOMAIN)
        self.assertEqual(s['cname']['cname'], 'sel._domainkey.provider.test')
        self.assertIn('dkim-cname', self.codes(s['cname']))
        self.assertEqual(s['cname']['key_bits'], 1024)

    def test_probe_common_selectors(self):
        r, doc, s = self.selectors(DOMAIN, '--trace')
        self.assertTrue(doc['probed'])
        self.assertEqual(sorted(s), ['selector1'])
        self.assertGreater(doc['selectors_tried'], 40)
        self.assertEqual(doc['stats']['max_in_flight'],
                         doc['selectors_tried'])
        r, doc, s = self.selectors('example.test')
        self.assertEqual(r.code, 1)
        self.assertIn('dkim-none-found', [f['code'] for f in
                                          doc['findings']])

    def test_cname_loop_shows_the_chain(self):
        r, doc, s = self.selectors(DOMAIN, '-s', 'lp')
        self.assertEqual(r.code, 3)
        self.assertEqual(s['lp']['outcome'], 'cname-loop')
        self.assertEqual(s['lp']['cname'], 'lp2._domainkey.dkim.test')
        f = [f for f in s['lp']['findings']
             if f['code'] == 'dkim-dns-error'][0]
        self.assertIn('lp._domainkey.dkim.test -> lp2._domainkey.dkim.test'
                      ' -> lp._domainkey.dkim.test', f['message'])
        self.assertIn('point one of the CNAMEs', f['fix'])
        self.assertNotIn('dkim-cname', self.codes(s['lp']))
        text = mailauth(*self.knot.args(), 'dkim', DOMAIN, '-s', 'lp')
        self.assertIn('CNAME → lp2._domainkey.dkim.test', text.out)

    def test_dangling_cname_given_selector(self):
        # A selector CNAME to a name that does not exist: Microsoft 365
        # publishes the target only once DKIM is enabled for the domain
        # (tests/zones/check.test.zone, dkcname).
        r = mailauth(*self.knot.args(), '--json', 'dkim',
                     'dkcname.check.test', '-s', 'selector1')
        doc = r.json()
        self.assertEqual(r.code, 1)
        found = [f for f in doc['findings']
                 if f['code'] == 'dkim-cname-dangling']
        self.assertEqual(len(found), 1, doc['findings'])
        self.assertIn('not enabled', found[0]['message'])
        self.assertIn('selector1-dkcname-check-test._domainkey',
                      found[0]['message'])
        self.assertNotIn('dkim-no-key', [f['code'] for f in
                                         doc['findings']])
        r = mailauth(*self.knot.args(), 'dkim', 'dkcname.check.test', '-s',
                     'selector1')
        self.assertIn('[dkim-cname-dangling]', r.out)

    def test_dangling_cname_found_by_the_probe(self):
        r = mailauth(*self.knot.args(), '--json', 'dkim',
                     'dkcname.check.test')
        doc = r.json()
        self.assertEqual([s['selector'] for s in doc['selectors']],
                         ['selector1'])
        self.assertIn('dkim-cname-dangling', [f['code'] for f in
                                              doc['findings']])

    def verify(self, message):
        path = os.path.join(self.tmp, 'msg.eml')
        with open(path, 'wb') as f:
            f.write(message)
        r = mailauth(*self.knot.args(), '--json', 'dkim', '--verify', path)
        doc = r.json()
        return r, doc, doc['signatures']

    def test_good_signatures(self):
        for canon in ((b'relaxed', b'relaxed'), (b'simple', b'simple'),
                      (b'relaxed', b'simple'), (b'simple', b'relaxed')):
            r, doc, sigs = self.verify(sign(MESSAGE, 'rsa2048',
                                            self.keys.rsa2048[0],
                                            canon=canon))
            self.assertEqual(sigs[0]['result'], 'pass', (canon, sigs))
            self.assertEqual(r.code, 0)
        r, doc, sigs = self.verify(sign(MESSAGE, 'ed', self.keys.ed[0],
                                        algorithm=b'ed25519-sha256'))
        self.assertEqual(sigs[0]['result'], 'pass', sigs)
        self.assertEqual(sigs[0]['a'], 'ed25519-sha256')
        self.assertEqual(sigs[0]['headers'], [h.decode() for h in HEADERS])
        self.assertEqual(sigs[0]['d'], DOMAIN)
        self.assertEqual(sigs[0]['s'], 'ed')

    def test_message_with_bare_lf_line_ends(self):
        signed = sign(MESSAGE, 'rsa2048', self.keys.rsa2048[0])
        r, doc, sigs = self.verify(signed.replace(b'\r\n', b'\n'))
        self.assertEqual(sigs[0]['result'], 'pass', sigs)

    def test_altered_messages_fail_with_the_right_reason(self):
        signed = sign(MESSAGE, 'rsa2048', self.keys.rsa2048[0],
                      canon=(b'simple', b'simple'))
        body = signed.replace(b'eight.', b'nine.')
        r, doc, sigs = self.verify(body)
        self.assertEqual((r.code, sigs[0]['result']), (1, 'fail'))
        self.assertIn('body hash mismatch', sigs[0]['reason'])
        head = signed.replace(b'Subject: Dinner', b'Subject: Lunch')
        r, doc, sigs = self.verify(head)
        self.assertIn('signature mismatch', sigs[0]['reason'])

    def test_key_problems(self):
        # A key that cannot serve makes the signature unusable: permerror
        # (RFC 8601 §2.7.1), not a mismatch.
        for sel, key, reason in (
                ('missing', self.keys.rsa2048[0], 'key not found'),
                ('revoked', self.keys.rsa2048[0], 'key revoked'),
                ('rsa512', self.keys.rsa512[0], '1024')):
            r, doc, sigs = self.verify(sign(MESSAGE, sel, key))
            self.assertEqual(sigs[0]['result'], 'permerror', sel)
            self.assertIn(reason, sigs[0]['reason'], sel)
            self.assertIn('dkim-signature-permerror',
                          [f['code'] for f in doc['findings']])

    def test_duplicate_signature_tag(self):
        # RFC 6376 §3.2: the whole tag list is invalid. dkimpy signs what
        # it is given; the first d= used to win and the signature passed.
        def dup(fields):
            names = [f[0] for f in fields]
            fields.insert(names.index(b'd') + 1, (b'd', b'evil.test'))
        r, doc, sigs = self.verify(sign_edited(MESSAGE, self.keys.rsa2048[0],
                                               dup))
        self.assertEqual((r.code, sigs[0]['result']), (1, 'permerror'))
        self.assertIn('d= appears twice', sigs[0]['reason'])

    def test_strict_key_and_service_type(self):
        key = self.keys.rsa2048[0]
        r, doc, sigs = self.verify(sign(MESSAGE, 'strict', key))
        self.assertEqual(sigs[0]['result'], 'pass', sigs)
        # t=s: i= in a subdomain of d= is not allowed (RFC 6376 §3.6.1).
        r, doc, sigs = self.verify(sign(MESSAGE, 'strict', key,
                                        identity=b'@mail.' +
                                        DOMAIN.encode()))
        self.assertEqual(sigs[0]['result'], 'permerror', sigs)
        self.assertIn('t=s', sigs[0]['reason'])
        # s=tlsrpt: the key is not for mail.
        r, doc, sigs = self.verify(sign(MESSAGE, 'tlsrpt', key))
        self.assertEqual(sigs[0]['result'], 'permerror', sigs)
        self.assertIn('not for mail', sigs[0]['reason'])
        r, doc, sigs = self.verify(sign(MESSAGE, 'anysvc', key))
        self.assertEqual(sigs[0]['result'], 'pass', sigs)
        r, doc, s = self.selectors(DOMAIN, '-s', 'tlsrpt', '-s', 'anysvc')
        self.assertIn('dkim-key-not-for-mail', self.codes(s['tlsrpt']))
        self.assertNotIn('dkim-key-not-for-mail', self.codes(s['anysvc']))
        self.assertEqual(r.code, 1)

    def test_header_name_with_blanks_before_the_colon(self):
        # RFC 5322 §4.5 allows "Subject \t:"; relaxed canonicalization
        # makes it "subject:", and h=subject must find it.
        signed = sign(MESSAGE, 'rsa2048', self.keys.rsa2048[0])
        r, doc, sigs = self.verify(signed.replace(b'\r\nSubject: ',
                                                  b'\r\nSubject \t: '))
        self.assertEqual(sigs[0]['result'], 'pass', sigs)

    def test_unknown_canonicalization_and_query_methods(self):
        key = self.keys.rsa2048[0]
        r, doc, sigs = self.verify(sign_edited(
            MESSAGE, key, replace_tag(b'c', b'relaxed/bogus')))
        self.assertEqual(sigs[0]['result'], 'permerror', sigs)
        self.assertIn('c=', sigs[0]['reason'])
        # q= is a list: unknown methods are ignored (RFC 6376 §3.5), which
        # dkimpy does not do: a note says so.
        r, doc, sigs = self.verify(sign_edited(
            MESSAGE, key, replace_tag(b'q', b'dns/txt:x-other/y')))
        self.assertEqual((r.code, sigs[0]['result']), (0, 'pass'))
        note = [f for f in doc['findings']
                if f['code'] == 'dkim-receivers-differ']
        self.assertEqual(note[0]['severity'], 'info')
        self.assertIn('dkimpy', note[0]['message'])
        with self.assertRaises(dkim.ValidationError):
            dkim.DKIM(sign_edited(MESSAGE, key, replace_tag(
                b'q', b'dns/txt:x-other/y'))).verify(
                dnsfunc=lambda *a, **k: b'')
        r, doc, sigs = self.verify(sign_edited(
            MESSAGE, key, replace_tag(b'q', b'x-other/y')))
        self.assertEqual(sigs[0]['result'], 'permerror', sigs)
        self.assertIn('dns/txt', sigs[0]['reason'])

    def test_identity_is_quoted_printable(self):
        # RFC 6376 §2.11: "=2E" is '.', so i= is within d=.
        r, doc, sigs = self.verify(sign(
            MESSAGE, 'rsa2048', self.keys.rsa2048[0],
            identity=b'joe=40home@mail=2E' + DOMAIN.encode()))
        self.assertEqual(sigs[0]['result'], 'pass', sigs)

    def test_one_from_field_required(self):
        # A passing signature over the last From while a reader sees the
        # first one (RFC 6376 §8.15).
        signed = sign(MESSAGE, 'rsa2048', self.keys.rsa2048[0])
        r, doc, sigs = self.verify(b'From: Mallory <m@evil.test>\r\n' +
                                   signed)
        self.assertEqual(sigs[0]['result'], 'pass', sigs)
        self.assertEqual(r.code, 1)
        self.assertIn('dkim-multiple-from', [f['code'] for f in
                                             doc['findings']])
        r, doc, sigs = self.verify(MESSAGE.replace(
            b'From: Alice <alice@dkim.test>\r\n', b''))
        self.assertEqual(r.code, 1)
        self.assertIn('dkim-no-from', [f['code'] for f in doc['findings']])

    def test_undecodable_key_says_so(self):
        r = mailauth(*self.knot.args(), 'dkim', DOMAIN, '-s', 'split')
        self.assertIn('rsa key that cannot be decoded', r.out)
        self.assertNotIn('0 bits', r.out)
        r, doc, sigs = self.verify(sign(MESSAGE, 'split',
                                        self.keys.rsa2048[0]))
        self.assertEqual(sigs[0]['result'], 'permerror')
        self.assertIsNone(sigs[0]['key_bits'])

    def test_undecodable_key_in_brief(self):
        r = mailauth(*self.knot.args(), 'dkim', '--brief', DOMAIN, '-s',
                     'split')
        self.assertIn('split (rsa key that cannot be decoded)', r.out)
        self.assertNotIn('rsa 0', r.out)

    def test_tag_given_twice(self):
        r, doc, s = self.selectors(DOMAIN, '-s', 'duptag')
        self.assertEqual(r.code, 1)
        f = [f for f in s['duptag']['findings']
             if f['code'] == 'dkim-syntax'][0]
        self.assertIn('k= appears twice', f['message'])
        self.assertIn('"v=DKIM1; k=rsa; " "p=' + self.keys.rsa2048[1][:40],
                      f['fix'])
        self.assertNotIn('ed25519', f['fix'])
        text = mailauth(*self.knot.args(), 'dkim', DOMAIN, '-s', 'duptag')
        self.assertNotIn('2048 bits', text.out)
        self.assertIn('k= appears twice', text.out)
        brief = mailauth(*self.knot.args(), 'dkim', '--brief', DOMAIN, '-s',
                         'duptag')
        self.assertNotIn('rsa 2048', brief.out)

    def test_forbidden_and_expired(self):
        r, doc, sigs = self.verify(sign(MESSAGE, 'rsa2048',
                                        self.keys.rsa2048[0],
                                        algorithm=b'rsa-sha1'))
        self.assertIn('RFC 8301', sigs[0]['reason'])
        r, doc, sigs = self.verify(sign_with_expiry(MESSAGE,
                                                    self.keys.rsa2048[0]))
        self.assertIn('expired', sigs[0]['reason'])

    def test_body_length_limit(self):
        signed = sign(MESSAGE, 'rsa2048', self.keys.rsa2048[0], length=True)
        r, doc, sigs = self.verify(signed + b'appended\r\n')
        self.assertEqual(sigs[0]['result'], 'pass')
        self.assertIn('dkim-body-length', [f['code'] for f in
                                           doc['findings']])

    def test_two_signatures_and_stdin(self):
        once = sign(MESSAGE, 'rsa2048', self.keys.rsa2048[0])
        twice = sign(once, 'ed', self.keys.ed[0],
                     algorithm=b'ed25519-sha256')
        r = mailauth(*self.knot.args(), '--json', 'dkim', '--verify', '-',
                     input_bytes=twice)
        sigs = r.json()['signatures']
        self.assertEqual([s['result'] for s in sigs], ['pass', 'pass'])

    def test_unsigned_and_not_a_message(self):
        r, doc, sigs = self.verify(MESSAGE)
        self.assertEqual(r.code, 1)
        self.assertIn('dkim-unsigned', [f['code'] for f in doc['findings']])
        path = os.path.join(self.tmp, 'junk')
        with open(path, 'wb') as f:
            f.write(b'\r\nno headers here\r\n')
        r = mailauth('dkim', '--verify', path)
        self.assertEqual(r.code, 2)
        self.assertIn(path, r.err)
        r = mailauth('dkim', '--verify', '/nonexistent/message')
        self.assertEqual(r.code, 2)


def common_selectors():
    """The probe's list, read from src/dkim/selectors.c."""
    with open(os.path.join(os.path.dirname(os.path.dirname(
            os.path.dirname(os.path.abspath(__file__)))), 'src', 'dkim',
            'selectors.c')) as f:
        src = f.read()
    table = src[src.index('dkim_common_selectors[] = {'):]
    return re.findall(r'"([^"]+)"', table[:table.index('};')])


class DkimProbeFaults(unittest.TestCase):
    """A probe whose lookups fail finds nothing and says so once, grouped
    by cause, never "65 of 65 common selectors found"."""

    def probe(self, behaviors, *args):
        every = {'%s._domainkey.slow.test' % sel: {'*': {
            'action': 'timeout'}} for sel in common_selectors()}
        every.update(behaviors)
        server = FakeDNS({'zones': ['slow.test'], 'records': {},
                          'behaviors': every}).start()
        try:
            text = mailauth(*server.args(), '--timeout', '0.5', 'dkim',
                            'slow.test', *args)
            js = mailauth(*server.args(), '--timeout', '0.5', '--json',
                          'dkim', 'slow.test', *args)
            return text, js, js.json()
        finally:
            server.stop()

    def test_every_lookup_times_out(self):
        text, js, doc = self.probe({'slow.test': {'*': {
            'action': 'timeout'}}})
        self.assertEqual((text.code, js.code), (3, 3))
        n = doc['selectors_tried']
        self.assertEqual(doc['selectors'], [])
        self.assertNotIn('selectors found', text.out)
        self.assertNotIn('no key found', text.out)
        self.assertIn('unknown: the lookups of all %d common selectors '
                      'failed' % n, text.out)
        errors = [f for f in doc['findings']
                  if f['code'] == 'dkim-dns-error']
        self.assertEqual(len(errors), 1, doc['findings'])
        self.assertIn('%d of %d' % (n, n), errors[0]['message'])
        self.assertIn('%d timeout' % n, errors[0]['message'])
        self.assertNotIn('dkim-none-found', [f['code'] for f in
                                             doc['findings']])
        self.assertEqual(text.out.count('[dkim-dns-error]'), 1, text.out)

    def test_failures_are_grouped_by_cause(self):
        behaviors = {'slow.test': {'*': {'action': 'timeout'}},
                     'default._domainkey.slow.test': {'*': {
                         'action': 'rcode', 'rcode': 'SERVFAIL'}},
                     'mail._domainkey.slow.test': {'*': {
                         'action': 'rcode', 'rcode': 'SERVFAIL'}},
                     'dkim._domainkey.slow.test': {'*': {
                         'action': 'rcode', 'rcode': 'REFUSED'}}}
        text, js, doc = self.probe(behaviors)
        n = doc['selectors_tried']
        errors = [f for f in doc['findings']
                  if f['code'] == 'dkim-dns-error']
        self.assertEqual(len(errors), 1, doc['findings'])
        msg = errors[0]['message']
        self.assertIn('%d timeout' % (n - 3), msg)
        self.assertIn('2 servfail', msg)
        self.assertIn('1 refused', msg)
        self.assertEqual(js.code, 3)

    def test_a_given_selector_that_fails_is_unknown(self):
        text, js, doc = self.probe({'slow.test': {'*': {
            'action': 'rcode', 'rcode': 'REFUSED'}}}, '-s', 'default')
        self.assertEqual(js.code, 3)
        codes = [f['code'] for f in doc['findings']]
        self.assertIn('dkim-dns-error', codes)
        self.assertNotIn('dkim-no-key', codes)
        # The tree says the lookup failed, never "no key".
        self.assertIn('default._domainkey.slow.test  lookup failed '
                      '(timeout)', text.out)
        self.assertNotIn('no key', text.out)


class DkimFaults(unittest.TestCase):
    """A key lookup that times out or is refused is unknown: temperror
    and exit 3, never a failed or unusable signature."""

    @classmethod
    def setUpClass(cls):
        cls.key = rsa_key(2048)
        cls.tmp = tempfile.mkdtemp(prefix='mailauth-dkim-')

    def verify_against(self, behavior, timeout='1'):
        record = 'v=DKIM1; p=' + self.key[1]
        server = FakeDNS({
            'zones': ['dkim.test', 'test'],
            'records': {'rsa2048._domainkey.dkim.test': [
                {'type': 'TXT', 'data': [record[i:i + 250] for i in
                                         range(0, len(record), 250)]}]},
            'behaviors': {'rsa2048._domainkey.dkim.test': {
                '*': behavior}}}).start()
        self.addCleanup(server.stop)
        path = os.path.join(self.tmp, 'msg.eml')
        with open(path, 'wb') as f:
            f.write(sign(MESSAGE, 'rsa2048', self.key[0]))
        r = mailauth(*server.args(), '--timeout', timeout, '--json', 'dkim',
                     '--verify', path)
        return r, r.json()

    def test_key_lookup_refused_or_timed_out(self):
        for behavior in ({'action': 'rcode', 'rcode': 'REFUSED'},
                         {'action': 'timeout'}):
            r, doc = self.verify_against(behavior)
            self.assertEqual(r.code, 3, behavior)
            self.assertEqual(doc['signatures'][0]['result'], 'temperror')
            self.assertIn('dkim-dns-error',
                          [f['code'] for f in doc['findings']])

    def test_late_answer_still_verifies(self):
        # Late, but well within the time allowed, even under valgrind.
        r, doc = self.verify_against({'action': 'delay', 'ms': 400}, '10')
        self.assertEqual((r.code, doc['signatures'][0]['result']),
                         (0, 'pass'), doc['findings'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
