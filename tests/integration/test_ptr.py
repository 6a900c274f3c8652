#!/usr/bin/python3
"""mailauth ptr against knotd: reverse names, FCrDNS, findings."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import AgainstKnot, FakeDNS, mailauth  # noqa: E402


def codes(doc):
    return [f['code'] for f in doc['findings']]


class PtrAgainstKnot(AgainstKnot):
    def ptr(self, *args):
        r = mailauth(*self.knot.args(), '--json', 'ptr', *args)
        return r, r.json()

    def test_forward_confirmed_ipv4(self):
        r, doc = self.ptr('192.0.2.10')
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertEqual(doc['command'], 'ptr')
        self.assertEqual(doc['ip'], '192.0.2.10')
        self.assertEqual(doc['reverse_name'], '10.2.0.192.in-addr.arpa')
        self.assertEqual(doc['ptr'], [{
            'name': 'mail.ptr.test', 'addresses': ['192.0.2.10',
                                                   '192.0.2.14'],
            'forward_confirmed': True, 'generic': None}])
        self.assertTrue(doc['fcrdns'])
        self.assertEqual(doc['findings'], [])

    def test_text_output_shows_the_reversed_name(self):
        r = mailauth(*self.knot.args(), 'ptr', '192.0.2.10')
        self.assertIn('192.0.2.10  reverse name 10.2.0.192.in-addr.arpa',
                      r.out)
        self.assertIn('mail.ptr.test  forward-confirmed', r.out)
        self.assertIn('FCrDNS: yes', r.out)

    def test_not_confirmed(self):
        r, doc = self.ptr('192.0.2.11')
        self.assertEqual(r.code, 1)
        self.assertFalse(doc['fcrdns'])
        self.assertIn('ptr-not-confirmed', codes(doc))
        self.assertIn('ptr-name-mismatch', codes(doc))

    def test_generic_name(self):
        r, doc = self.ptr('192.0.2.12')
        self.assertEqual(r.code, 0)
        self.assertIn('ptr-generic', codes(doc))
        self.assertIn('IP address', doc['ptr'][0]['generic'])

    def test_name_without_address(self):
        for ip in ('192.0.2.13', '192.0.2.15'):
            r, doc = self.ptr(ip)
            self.assertEqual(r.code, 1)
            self.assertIn('ptr-name-no-address', codes(doc))

    def test_several_ptr_records(self):
        r, doc = self.ptr('192.0.2.14')
        self.assertEqual(r.code, 0)
        self.assertEqual(len(doc['ptr']), 2)
        self.assertIn('ptr-multiple', codes(doc))

    def test_no_ptr(self):
        r, doc = self.ptr('192.0.2.20')
        self.assertEqual(r.code, 1)
        self.assertEqual(doc['ptr'], [])
        self.assertIn('ptr-missing', codes(doc))
        missing = [f for f in doc['findings'] if f['code'] == 'ptr-missing']
        self.assertIn('20.2.0.192.in-addr.arpa', missing[0]['fix'])

    def test_ipv6(self):
        r, doc = self.ptr('2001:db8::25')
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertEqual(doc['reverse_name'],
                         '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.'
                         '8.b.d.0.1.0.0.2.ip6.arpa')
        self.assertTrue(doc['fcrdns'])
        r, doc = self.ptr('2001:db8::26')
        self.assertEqual(r.code, 1)
        self.assertFalse(doc['fcrdns'])

    def test_helo_and_domain(self):
        r, doc = self.ptr('192.0.2.10', '--helo', 'mail.ptr.test',
                          '--domain', 'ptr.test')
        self.assertTrue(doc['helo_matches'])
        self.assertTrue(doc['in_domain'])
        r, doc = self.ptr('192.0.2.10', '-e', 'other.example',
                          '--domain', 'example.org')
        self.assertFalse(doc['helo_matches'])
        self.assertIn('ptr-helo-mismatch', codes(doc))
        self.assertIn('ptr-outside-domain', codes(doc))

    def test_helo_and_domain_keys_are_always_there(self):
        r, doc = self.ptr('192.0.2.10')
        self.assertIn('helo_matches', doc)
        self.assertIsNone(doc['helo_matches'])
        self.assertIn('in_domain', doc)
        self.assertIsNone(doc['in_domain'])

    def fix(self, doc, code):
        return [f for f in doc['findings'] if f['code'] == code][0]['fix']

    def test_fixes_name_a_host_ptr_knows(self):
        # No placeholder such as mail.example.com: the HELO name, or the
        # form "your mail server's host name".
        for args, name in ((('192.0.2.20',), "your mail server's host "
                            "name"), (('192.0.2.20', '--helo',
                                       'mx.own.test'), 'mx.own.test')):
            r, doc = self.ptr(*args)
            fix = self.fix(doc, 'ptr-missing')
            self.assertNotIn('example.com', fix)
            self.assertIn('naming %s' % name, fix)
        r, doc = self.ptr('192.0.2.12', '--domain', 'own.test')
        fix = self.fix(doc, 'ptr-generic')
        self.assertNotIn('example.com', fix)

    def test_helo_mismatch_never_suggests_a_pool_name(self):
        # 192.0.2.12's only PTR name is a pool name: the fix is a PTR
        # record naming the HELO name, not HELO with the pool name.
        r, doc = self.ptr('192.0.2.12', '--helo', 'mx.own.test')
        fix = self.fix(doc, 'ptr-helo-mismatch')
        self.assertNotIn('pool', fix.replace('no PTR name', ''))
        self.assertNotIn('host-192-0-2-12', fix)
        self.assertIn('PTR record naming mx.own.test', fix)
        # A good PTR name: HELO should say it.
        r, doc = self.ptr('192.0.2.10', '--helo', 'other.example')
        self.assertIn('HELO/EHLO with its PTR name mail.ptr.test',
                      self.fix(doc, 'ptr-helo-mismatch'))

    def test_forward_lookups_go_out_together(self):
        r, doc = self.ptr('192.0.2.14', '--trace')
        self.assertEqual(doc['stats']['sent'], 5)
        self.assertEqual(doc['stats']['max_in_flight'], 4)

    def test_invalid_ip_is_a_usage_error(self):
        for bad in ('192.0.2', '2001:db8::g', 'mail.example.com'):
            r = mailauth('ptr', bad)
            self.assertEqual(r.code, 2)
            self.assertIn("invalid IP address '%s'" % bad, r.err)

    def test_words_in_the_registered_domain_are_not_generic(self):
        # "home" and "dsl" are in home-dsl.test itself, not in the labels
        # left of it: the user's own domain never makes a host residential.
        r, doc = self.ptr('192.0.2.16')
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertIsNone(doc['ptr'][0]['generic'])
        self.assertNotIn('ptr-generic', codes(doc))
        r, doc = self.ptr('192.0.2.12')
        self.assertIn('ptr-generic', codes(doc))


class PtrFaults(unittest.TestCase):
    def test_reverse_zone_servfail(self):
        server = FakeDNS({'zones': ['in-addr.arpa'], 'records': {},
                          'behaviors': {'9.2.0.192.in-addr.arpa': {
                              '*': {'action': 'rcode',
                                    'rcode': 'SERVFAIL'}}}}).start()
        try:
            r = mailauth(*server.args(), '--json', 'ptr', '192.0.2.9')
            self.assertEqual(r.code, 3)
            self.assertIn('ptr-dns-error', codes(r.json()))
        finally:
            server.stop()

    def faulty(self, behavior):
        """192.0.2.9 has a PTR record whose forward lookups misbehave."""
        return FakeDNS({'zones': ['in-addr.arpa', 'ptr.test'],
                        'records': {'9.2.0.192.in-addr.arpa': [
                            {'type': 'PTR', 'data': 'mail.ptr.test'}],
                            'mail.ptr.test': [
                                {'type': 'A', 'data': '192.0.2.9'}]},
                        'behaviors': {'mail.ptr.test': {'*': behavior}}})

    def test_forward_lookup_failures_are_unknown_not_fail(self):
        for behavior, how in (({'action': 'timeout'}, 'timeout'),
                              ({'action': 'rcode', 'rcode': 'SERVFAIL'},
                               'servfail'),
                              ({'action': 'rcode', 'rcode': 'REFUSED'},
                               'refused')):
            server = self.faulty(behavior).start()
            try:
                r = mailauth(*server.args(), '--timeout', '0.5', '--json',
                             'ptr', '192.0.2.9')
                doc = r.json()
                self.assertEqual(r.code, 3, (how, doc['findings']))
                self.assertIsNone(doc['fcrdns'], how)
                self.assertNotIn('ptr-not-confirmed', codes(doc), how)
                self.assertNotIn('ptr-name-mismatch', codes(doc), how)
                errors = [f for f in doc['findings']
                          if f['code'] == 'ptr-dns-error']
                self.assertEqual(len(errors), 1, doc['findings'])
                self.assertIn('mail.ptr.test', errors[0]['message'])
                self.assertIn(how, errors[0]['message'])
                r = mailauth(*server.args(), '--timeout', '0.5', 'ptr',
                             '192.0.2.9')
                self.assertIn('FCrDNS: unknown', r.out)
                self.assertNotIn('not confirmed', r.out)
            finally:
                server.stop()

    def test_reverse_lookup_refused_is_unknown(self):
        server = FakeDNS({'zones': ['in-addr.arpa'], 'records': {},
                          'behaviors': {'9.2.0.192.in-addr.arpa': {
                              '*': {'action': 'rcode',
                                    'rcode': 'REFUSED'}}}}).start()
        try:
            r = mailauth(*server.args(), 'ptr', '192.0.2.9')
            self.assertEqual(r.code, 3)
            self.assertIn('FCrDNS: unknown', r.out)
            r = mailauth(*server.args(), '--json', 'ptr', '192.0.2.9')
            self.assertIsNone(r.json()['fcrdns'])
            # The HELO name may be the PTR name nobody could read.
            r = mailauth(*server.args(), '--json', 'ptr', '192.0.2.9',
                         '--helo', 'mail.ptr.test')
            self.assertIsNone(r.json()['helo_matches'])
            r = mailauth(*server.args(), 'ptr', '192.0.2.9', '--helo',
                         'mail.ptr.test')
            self.assertIn('HELO mail.ptr.test: unknown', r.out)
        finally:
            server.stop()


if __name__ == '__main__':
    unittest.main(verbosity=2)
