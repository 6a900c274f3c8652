#!/usr/bin/python3
"""mailauth message against knotd: messages signed (and ARC-sealed) here,
at test time, by dkimpy (Debian's python3-dkim) -- an implementation
independent of mailauth's -- with keys made here and served by knotd.
Each case lays a message out as a receiver's mailbox shows it (Postfix,
Exim, Gmail's "Show original") and checks what mailauth decides: the SMTP
context, SPF, DKIM, DMARC alignment and disposition, ARC, the field it
would add, and where the receiver's own verdict differs."""
import base64
import os
import subprocess
import sys
import tempfile
import unittest

import dkim

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (FakeDNS, Knot, SLOWDOWN, WRAPPER,  # noqa: E402
                     mailauth, mailauth_measured)

DATE = b'Sun, 22 Nov 2026 12:00:00 +0000'
SIGNED = [b'from', b'to', b'subject', b'date', b'message-id']
RECEIVER = b'mx.receiver.test'


def openssl(*args, data=None):
    return subprocess.run(['openssl'] + list(args), input=data,
                          capture_output=True, check=True).stdout


def rsa_key():
    pem = openssl('genrsa', '-traditional', '2048')
    der = openssl('rsa', '-pubout', '-outform', 'DER', data=pem)
    return pem, base64.b64encode(der).decode()


def txt(value):
    parts = [value[i:i + 250] for i in range(0, len(value), 250)]
    return ' '.join('"%s"' % p for p in parts)


def zone(apex, lines):
    head = ['$ORIGIN %s.' % apex, '$TTL 300',
            '@ SOA ns.test. hostmaster.test. 1 900 900 1800 60',
            '@ NS ns.test.']
    return '\n'.join(head + lines) + '\n'


class Keys:
    """One signing key per domain, and the zones that publish them with
    the SPF and DMARC records of each case."""

    def __init__(self):
        self.key = {d: rsa_key() for d in
                    ('sender', 'list', 'esp', 'strict')}

    def record(self, name):
        return txt('v=DKIM1; k=rsa; p=' + self.key[name][1])

    def zones(self):
        return {
            'sender.test': zone('sender.test', [
                '@ TXT "v=spf1 ip4:81.0.2.10 ip6:2a00:5:5::25 -all"',
                'mail TXT "v=spf1 ip4:81.0.2.11 -all"',
                '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:d@sender.test"',
                'sel._domainkey TXT ' + self.record('sender')]),
            'list.test': zone('list.test', [
                '@ TXT "v=spf1 ip4:81.0.100.20 -all"',
                'arc._domainkey TXT ' + self.record('list')]),
            'esp.test': zone('esp.test', [
                '@ TXT "v=spf1 ip4:81.0.113.30 -all"',
                'esp._domainkey TXT ' + self.record('esp')]),
            'np.test': zone('np.test', [
                '@ TXT "v=spf1 ip4:192.0.2.1"',
                '_dmarc TXT "v=DMARC1; p=reject; sp=quarantine; np=none"']),
            'strict.test': zone('strict.test', [
                '_dmarc TXT "v=DMARC1; p=quarantine; aspf=s; adkim=s"',
                'mail TXT "v=spf1 ip4:81.0.2.40 -all"',
                's1._domainkey.mail TXT ' + self.record('strict')]),
        }


def body_message(from_addr=b'Alice <alice@sender.test>',
                 body=b'Hi Bob,\r\nsee you at eight.\r\n'):
    return (b'From: ' + from_addr + b'\r\n'
            b'To: Bob <bob@receiver.test>\r\n'
            b'Subject: Dinner\r\n'
            b'Date: ' + DATE + b'\r\n'
            b'Message-ID: <1@sender.test>\r\n'
            b'\r\n' + body)


def postfix(helo, ip, by=RECEIVER, rdns=None):
    literal = ip if b':' not in ip else b'IPv6:' + ip
    return (b'Received: from ' + helo + b' (' + (rdns or helo) + b' [' +
            literal + b'])\r\n\t(using TLSv1.3 with cipher '
            b'TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n\tby ' + by +
            b' (Postfix) with ESMTPS id 4AbC1\r\n\tfor <bob@receiver.test>; '
            + DATE + b'\r\n')


def return_path(addr):
    return b'Return-Path: <' + addr + b'>\r\n'


class MessageAgainstKnot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = Keys()
        cls.knot = Knot(cls.keys.zones()).start()
        cls.tmp = tempfile.mkdtemp(prefix='mailauth-message-')
        cls.n = 0

    @classmethod
    def tearDownClass(cls):
        cls.knot.stop()

    def sign(self, msg, who='sender', domain=b'sender.test', sel=b'sel'):
        sig = dkim.sign(msg, sel, domain, self.keys.key[who][0],
                        include_headers=SIGNED)
        return sig + msg

    def save(self, data):
        MessageAgainstKnot.n += 1
        path = os.path.join(self.tmp, 'm%d.eml' % self.n)
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def run_json(self, data, *args):
        r = mailauth(*self.knot.args(), '--json', 'message', *args,
                     self.save(data))
        return r, r.json()

    def codes(self, doc):
        return [f['code'] for f in doc['findings']]

    def test_aligned_dkim_and_spf(self):
        msg = (return_path(b'bounce@sender.test') +
               postfix(b'mail.sender.test', b'81.0.2.10') +
               self.sign(body_message()))
        r, doc = self.run_json(msg, '--authserv-id', 'mx.receiver.test')
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertEqual(doc['command'], 'message')
        ctx = doc['context']
        self.assertEqual((ctx['ip'], ctx['helo'], ctx['sender']),
                         ('81.0.2.10', 'mail.sender.test',
                          'bounce@sender.test'))
        self.assertEqual(ctx['sources'], {'ip': 'received', 'helo':
                                          'received', 'sender':
                                          'return-path'})
        self.assertEqual(ctx['received']['tls']['version'], 'TLSv1.3')
        self.assertEqual(doc['spf']['result'], 'pass')
        self.assertEqual(len(doc['dkim']), 1)
        sig = doc['dkim'][0]
        self.assertEqual((sig['d'], sig['s'], sig['result'], sig['aligned']),
                         ('sender.test', 'sel', 'pass', True))
        dm = doc['dmarc']
        self.assertEqual((dm['result'], dm['from_domain'], dm['policy']),
                         ('pass', 'sender.test', 'reject'))
        self.assertIsNone(dm['disposition'])
        self.assertTrue(dm['alignment']['spf']['aligned'])
        self.assertEqual(dm['alignment']['spf']['alignment'], 'strict')
        ar = doc['authentication_results']
        self.assertTrue(ar.startswith('mx.receiver.test; spf=pass'), ar)
        self.assertIn('smtp.mailfrom=bounce@sender.test', ar)
        self.assertIn('dkim=pass header.d=sender.test header.s=sel', ar)
        self.assertIn('dmarc=pass (p=reject) header.from=sender.test', ar)

    def test_neither_aligned(self):
        msg = (return_path(b'bounce@esp.test') +
               postfix(b'out.esp.test', b'81.0.113.30') +
               self.sign(body_message(), 'esp', b'esp.test', b'esp'))
        r, doc = self.run_json(msg)
        self.assertEqual(r.code, 1)
        self.assertEqual(doc['spf']['result'], 'pass')
        self.assertEqual(doc['dkim'][0]['result'], 'pass')
        dm = doc['dmarc']
        self.assertEqual((dm['result'], dm['disposition'], dm['policy_tag']),
                         ('fail', 'reject', 'p'))
        self.assertEqual(dm['alignment']['spf']['alignment'], 'none')
        self.assertFalse(dm['alignment']['dkim'][0]['aligned'])
        fail = [f for f in doc['findings']
                if f['code'] == 'message-dmarc-fail'][0]
        self.assertIn('sign with d=sender.test', fail['fix'])
        self.assertIn('policy.dmarc=reject', doc['authentication_results'])

    def test_spf_only_relaxed_alignment(self):
        msg = (return_path(b'bounce@mail.sender.test') +
               postfix(b'mail.sender.test', b'81.0.2.11') + body_message())
        r, doc = self.run_json(msg)
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertEqual(doc['dkim'], [])
        self.assertIn('dkim-unsigned', self.codes(doc))
        spf = doc['dmarc']['alignment']['spf']
        self.assertEqual((spf['domain'], spf['alignment'], spf['aligned'],
                          spf['org_domain']),
                         ('mail.sender.test', 'relaxed', True, 'sender.test'))
        self.assertIn('dkim=none', doc['authentication_results'])

    def test_strict_alignment_failing(self):
        msg = (return_path(b'bounce@mail.strict.test') +
               postfix(b'mail.strict.test', b'81.0.2.40') +
               self.sign(body_message(b'Carol <carol@strict.test>'),
                         'strict', b'mail.strict.test', b's1'))
        r, doc = self.run_json(msg)
        self.assertEqual(r.code, 1)
        dm = doc['dmarc']
        self.assertEqual((dm['result'], dm['disposition']),
                         ('fail', 'quarantine'))
        self.assertEqual(doc['spf']['result'], 'pass')
        self.assertEqual(doc['dkim'][0]['result'], 'pass')
        for ident in [dm['alignment']['spf']] + dm['alignment']['dkim']:
            self.assertEqual(ident['alignment'], 'relaxed')
            self.assertFalse(ident['aligned'])
        text = mailauth(*self.knot.args(), 'message', self.save(msg)).out
        self.assertIn('not aligned: strict alignment wanted', text)

    def test_exim_received(self):
        msg = (return_path(b'bounce@sender.test') +
               b'Received: from mail.sender.test ([81.0.2.10]:40312 '
               b'helo=smtp.sender.test)\r\n\tby mx.receiver.test with esmtps '
               b'(TLS1.3) tls TLS_AES_256_GCM_SHA384\r\n\t(Exim 4.96)\r\n\t'
               b'(envelope-from <bounce@sender.test>)\r\n\tid 1qXyZ-0001\r\n'
               b'\tfor bob@receiver.test; ' + DATE + b'\r\n' +
               self.sign(body_message()))
        r, doc = self.run_json(msg)
        self.assertEqual(r.code, 0, doc['findings'])
        ctx = doc['context']
        self.assertEqual((ctx['ip'], ctx['helo']),
                         ('81.0.2.10', 'smtp.sender.test'))
        self.assertEqual(ctx['received']['rdns'], 'mail.sender.test')
        self.assertEqual(ctx['received']['tls']['cipher'],
                         'TLS_AES_256_GCM_SHA384')
        self.assertEqual(doc['spf']['result'], 'pass')

    def test_ipv6_received(self):
        msg = (return_path(b'bounce@sender.test') +
               postfix(b'mail.sender.test', b'2a00:5:5::25') +
               body_message())
        r, doc = self.run_json(msg)
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertEqual(doc['context']['ip'], '2a00:5:5::25')
        self.assertEqual(doc['spf']['result'], 'pass')
        self.assertEqual(doc['spf']['matched'][-1]['term'],
                         'ip6:2a00:5:5::25')

    def test_no_received(self):
        msg = self.sign(body_message())
        r, doc = self.run_json(msg)
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertIsNone(doc['context']['ip'])
        self.assertIsNone(doc['context']['sources']['ip'])
        self.assertFalse(doc['spf']['evaluated'])
        self.assertIsNone(doc['spf']['result'])
        self.assertIn('message-no-client-ip', self.codes(doc))
        self.assertEqual(doc['dmarc']['result'], 'pass')
        self.assertNotIn('spf=', doc['authentication_results'])
        text = mailauth(*self.knot.args(), 'message', self.save(msg)).out
        self.assertIn('SPF  not evaluated: the client IP is unknown', text)
        self.assertIn('client IP  unknown  (not found)', text)

    def test_options_override_the_header(self):
        msg = (return_path(b'bounce@sender.test') +
               postfix(b'mail.sender.test', b'81.0.2.10') + body_message())
        r, doc = self.run_json(msg, '--ip', '81.0.113.30', '--sender',
                               'x@esp.test', '--helo', 'out.esp.test')
        self.assertEqual(doc['context']['sources'],
                         {'ip': 'option', 'helo': 'option',
                          'sender': 'option'})
        self.assertEqual(doc['spf']['domain'], 'esp.test')
        self.assertEqual(doc['spf']['result'], 'pass')
        self.assertEqual(doc['dmarc']['result'], 'fail')
        r, doc = self.run_json(msg, '--sender', '', '--helo',
                               'mail.sender.test', '--ip', '81.0.2.10')
        self.assertEqual(doc['spf']['domain'], 'mail.sender.test')
        self.assertIn('smtp.helo=mail.sender.test',
                      doc['authentication_results'])

    def test_gmail_show_original(self):
        signed = self.sign(body_message())
        sig_b = signed.split(b' b=')[1][:8].decode()
        msg = (b'Delivered-To: bob@gmail.com\r\n'
               b'Received: by 2002:a05:6a10:b0c1:b0:5a1:2b3c:4d5e with SMTP '
               b'id x1csp1234pxb;\r\n        ' + DATE + b'\r\n'
               b'X-Received: by 2002:a17:90a:1::2 with SMTP id y2mr1;\r\n'
               b'        ' + DATE + b'\r\n'
               b'Return-Path: <bounce@sender.test>\r\n'
               b'Received: from mail.sender.test (mail.sender.test. '
               b'[81.0.2.10])\r\n        by mx.google.com with ESMTPS id '
               b'z3si4.2026.11.22\r\n        for <bob@gmail.com>\r\n'
               b'        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 '
               b'bits=256/256);\r\n        ' + DATE + b'\r\n'
               b'Received-SPF: pass (google.com: domain of bounce@sender.test'
               b' designates 81.0.2.10 as permitted sender) '
               b'client-ip=81.0.2.10;\r\n'
               b'Authentication-Results: mx.google.com;\r\n'
               b'       dkim=pass header.i=@sender.test header.s=sel '
               b'header.b=' + sig_b.encode() + b';\r\n'
               b'       spf=pass (google.com: domain of bounce@sender.test '
               b'designates 81.0.2.10 as permitted sender) '
               b'smtp.mailfrom=bounce@sender.test;\r\n'
               b'       dmarc=pass (p=REJECT sp=REJECT dis=NONE) '
               b'header.from=sender.test\r\n' + signed)
        r, doc = self.run_json(msg)
        self.assertEqual(r.code, 0, doc['findings'])
        ctx = doc['context']
        self.assertEqual((ctx['boundary'], ctx['received_fields']), (2, 2))
        self.assertEqual(ctx['received']['by'], 'mx.google.com')
        self.assertEqual(ctx['received']['tls'],
                         {'used': True, 'version': 'TLS1_3',
                          'cipher': 'TLS_AES_256_GCM_SHA384'})
        rc = doc['receiver']
        self.assertTrue(rc['found'])
        self.assertEqual(rc['authserv_id'], 'mx.google.com')
        self.assertEqual(rc['disposition'], 'NONE')
        self.assertEqual([x['method'] for x in rc['results']],
                         ['dkim', 'spf', 'dmarc'])
        self.assertEqual(rc['differences'], [])
        text = mailauth(*self.knot.args(), 'message', self.save(msg)).out
        self.assertIn('TLS1_3, TLS_AES_256_GCM_SHA384', text)
        self.assertIn('Receiver  mx.google.com', text)

    def test_receiver_disagrees(self):
        """The receiver verified the signature; the file saved since had
        its body changed, and mailauth is asked about another IP."""
        signed = self.sign(body_message())
        sig_b = signed.split(b' b=')[1][:8]
        changed = signed.replace(b'see you at eight', b'see you at nine')
        msg = (b'Authentication-Results: mx.receiver.test;\r\n'
               b'\tspf=pass (mx.receiver.test: domain of bounce@sender.test '
               b'designates 81.0.2.10 as permitted sender) '
               b'smtp.mailfrom=bounce@sender.test;\r\n'
               b'\tdkim=pass header.d=sender.test header.s=sel header.b=' +
               sig_b + b';\r\n\tdmarc=pass header.from=sender.test\r\n' +
               return_path(b'bounce@sender.test') +
               postfix(b'mail.sender.test', b'81.0.2.10') + changed)
        r, doc = self.run_json(msg, '--ip', '81.0.113.99')
        self.assertEqual(r.code, 1)
        rc = doc['receiver']
        self.assertEqual(rc['matched_by'],
                         'the receiving host mx.receiver.test')
        diffs = {d['method']: d for d in rc['differences']}
        self.assertEqual(sorted(diffs), ['dkim', 'dmarc', 'spf'])
        self.assertEqual((diffs['dkim']['receiver'],
                          diffs['dkim']['mailauth']), ('pass', 'fail'))
        self.assertIn('body changed after the receiver verified it',
                      diffs['dkim']['cause'])
        self.assertEqual(diffs['spf']['mailauth'], 'fail')
        self.assertIn('receiver saw 81.0.2.10, mailauth used 81.0.113.99',
                      diffs['spf']['cause'])
        self.assertIn('message-receiver-differs', self.codes(doc))

    def test_receiver_id_and_intermediaries(self):
        msg = (b'Authentication-Results: mx.receiver.test; spf=pass '
               b'smtp.mailfrom=bounce@sender.test\r\n' +
               return_path(b'bounce@sender.test') +
               postfix(b'mail.sender.test', b'81.0.2.10') +
               b'Authentication-Results: list.test; dkim=fail '
               b'header.d=sender.test\r\n' + body_message())
        r, doc = self.run_json(msg)
        self.assertEqual(doc['receiver']['authserv_id'], 'mx.receiver.test')
        self.assertEqual(len(doc['receiver']['results']), 1)
        r, doc = self.run_json(msg, '--receiver-id', 'list.test')
        self.assertEqual(doc['receiver']['matched_by'], '--receiver-id')
        self.assertEqual(doc['receiver']['results'][0]['method'], 'dkim')
        r, doc = self.run_json(body_message())
        self.assertFalse(doc['receiver']['found'])
        self.assertIn('message-no-receiver-results', self.codes(doc))

    def test_rfc7489_view_says_when_the_policy_differs(self):
        """From a subdomain that does not exist: RFC 9989 applies np=none,
        RFC 7489 (which has no np) sp=quarantine. The result is the same,
        the disposition not: the text says so, as the JSON does."""
        msg = (return_path(b'bounce@esp.test') +
               postfix(b'out.esp.test', b'81.0.113.30') +
               body_message(from_addr=b'a@nx.np.test'))
        r, doc = self.run_json(msg)
        dm = doc['dmarc']
        self.assertEqual((dm['result'], dm['policy_tag'], dm['disposition']),
                         ('fail', 'np', 'none'))
        self.assertEqual((dm['rfc7489']['result'],
                          dm['rfc7489']['disposition']),
                         ('fail', 'quarantine'))
        self.assertIn('message-dmarc-rfc7489-differs', self.codes(doc))
        text = mailauth(*self.knot.args(), 'message', self.save(msg)).out
        self.assertNotIn('the same result', text)
        self.assertIn('fail too, but the policy asks for quarantine, not '
                      'none', text)

    def test_internal_hops_and_received_forms(self):
        """The boundary is the hop where the message came in: not an
        LMTP delivery on top, not Microsoft 365's own hops between hosts
        of exchangelabs.com, outlook.com and protection.outlook.com; the
        HELO of Postfix's literal form, the reverse name of Exim's
        'from NAME ([IP])'."""
        signed = self.sign(body_message())
        lmtp = (b'Received: from mx.receiver.test ([93.184.216.7])\r\n'
                b'\tby imap1 with LMTP id 9Tq2J for <bob@receiver.test>; ' +
                DATE + b'\r\n' + postfix(b'mail.sender.test', b'81.0.2.10'))
        m365 = (b'Received: from DB8PR01MB1234.eurprd01.prod.exchangelabs.com'
                b' (2603:10a6:10:1::12) by AM0PR01MB5678.eurprd01.prod.'
                b'exchangelabs.com with HTTPS; ' + DATE + b'\r\n'
                b'Received: from AS9PR06CA0001.eurprd06.prod.outlook.com '
                b'(2603:10a6:20b:462::6)\r\n by DB8PR01MB1234.eurprd01.prod.'
                b'exchangelabs.com (2603:10a6:10:1::12) with\r\n Microsoft '
                b'SMTP Server id 15.20.1; ' + DATE + b'\r\n'
                b'Received: from mail.sender.test (81.0.2.10) by\r\n '
                b'AS9PR06CA0001.mail.protection.outlook.com (10.167.16.74) '
                b'with Microsoft SMTP\r\n Server id 15.20.3 via Frontend '
                b'Transport; ' + DATE + b'\r\n')
        literal = (b'Received: from [81.0.2.10] (mail.sender.test '
                   b'[81.0.2.10])\r\n\tby mx.receiver.test (Postfix) with '
                   b'ESMTPS id 1; ' + DATE + b'\r\n')
        exim = (b'Received: from mail.sender.test ([81.0.2.10])\r\n\tby '
                b'mx.receiver.test with esmtps (TLS1.3) tls '
                b'TLS_AES_256_GCM_SHA384\r\n\t(Exim 4.96)\r\n\tid '
                b'1qXyZ-0001; ' + DATE + b'\r\n')
        cases = {'lmtp': (lmtp, 'mail.sender.test', 'mail.sender.test'),
                 'm365': (m365, 'mail.sender.test', None),
                 'literal': (literal, '[81.0.2.10]', 'mail.sender.test'),
                 'exim': (exim, 'mail.sender.test', 'mail.sender.test')}
        for name, (hops, helo, rdns) in cases.items():
            msg = return_path(b'bounce@sender.test') + hops + signed
            r, doc = self.run_json(msg)
            ctx = doc['context']
            self.assertEqual((ctx['ip'], ctx['sources']['ip']),
                             ('81.0.2.10', 'received'), name)
            self.assertEqual((ctx['helo'], ctx['received']['rdns']),
                             (helo, rdns), name)
            self.assertEqual(doc['spf']['result'], 'pass', name)
            self.assertEqual(r.code, 0, (name, doc['findings']))

    def test_spf_path_reads_like_spf_ip(self):
        """A record that matches no term: the path says so with a space
        before the words, in message as in spf --ip."""
        msg = (return_path(b'bounce@np.test') +
               postfix(b'out.esp.test', b'81.0.113.30') + body_message())
        text = mailauth(*self.knot.args(), 'message', self.save(msg)).out
        self.assertIn('np.test (no term matched) \u2192 neutral', text)
        spf = mailauth(*self.knot.args(), 'spf', 'np.test', '--ip',
                       '81.0.113.30').out
        self.assertIn('np.test (no term matched) \u2192 neutral', spf)

    def test_fields_below_the_boundary_are_not_the_receivers(self):
        """RFC 8601 §5: an Authentication-Results below the receiving
        Received came with the message, whatever authserv-id it claims;
        with the receiver's own above it, only that one counts."""
        forged = (b'Authentication-Results: mx.receiver.test; spf=pass '
                  b'smtp.mailfrom=bounce@sender.test; dkim=pass '
                  b'header.d=sender.test; dmarc=pass '
                  b'header.from=sender.test\r\n')
        below = (return_path(b'bounce@esp.test') +
                 postfix(b'out.esp.test', b'81.0.113.30') + forged +
                 body_message())
        r, doc = self.run_json(below)
        self.assertFalse(doc['receiver']['found'], doc['receiver'])
        self.assertEqual(doc['receiver']['differences'], [])
        real = (b'Authentication-Results: mx.receiver.test; spf=pass '
                b'smtp.mailfrom=bounce@esp.test; dmarc=fail '
                b'header.from=sender.test\r\n' + below)
        for args in ((), ('--receiver-id', 'mx.receiver.test')):
            r, doc = self.run_json(real, *args)
            rc = doc['receiver']
            self.assertEqual([(x['method'], x['result'])
                              for x in rc['results']],
                             [('spf', 'pass'), ('dmarc', 'fail')], args)
            self.assertEqual(rc['differences'], [], args)

    def test_ar_is_ascii_and_rfc8601(self):
        """What mailauth writes into the field parses with an
        independent RFC 8601 parser (python3-authres) and is US-ASCII,
        whatever the reasons (RFC section signs) and the message hold."""
        import authres
        features = authres.all_features()
        sha1 = (b'DKIM-Signature: v=1; a=rsa-sha1; c=relaxed/relaxed; '
                b'd=sender.test; s=sel; h=from; bh=AAAA; b=AAAA\r\n')
        seal_only = (b'ARC-Seal: i=1; a=rsa-sha256; cv=none; d=list.test; '
                     b's=arc; b=AAAA\r\n')
        bad_from = body_message(from_addr='\u00c4rger <\u00e4@>'.encode())
        cases = (sha1 + body_message(), seal_only + body_message(),
                 bad_from, self.delivered(self.mailing_list()))
        outs = []
        for msg in cases:
            msg = (return_path(b'bounce@sender.test') +
                   postfix(b'mail.sender.test', b'81.0.2.10') + msg)
            r = mailauth(*self.knot.args(), 'message', '--ar',
                         '--authserv-id', 'mx.example.net', '-',
                         input_bytes=msg)
            self.assertIn(r.code, (0, 1), r.err)
            raw = r.out.encode('utf-8', 'surrogateescape')
            self.assertTrue(all(b < 0x80 for b in raw), r.out)
            field = features.parse(r.out.replace('\n\t', ' ').strip())
            self.assertEqual(field.authserv_id, 'mx.example.net')
            self.assertEqual([x.method for x in field.results][-2:],
                             ['dmarc', 'arc'], r.out)
            outs.append(r.out)
        self.assertIn('(RFC 8301 section 3.1)', outs[0])
        self.assertIn('RFC 8617 section 5.2', outs[1])

    def test_ar_prints_the_field_alone(self):
        msg = (return_path(b'bounce@sender.test') +
               postfix(b'mail.sender.test', b'81.0.2.10') +
               self.sign(body_message()))
        r = mailauth(*self.knot.args(), 'message', '--ar', '--authserv-id',
                     'mx.example.net', '-', input_bytes=msg)
        self.assertEqual(r.code, 0, r.err)
        lines = r.out.splitlines()
        self.assertEqual(lines[0], 'Authentication-Results: mx.example.net;')
        self.assertTrue(all(x.startswith('\t') for x in lines[1:]), lines)
        self.assertIn('\tdmarc=pass (p=reject) header.from=sender.test;',
                      lines)
        self.assertEqual(lines[-1], '\tarc=none')

    def test_bare_lf_file_and_stdin(self):
        msg = (return_path(b'bounce@sender.test') +
               postfix(b'mail.sender.test', b'81.0.2.10') +
               self.sign(body_message())).replace(b'\r\n', b'\n')
        r = mailauth(*self.knot.args(), '--json', 'message', '-',
                     input_bytes=msg)
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(r.json()['dkim'][0]['result'], 'pass')

    def test_usage_errors(self):
        cases = [
            (['message', self.save(b'Hey gang,\nThis is a test.\n')],
             'is not an RFC 5322 message'),
            (['message', self.save(b'')], 'Show original, then Download '
             'original'),
            (['message', '/nonexistent/x.eml'], 'cannot read message'),
            (['message', self.tmp], 'it is a directory (give the path of a '
             'saved message file'),
            (['message', '--ip', 'nope', self.save(body_message())],
             'invalid IP address'),
            (['message', '--authserv-id', 'a b', self.save(body_message())],
             'invalid --authserv-id'),
            (['message'], 'missing FILE'),
        ]
        for args, text in cases:
            r = mailauth(*self.knot.args(), *args)
            self.assertEqual(r.code, 2, args)
            self.assertIn(text, r.err)
            self.assertEqual(len(r.err.strip().splitlines()), 1, r.err)

    def test_help_states_the_exit_status(self):
        r = mailauth('message', '--help')
        self.assertEqual(r.code, 0)
        self.assertIn('Exit status: the DMARC result -- 0 pass, 1 fail',
                      r.out)
        self.assertNotIn('1 errors found', r.out)

    def test_hostile_header_costs_linear_memory(self):
        """Thousands of Authentication-Results fields of the receiver and
        one with 50 000 properties: linear work, bounded memory."""
        props = b' '.join(b'header.x%d=v' % i for i in range(50000))
        msg = (postfix(b'mail.sender.test', b'81.0.2.10') +
               b'Authentication-Results: mx.receiver.test; spf=pass\r\n'
               * 5000 + b'Authentication-Results: mx.receiver.test; '
               b'dkim=pass ' + props + b'\r\n' + body_message())
        r = mailauth_measured(*self.knot.args(), '--json', 'message',
                              self.save(msg))
        self.assertEqual(r.code, 1, r.err)
        self.assertEqual(len(r.json()['receiver']['results']), 5001)
        self.assertLess(r.elapsed, 10 * SLOWDOWN)
        if not WRAPPER:
            self.assertLess(r.maxrss_kb, 200 * 1024)

    def test_from_problems_are_permerror(self):
        for from_line in (b'a@sender.test, b@esp.test', b'nobody'):
            r, doc = self.run_json(body_message(from_line))
            self.assertEqual(r.code, 1)
            self.assertEqual(doc['dmarc']['result'], 'permerror')
            self.assertIn('message-from-invalid', self.codes(doc))
        two = b'From: x@sender.test\r\n' + body_message()
        r, doc = self.run_json(two)
        self.assertEqual(doc['dmarc']['result'], 'permerror')
        self.assertIn('2 From fields', doc['dmarc']['from_error'])

    def mailing_list(self, footer=b'-- \r\nlist@list.test\r\n'):
        """Alice's signed message as the list received it, changed by
        the list (subject tag, footer) and sealed by it."""
        original = self.sign(body_message())
        received = (b'Authentication-Results: list.test; spf=pass '
                    b'smtp.mailfrom=bounce@sender.test; dkim=pass '
                    b'header.d=sender.test header.s=sel; dmarc=pass '
                    b'header.from=sender.test\r\n' +
                    postfix(b'mail.sender.test', b'81.0.2.10',
                            by=b'mx.list.test') + original)
        changed = received.replace(b'Subject: Dinner',
                                   b'Subject: [friends] Dinner') + footer
        seal = dkim.arc_sign(changed, b'arc', b'list.test',
                             self.keys.key['list'][0], b'list.test',
                             include_headers=SIGNED, timestamp=1763812800)
        return b''.join(seal) + changed

    def delivered(self, msg, ip=b'81.0.100.20', helo=b'mail.list.test'):
        return (return_path(b'friends-bounces@list.test') +
                postfix(helo, ip) + msg)

    def test_mailing_list_changed_and_sealed(self):
        msg = self.delivered(self.mailing_list())
        r, doc = self.run_json(msg)
        self.assertEqual(r.code, 1)
        self.assertEqual((doc['spf']['domain'], doc['spf']['result']),
                         ('list.test', 'pass'))
        sig = doc['dkim'][0]
        self.assertEqual((sig['d'], sig['result'], sig['aligned']),
                         ('sender.test', 'fail', True))
        self.assertIn('body hash', sig['reason'])
        self.assertEqual((doc['dmarc']['result'], doc['dmarc']['disposition']),
                         ('fail', 'reject'))
        arc = doc['arc']
        self.assertEqual((arc['result'], arc['instances'], arc['oldest_pass']),
                         ('pass', 1, 0))
        aar = arc['sets'][0]['authentication_results']
        self.assertEqual(aar['authserv_id'], 'list.test')
        self.assertEqual({x['method']: x['result'] for x in aar['results']},
                         {'spf': 'pass', 'dkim': 'pass', 'dmarc': 'pass'})
        self.assertEqual(arc['sets'][0]['seal']['result'], 'pass')
        self.assertIn('arc=pass header.oldest-pass=0 '
                      'smtp.remote-ip=81.0.100.20',
                      doc['authentication_results'])
        text = mailauth(*self.knot.args(), 'message', '--authserv-id',
                        'mx.receiver.test', self.save(msg)).out
        self.assertIn('ARC  pass  1 instance, oldest_pass 0', text)
        self.assertIn('it saw: spf=pass, dkim=pass, dmarc=pass', text)
        fail = [f for f in doc['findings']
                if f['code'] == 'message-dmarc-fail'][0]
        self.assertIn('list.test (i=1) saw dkim pass', fail['message'])
        self.assertIn('rewrite From', fail['fix'])

    def test_arc_override_is_the_likely_cause(self):
        msg = (b'Authentication-Results: mx.receiver.test; spf=pass '
               b'smtp.mailfrom=friends-bounces@list.test; dkim=fail '
               b'header.d=sender.test; dmarc=pass (p=REJECT dis=NONE) '
               b'header.from=sender.test; arc=pass (i=1)\r\n' +
               self.delivered(self.mailing_list()))
        r, doc = self.run_json(msg)
        diffs = {d['method']: d for d in doc['receiver']['differences']}
        self.assertEqual((diffs['dmarc']['receiver'],
                          diffs['dmarc']['mailauth']), ('pass', 'fail'))
        self.assertIn('ARC override', diffs['dmarc']['cause'])
        self.assertEqual(doc['receiver']['disposition'], 'NONE')

    def test_arc_second_instance_and_oldest_pass(self):
        """A forwarder changes the body again and seals i=2: the chain
        still passes, and the list's signature no longer does."""
        listed = self.mailing_list()
        forwarded = (b'Authentication-Results: esp.test; arc=pass; '
                     b'spf=pass smtp.mailfrom=friends-bounces@list.test\r\n'
                     + listed + b'forwarded\r\n')
        seal = dkim.arc_sign(forwarded, b'esp', b'esp.test',
                             self.keys.key['esp'][0], b'esp.test',
                             include_headers=SIGNED, timestamp=1763812900)
        msg = self.delivered(b''.join(seal) + forwarded, b'81.0.113.30',
                             b'out.esp.test')
        r, doc = self.run_json(msg)
        arc = doc['arc']
        self.assertEqual((arc['result'], arc['instances'], arc['oldest_pass']),
                         ('pass', 2, 2), arc)
        self.assertEqual(arc['sets'][0]['message_signature']['result'],
                         'fail')
        self.assertEqual(arc['sets'][1]['cv'], 'pass')

    def test_arc_tampered_seal_fails(self):
        msg = self.delivered(self.mailing_list()).replace(
            b'i=1; list.test; spf=pass', b'i=1; list.test; spf=fail')
        r, doc = self.run_json(msg)
        self.assertEqual(doc['arc']['result'], 'fail')
        self.assertIn('ARC-Seal of instance 1', doc['arc']['reason'])
        self.assertIn('arc=fail', doc['authentication_results'])
        # RFC 8617 §5.2 step 5: oldest_pass is defined on a passing
        # chain only.
        self.assertIsNone(doc['arc']['oldest_pass'])
        self.assertNotIn('oldest', mailauth(*self.knot.args(), 'message',
                                            self.save(msg)).out)

    def test_more_than_fifty_arc_sets(self):
        """RFC 8617 §5.2 step 1: 51 Sets are more than the 50 allowed;
        the count says 51."""
        sets = b''.join(
            b'ARC-Seal: i=%d; a=rsa-sha256; cv=%s; d=list.test; s=arc; '
            b'b=AAAA\r\nARC-Message-Signature: i=%d; a=rsa-sha256; '
            b'd=list.test; s=arc; h=from; bh=AAAA; b=AAAA\r\n'
            b'ARC-Authentication-Results: i=%d; list.test; spf=pass\r\n'
            % (i, b'none' if i == 1 else b'pass', i, i)
            for i in range(51, 0, -1))
        r, doc = self.run_json(self.delivered(sets + body_message()))
        arc = doc['arc']
        self.assertEqual((arc['result'], arc['instances']), ('fail', 51))
        self.assertIn('51 ARC Sets', arc['reason'])
        self.assertIn('§5.2 step 1', arc['reason'])
        self.assertIsNone(arc['oldest_pass'])
        text = mailauth(*self.knot.args(), 'message',
                        self.save(self.delivered(sets + body_message()))).out
        self.assertIn('51 instances', text)

    def test_batch_of_files(self):
        good = self.save(self.sign(body_message()))
        path = self.save(('%s\n/nonexistent.eml\n' % good).encode())
        r = mailauth(*self.knot.args(), '--batch', path, 'message')
        lines = [__import__('json').loads(x) for x in r.out.splitlines()]
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines[0]['dmarc']['result'], 'pass')
        self.assertIn('cannot read message', lines[1]['error'])


class MessageFaults(unittest.TestCase):
    """Three answers: a refused or failed lookup leaves the verdict
    unknown (exit 3), and a late server still gives one."""

    @classmethod
    def setUpClass(cls):
        cls.pem, pub = rsa_key()
        value = 'v=DKIM1; k=rsa; p=' + pub
        cls.records = {
            'fault.test': [{'type': 'TXT', 'data': 'v=spf1 ip4:81.0.2.10 '
                            '-all'}],
            '_dmarc.fault.test': [{'type': 'TXT',
                                   'data': 'v=DMARC1; p=reject'}],
            'sel._domainkey.fault.test': [{'type': 'TXT', 'data': [
                value[i:i + 250] for i in range(0, len(value), 250)]}],
        }
        msg = body_message(b'a@fault.test')
        cls.msg = (return_path(b'b@fault.test') +
                   postfix(b'mail.fault.test', b'81.0.2.10') +
                   dkim.sign(msg, b'sel', b'fault.test', cls.pem,
                             include_headers=SIGNED) + msg)
        cls.tmp = tempfile.mkdtemp(prefix='mailauth-message-fault-')
        cls.path = os.path.join(cls.tmp, 'm.eml')
        with open(cls.path, 'wb') as f:
            f.write(cls.msg)

    def fake(self, behaviors, delay_ms=0):
        server = FakeDNS({'zones': ['fault.test', 'test'],
                          'records': self.records,
                          'behaviors': behaviors}, delay_ms=delay_ms).start()
        self.addCleanup(server.stop)
        return server

    def test_late_server(self):
        server = self.fake({}, delay_ms=300)
        r = mailauth(*server.args(), '--json', 'message', self.path)
        self.assertEqual(r.code, 0, r.out)
        self.assertEqual(r.json()['dmarc']['result'], 'pass')

    def test_refusing_server_is_unknown(self):
        refuse = {'action': 'rcode', 'rcode': 'REFUSED'}
        server = self.fake({'fault.test': {'*': refuse},
                            'sel._domainkey.fault.test': {'*': refuse}})
        r = mailauth(*server.args(), '--json', 'message', self.path)
        doc = r.json()
        self.assertEqual(r.code, 3, doc['findings'])
        self.assertEqual(doc['spf']['result'], 'temperror')
        self.assertEqual(doc['dkim'][0]['result'], 'temperror')
        self.assertEqual(doc['dmarc']['result'], 'temperror')
        self.assertIn('message-dmarc-dns-error',
                      [f['code'] for f in doc['findings']])

    def test_timeout_of_the_policy_is_unknown(self):
        server = self.fake({'_dmarc.fault.test': {'*': {'action':
                                                        'timeout'}}})
        r = mailauth(*server.args(), '--timeout', '1', '--json', 'message',
                     self.path)
        self.assertEqual(r.code, 3)
        self.assertEqual(r.json()['dmarc']['result'], 'temperror')


if __name__ == '__main__':
    unittest.main(verbosity=2)
