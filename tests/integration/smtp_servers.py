#!/usr/bin/python3
"""Servers for tests/integration/test_smtp.py, all on loopback addresses:
a test PKI made with openssl, one Exim daemon for the real SMTP servers
(its certificate chosen by the address a client connected to), small
hostile SMTP servers in threads, and an HTTPS server for MTA-STS policies.
"""
import hashlib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import http.server
import random

EXIM = shutil.which('exim4') or shutil.which('exim') or '/usr/sbin/exim4'


def openssl(*args, cwd):
    subprocess.run(['openssl'] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class PKI:
    """A test CA and the certificates the servers present."""

    def __init__(self, directory):
        self.dir = directory
        d = directory
        openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days',
                '30', '-subj', '/CN=mailauth test CA', '-keyout', 'ca.key',
                '-out', 'ca.pem', cwd=d)
        os.makedirs(os.path.join(d, 'db'), exist_ok=True)
        open(os.path.join(d, 'db', 'index.txt'), 'w').close()
        with open(os.path.join(d, 'db', 'serial'), 'w') as f:
            f.write('1000\n')
        with open(os.path.join(d, 'ca.cnf'), 'w') as f:
            f.write('[ca]\ndefault_ca = test\n[test]\n'
                    'dir = %s\ndatabase = $dir/db/index.txt\n'
                    'serial = $dir/db/serial\nnew_certs_dir = $dir/db\n'
                    'certificate = $dir/ca.pem\nprivate_key = $dir/ca.key\n'
                    'default_md = sha256\npolicy = any\n'
                    'copy_extensions = copy\nunique_subject = no\n'
                    '[any]\ncommonName = supplied\n' % d)
        # Names of every server in tests/zones/smtp.test.zone that must
        # match: the good host, the domain used as its own MX, the
        # expiring one.
        self.issue('good', ['mx.good.smtp.test', 'nomx.smtp.test'])
        self.issue('wrongname', ['other.example'])
        self.issue('expired', ['mx.expired.smtp.test'],
                   start='20200101000000Z', end='20200201000000Z')
        end = time.strftime('%Y%m%d%H%M%SZ',
                            time.gmtime(time.time() + 5 * 86400))
        self.issue('expiring', ['mx.expiring.smtp.test'], end=end)
        self.issue('mtasts', ['mta-sts.%s.smtp.test' % n for n in
                              ('good', 'stsmismatch', 'ststesting', 'sts404',
                               'stsredirect', 'ststype', 'stsbad',
                               'stscert', 'stsmaxage')])
        openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days',
                '30', '-subj', '/CN=mx.selfsigned.smtp.test', '-addext',
                'subjectAltName=DNS:mx.selfsigned.smtp.test', '-keyout',
                'selfsigned.key', '-out', 'selfsigned.pem', cwd=d)
        for name in os.listdir(d):
            os.chmod(os.path.join(d, name), 0o755 if name == 'db' else 0o644)

    def issue(self, name, names, start=None, end=None):
        d = self.dir
        san = ','.join('DNS:' + n for n in names)
        openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj',
                '/CN=' + names[0], '-addext', 'subjectAltName=' + san,
                '-keyout', name + '.key', '-out', name + '.csr', cwd=d)
        args = ['ca', '-batch', '-config', 'ca.cnf', '-in', name + '.csr',
                '-out', name + '.pem', '-notext']
        args += ['-startdate', start] if start else []
        args += ['-enddate', end] if end else ['-days', '30']
        openssl(*args, cwd=d)

    def path(self, name):
        return os.path.join(self.dir, name)

    def spki_sha256(self, name):
        """RFC 6698 selector 1, matching type 1 of a certificate."""
        der = subprocess.run(
            ['openssl', 'x509', '-in', self.path(name + '.pem'), '-noout',
             '-pubkey'], capture_output=True, check=True).stdout
        spki = subprocess.run(['openssl', 'pkey', '-pubin', '-outform',
                               'DER'], input=der, capture_output=True,
                              check=True).stdout
        return hashlib.sha256(spki).hexdigest()


# Which certificate each Exim address presents, and which offers no
# STARTTLS (tests/zones/smtp.test.zone).
EXIM_ADDRESSES = {
    '127.0.0.2': 'good', '::1': 'good', '127.0.0.3': 'selfsigned',
    '127.0.0.4': 'wrongname', '127.0.0.5': 'expired',
    '127.0.0.6': 'good', '127.0.0.13': 'expiring',
}
NO_STARTTLS = '127.0.0.6'


class Exim:
    """One Exim daemon on every address of EXIM_ADDRESSES, port `port`,
    with its own configuration, spool and logs in a temporary directory.
    It never accepts a recipient."""

    def __init__(self, pki, port):
        self.dir = tempfile.mkdtemp(prefix='mailauth-exim-')
        os.chmod(self.dir, 0o755)
        self.port = port
        self.pki = pki
        self.proc = None

    def _cert_expr(self, ext):
        expr = self.pki.path('good.' + ext)
        for ip, name in EXIM_ADDRESSES.items():
            if name != 'good' and ':' not in ip:
                expr = '${if eq{$received_ip_address}{%s}{%s}{%s}}' % (
                    ip, self.pki.path(name + '.' + ext), expr)
        return expr

    def start(self):
        for sub in ('spool', 'log'):
            os.makedirs(os.path.join(self.dir, sub))
            os.chmod(os.path.join(self.dir, sub), 0o777)
        conf = os.path.join(self.dir, 'exim.conf')
        with open(conf, 'w') as f:
            f.write('\n'.join([
                'primary_hostname = mx.good.smtp.test',
                'spool_directory = %s/spool' % self.dir,
                'log_file_path = %s/log/%%slog' % self.dir,
                'pid_file_path = %s/exim.pid' % self.dir,
                'daemon_smtp_ports = %d' % self.port,
                'local_interfaces = <; ' + ' ; '.join(EXIM_ADDRESSES),
                'smtp_banner = ${if eq{$received_ip_address}{127.0.0.4}'
                '{wrong.example}{mx.good.smtp.test}} ESMTP test',
                'tls_advertise_hosts = ${if eq{$received_ip_address}{%s}'
                '{}{*}}' % NO_STARTTLS,
                'tls_certificate = ' + self._cert_expr('pem'),
                'tls_privatekey = ' + self._cert_expr('key'),
                'acl_smtp_rcpt = refuse',
                'begin acl',
                'refuse:',
                '  deny', '']))
        os.chmod(conf, 0o644)
        self.proc = subprocess.Popen([EXIM, '-C', conf, '-bdf', '-oX',
                                      str(self.port)],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('exim exited: %s' %
                                   self.proc.stderr.read().decode())
            try:
                with socket.create_connection(('127.0.0.2', self.port),
                                              timeout=1) as s:
                    if s.recv(100).startswith(b'220'):
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError('exim did not start on port %d' % self.port)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Hostile:
    """Small SMTP servers that misbehave, each in its own thread; they
    count the sessions open at once (max_open)."""

    def __init__(self, port):
        self.port = port
        self.socks = []
        self.threads = []
        self.lock = threading.Lock()
        self.open = 0
        self.max_open = 0
        self.accepted = []
        self.stopping = False

    def _track(self, delta):
        with self.lock:
            self.open += delta
            self.max_open = max(self.max_open, self.open)

    def serve(self, ip, handler, backlog=16, accept=True):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((ip, self.port))
        s.listen(backlog)
        self.socks.append(s)
        if accept:
            t = threading.Thread(target=self._loop, args=(s, handler),
                                 daemon=True)
            t.start()
            self.threads.append(t)
        return s

    def _loop(self, s, handler):
        while not self.stopping:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(c, handler),
                             daemon=True).start()

    def _session(self, c, handler):
        with self.lock:
            self.accepted.append(time.monotonic())
        self._track(1)
        try:
            c.settimeout(60)
            handler(c)
        except OSError:
            pass
        finally:
            self._track(-1)
            c.close()

    def most_in_window(self, seconds):
        """The most sessions accepted within any span of `seconds`: the
        server notices a close a little late, but sessions of one wave
        start together and the next wave a timeout later."""
        times = sorted(self.accepted)
        return max((sum(1 for t in times if s <= t < s + seconds)
                    for s in times), default=0)

    def stop(self):
        self.stopping = True
        for s in self.socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def read_line(c):
    data = b''
    while not data.endswith(b'\n'):
        chunk = c.recv(1)
        if not chunk:
            return data
        data += chunk
    return data


def wait_close(c):
    """Says nothing until the client goes away."""
    while c.recv(4096):
        pass


def stall(c):
    c.sendall(b'220 mx.stall.smtp.test ESMTP\r\n')
    read_line(c)
    wait_close(c)


def stall_silent(c):
    wait_close(c)


def endless_banner(c):
    while True:
        c.sendall(b'220-mx.endless.smtp.test still greeting you\r\n' * 50)
        time.sleep(0.01)


def huge_ehlo(c):
    c.sendall(b'220 mx.hugeehlo.smtp.test ESMTP\r\n')
    read_line(c)
    line = b'250-' + b'X' * 1000 + b'\r\n'
    for _ in range(1024):
        c.sendall(line)
    c.sendall(b'250 END\r\n')
    time.sleep(5)


def garbage_tls(c):
    c.sendall(b'220 mx.garbagetls.smtp.test ESMTP\r\n')
    read_line(c)
    c.sendall(b'250-mx.garbagetls.smtp.test\r\n250 STARTTLS\r\n')
    read_line(c)
    c.sendall(b'220 go ahead\r\n')
    c.sendall(os.urandom(4096))
    time.sleep(5)


def scripted(greeting, gap=0.0, ehlo=None, starttls=None):
    """A server that greets with the lines of greeting, gap seconds
    apart (forever when greeting is None), answers EHLO with ehlo (no
    STARTTLS by default) and STARTTLS with starttls, and QUIT."""
    def serve(c):
        lines = greeting
        if lines is None:
            while True:
                c.sendall(b'220-mx.trickle.smtp.test still greeting\r\n')
                time.sleep(gap)
        for i, line in enumerate(lines):
            if i:
                time.sleep(gap)
            c.sendall(line + b'\r\n')
        while True:
            line = read_line(c).upper()
            if not line:
                return
            if line.startswith(b'EHLO'):
                c.sendall(ehlo or b'250-mx.smtp.test\r\n250 SIZE 1000\r\n')
            elif line.startswith(b'STARTTLS'):
                c.sendall(starttls or b'502 no\r\n')
            elif line.startswith(b'QUIT'):
                c.sendall(b'221 bye\r\n')
                return
            else:
                c.sendall(b'502 no\r\n')
    return serve


def greetings(timeout):
    """The greeting and refusal servers of tests/zones/smtp.test.zone,
    by address; gaps are a fraction of the client's timeout."""
    gap = 0.6 * timeout
    return {
        '127.0.0.15': scripted([b'220-mx.slowgreet.smtp.test ESMTP',
                                b'220-the second line',
                                b'220 mx.slowgreet.smtp.test ready'], gap),
        '127.0.0.16': scripted(None, gap),
        '127.0.0.17': scripted([b'554 5.7.1 mx.b554.smtp.test no SMTP '
                                b'service here']),
        '127.0.0.18': scripted([b'220 mx.tls454.smtp.test ESMTP'],
                               ehlo=b'250-mx.tls454.smtp.test\r\n'
                               b'250 STARTTLS\r\n',
                               starttls=b'454 4.7.0 TLS not available due '
                               b'to local problem\r\n'),
        '127.0.0.19': scripted([b'220 mx.ehlo500.smtp.test ESMTP'],
                               ehlo=b'500 5.5.1 command unrecognized\r\n'),
    }


# MTA-STS policies by host name (tests/zones/smtp.test.zone).
POLICIES = {
    'good': (200, 'text/plain', 'version: STSv1\r\nmode: enforce\r\n'
             'mx: mx.good.smtp.test\r\nmx: *.other.test\r\n'
             'max_age: 604800\r\n'),
    'stsmismatch': (200, 'text/plain', 'version: STSv1\nmode: enforce\n'
                    'mx: mx.elsewhere.test\nmax_age: 86400\n'),
    'ststesting': (200, 'text/plain; charset=utf-8', 'version: STSv1\n'
                   'mode: testing\nmx: *.elsewhere.test\nmax_age: 86400\n'),
    'sts404': (404, 'text/html', 'not here'),
    'stsredirect': (301, 'text/html', ''),
    'ststype': (200, 'text/html', 'version: STSv1\nmode: enforce\n'
                'mx: mx.good.smtp.test\nmax_age: 86400\n'),
    'stsbad': (200, 'text/plain', 'version: STSv2\nmode: always\n'
               'mx: mx.good.smtp.test\nmax_age: 99999999999\n'),
    'stscert': (200, 'text/plain', 'version: STSv1\nmode: enforce\n'
                'mx: *.selfsigned.smtp.test\nmax_age: 86400\n'),
    'stsmaxage': (200, 'text/plain', 'version: STSv1\nmode: enforce\n'
                  'mx: mx.good.smtp.test\nmax_age: 99999999\n'),
}


class PolicyHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        host = (self.headers.get('Host') or '').split(':')[0]
        label = host[len('mta-sts.'):].split('.')[0]
        status, ctype, body = POLICIES.get(label, (404, 'text/plain', ''))
        if self.path != '/.well-known/mta-sts.txt':
            status, body = 404, ''
        self.send_response(status)
        self.send_header('Content-Type', ctype)
        if status == 301:
            self.send_header('Location', 'https://elsewhere.test/')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


class PolicyServer:
    """HTTPS on port 443 (where MTA-STS looks, RFC 8461 §3.3) of a loopback
    address free for it, so that runs at the same time do not collide:
    ZONE_ADDRESS in the zone files stands for that address."""
    ZONE_ADDRESS = '127.0.0.80'

    def __init__(self, pki):
        self.httpd = None
        for i in range(200):
            self.address = self.ZONE_ADDRESS if i == 0 else \
                '127.80.%d.%d' % (random.randrange(256),
                                  random.randrange(1, 255))
            try:
                self.httpd = http.server.ThreadingHTTPServer(
                    (self.address, 443), PolicyHandler)
                break
            except OSError:
                continue
        if self.httpd is None:
            raise RuntimeError('no loopback address with port 443 free')
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pki.path('mtasts.pem'), pki.path('mtasts.key'))
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket,
                                            server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def port_free_everywhere(addresses):
    """A TCP port free on every address."""
    for _ in range(100):
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.bind(('127.0.0.2', 0))
        port = probe.getsockname()[1]
        probe.close()
        ok = True
        for ip in addresses:
            fam = socket.AF_INET6 if ':' in ip else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_STREAM)
            try:
                s.bind((ip, port))
            except OSError:
                ok = False
            finally:
                s.close()
            if not ok:
                break
        if ok:
            return port
    raise RuntimeError('no port free on every test address')
