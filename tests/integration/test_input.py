#!/usr/bin/python3
"""What users type: usage errors (exit 2) that name the input and say what
to type instead, in every mode; --zone with real zone files; --brief."""
import json
import os
import pty
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (AgainstKnot, MAILAUTH, TESTS, WRAPPER,  # noqa: E402
                     FakeDNS, free_port, mailauth)

ZONE = '''$ORIGIN input.test.
$TTL 300
@       SOA ns hostmaster 1 3600 600 86400 300
@       NS  ns
ns      A   192.0.2.53
@       TXT "v=spf1 ip4:192.0.2.0/24 -all"
@       MX  10 mx
mx      A   192.0.2.25
_dmarc  TXT "v=DMARC1; p=reject; rua=mailto:d@input.test"
'''


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


class Offline(unittest.TestCase):
    """Runs against --zone files and a port where nothing listens."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix='mailauth-input-')
        self.addCleanup(self.dir.cleanup)
        self.zone = write(self.dir.name, 'input.test.zone', ZONE)
        self.dead = ['@127.0.0.1', '-p', str(free_port()), '--timeout',
                     '0.3']

    def run_ma(self, *args, **kw):
        return mailauth(*self.dead, '--zone', self.zone, *args, **kw)


class UsageErrors(Offline):
    CASES = [
        (['spf', 'user@gmail.com'], "invalid domain 'user@gmail.com': an "
         "e-mail address; did you mean gmail.com?"),
        (['spf', '--ip', '192.0.2.1', 'user@gmail.com'],
         'did you mean gmail.com?'),
        (['spf', 'https://gmail.com/'], 'a URL; did you mean gmail.com?'),
        (['spf', 'gmail com'], "invalid domain 'gmail com': a domain name "
         "has no blanks"),
        (['spf', '--ip', '192.0.2.1', 'gmail com'], 'has no blanks'),
        (['dmarc', 'postmaster@input.test'], 'did you mean input.test?'),
        (['check', 'http://input.test'], 'did you mean input.test?'),
        (['dkim', '-s', '', 'input.test'], "invalid selector '': empty"),
        (['dkim', '-s', 'sel._domainkey.input.test', 'input.test'],
         'the whole key name; did you mean -s sel?'),
        (['check', '-s', 'a b', 'input.test'], "invalid selector 'a b'"),
        (['dkim', '-s', 'k1.', 'input.test'], 'did you mean -s k1?'),
        (['dkim', '-s', 'k1', '_domainkey.input.test'],
         'give input.test as the domain, with -s k1'),
        (['dkim', '-s', '_domainkey', 'input.test'],
         "the _domainkey label is mailauth's to add"),
        (['dkim', '-s', 'k1._domainkey.other.test', 'input.test'],
         'give other.test as the domain, with -s k1'),
        (['check', '-s', 'k1._domainkey.other.test', 'input.test'],
         'give other.test as the domain, with -s k1'),
        (['dkim', '--verify', TESTS], "cannot read message '%s': it is a "
         "directory (give the path of a saved message file" % TESTS),
        (['message', TESTS], 'it is a directory'),
        (['ptr', 'input.test'], "invalid IP address 'input.test': a "
         "domain name"),
        (['ptr', '192.0.2.1:25'], 'did you mean 192.0.2.1?'),
        (['ptr', '--domain', 'a@input.test', '192.0.2.1'],
         'did you mean input.test?'),
        # A MAIL FROM address, wherever --sender is taken.
        (['check', '--sender', 'Bob <b@input.test>', 'input.test'],
         "invalid --sender 'Bob <b@input.test>': a display name with the "
         "address; did you mean b@input.test?"),
        (['spf', '--ip', '192.0.2.1', '--sender', 'Bob <b@input.test>'],
         'did you mean b@input.test?'),
        (['check', '--sender', 'b@', 'input.test'],
         "invalid --sender 'b@': no domain after the '@'; give a whole "
         "address, such as b@example.com"),
        (['check', '--sender', 'nobody', 'input.test'],
         "invalid --sender 'nobody': no '@'; give a whole address, such "
         "as nobody@example.com"),
        (['spf', '--ip', '192.0.2.1', '--sender', 'a@b@c.org',
          'input.test'], "invalid --sender 'a@b@c.org': more than one "
         "'@'"),
        (['message', '--sender', 'x@input.test>', '-'],
         "invalid --sender 'x@input.test>'"),
        # An empty HELO name.
        (['check', '--helo', '', 'input.test'], "invalid --helo '': empty"),
        (['spf', '--ip', '192.0.2.1', '--helo', '', 'input.test'],
         "invalid --helo '': empty"),
        (['ptr', '--helo', '', '192.0.2.1'], "invalid --helo '': empty"),
        (['message', '--helo', '', '-'], "invalid --helo '': empty"),
        # Blocklists: both options, an option taken for a zone, a zone too
        # long to ask under.
        (['check', '--dnsbl', 'bl.input.test', '--no-dnsbl', 'input.test'],
         '--dnsbl and --no-dnsbl exclude each other'),
        (['check', '--dnsbl', '-x', 'input.test'],
         "invalid domain '-x': it looks like an option"),
        (['check', '--dnsbl', ('a' * 49 + '.') * 4 + 'org', 'input.test'],
         'is 203 octets: a question under it would be over the 253'),
        # A selector whose key name would be over 253 octets.
        (['check', '-s', ('a' * 60 + '.') * 4 + 'b', 'input.test'],
         'SELECTOR._domainkey.input.test) would be 267 octets'),
        (['dkim', '-s', ('a' * 60 + '.') * 4 + 'b', 'input.test'],
         'over the 253 a DNS name holds'),
    ]

    def test_each_mistake_is_named_with_what_to_type(self):
        for args, message in self.CASES:
            for mode in ([], ['--json']):
                r = self.run_ma(*mode, *args)
                self.assertEqual(r.code, 2, (args, r.out, r.err))
                self.assertIn(message, r.err, args)
                self.assertEqual(r.out, '', args)

    def test_batch_lines_carry_the_same_errors(self):
        r = self.run_ma('--batch', '-', 'spf',
                        input_bytes=b'user@gmail.com\ninput.test\n'
                        b'https://input.test/ 192.0.2.1\n')
        lines = [json.loads(line) for line in r.out.splitlines()]
        self.assertEqual([d['error'] for d in lines][1], None)
        self.assertIn('did you mean gmail.com?', lines[0]['error'])
        self.assertIn('a URL; did you mean input.test?', lines[2]['error'])

    def test_zone_directory(self):
        r = mailauth(*self.dead, '--zone', self.dir.name, 'spf',
                     'input.test')
        self.assertEqual(r.code, 2)
        self.assertIn("zone file '%s' is a directory" % self.dir.name,
                      r.err)

    def test_sender_in_angle_brackets(self):
        r = self.run_ma('--json', 'spf', '--ip', '192.0.2.7', '--sender',
                        '<alice@input.test>')
        self.assertEqual(r.code, 0, r.err)
        doc = r.json()
        self.assertEqual(doc['sender'], 'alice@input.test')
        self.assertEqual(doc['domain'], 'input.test')
        self.assertEqual(doc['result'], 'pass')
        r = self.run_ma('--json', 'spf', '--ip', '192.0.2.7', '--sender',
                        '<>', '--helo', 'input.test')
        self.assertEqual(r.json()['sender'], 'postmaster@input.test')

    def test_invalid_sender_domain_is_still_none(self):
        # RFC 7208 §4.3: what an SMTP client sends is judged, not refused.
        r = self.run_ma('--json', 'spf', '--ip', '192.0.2.7', '--sender',
                        'foo@[192.0.2.1]')
        self.assertEqual(r.code, 1, r.err)
        self.assertEqual(r.json()['result'], 'none')


REAL_ZONE = ZONE + r"""_sip._tcp SRV 10 60 5060 sip
@       CAA 0 issue "letsencrypt.org"
_25._tcp.mx TLSA 3 1 1 ( 2BB8A2AE45D2C5B0A9E0C5D1A6C06E0A
                         1BCA4C17F8C2E6B0AB1C8E1E7C2A1F3D )
@       HTTPS 1 . alpn="h2,h3"
sub     DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567
x       TYPE65534 \# 3 abcdef
"""


class ZoneFiles(Offline):
    def test_real_zone_files_load_with_a_note(self):
        path = write(self.dir.name, 'real.zone', REAL_ZONE)
        r = mailauth(*self.dead, '--zone', path, '--json', 'spf',
                     '--ip', '192.0.2.7', 'input.test')
        self.assertEqual(r.code, 0, r.err)
        self.assertEqual(r.json()['result'], 'pass')
        # TLSA is read (smtp's DANE check), so the note leaves it out.
        self.assertIn('mailauth: note: %s: 1 SRV, 1 CAA, 1 HTTPS, '
                      '1 DS, 1 TYPE65534 read for the names only' % path,
                      r.err)

    def test_a_file_that_cannot_be_placed_says_so(self):
        path = write(self.dir.name, 'draft.txt',
                     'input.test. TXT "v=spf1 -all"\n')
        r = mailauth(*self.dead, '--zone', path, 'spf', 'input.test')
        self.assertEqual(r.code, 2)
        self.assertIn("%s: no SOA record or $ORIGIN says which zone it "
                      "holds" % path, r.err)
        path = write(self.dir.name, 'input.test.zone',
                     'input.test. TXT "v=spf1 -all"\n')
        r = mailauth(*self.dead, '--zone', path, '--json', 'spf',
                     'input.test')
        self.assertEqual(r.code, 0, r.err)
        self.assertIn('answering for input.test, from the file', r.err)


class Shown(Offline):
    """What the text output shows can be pasted back."""

    def test_a_record_with_quotes_pastes_back(self):
        path = write(self.dir.name, 'q.test.zone',
                     '$ORIGIN q.test.\n@ SOA ns h 1 2 3 4 5\n'
                     '@ TXT "v=spf1 exp=%{\\"x\\"} " "a:b\\\\c -all"\n')
        r = mailauth(*self.dead, '--zone', path, '--ascii', 'spf', 'q.test')
        first = r.out.splitlines()[0]
        shown = first[first.index('"'):]
        self.assertEqual(shown, r'"v=spf1 exp=%{\"x\"} " "a:b\\c -all"')
        original = mailauth(*self.dead, '--zone', path, '--json', 'spf',
                            'q.test').json()['tree']
        pasted = mailauth(*self.dead, '--json', 'spf', 'q.test', '--record',
                          shown).json()['tree']
        self.assertEqual(pasted['record'], original['record'])
        self.assertEqual(pasted['strings'], original['strings'])


class BatchProgress(Offline):
    def test_the_progress_line_counts_lines_and_clears_itself(self):
        lines = 'input.test\n# a comment\n' * 150
        path = write(self.dir.name, 'domains.txt', lines)
        master, slave = pty.openpty()
        out = tempfile.TemporaryFile()
        proc = subprocess.Popen(
            WRAPPER + [MAILAUTH] + self.dead + ['--zone', self.zone,
                                                '--batch', path, 'spf'],
            stdout=out, stderr=slave,
            env=dict(os.environ, LC_ALL='C.UTF-8'))
        os.close(slave)
        err = b''
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        proc.wait(timeout=60)
        os.close(master)
        out.seek(0)
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(len(out.read().splitlines()), 150)
        out.close()
        text = err.decode()
        self.assertRegex(text, r'\r\d+/300 lines, \d+ in progress, \d+ '
                         r'lines/s')
        self.assertNotIn('%', text)
        self.assertTrue(text.endswith('\r\x1b[K'), repr(text[-80:]))


class Brief(AgainstKnot):
    """--brief (dig's +short) for every command: the verdict on the first
    line, as the exit status says it, then the counts; five lines at
    most."""
    RUNS = [
        (['spf', 'gmail.com'], 0, 'gmail.com: pass',
         'lookups 4/10, void lookups 0/2, records 5, depth 3'),
        (['spf', 'gmail.com', '--ip', '192.0.2.1'], 1,
         'gmail.com for 192.0.2.1: softfail', 'matched: _spf.google.com '
         '~all'),
        (['dkim', 'google.com', '-s', 'nokey'], 1, 'google.com: fail',
         'keys: none at nokey'),
        (['dmarc', 'dmarc.test'], 0, 'dmarc.test: pass',
         'policy: reject, subdomains reject'),
        (['ptr', '192.0.2.1'], 1, '192.0.2.1: fail',
         'PTR 1.2.0.192.in-addr.arpa: nxdomain'),
        (['check', 'check.test'], 1, 'check.test: not-ready',
         'requirements: '),
    ]

    def test_every_command(self):
        closed = str(free_port())      # nothing listens there
        runs = self.RUNS + [
            (['smtp', '127.0.0.1', '--smtp-port', closed, '--smtp-timeout',
              '2'], 1, '127.0.0.1: fail', 'hosts: 1, addresses: 1')]
        for args, code, first, second in runs:
            for flag in ('--brief', '+short'):
                r = mailauth(*self.knot.args(), flag, *args)
                lines = r.out.splitlines()
                self.assertEqual(r.code, code, (args, r.out, r.err))
                self.assertLessEqual(len(lines), 5, r.out)
                self.assertEqual(lines[0], first, r.out)
                self.assertTrue(lines[1].startswith(second), r.out)

    def test_a_refusing_or_late_server_gives_unknown(self):
        for config, delay in (({'zones': ['elsewhere.test']}, 0),
                              ({'zones': ['input.test']}, 3000)):
            server = FakeDNS(config, delay_ms=delay).start()
            self.addCleanup(server.stop)
            for args, verdict in (
                    (['spf', 'input.test'], 'unknown'),
                    (['spf', 'input.test', '--ip', '192.0.2.1'],
                     'temperror'),
                    (['dkim', 'input.test', '-s', 'sel'], 'unknown'),
                    (['dmarc', 'input.test'], 'unknown'),
                    (['ptr', '192.0.2.1'], 'unknown'),
                    (['check', 'input.test', '--ip', '192.0.2.1'],
                     'unknown'),
                    (['message', os.path.join(TESTS, 'dkim',
                                              'rfc6376.signed.msg')],
                     'temperror')):
                r = mailauth(*server.args(), '--timeout', '0.5', '+short',
                             *args)
                self.assertEqual(r.code, 3, (args, r.out, r.err))
                lines = r.out.splitlines()
                self.assertLessEqual(len(lines), 5, r.out)
                self.assertTrue(lines[0].endswith(': ' + verdict), r.out)

    def test_flatten_says_its_outcome(self):
        r = mailauth(*self.knot.args(), '--brief', 'spf', 'one.flat.test',
                     '--flatten')
        self.assertEqual(r.code, 0, r.out)
        self.assertIn('flattened: 4 records, 3 lookups instead of 1 '
                      '(80 networks from 80)', r.out)
        self.assertLessEqual(len(r.out.splitlines()), 5, r.out)
        r = mailauth(*self.knot.args(), '--brief', 'spf',
                     'broken.flat.test', '--flatten')
        self.assertEqual(r.code, 1, r.out)
        self.assertIn("flatten: refused: 'include:nothere.flat.test': "
                      "nothere.flat.test has no SPF record", r.out)

    def test_an_error_term_is_not_a_match(self):
        r = mailauth(*self.knot.args(), '--brief', 'spf',
                     'broken.flat.test', '--ip', '8.8.8.8')
        self.assertEqual(r.out.splitlines()[1],
                         'error at: broken.flat.test '
                         'include:nothere.flat.test: the included domain '
                         'nothere.flat.test has no SPF record (RFC 7208 '
                         '§5.2)')
        self.assertNotIn('matched:', r.out)

    def test_counts_behind_a_failed_lookup_are_lower_bounds(self):
        server = FakeDNS({'zones': ['input.test'], 'records': {
            'input.test': [{'type': 'TXT', 'data':
                            'v=spf1 include:slow.input.test -all'}]},
            'behaviors': {'slow.input.test': {'*': {
                'action': 'timeout'}}}}).start()
        self.addCleanup(server.stop)
        r = mailauth(*server.args(), '--timeout', '0.5', '--brief', 'spf',
                     'input.test')
        self.assertEqual(r.code, 3, r.out)
        self.assertEqual(r.out.splitlines()[1], 'lookups at least 1/10, '
                         'void lookups at least 0/2, records 1, depth 2')
        r = mailauth(*server.args(), '--timeout', '0.5', '--brief', 'spf',
                     'input.test', '--ip', '192.0.2.1')
        self.assertIn("the walk's worst case: at least 1/10", r.out)

    def test_findings_are_counted_by_code(self):
        r = mailauth(*self.knot.args(), '--brief', 'ptr', '192.0.2.1')
        self.assertEqual(r.out.splitlines()[-1],
                         '1 error (ptr-missing), 0 warnings')

    def test_brief_is_text_only(self):
        for other in (['--json'], ['--batch', '-']):
            r = mailauth(*self.knot.args(), '+short', *other, 'spf',
                         'gmail.com', input_bytes=b'')
            self.assertEqual(r.code, 2)
            self.assertIn('--brief prints one result as text', r.err)
        r = mailauth(*self.knot.args(), '+tcp', 'spf', 'gmail.com')
        self.assertEqual(r.code, 2)
        self.assertIn("unknown option '+tcp'", r.err)


if __name__ == '__main__':
    unittest.main(verbosity=2)
