#!/usr/bin/python3
"""Self-test of tests/fakedns.py, with dnspython as the client: the fault
server must do what the integration tests rely on."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE = os.path.join(HERE, 'conformance', 'rfc7208-tests.yml')


def start(*args):
    proc = subprocess.Popen(['/usr/bin/python3',
                             os.path.join(HERE, 'fakedns.py'), '--port',
                             '0'] + list(args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.strip().isdigit():
        raise RuntimeError(proc.stderr.read())
    return proc, int(line)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=5)
    proc.stdout.close()
    proc.stderr.close()


def ask(port, name, rtype, tcp=False, edns=-1, timeout=1.0):
    q = dns.message.make_query(name, rtype, use_edns=edns)
    fn = dns.query.tcp if tcp else dns.query.udp
    return fn(q, '127.0.0.1', port=port, timeout=timeout)


CONFIG = {
    'zones': ['fault.test'],
    'records': {
        'ok.fault.test': [{'type': 'TXT', 'data': ['v=spf1 ', '-all']},
                          {'type': 'A', 'data': '192.0.2.1'}],
        'deep.ent.fault.test': [{'type': 'A', 'data': '192.0.2.2'}],
        'alias.fault.test': [{'type': 'CNAME', 'data': 'ok.fault.test'}],
        'big.fault.test': [{'type': 'TXT', 'data': c * 200}
                           for c in 'abcd'],
        'bin.fault.test': [{'type': 'TXT', 'data': {'hex': '00ff1b'}}],
    },
    'behaviors': {
        'sf.fault.test': {'*': {'action': 'rcode', 'rcode': 'SERVFAIL'}},
        'ref.fault.test': {'TXT': {'action': 'rcode', 'rcode': 'REFUSED'}},
        'slow.fault.test': {'*': {'action': 'timeout'}},
        'tc.fault.test': {'*': {'action': 'truncate'}},
        'junk.fault.test': {'*': {'action': 'garbage', 'length': 30}},
        'spoof.fault.test': {'*': {'action': 'wrong_id'}},
    },
}


class ConfigMode(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        path = os.path.join(cls.dir, 'c.json')
        with open(path, 'w') as f:
            json.dump(CONFIG, f)
        cls.log = os.path.join(cls.dir, 'log')
        cls.proc, cls.port = start('--config', path, '--log', cls.log)

    @classmethod
    def tearDownClass(cls):
        stop(cls.proc)

    def test_records_and_strings(self):
        r = ask(self.port, 'OK.fault.test', 'TXT')
        self.assertEqual(r.answer[0][0].strings, (b'v=spf1 ', b'-all'))
        self.assertEqual(str(r.answer[0].name), 'OK.fault.test.')
        r = ask(self.port, 'bin.fault.test', 'TXT', tcp=True)
        self.assertEqual(r.answer[0][0].strings, (b'\x00\xff\x1b',))

    def test_negative_answers(self):
        self.assertEqual(ask(self.port, 'no.fault.test', 'A').rcode(),
                         dns.rcode.NXDOMAIN)
        r = ask(self.port, 'ok.fault.test', 'MX')
        self.assertEqual((r.rcode(), len(r.answer)), (dns.rcode.NOERROR, 0))
        r = ask(self.port, 'ent.fault.test', 'A')
        self.assertEqual((r.rcode(), len(r.answer)), (dns.rcode.NOERROR, 0))
        self.assertEqual(ask(self.port, 'other.test', 'A').rcode(),
                         dns.rcode.REFUSED)

    def test_cname(self):
        r = ask(self.port, 'alias.fault.test', 'A')
        self.assertEqual(len(r.answer), 2)

    def test_behaviors(self):
        self.assertEqual(ask(self.port, 'sf.fault.test', 'TXT').rcode(),
                         dns.rcode.SERVFAIL)
        self.assertEqual(ask(self.port, 'ref.fault.test', 'TXT').rcode(),
                         dns.rcode.REFUSED)
        with self.assertRaises(dns.exception.Timeout):
            ask(self.port, 'slow.fault.test', 'TXT', timeout=0.3)
        r = ask(self.port, 'tc.fault.test', 'TXT')
        self.assertTrue(r.flags & dns.flags.TC)
        with self.assertRaises(Exception):
            ask(self.port, 'junk.fault.test', 'TXT', timeout=0.3)
        with self.assertRaises(Exception):
            ask(self.port, 'spoof.fault.test', 'TXT', timeout=0.3)

    def test_truncation_by_size(self):
        r = ask(self.port, 'big.fault.test', 'TXT')
        self.assertTrue(r.flags & dns.flags.TC)
        r = ask(self.port, 'big.fault.test', 'TXT', edns=0)
        self.assertEqual(len(r.answer[0]), 4)
        r = ask(self.port, 'big.fault.test', 'TXT', tcp=True)
        self.assertEqual(len(r.answer[0]), 4)


def start_with_config(output_flag, *args):
    """A server of CONFIG writing its --log or --stats to a fresh file;
    returns the server, its port and that file."""
    d = tempfile.mkdtemp()
    path = os.path.join(d, 'c.json')
    out = os.path.join(d, 'out')
    with open(path, 'w') as f:
        json.dump(CONFIG, f)
    proc, port = start('--config', path, output_flag, out, *args)
    return proc, port, out


class Concurrency(unittest.TestCase):
    def test_delays_do_not_serialize(self):
        proc, port, log = start_with_config('--log', '--delay-ms', '200')
        import socket
        socks = []
        t0 = time.monotonic()
        for i in range(20):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(dns.message.make_query('ok.fault.test', 'A').to_wire(),
                     ('127.0.0.1', port))
            socks.append(s)
        for s in socks:
            s.settimeout(3)
            s.recv(512)
            s.close()
        self.assertLess(time.monotonic() - t0, 1.5)
        stop(proc)
        with open(log) as f:
            summary = json.loads(f.read().splitlines()[-1])['summary']
        self.assertEqual(summary['queries'], 20)
        self.assertGreaterEqual(summary['max_in_flight'], 15)


class StatsMode(unittest.TestCase):
    def test_repeated_questions_get_their_own_ids_and_are_counted(self):
        proc, port, stats = start_with_config('--stats')
        first = ask(port, 'ok.fault.test', 'TXT')
        for _ in range(3):
            q = dns.message.make_query('ok.fault.test', 'TXT')
            r = dns.query.udp(q, '127.0.0.1', port=port, timeout=1)
            self.assertEqual(r.id, q.id)
            self.assertEqual(r.answer, first.answer)
        self.assertEqual(ask(port, 'sf.fault.test', 'TXT').rcode(),
                         dns.rcode.SERVFAIL)
        self.assertEqual(ask(port, 'sf.fault.test', 'TXT').rcode(),
                         dns.rcode.SERVFAIL)
        stop(proc)
        with open(stats) as f:
            self.assertEqual(json.load(f)['summary']['queries'], 6)


class LoadMode(unittest.TestCase):
    """The "load" key: what overloaded or lossy servers do."""

    def burst(self, load, n, delay_ms=300):
        d = tempfile.mkdtemp()
        path = os.path.join(d, 'c.json')
        with open(path, 'w') as f:
            json.dump(dict(CONFIG, load=load), f)
        proc, port = start('--config', path, '--delay-ms', str(delay_ms),
                           '--stats', os.path.join(d, 'stats'))
        import socket
        socks, rcodes = [], []
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(dns.message.make_query('ok.fault.test',
                                            'TXT').to_wire(),
                     ('127.0.0.1', port))
            socks.append(s)
        deadline = time.monotonic() + delay_ms / 1000 + 0.5
        for s in socks:
            s.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                rcodes.append(dns.message.from_wire(s.recv(512)).rcode())
            except OSError:
                rcodes.append(None)
            s.close()
        stop(proc)
        with open(os.path.join(d, 'stats')) as f:
            return rcodes, json.load(f)['summary']

    def test_a_queue_drops_what_exceeds_it(self):
        rcodes, stats = self.burst({'queue': 3}, 8)
        self.assertEqual(rcodes.count(dns.rcode.NOERROR), 3)
        self.assertEqual(rcodes.count(None), 5)
        self.assertEqual(stats['dropped'], 5)

    def test_servfail_over_a_load(self):
        rcodes, stats = self.burst({'servfail_over': 3}, 8)
        self.assertEqual(rcodes.count(dns.rcode.NOERROR), 3)
        self.assertEqual(rcodes.count(dns.rcode.SERVFAIL), 5)
        self.assertEqual(stats['refused'], 5)

    def test_a_rate_limit_refuses_the_excess(self):
        rcodes, stats = self.burst({'rate': 5}, 10, delay_ms=0)
        self.assertGreaterEqual(rcodes.count(dns.rcode.REFUSED), 8)
        self.assertEqual(rcodes.count(None), 0)

    def test_random_drops(self):
        rcodes, stats = self.burst({'drop': 1.0}, 3, delay_ms=0)
        self.assertEqual(rcodes, [None] * 3)
        rcodes, stats = self.burst({'drop': 0.0}, 3, delay_ms=0)
        self.assertEqual(rcodes, [dns.rcode.NOERROR] * 3)


class SuiteMode(unittest.TestCase):
    def test_record_lookup_scenario(self):
        proc, port = start('--spf-suite', SUITE, '--scenario', '1')
        try:
            # both.example.net has SPF and TXT; spfonly has SPF only.
            r = ask(port, 'spfonly.example.net', 'TXT')
            self.assertEqual((r.rcode(), len(r.answer)), (0, 0))
            r = ask(port, 'spfonly.example.net', 99)
            self.assertEqual(len(r.answer), 1)
            # spftimeout: TXT answered, everything else silent.
            r = ask(port, 'spftimeout.example.net', 'TXT')
            self.assertEqual(len(r.answer), 1)
            with self.assertRaises(dns.exception.Timeout):
                ask(port, 'spftimeout.example.net', 'A', timeout=0.3)
            with self.assertRaises(dns.exception.Timeout):
                ask(port, 'txttimeout.example.net', 'TXT', timeout=0.3)
            self.assertEqual(ask(port, 'nothere.example.net', 'A').rcode(),
                             dns.rcode.NXDOMAIN)
        finally:
            stop(proc)

    def test_spf_to_txt_copy_and_empty_rr(self):
        proc, port = start('--spf-suite', SUITE, '--scenario', '0')
        try:
            # Two SPF records copied to TXT: one of two strings, and one
            # with no strings at all (an RDATA of length 0).
            r = ask(port, 'null.example.com', 'TXT', tcp=True)
            self.assertEqual(sorted(len(rd.strings) for rd in r.answer[0]),
                             [0, 2])
        finally:
            stop(proc)


if __name__ == '__main__':
    unittest.main(verbosity=2)
