#!/usr/bin/python3
"""Shared fixtures for the integration tests: the built mailauth binary,
a real Knot DNS server (knotd) on a free 127.0.0.1 port serving the zone
files of tests/zones/, and the scriptable fault server tests/fakedns.py.

Nothing here touches the Internet: every query goes to 127.0.0.1.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import dns.message
import dns.query
import dns.rdatatype

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
ROOT = os.path.dirname(TESTS)
ZONES = os.path.join(TESTS, 'zones')
MAILAUTH = os.environ.get('MAILAUTH', os.path.join(ROOT, 'build', 'mailauth'))
PYTHON = '/usr/bin/python3'
# MAILAUTH_WRAPPER runs the binary under a tool, e.g. valgrind in CI; the
# timing assertions then allow for its slowdown.
WRAPPER = os.environ.get('MAILAUTH_WRAPPER', '').split()
SLOWDOWN = 10.0 if WRAPPER else 1.0


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.bind(('127.0.0.1', 0))
        port = tcp.getsockname()[1]
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind(('127.0.0.1', port))
        except OSError:
            continue
        finally:
            tcp.close()
            udp.close()
        return port
    raise RuntimeError('no free port')


def zone_files():
    """Every tests/zones/<apex>.zone file, keyed by its apex."""
    out = {}
    for name in sorted(os.listdir(ZONES)):
        if name.endswith('.zone'):
            out[name[:-len('.zone')]] = os.path.join(ZONES, name)
    return out


def wait_until_answering(proc, what, port, name, rdtype):
    """Waits up to 15 s for the server proc (with stderr piped) to answer
    name/rdtype on 127.0.0.1:port; false if it never does."""
    deadline = time.time() + 15
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError('%s exited: %s' % (
                what, proc.stderr.read().decode()))
        try:
            q = dns.message.make_query(name, rdtype)
            if dns.query.udp(q, '127.0.0.1', port=port, timeout=0.3).answer:
                return True
        except Exception:
            pass
        time.sleep(0.1)
    return False


def stop_process(proc):
    """Ends a server started by a test: SIGTERM, then SIGKILL."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def require_knotd():
    """knotd's path. Without Knot DNS (a packager's build may lack it) a
    test file that needs it ends with exit status 77, which meson counts
    as skipped; with MAILAUTH_REQUIRE_KNOTD=1 (CI's .ci/run sets it) its
    absence fails the test instead."""
    path = os.environ.get('PATH', '') + os.pathsep + '/usr/sbin'
    knotd = shutil.which('knotd', path=path)
    if knotd is not None:
        return knotd
    if os.environ.get('MAILAUTH_REQUIRE_KNOTD') == '1':
        raise RuntimeError('knotd not found (install Debian\'s knot), and '
                           'MAILAUTH_REQUIRE_KNOTD=1 requires it')
    sys.stderr.write('knotd not found (install Debian\'s knot): the tests '
                     'of this file are skipped\n')
    # Out of setUpClass and unittest.main alike: meson's "skipped".
    raise SystemExit(77)


class Knot:
    """knotd serving tests/zones/ on a free loopback port, plus zones a
    test makes at run time (extra_zones: {apex: zone file text}), such as
    the DKIM keys the suite generates."""

    def __init__(self, extra_zones=None):
        self.knotd = require_knotd()
        self.dir = tempfile.mkdtemp(prefix='mailauth-knot-')
        self.port = free_port()
        self.proc = None
        self.extra = {}
        for apex, text in (extra_zones or {}).items():
            path = os.path.join(self.dir, apex + '.zone')
            with open(path, 'w') as f:
                f.write(text)
            self.extra[apex] = path

    def _config(self):
        lines = [
            'server:',
            '    rundir: "%s"' % self.dir,
            '    listen: 127.0.0.1@%d' % self.port,
            'database:',
            '    storage: "%s"' % os.path.join(self.dir, 'db'),
            'log:',
            '  - target: stderr',
            '    any: error',
            'template:',
            '  - id: default',
            '    storage: "%s"' % ZONES,
            '    zonefile-sync: -1',
            '    zonefile-load: whole',
            '    journal-content: none',
            'zone:',
        ]
        zones = zone_files()
        zones.update(self.extra)
        for apex, path in zones.items():
            lines.append('  - domain: %s' % apex)
            lines.append('    file: "%s"' % path)
        path = os.path.join(self.dir, 'knot.conf')
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return path

    def start(self):
        os.makedirs(os.path.join(self.dir, 'db'), exist_ok=True)
        self.proc = subprocess.Popen([self.knotd, '-c', self._config()],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        apex = next(iter(zone_files()))
        if wait_until_answering(self.proc, 'knotd', self.port, apex, 'SOA'):
            return self
        self.stop()
        raise RuntimeError('knotd did not answer on port %d' % self.port)

    def stop(self):
        stop_process(self.proc)
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def args(self):
        return ['@127.0.0.1', '-p', str(self.port)]


class Unbound:
    """Debian's unbound on a free 127.0.0.1 port with a cold cache,
    forwarding `zone` to a server on 127.0.0.1:forward_port."""

    def __init__(self, zone, forward_port):
        self.dir = tempfile.mkdtemp(prefix='mailauth-unbound-')
        self.port = free_port()
        self.zone = zone
        self.conf = os.path.join(self.dir, 'unbound.conf')
        with open(self.conf, 'w') as f:
            f.write('\n'.join([
                'server:',
                '    interface: 127.0.0.1',
                '    port: %d' % self.port,
                '    do-ip6: no',
                '    access-control: 127.0.0.0/8 allow',
                '    do-not-query-localhost: no',
                '    username: ""',
                '    chroot: ""',
                '    directory: "%s"' % self.dir,
                '    pidfile: "%s"' % os.path.join(self.dir, 'pid'),
                '    use-syslog: no',
                '    logfile: ""',
                '    verbosity: 0',
                '    num-threads: 1',
                '    module-config: "iterator"',
                '    qname-minimisation: no',
                # RFC 6761 names (.test) are answered locally by default.
                '    local-zone: "test." nodefault',
                'remote-control:',
                '    control-enable: no',
                'forward-zone:',
                '    name: "%s"' % zone,
                '    forward-addr: 127.0.0.1@%d' % forward_port, '']))
        self.proc = None

    def start(self, probe):
        """Starts it and waits until it answers probe (a TXT name)."""
        unbound = shutil.which('unbound') or '/usr/sbin/unbound'
        self.proc = subprocess.Popen([unbound, '-d', '-c', self.conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        if wait_until_answering(self.proc, 'unbound', self.port, probe,
                                'TXT'):
            return self
        self.stop()
        raise RuntimeError('unbound did not answer on port %d' % self.port)

    def stop(self):
        stop_process(self.proc)
        if self.proc is not None:
            self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def args(self):
        return ['@127.0.0.1', '-p', str(self.port)]


class AgainstKnot(unittest.TestCase):
    """Tests that share one knotd serving tests/zones/ (self.knot)."""

    @classmethod
    def setUpClass(cls):
        cls.knot = Knot().start()

    @classmethod
    def tearDownClass(cls):
        cls.knot.stop()


class FakeDNS:
    """tests/fakedns.py with a JSON configuration (a dict). After stop(),
    summary holds the server's counts (queries, dropped, refused, ...)
    and, with log=True, queries the query log (one dict per query)."""

    def __init__(self, config, delay_ms=0, log=False):
        self.dir = tempfile.mkdtemp(prefix='mailauth-fake-')
        self.config = os.path.join(self.dir, 'config.json')
        with open(self.config, 'w') as f:
            json.dump(config, f)
        self.delay_ms = delay_ms
        self.proc = None
        self.port = None
        self.stats = os.path.join(self.dir, 'stats.json')
        self.summary = None
        self.log = os.path.join(self.dir, 'log.ndjson') if log else None
        self.queries = None

    def start(self):
        cmd = [PYTHON, os.path.join(TESTS, 'fakedns.py'), '--port', '0',
               '--config', self.config, '--stats', self.stats]
        if self.delay_ms:
            cmd += ['--delay-ms', str(self.delay_ms)]
        if self.log:
            cmd += ['--log', self.log]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError('fakedns did not start: %s%s' %
                               (line, self.proc.stderr.read()))
        self.port = int(line)
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr) if self.proc \
                else ():
            stream.close()
        if os.path.exists(self.stats):
            with open(self.stats) as f:
                self.summary = json.load(f)['summary']
        if self.log and os.path.exists(self.log):
            with open(self.log) as f:
                self.queries = [q for q in map(json.loads, f)
                                if 'summary' not in q]
        shutil.rmtree(self.dir, ignore_errors=True)

    def args(self):
        return ['@127.0.0.1', '-p', str(self.port)]


class Result:
    def __init__(self, proc, elapsed, maxrss_kb=None):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        self.elapsed = elapsed
        self.maxrss_kb = maxrss_kb

    def json(self):
        return json.loads(self.out)


def mailauth(*args, timeout=60, env=None, input_bytes=None):
    """Runs the binary; returns its exit code, stdout, stderr, wall time.
    input_bytes, when given, is its standard input."""
    full_env = dict(os.environ)
    full_env.update({'LC_ALL': 'C.UTF-8', 'NO_COLOR': '1'})
    if env:
        full_env.update(env)
    start = time.monotonic()
    if input_bytes is not None:
        proc = subprocess.run(WRAPPER + [MAILAUTH] + list(args),
                              capture_output=True, timeout=timeout,
                              env=full_env, input=input_bytes)
        proc.stdout = proc.stdout.decode('utf-8', 'surrogateescape')
        proc.stderr = proc.stderr.decode('utf-8', 'surrogateescape')
    else:
        proc = subprocess.run(WRAPPER + [MAILAUTH] + list(args),
                              capture_output=True, text=True,
                              timeout=timeout, env=full_env,
                              errors='surrogateescape')
    return Result(proc, time.monotonic() - start)


def mailauth_measured(*args, timeout=60):
    """Runs the binary like mailauth() and also measures its peak
    resident memory (wait4), for the tests that bound it."""
    full_env = dict(os.environ)
    full_env.update({'LC_ALL': 'C.UTF-8', 'NO_COLOR': '1'})
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(WRAPPER + [MAILAUTH] + list(args),
                                stdout=out, stderr=err, env=full_env)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid != 0:
                break
            if time.monotonic() > deadline:
                proc.kill()
            time.sleep(0.005)
        elapsed = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        proc.stdout = out.read().decode('utf-8', 'surrogateescape')
        proc.stderr = err.read().decode('utf-8', 'surrogateescape')
    return Result(proc, elapsed, usage.ru_maxrss)
