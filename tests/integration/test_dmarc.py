#!/usr/bin/python3
"""mailauth dmarc against knotd: the RFC 9989 tree walk, tags, effective
policy, report authorization, and DNS failures reported as such."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import AgainstKnot, FakeDNS, mailauth  # noqa: E402


def codes(doc):
    return [f['code'] for f in doc['findings']]


class DmarcAgainstKnot(AgainstKnot):
    def dmarc(self, domain):
        r = mailauth(*self.knot.args(), '--json', 'dmarc', domain)
        return r, r.json()

    def test_record_at_the_organizational_domain_only(self):
        r, doc = self.dmarc('www.dmarc.test')
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertEqual(doc['command'], 'dmarc')
        self.assertEqual(doc['domain'], 'www.dmarc.test')
        self.assertEqual(doc['record_domain'], 'dmarc.test')
        self.assertEqual(doc['source'], 'organizational_domain')
        self.assertEqual(doc['org_domain'], 'dmarc.test')
        self.assertEqual(doc['org_domain_psl'], 'dmarc.test')
        self.assertEqual([l['name'] for l in doc['lookups']],
                         ['_dmarc.www.dmarc.test', '_dmarc.dmarc.test',
                          '_dmarc.test'])
        self.assertEqual(doc['record'],
                         'v=DMARC1; p=reject; rua=mailto:dmarc@dmarc.test')
        self.assertEqual(doc['policy'], {
            'p': 'reject', 'sp': 'reject', 'np': 'reject', 'adkim': 'r',
            'aspf': 'r', 'testing': False, 'source': 'organizational_domain',
            'fallback': None})
        self.assertEqual(doc['report_destinations'][0]['authorized'], True)

    def test_every_tag(self):
        r, doc = self.dmarc('all.dmarc.test')
        tags = {t['tag']: t['value'] for t in doc['tags']}
        self.assertEqual(tags['p'], 'quarantine')
        self.assertEqual(tags['fo'], '1:d')
        self.assertEqual(tags['future'], '1')
        self.assertEqual(doc['policy'], {
            'p': 'quarantine', 'sp': 'reject', 'np': 'reject',
            'adkim': 's', 'aspf': 'r', 'testing': True, 'source': 'domain',
            'fallback': None})
        obsolete = sorted(t['tag'] for t in doc['tags'] if t['obsolete'])
        self.assertEqual(obsolete, ['pct', 'rf', 'ri'])
        for code in ('dmarc-obsolete-tag', 'dmarc-unknown-tag',
                     'dmarc-testing', 'dmarc-org-domain-differs'):
            self.assertIn(code, codes(doc))
        # psd=n makes all.dmarc.test its own organizational domain.
        self.assertEqual(doc['org_domain'], 'all.dmarc.test')

    def test_bad_records(self):
        r, doc = self.dmarc('bad.dmarc.test')
        self.assertEqual(r.code, 1)
        errors = [f for f in doc['findings'] if f['code'] == 'dmarc-syntax']
        self.assertEqual([f['term'] for f in errors], ['adkim'])
        self.assertTrue(all(f['offset'] is not None for f in errors))
        # p=bogus and rua= with no valid URI: receivers apply no DMARC.
        self.assertIn('dmarc-invalid-policy', codes(doc))
        self.assertEqual(doc['policy']['fallback'], 'ignored')
        uri = [f for f in doc['findings'] if f['code'] == 'dmarc-report-uri']
        self.assertEqual((uri[0]['severity'], uri[0]['term']),
                         ('warning', 'rua'))
        self.assertIn('mailto:dmarc@dmarc.test', uri[0]['fix'])
        # "v=dmarc1" is not a DMARC record: the parent's applies.
        r, doc = self.dmarc('lower.dmarc.test')
        self.assertEqual(r.code, 1)
        self.assertIn('dmarc-syntax', codes(doc))
        self.assertEqual(doc['record_domain'], 'dmarc.test')

    def test_invalid_sp_with_rua_reads_as_p_none(self):
        # RFC 9989 §4.10.1: sp=quarantin and a valid rua= make the whole
        # record p=none; it used to apply p=reject and say "sp not set".
        r, doc = self.dmarc('www.badsp.dmarc.test')
        self.assertEqual(doc['record_domain'], 'badsp.dmarc.test')
        self.assertEqual((doc['policy']['p'], doc['policy']['sp'],
                          doc['policy']['fallback']),
                         ('none', 'none', 'none'))
        self.assertEqual(r.code, 1)
        f = [f for f in doc['findings']
             if f['code'] == 'dmarc-invalid-policy'][0]
        self.assertEqual(f['term'], 'sp')
        self.assertIn('sp=quarantin', f['message'])
        self.assertIn('p=none', f['message'])
        self.assertIn('"v=DMARC1; p=reject; sp=quarantine; psd=n; '
                      'rua=mailto:r@dmarc.test"', f['fix'])
        self.assertNotIn('dmarc-syntax', codes(doc))
        out = mailauth(*self.knot.args(), 'dmarc', 'www.badsp.dmarc.test').out
        self.assertNotIn('sp not set', out)
        self.assertIn('RFC 9989 §4.10.1', out)

    def test_invalid_np_without_rua_means_no_dmarc(self):
        r, doc = self.dmarc('badnp.dmarc.test')
        self.assertEqual(doc['policy']['fallback'], 'ignored')
        self.assertEqual(doc['policy']['p'], 'unset')
        self.assertIn('no DMARC', [f for f in doc['findings'] if f['code'] ==
                                   'dmarc-invalid-policy'][0]['message'])
        # RFC 7489 knows no np= and applies p= and sp=.
        self.assertTrue(any('np=' in f['message'] for f in doc['findings']
                            if f['code'] == 'dmarc-rfc7489-differs'))
        out = mailauth(*self.knot.args(), 'dmarc', 'badnp.dmarc.test').out
        self.assertIn('no DMARC processing', out)
        self.assertNotIn('np not set', out)

    def test_pct_is_a_note_and_testing_follows_t_only(self):
        r, doc = self.dmarc('pct0.dmarc.test')
        self.assertEqual(r.code, 0, doc['findings'])
        self.assertFalse(doc['policy']['testing'])
        self.assertNotIn('dmarc-testing', codes(doc))
        differs = [f for f in doc['findings']
                   if f['code'] == 'dmarc-rfc7489-differs']
        self.assertEqual(len(differs), 1, differs)
        self.assertIn('next lower policy', differs[0]['message'])
        self.assertIn('t=y', differs[0]['fix'])
        r, doc = self.dmarc('badpct.dmarc.test')
        self.assertEqual(r.code, 0, doc['findings'])
        pct = [f for f in doc['findings'] if f['term'] == 'pct']
        self.assertEqual([(f['severity'], f['code']) for f in pct],
                         [('info', 'dmarc-obsolete-tag')])
        self.assertIn('pct=150', pct[0]['message'])
        # all.dmarc.test: pct=50 with t=y is testing by t=y alone.
        r, doc = self.dmarc('all.dmarc.test')
        self.assertIn('dmarc-rfc7489-differs', codes(doc))

    def test_report_uris_no_report_reaches(self):
        r, doc = self.dmarc('uris.dmarc.test')
        self.assertEqual(r.code, 0, doc['findings'])
        bad = [f for f in doc['findings'] if f['code'] == 'dmarc-report-uri']
        self.assertEqual([f['severity'] for f in bad], ['warning'] * 3)
        self.assertIn('not a mailto:', bad[0]['message'])
        self.assertIn('malformed mailto', bad[1]['message'])
        self.assertIn('scheme is missing', bad[2]['message'])
        self.assertIn('dmarc-fo-conflict', codes(doc))
        dests = {d['uri']: d for d in doc['report_destinations']}
        self.assertIsNone(dests['mailto:ok@dmarc.test']['problem'])
        self.assertIn('not a mailto:',
                      dests['https://r.dmarc.test/in']['problem'])
        self.assertEqual(doc['policy']['fallback'], None)

    def test_malformed_mailto_uris(self):
        r = mailauth(*self.knot.args(), '--json', '--trace', 'dmarc',
                     'badto.dmarc.test')
        doc = r.json()
        bad = [f for f in doc['findings'] if f['code'] == 'dmarc-report-uri']
        self.assertEqual(len(bad), 5, doc['findings'])
        for f, needle in zip(bad, ("more than one '@'", "more than one '@'",
                                   'address literal', "suffix after '!'",
                                   'characters a URI cannot')):
            self.assertIn(needle, f['message'])
        # The malformed suffix is quoted with the URI, inner quotes
        # escaped; the fix percent-encodes what a URI cannot hold.
        self.assertIn('"mailto:r@dmarc.test!1x"', bad[3]['message'])
        self.assertIn('"mailto:\\"x\\"@dmarc.test"', bad[4]['message'])
        self.assertIn('write mailto:%22x%22@dmarc.test in rua=', bad[4]['fix'])
        dests = {d['uri']: d for d in doc['report_destinations']}
        self.assertIn('mailto:r@dmarc.test!1x', dests)
        # No authorization asked at a name made of a malformed address.
        asked = [q['name'] for q in doc['queries']]
        self.assertFalse([n for n in asked if '_report' in n], asked)

    def test_quotes_in_a_fix_are_escaped(self):
        r, doc = self.dmarc('quote.dmarc.test')
        f = [f for f in doc['findings']
             if f['code'] == 'dmarc-invalid-policy'][0]
        self.assertIn('publish "v=DMARC1; p=none; rua=\\"q\\"@dmarc.test"',
                      f['fix'])
        uri = [f for f in doc['findings'] if f['code'] == 'dmarc-report-uri']
        self.assertIn('write mailto:%22q%22@dmarc.test in rua=', uri[0]['fix'])

    def test_version_not_first_is_said_so(self):
        r, doc = self.dmarc('vlast.dmarc.test')
        self.assertEqual(r.code, 1)
        f = [f for f in doc['findings']
             if f['code'] == 'dmarc-version-not-first'][0]
        self.assertEqual(f['domain'], '_dmarc.vlast.dmarc.test')
        self.assertIn('"v=DMARC1; p=reject; rua=mailto:r@dmarc.test"',
                      f['fix'])
        # Receivers ignore it: the parent's record applies.
        self.assertEqual(doc['record_domain'], 'dmarc.test')
        out = mailauth(*self.knot.args(), 'dmarc', 'vlast.dmarc.test').out
        self.assertIn('v=DMARC1 is not the first tag', out)

    def test_one_fix_for_one_name(self):
        # The domain's own TXT has v=DMARC1 after p=: its corrected record
        # is the fix; "no record" does not propose another one there.
        r, doc = self.dmarc('dmarcorder.check.test')
        fixes = {f['code']: f['fix'] for f in doc['findings']}
        self.assertIn('"v=DMARC1; p=reject"',
                      fixes['dmarc-version-not-first'])
        self.assertNotIn('p=none', fixes['dmarc-no-record'])
        self.assertIn('_dmarc.dmarcorder.check.test',
                      fixes['dmarc-no-record'])
        # Without a record at all, the record to start with goes at the
        # domain's own name, with reports to its postmaster (as check
        # proposes it).
        r, doc = self.dmarc('nothing.example.test')
        fix = [f['fix'] for f in doc['findings']
               if f['code'] == 'dmarc-no-record'][0]
        self.assertIn('"v=DMARC1; p=none; rua=mailto:postmaster@'
                      'nothing.example.test" at _dmarc.nothing.example.test',
                      fix)

    def test_two_records_mean_no_policy(self):
        r, doc = self.dmarc('two.dmarc.test')
        self.assertIn('dmarc-multiple-records', codes(doc))
        # The organizational domain's record applies instead.
        self.assertEqual(doc['record_domain'], 'dmarc.test')

    def test_weak_policies(self):
        r, doc = self.dmarc('weak.dmarc.test')
        for code in ('dmarc-policy-none', 'dmarc-no-rua'):
            self.assertIn(code, codes(doc))
        r, doc = self.dmarc('strict.dmarc.test')
        self.assertIn('dmarc-weak-subdomains', codes(doc))
        self.assertIn('dmarc-weak-nonexistent', codes(doc))

    def test_external_report_destinations(self):
        r, doc = self.dmarc('ext.dmarc.test')
        dests = {d['host']: d for d in doc['report_destinations']}
        self.assertTrue(dests['reports.test']['authorized'])
        self.assertEqual(dests['reports.test']['checked'],
                         'ext.dmarc.test._report._dmarc.reports.test')
        self.assertFalse(dests['unauth.test']['authorized'])
        self.assertTrue(dests['wild.test']['authorized'])
        self.assertIn('dmarc-report-unauthorized', codes(doc))

    def test_public_suffix_domain_policy(self):
        r, doc = self.dmarc('shop.brand.psdtld')
        self.assertEqual(doc['source'], 'public_suffix_domain')
        self.assertEqual(doc['record_domain'], 'psdtld')
        self.assertEqual(doc['org_domain'], 'brand.psdtld')
        self.assertIsNone(doc['record_domain_rfc7489'])
        self.assertIn('dmarc-walk-only', codes(doc))

    def test_non_existent_subdomain_gets_np(self):
        r, doc = self.dmarc('gone.np.test')
        self.assertEqual(doc['record_domain'], 'np.test')
        self.assertEqual(doc['policy']['p'], 'quarantine')
        r, doc = self.dmarc('www.np.test')
        self.assertEqual(doc['policy']['p'], 'none')

    def test_intermediate_records_are_not_the_organizational_domain(self):
        # RFC 9989 §4.10.2: without psd=, the record with the fewest
        # labels marks the organizational domain; strict.dmarc.test's own
        # record does not govern its subdomains.
        r, doc = self.dmarc('gone.strict.dmarc.test')
        self.assertEqual(doc['record_domain'], 'dmarc.test')

    def test_long_names_jump_to_seven_labels(self):
        r, doc = self.dmarc('x.a.b.c.d.e.f.g.h.i.dmarc.test')
        names = [l['name'] for l in doc['lookups']]
        self.assertEqual(len(names), 8)
        self.assertEqual(names[1], '_dmarc.e.f.g.h.i.dmarc.test')

    def test_no_record(self):
        r, doc = self.dmarc('nothing.example.test')
        self.assertEqual(r.code, 1)
        self.assertIn('dmarc-no-record', codes(doc))
        self.assertIsNone(doc['record'])
        self.assertIsNone(doc['policy'])

    def test_text_output(self):
        r = mailauth(*self.knot.args(), 'dmarc', 'www.dmarc.test')
        self.assertIn('policy from _dmarc.dmarc.test', r.out)
        self.assertIn('non-existent subdomains', r.out)
        self.assertIn('organizational domain: dmarc.test', r.out)


class DmarcFaults(unittest.TestCase):
    def fake(self, behaviors):
        server = FakeDNS({
            'zones': ['fault.test', 'test'],
            'records': {
                '_dmarc.fault.test': [
                    {'type': 'TXT', 'data': 'v=DMARC1; p=reject; '
                     'rua=mailto:r@rep.test'}],
                'www.fault.test': [{'type': 'A', 'data': '192.0.2.1'}]},
            'behaviors': behaviors}).start()
        self.addCleanup(server.stop)
        return server

    def test_failure_during_the_walk_is_unknown_not_absent(self):
        server = self.fake({'_dmarc.www.fault.test': {
            '*': {'action': 'rcode', 'rcode': 'SERVFAIL'}}})
        r = mailauth(*server.args(), '--json', 'dmarc', 'www.fault.test')
        self.assertEqual(r.code, 3)
        doc = r.json()
        self.assertIn('dmarc-dns-error', codes(doc))
        self.assertNotIn('dmarc-no-record', codes(doc))

    def test_late_or_refused_policy_is_unknown_in_the_text(self):
        for behavior in ({'action': 'timeout'},
                         {'action': 'rcode', 'rcode': 'REFUSED'}):
            server = self.fake({'_dmarc.www.fault.test': {'*': behavior}})
            r = mailauth(*server.args(), '--timeout', '1', 'dmarc',
                         'www.fault.test')
            self.assertEqual(r.code, 3, behavior)
            self.assertIn('DMARC policy unknown: a lookup failed', r.out)
            self.assertNotIn('no DMARC policy found', r.out)

    def test_failure_above_the_domains_own_record(self):
        # RFC 9989 §4.10.1: the record at _dmarc.fault.test is the
        # policy; the failed _dmarc.test hides only the organizational
        # domain (exit 3: that fact is unknown), and the fix does not
        # send the user to the TLD's servers.
        for behavior in ({'action': 'timeout'},
                         {'action': 'rcode', 'rcode': 'REFUSED'}):
            server = self.fake({'_dmarc.test': {'*': behavior}})
            r = mailauth(*server.args(), '--timeout', '1', '--json',
                         'dmarc', 'fault.test')
            doc = r.json()
            self.assertEqual(r.code, 3, behavior)
            self.assertEqual((doc['record_domain'], doc['source']),
                             ('fault.test', 'domain'))
            self.assertEqual(doc['policy']['p'], 'reject')
            self.assertIsNone(doc['org_domain'])
            f = [f for f in doc['findings'] if f['code'] ==
                 'dmarc-dns-error'][0]
            self.assertEqual(f['severity'], 'warning')
            self.assertIn('organizational domain', f['message'])
            self.assertIn('_dmarc.test', f['message'])
            self.assertNotIn("name's DNS servers", f['fix'])
            self.assertNotIn('dmarc-no-record', codes(doc))
            r = mailauth(*server.args(), '--timeout', '1', 'dmarc',
                         'fault.test')
            self.assertIn('policy from _dmarc.fault.test', r.out)
            self.assertNotIn('DMARC policy unknown', r.out)

    def test_rfc7489_view_unknown_is_not_walk_only(self):
        # The own record is invalid for RFC 7489 receivers (p=bogus, no
        # rua=), so they would ask _dmarc.fault.test, which fails: what
        # they find is unknown, not "none".
        server = FakeDNS({
            'zones': ['fault.test', 'test'],
            'records': {'_dmarc.www.fault.test': [
                {'type': 'TXT', 'data': 'v=DMARC1; p=bogus'}]},
            'behaviors': {'_dmarc.fault.test': {
                '*': {'action': 'rcode', 'rcode': 'SERVFAIL'}}}}).start()
        self.addCleanup(server.stop)
        r = mailauth(*server.args(), '--json', 'dmarc', 'www.fault.test')
        doc = r.json()
        self.assertEqual(doc['record_domain'], 'www.fault.test')
        self.assertIn('dmarc-invalid-policy', codes(doc))
        self.assertIn('dmarc-dns-error', codes(doc))
        self.assertNotIn('dmarc-walk-only', codes(doc))

    def test_failure_of_the_authorization_check(self):
        server = self.fake({'fault.test._report._dmarc.rep.test': {
            '*': {'action': 'timeout'}}})
        r = mailauth(*server.args(), '--timeout', '1', '--json', 'dmarc',
                     'fault.test')
        self.assertEqual(r.code, 3)
        self.assertIsNone(r.json()['report_destinations'][0]['authorized'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
