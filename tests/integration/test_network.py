#!/usr/bin/python3
"""How mailauth talks to DNS servers: servers that close or reset TCP
connections (RFC 7766 lets them), a closed standard output, the @SERVER
forms of kdig and -4/-6."""
import os
import socket
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (MAILAUTH, PYTHON, SLOWDOWN, TESTS,  # noqa: E402
                     WRAPPER, FakeDNS, mailauth)

INCLUDES = 8


def heavy_zone(tcp_close, big=False):
    """heavy.test includes 8 records; each names a host with A and MX,
    whose exchange has an A record: 49 questions over three levels. With
    big, every include's record is too large for UDP (truncated, then
    over TCP)."""
    pad = ' '.join('ip4:198.51.100.%d' % i for i in range(120)) if big \
        else ''
    records = {'heavy.test': [{'type': 'TXT', 'data': 'v=spf1 ' + ' '.join(
        'include:i%d.heavy.test' % i for i in range(INCLUDES)) + ' -all'}]}
    for i in range(INCLUDES):
        text = 'v=spf1 a:h%d.heavy.test mx:h%d.heavy.test %s -all' % (
            i, i, pad)
        records['i%d.heavy.test' % i] = [{'type': 'TXT', 'data': [
            text[k:k + 255] for k in range(0, len(text), 255)]}]
        records['h%d.heavy.test' % i] = [
            {'type': 'A', 'data': '192.0.2.%d' % (i + 1)},
            {'type': 'MX', 'data': [10, 'm%d.heavy.test' % i]}]
        records['m%d.heavy.test' % i] = [
            {'type': 'A', 'data': '192.0.2.%d' % (i + 100)}]
    return {'zones': ['heavy.test'], 'records': records,
            'tcp_close': tcp_close}


class ClosedConnections(unittest.TestCase):
    def server(self, config):
        server = FakeDNS(config).start()
        self.addCleanup(server.stop)
        return server

    def check_complete(self, server, *args, runs=5):
        for _ in range(runs):
            r = mailauth(*server.args(), '--timeout', '2', *args, '--json',
                         'spf', 'heavy.test')
            self.assertNotEqual(r.code, -13, 'killed by SIGPIPE')
            self.assertEqual(r.code, 1, r.err)      # over the lookup limit
            self.assertEqual(r.json()['lookups']['count'], 3 * INCLUDES)
            self.assertNotIn('spf-dns-error', r.out)

    def test_tcp_server_that_closes_and_resets_after_each_answer(self):
        # Before the fix: SIGPIPE (exit 141, no output) on most runs.
        self.check_complete(self.server(heavy_zone('reset')), '--tcp')

    def test_tcp_server_that_closes_after_each_answer(self):
        self.check_complete(self.server(heavy_zone(True)), '--tcp')

    def test_truncated_udp_answers_over_closing_tcp(self):
        server = self.server(heavy_zone('reset', big=True))
        self.check_complete(server)
        r = mailauth(*server.args(), '--trace', '--json', 'spf',
                     'heavy.test')
        tcp = [q for q in r.json()['queries'] if q['tcp']]
        self.assertEqual(len(tcp), INCLUDES)

    def test_connection_closed_without_an_answer_is_unknown(self):
        config = heavy_zone('reset')
        config['behaviors'] = {'i3.heavy.test': {
            'TXT': {'action': 'timeout'}}}
        server = self.server(config)
        r = mailauth(*server.args(), '--timeout', '5', '--tries', '2',
                     '--tcp', '--json', 'spf', 'heavy.test')
        self.assertEqual(r.code, 3, r.err)
        # Asked again on new connections, not waited out.
        self.assertLess(r.elapsed, 4 * SLOWDOWN)
        include = r.json()['tree']['terms'][3]['child']
        self.assertEqual(include['domain'], 'i3.heavy.test')
        self.assertEqual(include['status'], 'temperror')


class ClosedOutput(unittest.TestCase):
    def test_a_reader_that_stops_early_ends_it_quietly(self):
        server = FakeDNS(heavy_zone(False)).start()
        self.addCleanup(server.stop)
        for extra in ([], ['--batch', '-']):
            read, write = os.pipe()
            os.close(read)
            proc = subprocess.run(
                WRAPPER + [MAILAUTH] + server.args() + extra +
                ['spf'] + ([] if extra else ['heavy.test']),
                stdout=write, stderr=subprocess.PIPE, timeout=60,
                input=b'heavy.test\n' * 2000 if extra else b'',
                env=dict(os.environ, LC_ALL='C.UTF-8'))
            os.close(write)
            self.assertNotEqual(proc.returncode, -13, 'killed by SIGPIPE')
            self.assertIn(proc.returncode, (0, 1), proc.stderr)
            self.assertEqual(proc.stderr, b'')

    @unittest.skipUnless(os.path.exists('/dev/full'), 'no /dev/full')
    def test_output_that_cannot_be_written_is_exit_4(self):
        # Not 3: the DNS answered; the output is what was lost.
        server = FakeDNS(heavy_zone(False)).start()
        self.addCleanup(server.stop)
        for extra in ([], ['--json']):
            with open('/dev/full', 'wb') as full:
                proc = subprocess.run(
                    WRAPPER + [MAILAUTH] + server.args() + extra +
                    ['spf', 'heavy.test'], stdout=full,
                    stderr=subprocess.PIPE, timeout=60,
                    env=dict(os.environ, LC_ALL='C.UTF-8'))
            self.assertEqual(proc.returncode, 4, proc.stderr)
            self.assertIn(b'mailauth: error writing output: No space left',
                          proc.stderr)


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            s.bind(('::1', 0))
        return True
    except OSError:
        return False


class FakeDNS6(FakeDNS):
    """fakedns.py on ::1."""

    def start(self):
        self.proc = subprocess.Popen(
            [PYTHON, os.path.join(TESTS, 'fakedns.py'), '--address', '::1',
             '--config', self.config], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())
        return self


class ServerForms(unittest.TestCase):
    """@SERVER as kdig reads it, and -4/-6 (the server's family only)."""

    @classmethod
    def setUpClass(cls):
        cls.server = FakeDNS(heavy_zone(False)).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def lookups(self, *args):
        r = mailauth(*args, '--timeout', '2', '--json', 'spf',
                     'heavy.test')
        self.assertEqual(r.code, 1, (args, r.err))
        return r.json()['lookups']['count']

    def test_the_port_with_the_server(self):
        port = self.server.port
        for form in ('@127.0.0.1#%d', '@127.0.0.1:%d', '@127.0.0.1@%d',
                     '@[127.0.0.1]:%d', '@localhost#%d', '@localhost:%d'):
            self.assertEqual(self.lookups(form % port), 3 * INCLUDES, form)
        # The port given with the server wins over -p.
        self.assertEqual(self.lookups('-p', '1', '@127.0.0.1#%d' % port),
                         3 * INCLUDES)
        self.assertEqual(self.lookups('--server', '127.0.0.1#%d' % port),
                         3 * INCLUDES)
        self.assertEqual(self.lookups('-4', '@localhost#%d' % port),
                         3 * INCLUDES)

    def test_bad_forms_are_usage_errors(self):
        for form, message in (
                ('@[::1', "lacks the closing ']'"),
                ('@127.0.0.1#0', "invalid port '0'"),
                ('@127.0.0.1#x', "invalid port 'x'"),
                ('@#53', 'has no address')):
            r = mailauth(form, 'spf', 'heavy.test')
            self.assertEqual(r.code, 2, form)
            self.assertIn(message, r.err, form)

    def test_families_exclude_each_other(self):
        r = mailauth('-4', '-6', '@127.0.0.1', 'spf', 'heavy.test')
        self.assertEqual(r.code, 2)
        self.assertIn('-4 and -6 exclude each other', r.err)
        r = mailauth('-6', '@127.0.0.1#%d' % self.server.port, 'spf',
                     'heavy.test')
        self.assertEqual(r.code, 2)
        self.assertIn("server '127.0.0.1' is an IPv4 address, and -6 asks "
                      "for IPv6 only", r.err)

    @unittest.skipUnless(ipv6_loopback(), 'no IPv6 loopback')
    def test_ipv6_server(self):
        server = FakeDNS6(heavy_zone(False)).start()
        self.addCleanup(server.stop)
        self.assertEqual(self.lookups('@[::1]:%d' % server.port),
                         3 * INCLUDES)
        self.assertEqual(self.lookups('-6', '@::1#%d' % server.port),
                         3 * INCLUDES)
        r = mailauth('-4', '@[::1]:%d' % server.port, 'spf', 'heavy.test')
        self.assertEqual(r.code, 2)
        self.assertIn('-4 asks for IPv4 only', r.err)


if __name__ == '__main__':
    unittest.main(verbosity=2)
