#!/usr/bin/python3
"""mailauth check against knotd: home servers configured right and wrong
(tests/zones/check.test.zone and its reverse zones)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Knot, mailauth  # noqa: E402


class CheckAgainstKnot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.knot = Knot().start()

    @classmethod
    def tearDownClass(cls):
        cls.knot.stop()

    def check(self, domain, *args):
        r = mailauth(*self.knot.args(), '--json', 'check', '--dnsbl',
                     'bl.test', domain, *args)
        doc = r.json()
        return r, doc, {q['id']: q for q in doc['requirements']}

    def test_home_server_configured_right(self):
        r, doc, req = self.check('home.check.test', '--trace')
        self.assertEqual(r.code, 0, [q for q in doc['requirements']
                                     if q['status'] != 'pass'])
        self.assertEqual(doc['command'], 'check')
        self.assertTrue(doc['ips_from_mx'])
        self.assertEqual(doc['sending_ips'],
                         ['198.51.100.25', '2001:db8:1::25'])
        for rid in ('ptr', 'spf', 'dkim', 'dmarc', 'alignment', 'dnsbl'):
            self.assertEqual(req[rid]['status'], 'pass', req[rid])
            self.assertTrue(req[rid]['required'])
        self.assertEqual(req['tls']['status'], 'info')
        self.assertIn('cannot be seen in DNS', req['tls']['message'])
        self.assertIn('v=STSv1', req['mta-sts']['message'])
        self.assertEqual(req['ptr']['gmail_codes'],
                         ['4.7.23', '5.7.25', '550-5.7.1'])
        for part in ('spf', 'dkim', 'dmarc', 'ptr', 'mx'):
            self.assertIn(part, doc)
        self.assertEqual(doc['mx']['hosts'][0]['host'],
                         'mail.home.check.test')
        self.assertEqual(len(doc['ptr']), 2)
        self.assertEqual(doc['spf']['evaluations'][1]['result'], 'pass')
        # Everything that does not wait on an answer is asked at once,
        # and every (name, type) once although SPF, PTR, MX and the
        # DNSBL checks share names.
        self.assertGreater(doc['stats']['max_in_flight'], 60)
        asked = [(q['name'], q['type']) for q in doc['queries']]
        self.assertEqual(len(asked), len(set(asked)))
        self.assertEqual(doc['stats']['sent'], len(asked))

    def test_missing_ptr(self):
        r, doc, req = self.check('noptr.check.test')
        self.assertEqual(r.code, 1)
        self.assertEqual(req['ptr']['status'], 'fail')
        self.assertIn('26.100.51.198.in-addr.arpa', req['ptr']['message'])
        self.assertEqual(req['ptr']['gmail_codes'], ['4.7.23', '5.7.25'])

    def test_ptr_not_forward_confirmed(self):
        r, doc, req = self.check('badptr.check.test')
        self.assertEqual((r.code, req['ptr']['status']), (1, 'fail'))
        self.assertIn('does not resolve back', req['ptr']['message'])

    def test_spf_does_not_cover_the_ip(self):
        r, doc, req = self.check('nospf.check.test')
        self.assertEqual((r.code, req['spf']['status']), (1, 'fail'))
        self.assertIn('fail', req['spf']['message'])
        self.assertEqual(req['spf']['gmail_codes'], ['4.7.27', '5.7.27'])
        # DKIM still aligns, so alignment passes.
        self.assertEqual(req['alignment']['status'], 'pass')

    def test_over_the_spf_lookup_limit(self):
        r, doc, req = self.check('overlimit.check.test')
        self.assertEqual(r.code, 1)
        self.assertEqual(req['spf-lookups']['status'], 'fail')
        self.assertIn('13/10', req['spf-lookups']['message'])
        self.assertIn('permerror', req['spf']['message'])

    def test_no_dmarc(self):
        r, doc, req = self.check('nodmarc.check.test')
        self.assertEqual((r.code, req['dmarc']['status']), (1, 'fail'))
        self.assertEqual(req['dmarc']['gmail_codes'],
                         ['4.7.31', '4.7.40', '5.7.40'])

    def test_dkim_in_testing_mode(self):
        r, doc, req = self.check('testing.check.test')
        self.assertEqual((r.code, req['dkim']['status']), (1, 'warn'))
        self.assertIn('t=y', req['dkim']['message'])

    def test_listed_on_a_blocklist(self):
        r, doc, req = self.check('listed.check.test')
        self.assertEqual((r.code, req['dnsbl']['status']), (1, 'fail'))
        self.assertIn('bl.test', req['dnsbl']['message'])

    def test_given_ip_and_rules_for_all_senders(self):
        r, doc, req = self.check('nodmarc.check.test', '--ip',
                                 '198.51.100.30', '--all-senders')
        self.assertFalse(doc['ips_from_mx'])
        self.assertEqual(r.code, 0, doc['requirements'])
        self.assertEqual(req['dmarc']['status'], 'warn')
        self.assertFalse(req['dmarc']['required'])
        self.assertEqual(req['authentication']['status'], 'pass')

    def test_another_ip_fails_ptr_and_spf(self):
        r, doc, req = self.check('home.check.test', '-i', '192.0.2.200')
        self.assertEqual(r.code, 1)
        self.assertEqual(req['ptr']['status'], 'fail')
        self.assertEqual(req['spf']['status'], 'fail')

    def test_text_checklist(self):
        r = mailauth(*self.knot.args(), 'check', '--dnsbl', 'bl.test',
                     'noptr.check.test')
        self.assertIn('✗ ptr', r.out)
        self.assertIn('(Gmail: 4.7.23, 5.7.25)', r.out)
        self.assertIn('taken from the MX hosts', r.out)
        self.assertIn('── SPF', r.out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
