#!/usr/bin/python3
"""mailauth spf --flatten: every proposal, published with --zone, gives
each sender the result the record it replaces gives (compared with --ip
at both edges of every network, through one --batch run each); a failed
lookup makes the flatten unknown; a term that fails every sender is
refused by name."""
import ipaddress
import json
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import WRAPPER, FakeDNS, Knot, ZONES, mailauth  # noqa: E402

FLAT_ZONE = os.path.join(ZONES, 'flat.test.zone')

# tests/zones/flat.test.zone: one record per way terms can interleave.
EQUIVALENT = ['order', 'between', 'soft', 'crowded', 'one', 'three', 'mixed',
              'kept', 'redir', 'many', 'voids', 'rexp', 'cidr']


def networks(text):
    """The ip4:/ip6: networks written in a record or a term."""
    return [ipaddress.ip_network(m, strict=False) for m in
            re.findall(r'ip[46]:([0-9a-fA-F:.]+(?:/\d+)?)', text)]


def tree_networks(node, out):
    """Every network the walk's tree shows: terms and addresses."""
    for term in (node or {}).get('terms') or []:
        out += networks(term['term'])
        addrs = list(term.get('addresses') or [])
        for mx in term.get('mx') or []:
            addrs += mx.get('addresses') or []
        out += [ipaddress.ip_network(a) for a in addrs]
        tree_networks(term.get('child'), out)


def edges(nets):
    """The first and last address of each network and those just
    outside it."""
    out = set()
    for n in nets:
        top = 2 ** n.max_prefixlen - 1
        for addr in (int(n.network_address), int(n.broadcast_address)):
            for x in (addr - 1, addr, addr + 1):
                if 0 < x < top:
                    out.add(str(ipaddress.ip_address(x) if n.version == 4
                                else ipaddress.IPv6Address(x)))
    return out


class FlattenEquivalence(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.knot = Knot().start()
        cls.dir = tempfile.mkdtemp(prefix='mailauth-flat-')

    @classmethod
    def tearDownClass(cls):
        cls.knot.stop()
        shutil.rmtree(cls.dir, True)

    def flatten(self, domain):
        r = mailauth(*self.knot.args(), '--json', 'spf', domain,
                     '--flatten')
        return r, r.json()

    def publish(self, domain, flat):
        """flat.test.zone with the domain's SPF record replaced by the
        proposal's records."""
        rel = domain[:-len('.flat.test')]
        with open(FLAT_ZONE) as f:
            lines = [line for line in f.read().splitlines()
                     if not (line.split()[:2] == [rel, 'TXT'] and
                             'v=spf1' in line)]
        for rec in flat['records']:
            lines.append('%s. 300 IN TXT %s' % (rec['name'], ' '.join(
                '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"')
                for s in rec['strings'])))
        path = os.path.join(self.dir, domain + '.zone')
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return path

    def results(self, domain, ips, *zone):
        """{ip: (result, explanation)} from one --batch run."""
        path = os.path.join(self.dir, domain + '.batch')
        with open(path, 'w') as f:
            f.write(''.join('%s %s\n' % (domain, ip) for ip in ips))
        r = mailauth(*self.knot.args(), *zone, '--batch', path, '--json',
                     'spf', timeout=300)
        out = {}
        for line in r.out.splitlines():
            doc = json.loads(line)
            self.assertIsNone(doc.get('error'), doc)
            out[doc['input'].split()[1]] = (doc['result'],
                                            doc['explanation'])
        self.assertEqual(len(out), len(ips), r.err)
        return out

    def test_every_sender_gets_the_same_result(self):
        for name in EQUIVALENT:
            domain = name + '.flat.test'
            with self.subTest(domain=domain):
                r, doc = self.flatten(domain)
                flat = doc['flatten']
                self.assertIsNone(flat['refused'])
                self.assertIsNone(flat['unknown'])
                nets = []
                tree_networks(doc['tree'], nets)
                for rec in flat['records']:
                    nets += networks(rec['text'])
                    self.assertLessEqual(len(rec['text']), 450)
                ips = sorted(edges(nets) | {'8.8.8.8', '52.1.2.3',
                                            '52.1.2.4', '2001:db8::1'})
                if WRAPPER:
                    # Under valgrind the run looks for memory errors, and
                    # every fifth sender walks the same code; the plain
                    # run compares them all.
                    ips = ips[::5]
                before = self.results(domain, ips)
                after = self.results(domain, ips, '--zone',
                                     self.publish(domain, flat))
                differ = [(ip, before[ip], after[ip]) for ip in ips
                          if before[ip] != after[ip]]
                self.assertEqual(differ, [], flat['records'])

    def test_networks_after_a_kept_term_stay_after_it(self):
        r, doc = self.flatten('order.flat.test')
        self.assertEqual(r.code, 0)
        record = doc['flatten']['record']
        self.assertTrue(record.startswith(
            'v=spf1 exists:%{i}.q.flat.test ip4:45.'), record)

    def test_no_refusal_for_room(self):
        for name, needle in (('between', ' -ip4:46.0.0.0/8 '),
                             ('soft', ' ~include:_spf1.soft.flat.test ')):
            r, doc = self.flatten(name + '.flat.test')
            self.assertEqual(r.code, 0, doc['flatten'])
            self.assertIn(needle, doc['flatten']['record'])
        r, doc = self.flatten('crowded.flat.test')
        flat = doc['flatten']
        self.assertIsNone(flat['refused'])
        self.assertIn('other TXT records', flat['warnings'][0])
        text = mailauth(*self.knot.args(), 'spf', 'crowded.flat.test',
                        '--flatten').out
        self.assertIn("warning: the domain's record is", text)

    def test_more_lookups_are_said(self):
        r, doc = self.flatten('three.flat.test')
        flat = doc['flatten']
        self.assertLess(flat['lookups'], flat['lookups_before'])
        self.assertEqual(flat['warnings'], [])
        r, doc = self.flatten('one.flat.test')
        flat = doc['flatten']
        self.assertGreater(flat['lookups'], flat['lookups_before'])
        self.assertIn('more than the 1 of the published record',
                      flat['warnings'][0])

    def test_a_term_that_fails_every_sender_is_refused(self):
        for name, needle in (('broken', 'nothere.flat.test has no SPF '
                              'record'), ('mx11', '11 MX names')):
            r, doc = self.flatten(name + '.flat.test')
            self.assertEqual(r.code, 1)
            self.assertIn(needle, doc['flatten']['refused'])
            self.assertIn('permerror', doc['flatten']['refused'])


class FlattenUnknown(unittest.TestCase):
    """A lookup that fails leaves the networks it stands for unknown:
    exit 3, never a record kept "without a valid record"."""

    def serve(self, behavior):
        server = FakeDNS({
            'zones': ['fault.test'],
            'records': {
                'top.fault.test': [{'type': 'TXT', 'data':
                                    'v=spf1 ip4:192.0.2.1 include:'
                                    'bad.fault.test a:www.fault.test '
                                    '-all'}],
                'www.fault.test': [{'type': 'A', 'data': '192.0.2.9'}],
                'loop.fault.test': [{'type': 'CNAME',
                                     'data': 'loop.fault.test'}],
                'bad.fault.test': [{'type': 'CNAME',
                                    'data': 'loop.fault.test'}]
                if behavior is None else [],
            },
            'behaviors': {} if behavior is None else
            {'bad.fault.test': {'*': behavior}}}).start()
        self.addCleanup(server.stop)
        return server

    def test_failed_lookups(self):
        for behavior, needle in (({'action': 'rcode', 'rcode': 'SERVFAIL'},
                                  'servfail'),
                                 ({'action': 'timeout'}, 'timeout'),
                                 (None, 'cname-loop')):
            with self.subTest(needle=needle):
                server = self.serve(behavior)
                r = mailauth(*server.args(), '--timeout', '1', '--json',
                             'spf', 'top.fault.test', '--flatten')
                flat = r.json()['flatten']
                self.assertEqual(r.code, 3)
                self.assertIsNone(flat['refused'])
                self.assertIn('bad.fault.test', flat['unknown'])
                self.assertIn(needle, flat['unknown'])
                self.assertNotIn('records', flat)
                r = mailauth(*server.args(), '--timeout', '1', 'spf',
                             'top.fault.test', '--flatten')
                self.assertIn('flatten: unknown: the TXT lookup for '
                              'bad.fault.test failed', r.out)


if __name__ == '__main__':
    unittest.main(verbosity=2)
