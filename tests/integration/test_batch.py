#!/usr/bin/python3
"""--batch: NDJSON in input order, per-line errors, --unordered, --shard,
a deadline per input, every command; and against servers that lose,
refuse or rate-limit questions under load, and Debian's unbound, every
line answered correctly with the default settings; --resume, --qps."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (AgainstKnot, SLOWDOWN, FakeDNS, ROOT,  # noqa: E402
                     Unbound, WRAPPER, mailauth, mailauth_measured)

SPF_INPUT = ('# SPF walks and one evaluation\n'
             'gmail.com\n'
             '\n'
             'ten.spf.test\n'
             'bad..name\n'
             'eleven.spf.test 198.51.100.5\n'
             '   loop1.spf.test   # trailing comment\n')


def lines(r):
    return [json.loads(line) for line in r.out.splitlines()]


class BatchAgainstKnot(AgainstKnot):
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

    def test_the_readme_merges_shards_by_line_number(self):
        with open(os.path.join(ROOT, 'README.md')) as f:
            readme = f.read()
        # The code block that writes merged.ndjson.
        end = readme.index('> merged.ndjson')
        start = readme.rindex('```sh\n', 0, end) + len('```sh\n')
        recipe = readme[start:readme.index('```', end)]
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        for k in (1, 2, 3):
            with open(os.path.join(d, 'part%d.ndjson' % k), 'w') as f:
                f.write(self.batch('spf', '--shard', '%d/3' % k).out)
        # A line answered twice (--resume): the last one wins.
        part1 = os.path.join(d, 'part1.ndjson')
        with open(part1) as f:
            first = json.loads(f.readline())
        with open(part1, 'a') as f:
            f.write(json.dumps(dict(first, tries=99)) + '\n')
        subprocess.run(['sh', '-c', recipe], cwd=d, check=True)
        with open(os.path.join(d, 'merged.ndjson')) as f:
            merged = [json.loads(x) for x in f]
        self.assertEqual([x['line'] for x in merged], [2, 4, 5, 6, 7])
        self.assertEqual([x['tries'] for x in merged
                          if x['line'] == first['line']], [99])

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
        # One try of at most a second.
        r = mailauth(*server.args(), '--timeout', '1', '--tries', '1',
                     '--batch', '-', 'spf',
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


# The load tests ask LINES domains, each an SPF record with an include
# shared by a tenth of them, of a server that waits 20 ms per answer.
# Under valgrind (MAILAUTH_WRAPPER) mailauth runs some fifty times
# slower, so the heavy cases ask fewer lines: enough to fill the window
# and overload the server, few enough for CI's time budget.
LINES = 300 if WRAPPER else 2000
PROVIDERS = 10


def load_zone(load, lines=LINES):
    records = {}
    for k in range(PROVIDERS):
        records['_p%d.load.test' % k] = [
            {'type': 'TXT', 'data': 'v=spf1 ip4:198.51.100.%d -all' % k}]
    for i in range(lines):
        records['d%05d.load.test' % i] = [
            {'type': 'TXT', 'data': 'v=spf1 ip4:192.0.2.%d '
             'include:_p%d.load.test -all' % (i % 250, i % PROVIDERS)}]
    return {'zones': ['load.test'], 'records': records, 'load': load}


def load_input(lines=LINES):
    return ''.join('d%05d.load.test\n' % i for i in range(lines)).encode()


class Loaded(unittest.TestCase):
    """Every line, in order, with its record and its include's record."""

    def assert_all_answered(self, r, lines=LINES):
        out = lines_of(r)
        self.assertEqual(len(out), lines, r.err)
        for i, d in enumerate(out):
            want = 'v=spf1 ip4:192.0.2.%d include:_p%d.load.test -all' % (
                i % 250, i % PROVIDERS)
            self.assertEqual((d['line'], d['error'], d['exit_code']),
                             (i + 1, None, 0), d)
            self.assertEqual(d['tree']['record'], want)
            self.assertEqual(d['tree']['terms'][1]['child']['record'],
                             'v=spf1 ip4:198.51.100.%d -all' % (
                                 i % PROVIDERS))
            self.assertGreaterEqual(d['tries'], 1)
        self.assertEqual(r.code, 0, r.err)
        self.assertIn('mailauth: %d lines: %d answered, 0 DNS failures, '
                      '0 input errors' % (lines, lines), r.err)

    def run_against(self, load, *args, lines=LINES):
        server = FakeDNS(load_zone(load, lines), delay_ms=20).start()
        try:
            r = mailauth(*server.args(), '--batch', '-', *args, 'spf',
                         input_bytes=load_input(lines), timeout=300)
        finally:
            server.stop()
        return r, server.summary


def lines_of(r):
    return [json.loads(line) for line in r.out.splitlines()]


def retries(r):
    return int(r.err.split(' retries')[0].rsplit(' ', 1)[1])


class BatchUnderLoad(Loaded):
    def test_random_loss_loses_no_line(self):
        r, stats = self.run_against({'drop': 0.05})
        self.assert_all_answered(r)
        self.assertGreater(stats['dropped'], 0)
        self.assertGreaterEqual(retries(r), stats['dropped'])
        self.assertIn(2, [d['tries'] for d in lines_of(r)])

    def test_a_full_queue_loses_no_line(self):
        # An ordinary socket buffer, or a query limit: what arrives while
        # 40 questions are held is dropped.
        r, stats = self.run_against({'queue': 40})
        self.assert_all_answered(r)
        if not WRAPPER:
            self.assertGreater(stats['dropped'], 0)

    def test_servfail_under_load_is_asked_again(self):
        r, stats = self.run_against({'servfail_over': 40})
        self.assert_all_answered(r)
        if not WRAPPER:
            self.assertGreater(stats['refused'], 0)

    def test_a_rate_limit_that_refuses_is_respected(self):
        # Low enough that even a sanitizer build asks faster than this.
        lines = min(LINES, 1000)
        r, stats = self.run_against({'rate': 600}, lines=lines)
        self.assert_all_answered(r, lines)
        if not WRAPPER:
            self.assertGreater(stats['refused'], 0)
            # The window settles near the limit: most questions are
            # answered the first time.
            self.assertLess(stats['refused'], stats['queries'] / 4)

    def test_qps_stays_under_a_rate_limit(self):
        lines = 200
        r, stats = self.run_against({'rate': 300}, '--qps', '150',
                                    lines=lines)
        self.assert_all_answered(r, lines)
        self.assertEqual(stats['refused'], 0)
        # 210 questions at 150 a second, after a burst of 3.
        self.assertGreater(r.elapsed, 207 / 150)

    def test_every_try_has_its_own_query_id(self):
        # RFC 5452 §4.3: random IDs; and a try asked again must not share
        # its ID with the one before, or its answer would not say which
        # try it answers.
        lines = 100
        server = FakeDNS(load_zone({'drop': 0.3}, lines), log=True).start()
        try:
            r = mailauth(*server.args(), '--batch', '-', 'spf',
                         input_bytes=load_input(lines), timeout=300)
        finally:
            server.stop()
        self.assert_all_answered(r, lines)
        ids = {}
        for q in server.queries:
            ids.setdefault((q['name'], q['type']), []).append(q['id'])
        asked_again = [v for v in ids.values() if len(v) > 1]
        self.assertTrue(asked_again)
        for v in asked_again:
            self.assertTrue(all(a != b for a, b in zip(v, v[1:])), v)
        every = [i for v in ids.values() for i in v]
        self.assertGreater(len(set(every)), len(every) * 0.9)

    def test_no_adapt_holds_the_window(self):
        r, stats = self.run_against({}, '--no-adapt', '--concurrency', '16',
                                    lines=200)
        self.assert_all_answered(r, 200)
        # A question asked again leaves its first query with the server.
        self.assertLessEqual(stats['max_in_flight'], 16 + retries(r))
        self.assertIn('window 16-16', r.err)


class BatchThroughUnbound(Loaded):
    def test_every_line_through_a_cold_resolver(self):
        server = FakeDNS(load_zone({'ordinary_buffers': True}),
                         delay_ms=20).start()
        self.addCleanup(server.stop)
        resolver = Unbound('load.test', server.port).start('_p0.load.test')
        self.addCleanup(resolver.stop)
        r = mailauth(*resolver.args(), '--batch', '-', 'spf',
                     input_bytes=load_input(), timeout=300)
        self.assert_all_answered(r)


class Resume(unittest.TestCase):
    ZONE = {'zones': ['r.test'], 'records': {
        'a.r.test': [{'type': 'TXT', 'data': 'v=spf1 -all'}],
        'b.r.test': [{'type': 'TXT', 'data': 'v=spf1 -all'}],
        'c.r.test': [{'type': 'TXT', 'data': 'v=spf1 -all'}]},
        'behaviors': {}}
    INPUT = b'a.r.test\n# a comment\nb.r.test\nc.r.test\nbad..name\n'

    def run_resume(self, path, behaviors, *args):
        zone = dict(self.ZONE, behaviors=behaviors)
        server = FakeDNS(zone, log=True).start()
        try:
            r = mailauth(*server.args(), '--timeout', '0.5', '--batch', '-',
                         '--resume', path, *args, 'spf',
                         input_bytes=self.INPUT)
        finally:
            server.stop()
        return r, {q['name'].rstrip('.') for q in server.queries}

    def test_a_killed_batch_goes_on_where_it_stopped(self):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        path = os.path.join(d, 'out.ndjson')
        # A first run where c.r.test does not answer: an error line.
        r, _ = self.run_resume(path, {'c.r.test': {'*': {
            'action': 'timeout'}}}, '--tries', '2')
        self.assertEqual(r.code, 3)
        self.assertEqual(r.out, '')
        with open(path) as f:
            first = [json.loads(x) for x in f]
        self.assertEqual([x['line'] for x in first], [1, 3, 4, 5])
        self.assertEqual(first[2]['exit_code'], 3)
        self.assertEqual(first[2]['tries'], 2)
        # Killed while writing: a torn last line, and line 3 written
        # twice, answered then failed (the last one wins: asked again).
        with open(path, 'a') as f:
            f.write(json.dumps(dict(first[1], error='the deadline passed '
                                    'before every answer arrived',
                                    exit_code=3)) + '\n')
            f.write('{"command":"spf","input":"a.r.te')
        r, asked = self.run_resume(path, {})
        self.assertEqual(r.code, 2, r.err)     # bad..name again: no input
        self.assertIn('1 skipped', r.err)
        with open(path) as f:
            text = f.read()
        self.assertNotIn('a.r.te"', text)
        last = {}
        for x in map(json.loads, text.splitlines()):
            last[x['line']] = x
        self.assertEqual(sorted(last), [1, 3, 4, 5])
        self.assertTrue(all(last[n]['error'] is None and
                            last[n]['exit_code'] == 0 for n in (1, 3, 4)))
        self.assertIn('invalid domain', last[5]['error'])
        # Lines 3 and 4 were asked again, line 1 was not (names, not
        # queries: a slow run may ask a question twice).
        self.assertEqual(asked, {'b.r.test', 'c.r.test'})
        # Nothing left to do but the bad line.
        r, asked = self.run_resume(path, {})
        self.assertIn('3 skipped', r.err)
        self.assertEqual(asked, set())

    def test_resume_needs_batch(self):
        r = mailauth('spf', 'example.com', '--resume', 'x.ndjson')
        self.assertEqual(r.code, 2)
        self.assertIn('--resume', r.err)


class ResumeFileChecked(unittest.TestCase):
    """--resume takes only a batch's own output, never the input, and
    writes nothing to a file it refuses; its exit status counts the
    lines it skips."""
    ZONE = {'zones': ['r.test'], 'records': {
        'a.r.test': [{'type': 'TXT', 'data': 'v=spf1 -all'}],
        'b.r.test': [{'type': 'TXT', 'data': 'v=spf1 -all'}]},
        'behaviors': {}}
    GOOD = ('{"command":"spf","input":"a.r.test","line":1,"error":null,'
            '"tries":1,"exit_code":0}')

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        self.input = self.write('in.txt', 'a.r.test\nb.r.test\n')

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def run_batch(self, resume, *args, batch=None, measured=False):
        """The run's result and the names it asked about."""
        run = mailauth_measured if measured else mailauth
        server = FakeDNS(self.ZONE, log=True).start()
        try:
            r = run(*server.args(), '--timeout', '0.5', '--batch',
                    batch or self.input, *args, '--resume', resume, 'spf',
                    timeout=60 * SLOWDOWN)
        finally:
            server.stop()
        r.asked = {q['name'].rstrip('.') for q in server.queries}
        return r

    def assert_refused(self, text, *words, batch=None):
        path = self.write('out.ndjson', text)
        r = self.run_batch(path, batch=batch)
        self.assertEqual(r.code, 2, r.err)
        self.assertEqual(len(r.err.splitlines()), 1, r.err)
        for word in ("'%s'" % path, '--resume') + words:
            self.assertIn(word, r.err)
        with open(path) as f:
            self.assertEqual(f.read(), text, 'the file was written to')
        self.assertEqual(r.asked, set())

    def test_a_domain_list_is_refused_untouched(self):
        # Its last line has no newline: no longer cut off as torn.
        self.assert_refused('a.r.test\nb.r.test', 'line 1')
        self.assert_refused('b.r.test', 'line 1')

    def test_lines_of_anything_else_are_refused(self):
        no_code = json.loads(self.GOOD)
        del no_code['exit_code']
        for bad in ('not json', '{"foo":1}', '[1,2]', '"line":"x"', '',
                    self.GOOD.replace('"line":1', '"line":1.5'),
                    self.GOOD.replace('"line":1', '"line":0'),
                    self.GOOD.replace('"line":1', '"line":"1"'),
                    self.GOOD.replace('"exit_code":0', '"exit_code":9'),
                    self.GOOD.replace('"input":"a.r.test",', ''),
                    self.GOOD + self.GOOD, json.dumps(no_code)):
            with self.subTest(bad=bad):
                self.assert_refused(self.GOOD + '\n' + bad + '\n',
                                    'line 2')

    def test_the_input_is_not_its_own_resume_file(self):
        text = self.GOOD + '\n'
        self.assert_refused(text, 'input',
                            batch=os.path.join(self.dir, 'out.ndjson'))

    def test_a_complete_last_line_is_kept_a_torn_one_cut(self):
        path = self.write('out.ndjson', self.GOOD)
        r = self.run_batch(path)
        self.assertEqual(r.code, 0, r.err)
        with open(path) as f:
            got = [json.loads(x) for x in f]
        self.assertEqual([x['line'] for x in got], [1, 2])
        self.assertEqual(r.asked, {'b.r.test'})
        path = self.write('out.ndjson', self.GOOD + '\n{"command":"sp')
        r = self.run_batch(path)
        self.assertEqual(r.code, 0, r.err)
        with open(path) as f:
            self.assertEqual([json.loads(x)['line'] for x in f], [1, 2])

    def test_a_huge_line_number_costs_no_memory(self):
        big = self.GOOD.replace('"line":1', '"line":4294967295')
        path = self.write('out.ndjson', big + '\n')
        r = self.run_batch(path, measured=True)
        self.assertEqual(r.code, 0, r.err)
        if not WRAPPER:
            self.assertLess(r.maxrss_kb, 100 * 1024, 'memory')
        with self.subTest('beyond the counter'):
            self.assert_refused(big.replace('4294967295', '4294967296') +
                                '\n', 'line 1')

    def test_the_skipped_lines_count_in_the_exit_status(self):
        path = self.write('out.ndjson', '')
        self.write('in.txt', 'a.r.test\nnone.r.test\n')
        r = self.run_batch(path)
        self.assertEqual(r.code, 1, r.err)
        r = self.run_batch(path)
        self.assertIn('2 skipped', r.err)
        self.assertEqual(r.code, 1, r.err)

    def test_batch_options_need_batch(self):
        for opts in (['--unordered'], ['--no-adapt'], ['--shard', '1/2'],
                     ['--concurrency', '8'], ['--resume', 'x.ndjson']):
            with self.subTest(opts=opts):
                r = mailauth('@127.0.0.1', '-p', '9', *opts, 'spf',
                             'a.r.test')
                self.assertEqual(r.code, 2, r.err)
                self.assertIn('%s needs --batch FILE' % opts[0], r.err)
        server = FakeDNS(self.ZONE).start()
        self.addCleanup(server.stop)
        r = mailauth(*server.args(), '--qps', '5', 'spf', 'a.r.test')
        self.assertEqual(r.code, 0, r.err)


class BatchUnderQps(unittest.TestCase):
    """--qps keeps to its rate without losing a line: lines are started
    no faster than the rate asks their questions, so a line's later
    question (its include) does not wait behind the first questions of
    hundreds of others while the line's deadline runs."""

    def test_every_line_is_answered_before_its_deadline(self):
        lines, qps = 300, 100
        records = {}
        for i in range(lines):
            records['q%05d.qps.test' % i] = [
                {'type': 'TXT', 'data': 'v=spf1 include:_i%05d.qps.test '
                 '-all' % i}]
            records['_i%05d.qps.test' % i] = [
                {'type': 'TXT', 'data': 'v=spf1 ip4:192.0.2.%d -all' % (
                    i % 250)}]
        server = FakeDNS({'zones': ['qps.test'], 'records': records},
                         delay_ms=20).start()
        self.addCleanup(server.stop)
        r = mailauth(*server.args(), '--qps', str(qps), '--deadline', '2',
                     '--batch', '-', 'spf', timeout=300,
                     input_bytes=''.join('q%05d.qps.test\n' % i for i in
                                         range(lines)).encode())
        out = lines_of(r)
        self.assertEqual(len(out), lines, r.err)
        for i, d in enumerate(out):
            self.assertEqual((d['line'], d['error'], d['exit_code']),
                             (i + 1, None, 0), d)
            self.assertEqual(d['tree']['terms'][0]['child']['record'],
                             'v=spf1 ip4:192.0.2.%d -all' % (i % 250))
        self.assertEqual(r.code, 0, r.err)
        # Two questions a line, at the rate.
        self.assertGreater(r.elapsed, (2 * lines - 1) / qps)


if __name__ == '__main__':
    unittest.main(verbosity=2)
