#!/usr/bin/python3
"""mailauth check against knotd: home servers configured right and wrong
(tests/zones/check.test.zone, its reverse zones, isp.test and a stand-in
for Spamhaus ZEN), and against tests/fakedns.py for servers that answer
late, SERVFAIL or REFUSE: the verdict, the exit status, the code and the
fix of every requirement, in JSON and text."""
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SLOWDOWN, FakeDNS, Knot, mailauth  # noqa: E402


def requirements(doc):
    return {q['id']: q for q in doc['requirements']}


def records(q):
    """The records a fix publishes, one zone-file line each."""
    return '\n'.join(q['fix_records'])


def not_passing(doc):
    return {q['id']: (q['status'], q['code']) for q in doc['requirements']
            if q['status'] not in ('pass', 'info')}


# The situations checked with the same options go through one --batch run
# each (a line is "DOMAIN [IP ...]"): the same code as single runs, and far
# fewer processes under valgrind. Single runs cover the text, the exit
# status and the options a line cannot carry.
BATCHES = {
    'bl': (('--dnsbl', 'bl.test'), [
        'home.check.test', 'noptr.check.test', 'badptr.check.test',
        'ispptr.check.test', 'ispbad.check.test', 'nospf.check.test',
        'nospf.check.test 203.0.113.5', 'aspf.check.test 198.51.100.48',
        'nospfrec.check.test', 'longspf.check.test 198.51.100.25',
        'overlimit.check.test', 'nodmarc.check.test', 'testing.check.test',
        'listed.check.test', 'privmx.check.test',
        'privmx.check.test 203.0.113.9', 'nullmx.check.test',
        'nullmx.check.test 198.51.100.44', 'nope.check.test',
        'v6noptr.check.test', 'home.check.test 198.51.100.25',
        'home.check.test 192.0.2.200', 'nomx.check.test 198.51.100.25',
        'mxnoaddr.check.test 198.51.100.25', 'dkcname.check.test',
        'dmarcorder.check.test 198.51.100.25',
        'dmarcbad.check.test 198.51.100.25',
        'dkmissing.check.test 198.51.100.25',
        'home.check.test 192.0.2.1 203.0.113.5 2001:db8::1',
        'home.check.test 10.1.2.3', 'home.check.test 172.16.0.9',
        'home.check.test 100.64.0.1', 'home.check.test 169.254.1.1',
        'home.check.test fd12::5', 'home.check.test ::1',
        'home.check.test fe80::1', 'full10.check.test',
        'nulldm.check.test 198.51.100.62', 'nulldm.check.test 198.51.100.63',
        'twospf.check.test', 'voids.check.test', 'nulldm.check.test',
        'mxelse.check.test 198.51.100.25']),
    'selector': (('--dnsbl', 'bl.test', '-s', 'default'), [
        'dkmissing.check.test 198.51.100.25',
        'dkrevoked.check.test 198.51.100.25',
        'dkshort.check.test 198.51.100.25',
        'dkbroken.check.test 198.51.100.25',
        'dkservice.check.test 198.51.100.25',
        'dksha1.check.test 198.51.100.25']),
    'zen': (('--dnsbl', 'zen.spamhaus.org'), [
        'pbl.check.test', 'home.check.test 198.51.100.42',
        'home.check.test 198.51.100.43', 'home.check.test 198.51.100.25']),
    'default': ((), ['home.check.test']),
    'lists': (('--dnsbl', 'zen.spamhaus.org', '--dnsbl', 'bl.test'),
              ['bls.check.test']),
}


class CheckAgainstKnot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.knot = Knot().start()
        cls.docs = {}
        for name, (opts, lines) in BATCHES.items():
            # A modest --concurrency: knotd on a loaded machine drops
            # bursts of 512 questions, and a lost answer is a timeout.
            r = mailauth(*cls.knot.args(), '--json', '--concurrency', '64',
                         '--batch', '-', 'check', *opts,
                         input_bytes=('\n'.join(lines) + '\n').encode())
            out = [json.loads(line) for line in r.out.splitlines()]
            assert len(out) == len(lines), (name, r.err)
            for line, doc in zip(lines, out):
                cls.docs[(name, line)] = doc

    @classmethod
    def tearDownClass(cls):
        cls.knot.stop()

    def line(self, line, batch='bl'):
        """The JSON of one batch line and its requirements by id."""
        doc = self.docs[(batch, line)]
        self.assertIsNone(doc['error'], doc)
        return doc, requirements(doc)

    def check(self, domain, *args, dnsbl=('--dnsbl', 'bl.test')):
        r = mailauth(*self.knot.args(), '--json', 'check', *dnsbl, domain,
                     *args)
        doc = r.json()
        return r, doc, requirements(doc)

    def text(self, domain, *args, dnsbl=('--dnsbl', 'bl.test')):
        return mailauth(*self.knot.args(), 'check', *dnsbl, domain, *args)

    def assertVerdict(self, doc, verdict):
        self.assertEqual(doc['verdict'], verdict, not_passing(doc))

    # -- a domain that is ready ---------------------------------------

    def test_home_server_configured_right(self):
        r, doc, req = self.check('home.check.test', '--trace')
        self.assertEqual((doc['verdict'], r.code), ('ready', 0),
                         not_passing(doc))
        self.assertEqual(doc['command'], 'check')
        self.assertTrue(doc['ips_from_mx'])
        self.assertEqual(doc['sending_ips'],
                         ['198.51.100.25', '2001:db8:1::25'])
        for rid in ('mx', 'ptr', 'ptr-ipv6', 'spf', 'dkim', 'dmarc',
                    'alignment'):
            self.assertEqual(req[rid]['status'], 'pass', req[rid])
            self.assertTrue(req[rid]['required'])
            self.assertIsNone(req[rid]['code'])
            self.assertIsNone(req[rid]['fix'])
            self.assertEqual(req[rid]['fix_records'], [])
        self.assertEqual(req['dnsbl']['status'], 'pass')
        self.assertFalse(req['dnsbl']['required'])
        self.assertNotIn('ipv6', req)
        self.assertEqual(req['tls']['status'], 'info')
        self.assertIn('cannot be seen in DNS', req['tls']['message'])
        self.assertIn('v=STSv1', req['mta-sts']['message'])
        self.assertEqual(req['ptr']['gmail_codes'], ['4.7.23', '5.7.25'])
        self.assertEqual(req['ptr-ipv6']['gmail_codes'],
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
        # The same line in a batch says the same.
        self.assertEqual(self.line('home.check.test')[0]['requirements'],
                         doc['requirements'])

    def test_default_blocklists_never_change_the_verdict(self):
        # The stand-in for ZEN answers 127.255.255.254 for 198.51.100.25,
        # as Spamhaus does to queries through public resolvers, and
        # bl.spamcop.net is REFUSED: information, and exit 0.
        doc, req = self.line('home.check.test', 'default')
        self.assertVerdict(doc, 'ready')
        q = req['dnsbl']
        self.assertEqual((q['status'], q['required'], q['code']),
                         ('unknown', False, 'dnsbl-error'))
        self.assertIn('public', q['message'])
        self.assertIn('zen.spamhaus.org', q['message'])
        lists = {(b['ip'], b['zone']): b for b in doc['blocklists']}
        zen = lists[('198.51.100.25', 'zen.spamhaus.org')]
        self.assertEqual((zen['status'], zen['listed'], zen['answer']),
                         ('error', None, '127.255.255.254'))
        self.assertIn('own recursive resolver', zen['meaning'])
        cop = lists[('198.51.100.25', 'bl.spamcop.net')]
        self.assertEqual((cop['status'], cop['listed']), ('failed', None))
        # bl.spamcop.net lists only IPv4 addresses: not asked for IPv6.
        cop6 = lists[('2001:db8:1::25', 'bl.spamcop.net')]
        self.assertEqual(cop6['status'], 'not-asked')
        self.assertIsNone(cop6['name'])
        self.assertEqual(lists[('2001:db8:1::25', 'zen.spamhaus.org')][
            'status'], 'not-listed')

    def test_text_starts_with_the_verdict_and_fits_a_screen(self):
        r = self.text('home.check.test', dnsbl=())
        self.assertEqual(r.code, 0)
        lines = r.out.splitlines()
        self.assertTrue(lines[0].startswith('ready: home.check.test'),
                        lines[0])
        self.assertLessEqual(len(lines), 30, r.out)
        self.assertNotIn('── SPF', r.out)
        self.assertIn('? dnsbl', r.out)
        self.assertIn('Nothing to fix', lines[-1])
        details = self.text('home.check.test', '--details', '--ascii')
        for part in ('-- SPF', '-- DKIM', '-- DMARC', '-- PTR'):
            self.assertIn(part, details.out)
        self.assertIn('Nothing to fix', details.out.splitlines()[-1])

    # -- the verdict and the fixes ---------------------------------------

    def test_missing_ptr(self):
        doc, req = self.line('noptr.check.test')
        self.assertVerdict(doc, 'not-ready')
        q = req['ptr']
        self.assertEqual((q['status'], q['code']), ('fail', 'ptr-missing'))
        self.assertIn('26.100.51.198.in-addr.arpa', q['message'])
        self.assertEqual(q['gmail_codes'], ['4.7.23', '5.7.25'])
        # The record names the MX host, and says who publishes it.
        self.assertEqual(records(q), '26.100.51.198.in-addr.arpa. '
                         'PTR mail.noptr.check.test.')
        self.assertIn('ISP or hosting provider', q['fix'])
        self.assertIn('not', q['fix'])

    def test_ptr_fix_uses_the_helo_name(self):
        r, doc, req = self.check('noptr.check.test', '--helo',
                                 'mail.noptr.check.test')
        self.assertEqual(r.code, 1)
        self.assertIn('PTR mail.noptr.check.test.', records(req['ptr']))
        self.assertEqual(req['helo']['status'], 'pass')

    def test_ptr_not_forward_confirmed(self):
        doc, req = self.line('badptr.check.test')
        self.assertVerdict(doc, 'not-ready')
        q = req['ptr']
        self.assertEqual((q['status'], q['code']),
                         ('fail', 'ptr-not-confirmed'))
        self.assertIn('does not resolve back', q['message'])
        self.assertIn('27.100.51.198.in-addr.arpa. PTR '
                      'mail.badptr.check.test.', records(q))

    def test_isp_pool_name_is_asked_of_the_provider(self):
        # Forward-confirmed, but the ISP's generic name: a warning that
        # never changes the verdict, and the fix is to ask the provider.
        doc, req = self.line('ispptr.check.test')
        self.assertVerdict(doc, 'ready')
        q = req['ptr']
        self.assertEqual((q['status'], q['code']), ('warn', 'ptr-generic'))
        self.assertIn('ask', q['fix'])
        self.assertIn('provider', q['fix'])
        self.assertEqual(records(q), '46.100.51.198.in-addr.arpa. '
                         'PTR mail.ispptr.check.test.')
        # Not confirmed, and someone else's name: ask the provider to
        # change it; never "publish an A record for the ISP's name".
        doc, req = self.line('ispbad.check.test')
        self.assertVerdict(doc, 'not-ready')
        q = req['ptr']
        self.assertEqual(q['code'], 'ptr-not-confirmed')
        self.assertIn('provider', q['fix'])
        self.assertNotIn('dyn-47.pool.isp.test. A', records(q))
        self.assertEqual(records(q), '47.100.51.198.in-addr.arpa. '
                         'PTR mail.ispbad.check.test.')

    def test_spf_fix_adds_the_mx_term_that_covers_the_ip(self):
        doc, req = self.line('nospf.check.test')
        self.assertVerdict(doc, 'not-ready')
        q = req['spf']
        self.assertEqual((q['status'], q['code']),
                         ('fail', 'spf-not-authorized'))
        self.assertIn('198.51.100.28', q['message'])
        self.assertEqual(q['gmail_codes'], ['4.7.27', '5.7.27'])
        self.assertEqual(records(q), 'nospf.check.test. TXT '
                         '"v=spf1 ip4:192.0.2.1 mx -all"')
        self.assertIn('1/10 DNS lookups', q['fix'])
        self.assertIn("'mx'", q['fix'])
        # DKIM still aligns, so alignment passes.
        self.assertEqual(req['alignment']['status'], 'pass')

    def test_spf_fix_with_a_given_ip(self):
        doc, req = self.line('nospf.check.test 203.0.113.5')
        self.assertEqual(records(req['spf']), 'nospf.check.test. TXT '
                         '"v=spf1 ip4:192.0.2.1 ip4:203.0.113.5 -all"')
        self.assertIn('0/10 DNS lookups', req['spf']['fix'])
        doc, req = self.line('aspf.check.test 198.51.100.48')
        self.assertEqual(records(req['spf']), 'aspf.check.test. TXT '
                         '"v=spf1 mx a ~all"')
        self.assertIn("'a'", req['spf']['fix'])

    def test_spf_fix_for_a_domain_without_a_record(self):
        doc, req = self.line('nospfrec.check.test')
        self.assertVerdict(doc, 'not-ready')
        q = req['spf']
        self.assertEqual((q['status'], q['code']), ('fail', 'spf-missing'))
        self.assertEqual(records(q),
                         'nospfrec.check.test. TXT "v=spf1 mx -all"')

    def test_spf_fix_is_split_into_strings(self):
        doc, req = self.line('longspf.check.test 198.51.100.25')
        record = records(req['spf'])
        strings = re.findall(r'"([^"]*)"', record)
        self.assertEqual(len(strings), 2, record)
        self.assertTrue(all(len(s) <= 255 for s in strings))
        # mail.home.check.test, its MX host, has the address: 'mx'.
        self.assertEqual(''.join(strings).split()[-2:], ['mx', '-all'])
        self.assertIn("'mx'", req['spf']['fix'])

    def test_over_the_spf_lookup_limit(self):
        doc, req = self.line('overlimit.check.test')
        self.assertVerdict(doc, 'not-ready')
        self.assertEqual((req['spf-lookups']['status'],
                          req['spf-lookups']['code']),
                         ('warn', 'spf-lookup-limit'))
        self.assertIn('13/10', req['spf-lookups']['message'])
        self.assertEqual(req['spf']['code'], 'spf-permerror')
        self.assertIn('permerror', req['spf']['message'])
        self.assertIsNotNone(req['spf']['fix'])

    def test_no_dmarc(self):
        doc, req = self.line('nodmarc.check.test')
        self.assertVerdict(doc, 'not-ready')
        q = req['dmarc']
        self.assertEqual((q['status'], q['code']), ('fail', 'dmarc-missing'))
        self.assertEqual(q['gmail_codes'], ['4.7.31', '4.7.40', '5.7.40'])
        self.assertEqual(records(q), '_dmarc.nodmarc.check.test. TXT '
                         '"v=DMARC1; p=none; '
                         'rua=mailto:postmaster@nodmarc.check.test"')

    def test_dmarc_record_receivers_ignore(self):
        doc, req = self.line('dmarcorder.check.test 198.51.100.25')
        self.assertVerdict(doc, 'not-ready')
        q = req['dmarc']
        self.assertEqual((q['status'], q['code']),
                         ('fail', 'dmarc-version-not-first'))
        self.assertIn('v=DMARC1 first', q['fix'])

    def test_invalid_policy_without_rua_is_no_dmarc(self):
        # RFC 9989 §4.10.1: receivers apply no DMARC to such a domain.
        doc, req = self.line('dmarcbad.check.test 198.51.100.25')
        self.assertVerdict(doc, 'not-ready')
        q = req['dmarc']
        self.assertEqual((q['status'], q['code']),
                         ('fail', 'dmarc-invalid-policy'), q)
        self.assertIn('no DMARC', q['message'])
        self.assertIn('p=', q['fix'])

    def test_key_not_for_mail_is_not_usable(self):
        doc, req = self.line('dkservice.check.test 198.51.100.25',
                             'selector')
        self.assertVerdict(doc, 'not-ready')
        q = req['dkim']
        self.assertEqual((q['status'], q['code']),
                         ('fail', 'dkim-key-broken'), q)
        self.assertIn('s=', q['message'])

    def test_dkim_in_testing_mode_is_a_warning(self):
        doc, req = self.line('testing.check.test')
        self.assertVerdict(doc, 'ready')
        q = req['dkim']
        self.assertEqual((q['status'], q['code']), ('warn', 'dkim-testing'))
        self.assertIn('t=y', q['message'])

    def test_dkim_situations(self):
        cases = {
            'dkmissing': ('dkim-key-missing', 'no DKIM key'),
            'dkrevoked': ('dkim-key-revoked', 'revoked'),
            'dkshort': ('dkim-key-too-short', '512 bits'),
            'dkbroken': ('dkim-key-broken', 'cannot be used'),
        }
        fixes = set()
        for name, (code, words) in cases.items():
            doc, req = self.line(name + '.check.test 198.51.100.25',
                                 'selector')
            self.assertVerdict(doc, 'not-ready')
            q = req['dkim']
            self.assertEqual((q['status'], q['code']), ('fail', code), q)
            self.assertIn(words, q['message'])
            self.assertIn('default._domainkey.%s.check.test' % name,
                          q['fix'] + records(q))
            fixes.add(q['fix'])
        self.assertEqual(len(fixes), 4, fixes)
        r, doc, req = self.check('dkcname.check.test', '-s', 'selector1',
                                 '-i', '198.51.100.25')
        self.assertEqual((doc['verdict'], r.code), ('not-ready', 1))
        q = req['dkim']
        self.assertEqual(q['code'], 'dkim-cname-dangling')
        self.assertIn('not enabled', q['message'])
        # Without -s, the probe finds the CNAME too.
        doc, req = self.line('dkcname.check.test')
        self.assertEqual(req['dkim']['code'], 'dkim-cname-dangling')
        doc, req = self.line('dkmissing.check.test 198.51.100.25')
        self.assertEqual(req['dkim']['code'], 'dkim-key-missing')
        self.assertIn('-s', req['dkim']['fix'])

    def test_fix_list_ends_the_text_in_order(self):
        r = self.text('nospfrec.check.test', '--ip', '198.51.100.26')
        self.assertEqual(r.code, 1)
        lines = r.out.splitlines()
        self.assertTrue(lines[0].startswith('not-ready: '), lines[0])
        at = lines.index('Fix these, in this order:')
        items = [l for l in lines[at + 1:] if re.match(r' *\d+\. ', l)]
        self.assertEqual([re.match(r' *\d+\. (\S+)', l).group(1)
                          for l in items], ['ptr', 'spf'])
        self.assertIn('nospfrec.check.test. TXT "v=spf1 ip4:198.51.100.26 '
                      '-all"', r.out[r.out.index('Fix these'):])
        self.assertIn('[spf-missing]', r.out)
        self.assertIn('(Gmail: 4.7.23, 5.7.25)', r.out)
        self.assertIn('given with --ip', r.out)

    def test_fix_records_wherever_a_record_is_computable(self):
        # Two SPF records: one record with the terms of both, the most
        # lenient 'all', and the sending IP neither lists.
        doc, req = self.line('twospf.check.test')
        q = req['spf']
        self.assertEqual(q['code'], 'spf-permerror')
        self.assertEqual(records(q), 'twospf.check.test. TXT "v=spf1 '
                         'ip4:192.0.2.1 include:i0.spf.test a:relay.twospf.check.test '
                         'ip4:198.51.100.64 ~all"')
        # Over the void limit: the terms that find nothing removed.
        doc, req = self.line('voids.check.test')
        for rid in ('spf', 'spf-lookups'):
            self.assertEqual(records(req[rid]),
                             'voids.check.test. TXT "v=spf1 mx -all"', rid)
        # A DMARC record receivers ignore: the corrected record.
        doc, req = self.line('dmarcorder.check.test 198.51.100.25')
        self.assertEqual(records(req['dmarc']), '_dmarc.dmarcorder.check.test.'
                         ' TXT "v=DMARC1; p=reject"')
        # DKIM keys kept from mail by h=sha1 or s=: the key without it.
        for name, tag in (('dksha1', 'h=sha1'), ('dkservice', 's=tlsrpt')):
            doc, req = self.line(name + '.check.test 198.51.100.25',
                                 'selector')
            q = req['dkim']
            self.assertEqual(q['code'], 'dkim-key-broken')
            key = ''.join(re.findall(r'"([^"]*)"', records(q)))
            self.assertTrue(records(q).startswith(
                'default._domainkey.%s.check.test. TXT ' % name), q)
            self.assertNotIn(tag, key)
            self.assertTrue(key.startswith('v=DKIM1; k=rsa; p=MIIB'), key)

    def test_spf_fix_never_takes_lookup_eleven(self):
        # Ten includes already: 'mx' would be lookup 11 (a permerror), so
        # the fix adds the address itself, which costs none, and says so.
        doc, req = self.line('full10.check.test')
        q = req['spf']
        self.assertEqual(q['code'], 'spf-not-authorized')
        record = ''.join(re.findall(r'"([^"]*)"', records(q)))
        terms = record.split()
        self.assertIn('ip4:198.51.100.60', terms)
        self.assertNotIn('mx', terms)
        lookups = [t for t in terms if t.split(':')[0].lstrip('+-~?') in
                   ('include', 'a', 'mx', 'ptr', 'exists') or
                   t.startswith('redirect=')]
        self.assertLessEqual(len(lookups), 10)
        self.assertIn('10/10 DNS lookups', q['fix'])
        self.assertIn("'mx' would cover 198.51.100.60", q['fix'])
        self.assertIn('no DNS lookup left', q['fix'])

    def test_null_mx_bounce_fix_names_a_host_with_an_address(self):
        # The sending host's forward-confirmed PTR name receives the
        # bounces; without one, the new name gets its address record in
        # the same fix.
        doc, req = self.line('nulldm.check.test 198.51.100.62')
        q = req['mx']
        self.assertEqual(q['code'], 'mx-null-sender')
        self.assertEqual(records(q).splitlines()[0],
                         'bounces.nulldm.check.test. MX 10 '
                         'out.nulldm.check.test.')
        self.assertEqual(len(q['fix_records']), 2)
        doc, req = self.line('nulldm.check.test 198.51.100.63')
        lines = req['mx']['fix_records']
        host = lines[0].split()[-1].rstrip('.')
        self.assertIn('%s. A 198.51.100.63' % host, lines)
        self.assertIn(host, req['mx']['fix'])

    def test_dmarc_reports_go_where_mail_is_received(self):
        # A null-MX domain receives no mail: the reports of the DMARC
        # record proposed go to the bounce domain of the mx fix.
        doc, req = self.line('nulldm.check.test 198.51.100.62')
        self.assertEqual(records(req['dmarc']), '_dmarc.nulldm.check.test. '
                         'TXT "v=DMARC1; p=none; rua=mailto:'
                         'postmaster@bounces.nulldm.check.test"')
        self.assertIn('bounces.nulldm.check.test. MX', records(req['mx']))
        # With a sender domain that receives mail, the reports go there.
        r, doc, req = self.check('nulldm.check.test', '--ip',
                                 '198.51.100.62', '--sender',
                                 'b@bounce.nulldm.check.test')
        self.assertIn('rua=mailto:postmaster@bounce.nulldm.check.test"',
                      records(req['dmarc']))

    def test_details_and_fix_list_propose_the_same_dmarc_record(self):
        r = self.text('nodmarc.check.test', '--details')
        fix = r.out[r.out.index('Fix these'):]
        record = re.search(r'_dmarc\.nodmarc\.check\.test\. TXT "([^"]*)"',
                           fix).group(1)
        details = r.out[r.out.index('── DMARC'):r.out.index('Fix these')]
        self.assertIn('"%s"' % record, details)
        self.assertIn('rua=mailto:postmaster@nodmarc.check.test', record)

    def test_alignment_says_its_real_cause(self):
        # aspf=s: the bounce domain is the same organization, but strict
        # alignment wants the exact domain.
        r, doc, req = self.check('strict.check.test', '--ip',
                                 '198.51.100.61', '--sender',
                                 'b@bounce.strict.check.test')
        q = req['alignment']
        self.assertEqual((q['status'], q['code']), ('fail', 'alignment-none'))
        self.assertIn('aspf=s', q['message'])
        self.assertIn('exact domain', q['message'])
        self.assertNotIn('another organization', q['message'])
        self.assertIn('aspf=r', q['fix'])
        # No DMARC record: the bounce domain under the From domain is not
        # "another organization"; the DMARC record of the dmarc fix joins
        # them.
        r, doc, req = self.check('nulldm.check.test', '--ip',
                                 '198.51.100.62', '--sender',
                                 'b@bounce.nulldm.check.test')
        q = req['alignment']
        self.assertEqual(q['code'], 'alignment-none')
        self.assertNotIn('another organization', q['message'])
        self.assertIn('registered domain', q['message'])
        self.assertIn('_dmarc.nulldm.check.test', q['fix'])
        # Another organization is still called one.
        r, doc, req = self.check('strict.check.test', '--ip',
                                 '198.51.100.61', '--sender', 'b@spf.test')
        self.assertIn('another organization',
                      req['alignment']['message'])

    def test_helo_fix_names_the_confirmed_ptr_name(self):
        # 198.51.100.48's PTR name aspf.check.test resolves back: the HELO
        # fix names it (no new record), as the passing PTR does.
        r, doc, req = self.check('aspf.check.test', '--ip', '198.51.100.48',
                                 '--helo', 'localhost')
        q = req['helo']
        self.assertEqual(q['code'], 'helo-localhost')
        self.assertIn('such as aspf.check.test ', q['fix'])
        self.assertEqual(q['fix_records'], [])
        self.assertEqual(req['ptr']['status'], 'pass')
        # Without a PTR record, the HELO and PTR fixes name one host.
        r, doc, req = self.check('noptr.check.test', '--ip',
                                 '198.51.100.26', '--helo', 'localhost')
        self.assertIn('such as mail.noptr.check.test ', req['helo']['fix'])
        self.assertIn('PTR mail.noptr.check.test.', records(req['ptr']))

    # -- blocklists --------------------------------------------------------

    def test_listed_on_a_blocklist_is_information(self):
        doc, req = self.line('listed.check.test')
        self.assertVerdict(doc, 'ready')
        q = req['dnsbl']
        self.assertEqual((q['status'], q['code'], q['required']),
                         ('warn', 'dnsbl-listed', False))
        self.assertIn('bl.test', q['message'])

    def test_pbl_listing_is_a_prominent_warning(self):
        doc, req = self.line('pbl.check.test', 'zen')
        self.assertVerdict(doc, 'ready')
        q = req['dnsbl']
        self.assertEqual((q['status'], q['code']),
                         ('warn', 'dnsbl-policy-listed'))
        self.assertIn('550-5.7.1', q['message'])
        self.assertIn('not authorized to send email directly',
                      q['message'])
        self.assertIn('smarthost', q['fix'])
        zen = doc['blocklists'][0]
        self.assertEqual((zen['status'], zen['listed'], zen['answer']),
                         ('policy-listed', True, '127.0.0.10'))
        r = self.text('pbl.check.test', dnsbl=('--dnsbl',
                                                'zen.spamhaus.org'))
        self.assertEqual(r.code, 0)
        self.assertIn('! dnsbl', r.out)
        self.assertIn('550-5.7.1', r.out)
        self.assertIn('1. dnsbl', r.out)

    def test_every_listing_of_every_ip_is_shown(self):
        # 198.51.100.66 is on ZEN twice (SBL and PBL), 198.51.100.67 on ZEN
        # (XBL) and on bl.test: all four are said, in the text and in the
        # JSON, each answer with its own meaning.
        doc, req = self.line('bls.check.test', 'lists')
        self.assertVerdict(doc, 'ready')
        q = req['dnsbl']
        self.assertEqual(q['code'], 'dnsbl-policy-listed')
        self.assertIn('3 more listings', q['message'])
        self.assertEqual(len(q['details']), 4, q['details'])
        for words in ('198.51.100.66 on zen.spamhaus.org: 127.0.0.2, SBL',
                      '198.51.100.66 on zen.spamhaus.org: 127.0.0.10, PBL',
                      '198.51.100.67 on zen.spamhaus.org: 127.0.0.4, XBL',
                      '198.51.100.67 on bl.test: 127.0.0.2'):
            self.assertTrue([d for d in q['details'] if words in d],
                            (words, q['details']))
        lists = {(b['ip'], b['zone']): b for b in doc['blocklists']}
        zen = lists[('198.51.100.66', 'zen.spamhaus.org')]
        self.assertEqual(zen['status'], 'policy-listed')
        self.assertEqual([(h['answer'], h['status']) for h in zen['answers']],
                         [('127.0.0.2', 'listed'),
                          ('127.0.0.10', 'policy-listed')])
        self.assertIn('SBL', zen['answers'][0]['meaning'])
        r = mailauth(*self.knot.args(), 'check', '--dnsbl',
                     'zen.spamhaus.org', '--dnsbl', 'bl.test',
                     'bls.check.test')
        self.assertEqual(r.code, 0)
        for words in ('127.0.0.2, SBL', '127.0.0.10, PBL', '127.0.0.4, XBL',
                      '198.51.100.67 on bl.test'):
            self.assertIn(words, r.out)
        # The verdict line names the PBL listing; the verdict stays.
        first = r.out.splitlines()[0]
        self.assertTrue(first.startswith('ready: '), first)
        self.assertIn('198.51.100.66 is on zen.spamhaus.org', first)
        self.assertIn('Gmail refuses mail sent straight from it', first)

    def test_a_list_not_asked_is_not_an_answer(self):
        # bl.spamcop.net holds only IPv4 addresses: for an IPv6 sender it
        # is not asked, and no "0 answers from 1 list" is claimed.
        r, doc, req = self.check('home.check.test', '--ip', '2001:db8:1::25',
                                 dnsbl=('--dnsbl', 'bl.spamcop.net'))
        q = req['dnsbl']
        self.assertEqual(q['status'], 'info')
        self.assertNotIn('answer', q['message'])
        self.assertIn('no list was asked', q['message'])
        self.assertIn('2001:db8:1::25: bl.spamcop.net lists only IPv4 '
                      'addresses: not asked', q['details'])
        # One list asked, one not: the count is of those asked.
        r, doc, req = self.check('home.check.test', '--ip', '2001:db8:1::25',
                                 dnsbl=('--dnsbl', 'bl.spamcop.net',
                                        '--dnsbl', 'bl.test'))
        q = req['dnsbl']
        self.assertEqual(q['status'], 'pass')
        self.assertIn('1 answer from', q['message'])
        self.assertIn('not asked', q['message'])
        self.assertEqual(len(q['details']), 1)

    def test_blocklist_error_answers_are_explained(self):
        for ip, words in (('198.51.100.42', 'mistyped'),
                          ('198.51.100.43', 'too many queries'),
                          ('198.51.100.25', 'public')):
            doc, req = self.line('home.check.test ' + ip, 'zen')
            zen = doc['blocklists'][0]
            self.assertEqual((zen['status'], zen['listed']),
                             ('error', None), ip)
            self.assertIn(words, zen['meaning'], ip)
            self.assertEqual(req['dnsbl']['status'], 'unknown')
            self.assertIn(words, req['dnsbl']['message'])

    def test_no_dnsbl(self):
        r, doc, req = self.check('home.check.test', '--trace',
                                 dnsbl=('--no-dnsbl',))
        self.assertEqual((doc['verdict'], r.code), ('ready', 0))
        self.assertNotIn('dnsbl', req)
        self.assertEqual(doc['blocklists'], [])
        self.assertFalse([q for q in doc['queries']
                          if 'spamhaus' in q['name'] or
                          'spamcop' in q['name']])

    def test_bad_dnsbl_zones_are_usage_errors(self):
        for bad in ('', 'bad..zone'):
            r = mailauth(*self.knot.args(), 'check', '--dnsbl', bad,
                         'home.check.test')
            self.assertEqual(r.code, 2, bad)
            self.assertIn('--dnsbl', r.err)
            self.assertEqual(r.out, '')

    # -- home-server situations ----------------------------------------

    def test_non_public_ip_is_a_usage_error(self):
        for ip in ('192.168.1.5', '127.0.0.1', 'fc00::1'):
            r = mailauth(*self.knot.args(), 'check', 'home.check.test',
                         '--ip', ip)
            self.assertEqual(r.code, 2, ip)
            self.assertIn(ip, r.err)
            self.assertIn('public address', r.err)
        for ip in ('10.1.2.3', '172.16.0.9', '100.64.0.1', '169.254.1.1',
                   'fd12::5', '::1', 'fe80::1'):
            doc = self.docs[('bl', 'home.check.test ' + ip)]
            self.assertIn(ip, doc['error'])
            self.assertIn('public address', doc['error'])
        # Documentation ranges stay allowed: examples and tests use them.
        doc, req = self.line('home.check.test 192.0.2.1 203.0.113.5 '
                             '2001:db8::1')
        self.assertEqual(doc['sending_ips'],
                         ['192.0.2.1', '203.0.113.5', '2001:db8::1'])

    def test_mx_address_not_public(self):
        doc, req = self.line('privmx.check.test')
        self.assertVerdict(doc, 'not-ready')
        q = req['mx']
        self.assertEqual((q['status'], q['code']),
                         ('fail', 'mx-address-not-public'))
        self.assertIn('192.168.1.10', q['message'])
        self.assertEqual(doc['sending_ips'], [])
        doc, req = self.line('privmx.check.test 203.0.113.9')
        self.assertEqual(records(req['mx']),
                         'mail.privmx.check.test. A 203.0.113.9')

    def test_null_mx(self):
        # No --ip: said once, and the sender domain is the null-MX domain.
        doc, req = self.line('nullmx.check.test')
        self.assertVerdict(doc, 'not-ready')
        self.assertIn('receives no mail', req['sending-ip']['message'])
        self.assertIn('--ip', req['sending-ip']['message'])
        self.assertEqual(req['sending-ip']['status'], 'unknown')
        self.assertEqual((req['mx']['status'], req['mx']['code']),
                         ('fail', 'mx-null-sender'))
        self.assertIn('RFC 7505', req['mx']['message'])
        self.assertIn('bounce', req['mx']['fix'])
        r = self.text('nullmx.check.test')
        self.assertNotRegex(r.out, r'✗ spf +SPF of [^ ]+: *\n')
        # The sending IP, still postmaster@nullmx: not ready.
        doc, req = self.line('nullmx.check.test 198.51.100.44')
        self.assertVerdict(doc, 'not-ready')
        self.assertEqual(req['mx']['code'], 'mx-null-sender')
        # A bounce domain that receives mail: ready.
        r, doc, req = self.check('nullmx.check.test', '--ip',
                                 '198.51.100.44', '--sender',
                                 'bounces@bounce.nullmx.check.test')
        self.assertEqual((doc['verdict'], r.code), ('ready', 0),
                         not_passing(doc))
        self.assertEqual(req['mx']['status'], 'info')
        self.assertIn('receives no mail', req['mx']['message'])

    def test_unknown_alignment_names_the_unknown_item(self):
        # No sending IP (a null MX) and no DKIM key: alignment is unknown
        # because SPF could not be evaluated, not because a lookup failed.
        doc, req = self.line('nulldm.check.test')
        q = req['alignment']
        self.assertEqual((q['status'], q['code']),
                         ('unknown', 'alignment-unknown'))
        self.assertIn('SPF is unknown', q['message'])
        self.assertNotIn('lookup', q['message'])
        self.assertEqual(req['spf']['code'], 'spf-not-evaluated')

    def test_mx_host_of_another_domain_is_theirs_to_fix(self):
        doc, req = self.line('mxelse.check.test 198.51.100.25')
        q = req['mx']
        self.assertEqual(q['code'], 'mx-host-no-address')
        self.assertEqual(q['fix_records'], [])
        self.assertIn('ask whoever runs nothere.isp.test', q['fix'])

    def test_mx_missing_or_without_address(self):
        doc, req = self.line('nomx.check.test 198.51.100.25')
        self.assertVerdict(doc, 'ready')
        self.assertEqual((req['mx']['status'], req['mx']['code']),
                         ('warn', 'mx-missing'))
        # The sending host is named as every fix names it: its
        # forward-confirmed PTR name, which needs no new record.
        self.assertEqual(records(req['mx']),
                         'nomx.check.test. MX 10 mail.home.check.test.')
        doc, req = self.line('mxnoaddr.check.test 198.51.100.25')
        self.assertVerdict(doc, 'not-ready')
        self.assertEqual((req['mx']['status'], req['mx']['code']),
                         ('fail', 'mx-host-no-address'))
        self.assertIn('gone.mxnoaddr.check.test', req['mx']['message'])

    def test_domain_that_does_not_exist(self):
        doc, req = self.line('nope.check.test')
        self.assertVerdict(doc, 'not-ready')
        self.assertEqual([(q['id'], q['code']) for q in doc['requirements']],
                         [('domain', 'domain-nxdomain')])
        r = self.text('nope.check.test')
        self.assertEqual(r.code, 1)
        self.assertEqual(r.out.count('does not exist'), 1, r.out)
        self.assertNotIn('✗ spf', r.out)

    def test_helo_name(self):
        # The other HELO cases are unit tests (tests/unit/test_check.c).
        r, doc, req = self.check('home.check.test', '--ip', '198.51.100.25',
                                 '--helo', 'mail.home.check.test')
        self.assertEqual((req['helo']['status'], req['helo']['code']),
                         ('pass', None))
        self.assertEqual(r.code, 0)
        for helo, code in (('localhost', 'helo-localhost'),
                           ('elsewhere.check.test',
                            'helo-address-mismatch')):
            r, doc, req = self.check('home.check.test', '--ip',
                                     '198.51.100.25', '--helo', helo)
            self.assertEqual((doc['verdict'], r.code), ('not-ready', 1))
            self.assertEqual((req['helo']['status'], req['helo']['code']),
                             ('fail', code), helo)
            self.assertIsNotNone(req['helo']['fix'], helo)

    def test_ipv6_address_without_ptr(self):
        doc, req = self.line('v6noptr.check.test')
        self.assertVerdict(doc, 'not-ready')
        self.assertEqual(req['ptr']['status'], 'pass')
        q = req['ptr-ipv6']
        self.assertEqual((q['status'], q['code']), ('fail', 'ptr-missing'))
        self.assertIn('2001:db8:1::45', q['message'])
        self.assertIn('550-5.7.1', q['gmail_codes'])
        self.assertIn('ip6.arpa. PTR mail.v6noptr.check.test.',
                      records(q))

    def test_only_ipv4_checked_says_so(self):
        doc, req = self.line('home.check.test 198.51.100.25')
        self.assertVerdict(doc, 'ready')
        self.assertNotIn('ptr-ipv6', req)
        q = req['ipv6']
        self.assertEqual(q['status'], 'info')
        self.assertIn('only IPv4 was checked', q['message'])
        self.assertIn('IPv4 only', q['message'])

    def test_all_senders_rules(self):
        r, doc, req = self.check('nodmarc.check.test', '--ip',
                                 '198.51.100.30', '--all-senders')
        self.assertFalse(doc['ips_from_mx'])
        self.assertEqual((doc['verdict'], r.code), ('ready', 0))
        self.assertEqual(req['dmarc']['status'], 'warn')
        self.assertFalse(req['dmarc']['required'])
        self.assertEqual(req['authentication']['status'], 'pass')

    def test_another_ip_fails_ptr_and_spf(self):
        doc, req = self.line('home.check.test 192.0.2.200')
        self.assertVerdict(doc, 'not-ready')
        self.assertEqual(req['ptr']['status'], 'fail')
        self.assertEqual(req['spf']['status'], 'fail')

    def test_batch_exit_is_the_worst_line_with_3_above_1(self):
        r = mailauth(*self.knot.args(), '--batch', '-', 'check', '--dnsbl',
                     'bl.test', input_bytes=b'home.check.test\n'
                     b'nodmarc.check.test\n')
        verdicts = [json.loads(l)['verdict'] for l in r.out.splitlines()]
        self.assertEqual((verdicts, r.code), (['ready', 'not-ready'], 1))
        # A name knotd does not serve is REFUSED: that line is unknown.
        r = mailauth(*self.knot.args(), '--batch', '-', 'check', '--dnsbl',
                     'bl.test', '-s', 'default', input_bytes=b'home.check.test'
                     b'\nunserved.example\nnodmarc.check.test\n')
        verdicts = [json.loads(l)['verdict'] for l in r.out.splitlines()]
        self.assertEqual((verdicts, r.code),
                         (['ready', 'unknown', 'not-ready'], 3))

    def test_batch_line_with_an_input_error_is_exit_2(self):
        # Worst line first: 3 (unknown) > 2 (an input error) > 1
        # (not-ready) > 0 (ready).
        base = [*self.knot.args(), '--batch', '-', 'check', '--dnsbl',
                'bl.test', '-s', 'default']
        r = mailauth(*base, input_bytes=b'home.check.test\n'
                     b'home.check.test 10.1.2.3\nnodmarc.check.test\n')
        out = [json.loads(l) for l in r.out.splitlines()]
        self.assertIn('public address', out[1]['error'])
        self.assertEqual(r.code, 2)
        r = mailauth(*base, input_bytes=b'home.check.test 10.1.2.3\n'
                     b'unserved.example\n')
        self.assertEqual(r.code, 3)


SPF_KEY = ('v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAiz'
           'Jp42TOPJOVa/CS5Z1FRIB3nCG2fAbB96y7Z0zbBpuxrIJGjB9SNZQ1k6ZbZCu69Wy'
           '/A1RYZDw+CnvtmJPiTklMDWJmAFkHz8hp5REJe83YEiy9lYR2+BB6TEzs6BYT+7A'
           'cfOeJEB2TLQlIOppgnByEy00PGvIZfQEL/9YzOEBEfw3fVhgZPxNsbJFykVpFVt9'
           'IbvNQZs/yuJDmydPXBri6554lZ5zw/9F6d5ZnHY6ps6B0fx3CBJ8cwooGNjJBMQF'
           '5FH9O5zKNEklILiAwxPIANQ0VYqWaUZemKRguBzy4twwU9JyHhIg0gkC5++3j9iV'
           'Gw3CQv+J9mp9C+G7ixQIDAQAB')


def zone(behaviors=None):
    """slow.test, configured right: MX, SPF, a key at default, DMARC, and
    the PTR of its address; behaviors make parts of it misbehave."""
    key = [SPF_KEY[i:i + 250] for i in range(0, len(SPF_KEY), 250)]
    return {
        'zones': ['test', '2.0.192.in-addr.arpa'],
        'records': {
            'slow.test': [{'type': 'MX', 'data': [10, 'mail.slow.test']},
                          {'type': 'TXT', 'data': 'v=spf1 mx -all'}],
            'mail.slow.test': [{'type': 'A', 'data': '192.0.2.5'}],
            'default._domainkey.slow.test': [{'type': 'TXT', 'data': key}],
            '_dmarc.slow.test': [{'type': 'TXT',
                                  'data': 'v=DMARC1; p=reject'}],
            '5.2.0.192.in-addr.arpa': [{'type': 'PTR',
                                        'data': 'mail.slow.test'}],
        },
        'behaviors': behaviors or {},
    }


class CheckUnderDnsFailure(unittest.TestCase):
    """What DNS could not answer is unknown, never a failure: the verdict
    is unknown and the exit status 3, unless something known fails."""

    def run_check(self, config, *args, delay_ms=0, text=True):
        """JSON (and text) of check slow.test. With a delay, answers come
        after the 0.5 s timeout; without, they come at once, and the
        timeout allows for a slow machine (valgrind)."""
        server = FakeDNS(config, delay_ms=delay_ms).start()
        timeout = '0.5' if delay_ms else str(1.0 * SLOWDOWN)
        try:
            base = server.args() + ['--timeout', timeout, '--tries', '1']
            js = mailauth(*base, '--json', 'check', '--no-dnsbl', '-s',
                          'default', 'slow.test', *args)
            out = mailauth(*base, 'check', '--no-dnsbl', '-s', 'default',
                           'slow.test', *args) if text else None
            return js, js.json(), out
        finally:
            server.stop()

    def assertNothingFails(self, doc, text=None):
        failing = [q['id'] for q in doc['requirements']
                   if q['status'] == 'fail']
        self.assertEqual(failing, [])
        if text is not None:
            self.assertNotIn('✗', text.out)
        for q in doc['requirements']:
            if q['status'] == 'unknown':
                self.assertIsNotNone(q['code'], q)

    def test_the_fixture_is_ready(self):
        js, doc, text = self.run_check(zone(), '--ip', '192.0.2.5',
                                       text=False)
        self.assertEqual((doc['verdict'], js.code), ('ready', 0),
                         not_passing(doc))

    def test_server_answers_too_late(self):
        js, doc, text = self.run_check(zone(), delay_ms=2000)
        self.assertEqual((doc['verdict'], js.code, text.code),
                         ('unknown', 3, 3))
        self.assertNothingFails(doc, text)
        req = requirements(doc)
        for rid in ('mx', 'spf', 'dkim', 'dmarc', 'alignment',
                    'spf-lookups'):
            self.assertEqual(req[rid]['status'], 'unknown', req[rid])
        self.assertIn('timeout', req['spf']['message'])
        self.assertIn('slow.test', req['spf']['message'])
        self.assertIn('timeout', req['dkim']['message'])
        self.assertNotIn('0/10', req['spf-lookups']['message'])
        self.assertTrue(text.out.startswith('unknown: '), text.out)

    def test_given_ip_and_late_answers(self):
        js, doc, text = self.run_check(zone(), '--ip', '192.0.2.5',
                                       delay_ms=2000, text=False)
        self.assertEqual((doc['verdict'], js.code), ('unknown', 3))
        self.assertNothingFails(doc)
        req = requirements(doc)
        self.assertEqual(req['ptr']['status'], 'unknown')
        self.assertIn('5.2.0.192.in-addr.arpa', req['ptr']['message'])

    def test_servfail_and_refused(self):
        for rcode in ('SERVFAIL', 'REFUSED'):
            bad = {'action': 'rcode', 'rcode': rcode}
            js, doc, text = self.run_check(zone({
                'slow.test': {'*': bad}, '_dmarc.slow.test': {'*': bad},
                'default._domainkey.slow.test': {'*': bad},
                '5.2.0.192.in-addr.arpa': {'*': bad}}), '--ip', '192.0.2.5',
                text=rcode == 'SERVFAIL')
            self.assertEqual((doc['verdict'], js.code), ('unknown', 3),
                             (rcode, not_passing(doc)))
            self.assertNothingFails(doc, text)
            req = requirements(doc)
            for rid in ('ptr', 'spf', 'dkim', 'dmarc', 'alignment'):
                self.assertEqual(req[rid]['status'], 'unknown', rid)
            self.assertIn(rcode.lower(), req['spf']['message'])
            self.assertIn(rcode.lower(), req['dkim']['message'])
            self.assertIn('default._domainkey.slow.test',
                          req['dkim']['message'])

    def test_queries_that_cannot_be_sent(self):
        # Nothing listens on the port: every lookup fails to get an
        # answer (ICMP port unreachable, or a timeout).
        server = FakeDNS(zone()).start()
        port = server.port
        server.stop()
        base = ['@127.0.0.1', '-p', str(port), '--timeout', '0.5',
                '--tries', '1']
        js = mailauth(*base, '--json', 'check', '--no-dnsbl', '-s',
                      'default', 'slow.test', '--ip', '192.0.2.5')
        doc = js.json()
        self.assertEqual((doc['verdict'], js.code), ('unknown', 3),
                         not_passing(doc))
        self.assertFalse([q for q in doc['requirements']
                          if q['status'] == 'fail'])
        self.assertEqual(requirements(doc)['spf']['code'],
                         'spf-lookup-failed')

    def test_a_known_failure_beats_unknown(self):
        config = zone({'slow.test': {'TXT': {'action': 'timeout'}}})
        del config['records']['_dmarc.slow.test']
        js, doc, text = self.run_check(config, '--ip', '192.0.2.5',
                                       text=False)
        self.assertEqual((doc['verdict'], js.code), ('not-ready', 1))
        req = requirements(doc)
        self.assertEqual(req['spf']['status'], 'unknown')
        self.assertEqual(req['spf']['code'], 'spf-lookup-failed')
        self.assertEqual(req['dmarc']['status'], 'fail')
        # DKIM aligns whatever SPF says.
        self.assertEqual(req['alignment']['status'], 'pass')

    def test_failed_address_lookup_is_not_absence(self):
        # The MX host's A lookup fails: the sending host is unknown
        # because of that lookup, not "no MX host with a public address".
        js, doc, text = self.run_check(zone({'mail.slow.test': {'A': {
            'action': 'rcode', 'rcode': 'SERVFAIL'}}}), text=False)
        q = requirements(doc)['sending-ip']
        self.assertEqual((q['status'], q['code']),
                         ('unknown', 'sending-ip-unknown'))
        self.assertIn('the A lookup for mail.slow.test failed (servfail)',
                      q['message'])
        self.assertIn('unknown', q['message'])
        self.assertNotIn('no MX host', q['message'])
        self.assertEqual(js.code, 3)

    def test_failure_above_the_domains_own_dmarc_record(self):
        # RFC 9989 §4.10.1: _dmarc.slow.test is the policy; a lookup
        # further up the tree walk hides only the organizational domain,
        # which From slow.test aligning with itself does not need.
        for behavior in ({'action': 'timeout'},
                         {'action': 'rcode', 'rcode': 'REFUSED'}):
            js, doc, text = self.run_check(zone({'_dmarc.test': {
                '*': behavior}}), '--ip', '192.0.2.5', text=False)
            self.assertEqual((doc['verdict'], js.code), ('ready', 0),
                             (behavior, not_passing(doc)))
            q = requirements(doc)['dmarc']
            self.assertEqual(q['status'], 'pass')
            self.assertIn('p=reject', q['message'])
            self.assertIn('organizational domain is unknown', q['message'])
            self.assertIsNone(doc['dmarc']['org_domain'])
            self.assertEqual(doc['dmarc']['policy']['p'], 'reject')

    def test_unknown_organizational_domain_makes_only_alignment_unknown(self):
        # The envelope sender is another name: relaxed alignment needs the
        # organizational domain the failed lookup hid. The fix does not
        # send the user to the TLD's DNS servers.
        config = zone({'_dmarc.test': {'*': {'action': 'rcode',
                                              'rcode': 'REFUSED'}}})
        config['records']['bounce.slow.test'] = [
            {'type': 'TXT', 'data': 'v=spf1 ip4:192.0.2.5 -all'},
            {'type': 'MX', 'data': [10, 'mail.slow.test']}]
        del config['records']['default._domainkey.slow.test']
        js, doc, text = self.run_check(config, '--ip', '192.0.2.5',
                                       '--sender', 'b@bounce.slow.test')
        req = requirements(doc)
        self.assertEqual(req['dmarc']['status'], 'pass')
        self.assertEqual(req['spf']['status'], 'pass')
        q = req['alignment']
        self.assertEqual((q['status'], q['code']),
                         ('unknown', 'alignment-unknown'))
        self.assertIn('organizational domain is unknown', q['message'])
        self.assertIn('_dmarc.test', q['message'])
        self.assertNotIn('DNS servers of', q['fix'])
        self.assertIn('slow.test itself', q['fix'])
        self.assertNotIn('DNS servers of _dmarc.test', text.out)


class CheckDeadline(unittest.TestCase):
    """The default deadline survives a slow resolver; a question the
    deadline cut off says so and blames no server."""

    def test_default_deadline_allows_a_slow_resolvers_chain(self):
        # Every answer takes 0.6 s: check's chain (MX, A, PTR, A) and
        # spf's (TXT, MX, A) take longer than timeout x tries x servers
        # (1 s), but not than the default deadline (RFC 7208 §4.6.4).
        server = FakeDNS(zone(), delay_ms=600).start()
        try:
            base = server.args() + ['--timeout', '1']
            r = mailauth(*base, '--json', 'check', '--no-dnsbl', '-s',
                         'default', 'slow.test')
            doc = r.json()
            self.assertEqual((doc['verdict'], r.code), ('ready', 0),
                             not_passing(doc))
            r = mailauth(*base, '--json', 'spf', 'slow.test', '--ip',
                         '192.0.2.5')
            self.assertEqual((r.json()['result'], r.code), ('pass', 0))
        finally:
            server.stop()

    def check_with_deadline_1(self, behaviors=None, delay_ms=0):
        """check slow.test with a 1 s deadline and 2 s tries."""
        server = FakeDNS(zone(behaviors), delay_ms=delay_ms).start()
        try:
            return mailauth(*server.args(), '--timeout', '2', '--deadline',
                            '1', '--json', 'check', '--no-dnsbl', '-s',
                            'default', 'slow.test')
        finally:
            server.stop()

    def test_a_question_cut_off_by_the_deadline_says_so(self):
        r = self.check_with_deadline_1(delay_ms=400)
        doc = r.json()
        self.assertEqual((doc['verdict'], r.code), ('unknown', 3))
        cut = [q for q in doc['requirements'] if q['status'] == 'unknown'
               and 'deadline' in (q['message'] or '')]
        self.assertTrue(cut, not_passing(doc))
        for q in cut:
            self.assertIn("not answered before the run's deadline "
                          "(--deadline 1 s)", q['message'])
            self.assertIn('--deadline', q['fix'])
            self.assertNotIn('DNS servers', q['fix'])

    def test_an_mx_lookup_cut_off_by_the_deadline_says_so(self):
        # The sending host comes from the MX host: when the deadline cut
        # the MX lookup off, more time is the first fix.
        r = self.check_with_deadline_1({'slow.test': {'MX': {
            'action': 'timeout'}}})
        doc = r.json()
        self.assertEqual(r.code, 3)
        q = [q for q in doc['requirements'] if q['id'] == 'sending-ip'][0]
        self.assertIn("not answered before the run's deadline",
                      q['message'])
        self.assertTrue(q['fix'].startswith('give the run more time with '
                                            '--deadline'), q['fix'])
        self.assertIn('--ip YOUR.PUBLIC.IP', q['fix'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
