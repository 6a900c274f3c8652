#!/usr/bin/python3
"""--batch: NDJSON in input order, per-line errors, --unordered, --shard,
a deadline per input, every command."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SLOWDOWN, FakeDNS, Knot, mailauth  # noqa: E402

SPF_INPUT = ('# SPF walks and one evaluation\n'
             'gmail.com\n'
             '\n'
             'ten.spf.test\n'
             'bad..name\n'
             'eleven.spf.test 198.51.100.5\n'
             '   loop1.spf.test   # trailing comment\n')


def lines(r):
    return [json.loads(line) for line in r.out.splitlines()]


class BatchAgainstKnot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.knot = Knot().start()

    @classmethod
    def tearDownClass(cls):
        cls.knot.stop()

    def batch(self, *args, data=SPF_INPUT):
        return mailauth(*self.knot.args(), '--batch', '-', *args,
                        input_bytes=data.encode())

    def test_lines_in_input_order_with_errors(self):
        r = self.batch('spf')
        out = lines(r)
        self.assertEqual([d['line'] for d in out], [2, 4, 5, 6, 7])
        self.assertEqual(out[0]['input'], 'gmail.com')
        self.assertEqual(out[0]['lookups']['count'], 4)
        self.assertIsNone(out[0]['error'])
        self.assertIn("invalid domain 'bad..name'", out[2]['error'])
        self.assertEqual(out[3]['result'], 'permerror')
        self.assertEqual(out[4]['input'], 'loop1.spf.test   # trailing '
                         'comment')
        self.assertIn('spf-loop', [f['code'] for f in out[4]['findings']])
        # A line that is no input (bad..name) is a usage error: 2, above
        # the permerror's 1.
        self.assertEqual(r.code, 2)

    def test_unordered_gives_the_same_lines(self):
        r = self.batch('spf', '--unordered', '--concurrency', '2')
        self.assertEqual(sorted(d['line'] for d in lines(r)),
                         [2, 4, 5, 6, 7])

    def test_shards_split_the_input(self):
        seen = []
        for k in (1, 2, 3):
            r = self.batch('spf', '--shard', '%d/3' % k)
            seen += [d['line'] for d in lines(r)]
        self.assertEqual(sorted(seen), [2, 4, 5, 6, 7])
        r = mailauth('spf', '--batch', '-', '--shard', '4/3')
        self.assertEqual(r.code, 2)
        self.assertIn("'4/3'", r.err)

    def test_crlf_lines_are_the_same_lines(self):
        crlf = SPF_INPUT.replace('\n', '\r\n')
        for k in (1, 2):
            lf = [d['input'] for d in
                  lines(self.batch('spf', '--shard', '%d/2' % k))]
            cr = [d['input'] for d in
                  lines(self.batch('spf', '--shard', '%d/2' % k, data=crlf))]
            self.assertEqual(lf, cr)
        exact = 'a' * 4096
        out = lines(self.batch('spf', data=exact + '\r\n'))
        self.assertNotIn('longer than', out[0]['error'])
        out = lines(self.batch('spf', data=exact + 'a\r\n'))
        self.assertIn('longer than 4096', out[0]['error'])

    def test_every_command(self):
        cases = {
            'dmarc': ('www.dmarc.test\nnothing.example.test\n', 'policy'),
            'ptr': ('192.0.2.10\n192.0.2.20\nnot-an-ip\n', 'fcrdns'),
            'dkim': ('dkim.test\nexample.test default\n', 'selectors'),
            'check': ('home.check.test\nnoptr.check.test 198.51.100.26\n',
                      'requirements'),
        }
        for cmd, (data, key) in cases.items():
            r = self.batch(cmd, '--dnsbl', 'bl.test', data=data) \
                if cmd == 'check' else self.batch(cmd, data=data)
            out = lines(r)
            self.assertEqual(len(out), len(data.splitlines()), cmd)
            good = [d for d in out if d['error'] is None]
            self.assertTrue(all(key in d for d in good), cmd)
            self.assertTrue(all(d['command'] == cmd for d in out), cmd)
        r = self.batch('check', '--dnsbl', 'bl.test',
                       data='home.check.test\n')
        self.assertEqual(r.code, 0, r.out)

    def test_shared_names_are_asked_once(self):
        data = 'gmail.com\ngmail.com\ngmail.com\n'
        r = self.batch('spf', '--trace', data=data)
        self.assertEqual(r.err.count(';; _spf.google.com TXT'), 1)
        self.assertEqual(len(lines(r)), 3)

    def test_an_over_long_line_is_an_error_not_a_cut(self):
        long = 'a' * 100000 + '.gmail.com'
        r = self.batch('spf', data='%s\ngmail.com\n' % long)
        out = lines(r)
        self.assertEqual(len(out), 2)
        self.assertIn('longer than 4096 bytes', out[0]['error'])
        self.assertEqual(out[0]['line'], 1)
        self.assertIsNone(out[1]['error'])
        self.assertEqual(r.code, 2)

    def test_a_nul_byte_is_an_error_not_a_cut(self):
        r = self.batch('spf', data='gmail.com\0evil.example\ngmail.com')
        out = lines(r)
        self.assertEqual(len(out), 2)
        self.assertIn('NUL byte', out[0]['error'])
        self.assertEqual(out[0]['input'], 'gmail.com')
        self.assertIsNone(out[1]['error'])
        self.assertEqual(out[1]['line'], 2)

    def test_arguments_and_missing_file(self):
        r = mailauth('spf', '--batch', '-', 'gmail.com')
        self.assertEqual(r.code, 2)
        r = mailauth('spf', '--batch', '/nonexistent/list')
        self.assertEqual(r.code, 2)
        self.assertIn('/nonexistent/list', r.err)


class BatchDeadline(unittest.TestCase):
    def test_a_stuck_input_does_not_stop_the_others(self):
        server = FakeDNS({
            'zones': ['b.test'],
            'records': {
                'ok.b.test': [{'type': 'TXT', 'data': 'v=spf1 -all'}],
                'ok2.b.test': [{'type': 'TXT', 'data': 'v=spf1 -all'}]},
            'behaviors': {'stuck.b.test': {'*': {'action': 'timeout'}}},
        }).start()
        self.addCleanup(server.stop)
        r = mailauth(*server.args(), '--timeout', '1', '--batch', '-', 'spf',
                     input_bytes=b'ok.b.test\nstuck.b.test\nok2.b.test\n')
        out = lines(r)
        self.assertEqual([d['input'] for d in out],
                         ['ok.b.test', 'stuck.b.test', 'ok2.b.test'])
        self.assertIsNone(out[0]['error'])
        self.assertEqual(out[1]['tree']['answer'], 'timeout')
        self.assertEqual(r.code, 3)
        # One timeout (1 s) for the stuck line, not one per line; the
        # start-up allowance grows under a wrapper such as valgrind.
        self.assertLess(r.elapsed, 1 + 2 * SLOWDOWN)


if __name__ == '__main__':
    unittest.main(verbosity=2)
