#!/usr/bin/python3
"""Runs every case of the ValiMail ARC validation suite
(arc-validation-tests.yml) through the built mailauth binary: each message
is given to `mailauth --json message`, with the scenario's key records
served by tests/fakedns.py on 127.0.0.1, and the chain result (arc.result)
is compared with the case's expected `cv`.

Expectations: Pass, Fail, None as written; an empty `cv:` expects fail
(RFC 8617 §5.2: the chain of a sealer that said cv=fail is failed). The
suite was written against draft-ietf-dmarc-arc-protocol-18; where a case
follows the draft and RFC 8617 says otherwise, the case and the section
are listed in arc-differences.txt beside this file, and the case must give
what the RFC says. A listed case that gives the suite's expectation is an
error too (the list must not go stale). Nothing is skipped.

Prints "N passed, N failed, N documented differences" and exits 1 on any
failure.
"""
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
SUITE = os.path.join(HERE, 'arc-validation-tests.yml')
DIFFERENCES = os.path.join(HERE, 'arc-differences.txt')
MAILAUTH = os.environ.get('MAILAUTH',
                          os.path.join(os.path.dirname(TESTS), 'build',
                                       'mailauth'))
sys.path.insert(0, os.path.join(TESTS, 'integration'))
from harness import FakeDNS  # noqa: E402


def scenarios():
    with open(SUITE, encoding='utf-8') as f:
        return [d for d in yaml.safe_load_all(f) if d and 'tests' in d]


def differences():
    """{case: (what RFC 8617 gives, why)} from arc-differences.txt:
    "case: result: RFC 8617 §x: reason" per line, # comments."""
    out = {}
    with open(DIFFERENCES, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            case, result, why = [x.strip() for x in line.split(':', 2)]
            out[case] = (result, why)
    return out


def server_config(scenario):
    records, zones = {}, set()
    for name, value in scenario['txt-records'].items():
        text = ' '.join(value.split()) if '\n' in value else value
        records[name] = [{'type': 'TXT', 'data': [
            text[i:i + 250] for i in range(0, len(text), 250)]}]
        zones.add(name.split('._domainkey.')[1])
    return {'zones': sorted(zones), 'records': records}


def run_case(port, tmp, name, case):
    path = os.path.join(tmp, name + '.eml')
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write(case['message'] or '')
    proc = subprocess.run(
        [MAILAUTH, '@127.0.0.1', '-p', str(port), '--timeout', '5',
         '--json', 'message', '--authserv-id', 'validator.test', path],
        capture_output=True, text=True, errors='surrogateescape',
        timeout=60)
    if proc.returncode == 2:
        return 'usage error', proc.stderr.strip()
    try:
        arc = json.loads(proc.stdout)['arc']
    except (ValueError, KeyError):
        return None, 'no JSON (exit %d): %s' % (proc.returncode,
                                                proc.stderr.strip())
    return arc['result'], arc['reason']


def expected(case):
    cv = str(case.get('cv', '')).strip().lower()
    return 'fail' if cv == '' else cv


def main():
    start = time.monotonic()
    known = differences()
    passed = failed = documented = 0
    seen = set()
    tmp = tempfile.mkdtemp(prefix='mailauth-arc-')
    for scenario in scenarios():
        server = FakeDNS(server_config(scenario)).start()
        try:
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                futures = {name: pool.submit(run_case, server.port, tmp,
                                             name, case)
                           for name, case in scenario['tests'].items()}
                for name, case in scenario['tests'].items():
                    got, why = futures[name].result()
                    want = expected(case)
                    seen.add(name)
                    if name in known:
                        if got == known[name][0]:
                            documented += 1
                            continue
                        failed += 1
                        print('FAIL %s: %s (%s), the documented difference '
                              'says %s' % (name, got, why, known[name][0]))
                    elif got == want:
                        passed += 1
                    else:
                        failed += 1
                        print('FAIL %s / %s: %s, expected %s (%s)' % (
                            scenario['description'].strip(), name, got,
                            want, why))
        finally:
            server.stop()
    for name in sorted(set(known) - seen):
        failed += 1
        print('FAIL %s: listed in arc-differences.txt but not in the '
              'suite' % name)
    print('%d passed, %d failed, %d documented differences (%.1f s)' % (
        passed, failed, documented, time.monotonic() - start))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
