#!/usr/bin/python3
"""Runs every test of the openspf RFC 7208 suite (rfc7208-tests.yml)
through the built mailauth binary and c-ares, against tests/fakedns.py
serving each scenario's zonedata on 127.0.0.1.

A test passes when mailauth's verdict is one of the listed results and,
for tests that give an explanation, the explanation matches. Explanations
are compared without regard to case: DNS names are case-insensitive and
v-macro-ip6 expects the upper-case nibbles of its upper-case client IP
(FORMAT.md explains); the rule is applied to every test alike. The value
DEFAULT means "no explanation from the domain": mailauth then reports
none (null). Nothing is skipped and no expectation is changed.

Prints "N passed, N failed" and exits 1 on any failure.
"""
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
SUITE = os.path.join(HERE, 'rfc7208-tests.yml')
MAILAUTH = os.environ.get('MAILAUTH',
                          os.path.join(os.path.dirname(TESTS), 'build',
                                       'mailauth'))
# The suite's TIMEOUT names never answer: a short timeout keeps the run
# fast while leaving loopback answers ample time.
TIMEOUT = '1'


def scenarios():
    with open(SUITE, encoding='utf-8') as f:
        docs = [d for d in yaml.safe_load_all(f) if d and 'tests' in d]
    return docs


class Server:
    def __init__(self, index):
        self.proc = subprocess.Popen(
            ['/usr/bin/python3', os.path.join(TESTS, 'fakedns.py'),
             '--port', '0', '--spf-suite', SUITE, '--scenario', str(index)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError('fakedns: %s %s' % (line,
                                                   self.proc.stderr.read()))
        self.port = int(line)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def run_test(port, test):
    args = [MAILAUTH, '@127.0.0.1', '-p', str(port), '--timeout', TIMEOUT,
            '--json', 'spf', '--ip', str(test['host']),
            '--sender', test['mailfrom'], '--helo', str(test['helo'])]
    proc = subprocess.run(args, capture_output=True, timeout=60,
                          errors='surrogateescape', text=True)
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        return None, None, 'no JSON (exit %d): %s' % (proc.returncode,
                                                      proc.stderr.strip())
    return doc.get('result'), doc.get('explanation'), None


def judge(test, result, explanation):
    expected = test['result']
    accepted = expected if isinstance(expected, list) else [expected]
    if result not in accepted:
        return 'result %s, expected %s' % (result, '|'.join(accepted))
    if 'explanation' in test:
        want = test['explanation']
        if want == 'DEFAULT':
            if explanation is not None:
                return 'explanation %r, expected none' % explanation
        elif explanation is None or explanation.lower() != want.lower():
            return 'explanation %r, expected %r' % (explanation, want)
    return None


def main():
    start = time.monotonic()
    passed = failed = 0
    for index, scenario in enumerate(scenarios()):
        server = Server(index)
        try:
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                futures = {name: pool.submit(run_test, server.port, test)
                           for name, test in scenario['tests'].items()}
                for name, test in scenario['tests'].items():
                    result, explanation, err = futures[name].result()
                    problem = err or judge(test, result, explanation)
                    if problem:
                        failed += 1
                        print('FAIL %s / %s: %s' % (scenario['description'],
                                                    name, problem))
                    else:
                        passed += 1
        finally:
            server.stop()
    print('%d passed, %d failed (%.1f s)' % (passed, failed,
                                             time.monotonic() - start))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
