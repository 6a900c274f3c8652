#!/usr/bin/python3
"""mailauth's benchmark, reproducible by anyone with root on a
Debian machine:

    sudo bench/setup.sh            # the peers: pyspf, libspf2, Mail::SPF,
                                   # npm mailauth
    sudo bench/run.py [--mailauth build/mailauth] [--latency 0,30]

A DNS server on loopback (tests/fakedns.py: asyncio, every answer delayed
by the same latency without holding up the others) serves the fixtures of
make_fixtures.py and counts the queries and the most in flight at once.
It listens on 127.0.0.2:53 because the peers read /etc/resolv.conf; they
run in a private mount namespace (unshare -m) where that file names
127.0.0.2, so nothing outside changes. Every tool checks the same thing:
check_host() for an IP that no term authorizes (the full evaluation), for
postmaster@DOMAIN.

Prints a Markdown table and writes it to bench/results.md.

    sudo bench/run.py --adaptive-only

runs only the adaptive batch section: --batch over the 10,000 domains
against a server with the operating system's ordinary socket buffers, a
server that loses 5% of the questions at random, and Debian's unbound
with a cold cache forwarding to the first; the default settings (median
of three runs) against --no-adapt at 64, 128, 256 and 512, after a
warm-up pass.
"""
import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FAKEDNS = os.path.join(ROOT, 'tests', 'fakedns.py')
FIXTURES = os.path.join(HERE, 'fixtures')
SERVER = '127.0.0.2'
IP = '192.0.2.200'          # authorized by no fixture: the full path
HELO = 'mail.example.com'
ONE_DOMAIN = {'gmail-like': 'gmail.bench', 'heavy': 'enterprise.bench',
              'wide': 'wide.bench'}
RUNS = 5


class Server:
    def __init__(self, latency, config=None):
        self.stats = tempfile.mktemp(prefix='bench-stats-')
        self.proc = subprocess.Popen(
            ['/usr/bin/python3', FAKEDNS, '--address', SERVER, '--port',
             '53', '--config', config or os.path.join(FIXTURES,
                                                       'bench.json'),
             '--delay-ms', str(latency), '--stats', self.stats],
            stdout=subprocess.PIPE, text=True)
        if not self.proc.stdout.readline().strip():
            raise SystemExit('the DNS server did not start (root?)')

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()
        self.proc.stdout.close()
        with open(self.stats) as f:
            summary = json.load(f)['summary']
        os.unlink(self.stats)
        return summary


def namespaced(argv):
    """argv run where /etc/resolv.conf names the benchmark's server."""
    conf = os.path.join(tempfile.gettempdir(), 'bench-resolv.conf')
    with open(conf, 'w') as f:
        f.write('nameserver %s\noptions attempts:1 timeout:5\n' % SERVER)
    script = 'mount --bind %s /etc/resolv.conf && exec "$@"' % conf
    return ['unshare', '-m', 'sh', '-c', script, 'sh'] + argv


def peers(args):
    """The tools a user would pick instead, driven as their users do."""
    perl = ('use Mail::SPF; my $s = Mail::SPF::Server->new;'
            'my $r = Mail::SPF::Request->new(scope => "mfrom",'
            ' identity => $ARGV[1], ip_address => $ARGV[0],'
            ' helo_identity => $ARGV[2]);'
            'print $s->process($r)->code, "\\n";')
    tools = {
        'mailauth': lambda d: [args.mailauth, '@' + SERVER, 'spf', d,
                               '--ip', IP, '--helo', HELO],
        'libspf2': lambda d: ['spfquery.libspf2', '-ip', IP, '-sender',
                              'postmaster@' + d, '-helo', HELO],
        'Mail::SPF': lambda d: ['perl', '-e', perl, IP, 'postmaster@' + d,
                                HELO],
        'pyspf': lambda d: ['/usr/bin/python3',
                            '/usr/lib/python3/dist-packages/spf.py', IP,
                            'postmaster@' + d, HELO],
        'npm mailauth': lambda d: [args.npm, 'spf', '-f', 'postmaster@' + d,
                                   '-i', IP, '-e', HELO],
    }
    return {k: v for k, v in tools.items()
            if k == 'mailauth' or shutil.which(v('x')[0])}


def run_one(argv):
    start = time.monotonic()
    subprocess.run(namespaced(argv), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return (time.monotonic() - start) * 1000


def one_domain(tools, latency):
    rows = []
    for fixture, domain in ONE_DOMAIN.items():
        for name, make in tools.items():
            server = Server(latency)
            times = [run_one(make(domain)) for _ in range(RUNS)]
            stats = server.stop()
            rows.append((latency, fixture, name, statistics.median(times),
                         stats['queries'] / RUNS, stats['max_in_flight']))
    return rows


def cpu_seconds():
    """CPU time of the children waited for so far (the tools, not the
    server, which is waited for only when it stops)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_batch(latency, argv, data=None):
    """(seconds, CPU seconds, server summary, exit status) of one run."""
    server = Server(latency)
    cpu = cpu_seconds()
    start = time.monotonic()
    proc = subprocess.run(argv, input=data, text=True,
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    cpu = cpu_seconds() - cpu
    return elapsed, cpu, server.stop(), proc.returncode


def batch(args, tools, latency, lines):
    """Domains per second over the mass fixture: mailauth --batch on all
    of it, the peers under xargs -P on its first lines."""
    mass = os.path.join(FIXTURES, 'mass.txt')
    with open(mass) as f:
        domains = f.read().split()
    runs = [('mailauth --batch', len(domains),
             [args.mailauth, '@' + SERVER, '--batch', mass, 'spf'], None)]
    for name, parallel, count in (('npm mailauth', 64, lines),
                                  ('libspf2', 16, lines),
                                  ('Mail::SPF', 16, lines // 10),
                                  ('pyspf', 16, lines // 10)):
        if name in tools:
            argv = ['xargs', '-P', str(parallel), '-I{}'] + tools[name]('{}')
            runs.append(('%s (xargs -P %d)' % (name, parallel), count,
                         namespaced(argv),
                         '\n'.join(domains[:count]) + '\n'))
    rows = []
    for label, count, argv, data in runs:
        elapsed, cpu, stats, _ = timed_batch(latency, argv, data)
        rows.append((latency, label, count, count / elapsed,
                     stats['queries'] / elapsed, cpu * 1e6 / count,
                     stats['max_in_flight']))
    return rows


def server_capacity():
    """Answers per second the server gives a flood with 512 in flight of
    questions it has not answered before (as in a batch, where every
    question is new): TXT at every name of the fixture, once each."""
    import asyncio
    import dns.message
    sys.path.insert(0, os.path.dirname(FAKEDNS))
    import fakedns

    async def flood(queries):
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        state = {'got': 0, 'sent': 0}
        n = len(queries)

        class Client(asyncio.DatagramProtocol):
            def connection_made(self, transport):
                self.t = transport
                fakedns.widen_buffers(transport.get_extra_info('socket'))
                for _ in range(512):
                    self.send()

            def send(self):
                if state['sent'] < n:
                    self.t.sendto(queries[state['sent']])
                    state['sent'] += 1

            def datagram_received(self, data, addr):
                state['got'] += 1
                if state['got'] >= n and not done.done():
                    done.set_result(None)
                self.send()

        start = time.monotonic()
        transport, _ = await loop.create_datagram_endpoint(
            Client, remote_addr=(SERVER, 53))
        try:
            await asyncio.wait_for(done, 60)
        except asyncio.TimeoutError:
            pass
        transport.close()
        return state['got'] / (time.monotonic() - start)

    with open(os.path.join(FIXTURES, 'bench.json')) as f:
        names = sorted(json.load(f)['records'])
    server = Server(0)
    rate = asyncio.run(flood([dns.message.make_query(name, 'TXT').to_wire()
                              for name in names]))
    server.stop()
    return rate


def memory(args):
    """Peak RSS (MiB) for one domain and for 100,000 lines streamed."""
    mass = os.path.join(FIXTURES, 'mass.txt')
    big = os.path.join(tempfile.gettempdir(), 'bench-100k.txt')
    with open(mass) as f, open(big, 'w') as out:
        text = f.read()
        for _ in range(10):
            out.write(text)
    out = {}
    for label, argv in (
            ('one domain', [args.mailauth, '@' + SERVER, 'spf',
                            'enterprise.bench']),
            ('100,000 lines', [args.mailauth, '@' + SERVER, '--batch', big,
                               'spf'])):
        # GNU time forks from a small process: a child of this Python
        # would report Python's own pages as its peak.
        server = Server(0)
        proc = subprocess.run(['/usr/bin/time', '-f', '%M'] + argv,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        server.stop()
        out[label] = int(proc.stderr.strip().splitlines()[-1]) / 1024
    os.unlink(big)
    return out


def startup(args):
    """hyperfine's mean for `mailauth --version`, without a shell."""
    out = os.path.join(tempfile.gettempdir(), 'bench-startup.json')
    subprocess.run(['hyperfine', '-N', '--warmup', '20', '--runs', '300',
                    '--export-json', out, args.mailauth + ' --version'],
                   stdout=subprocess.DEVNULL, check=True)
    with open(out) as f:
        mean = json.load(f)['results'][0]['mean']
    os.unlink(out)
    return mean * 1000


# -- adaptive batch -------------------------------------------------------

ADAPTIVE_LATENCY = 30
FIXED = (64, 128, 256, 512)
UNBOUND_PORT = 5300


def loaded_config(load):
    """bench.json with a "load" key (tests/fakedns.py)."""
    with open(os.path.join(FIXTURES, 'bench.json')) as f:
        cfg = json.load(f)
    cfg['load'] = load
    path = os.path.join(tempfile.gettempdir(), 'bench-load.json')
    with open(path, 'w') as f:
        json.dump(cfg, f)
    return path


class Unbound:
    """Debian's unbound on SERVER:UNBOUND_PORT forwarding bench. to the
    fixture server; a new one has a cold cache."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='bench-unbound-')
        conf = os.path.join(self.dir, 'unbound.conf')
        with open(conf, 'w') as f:
            f.write('\n'.join([
                'server:', '    interface: %s' % SERVER,
                '    port: %d' % UNBOUND_PORT, '    do-ip6: no',
                '    access-control: 127.0.0.0/8 allow',
                '    do-not-query-localhost: no', '    username: ""',
                '    chroot: ""', '    directory: "%s"' % self.dir,
                '    pidfile: "%s/pid"' % self.dir, '    use-syslog: no',
                '    logfile: ""', '    verbosity: 0',
                '    num-threads: 1', '    module-config: "iterator"',
                '    qname-minimisation: no',
                'remote-control:', '    control-enable: no',
                'forward-zone:', '    name: "bench"',
                '    forward-addr: %s@53' % SERVER, '']))
        self.proc = subprocess.Popen(['unbound', '-d', '-c', conf],
                                     stderr=subprocess.DEVNULL)
        import dns.message
        import dns.query
        for _ in range(100):
            try:
                q = dns.message.make_query('esp0.bench', 'TXT')
                if dns.query.udp(q, SERVER, port=UNBOUND_PORT,
                                 timeout=0.2).answer:
                    break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit('unbound did not start')

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def batch_run(args, port, extra):
    """(lines per second, lines lost, retries, window range) of one run
    over the 10,000 domains; a line is lost when it is missing, carries
    an error or a DNS failure kept it from a verdict (exit_code 3)."""
    mass = os.path.join(FIXTURES, 'mass.txt')
    with open(mass) as f:
        total = len(f.read().split())
    start = time.monotonic()
    proc = subprocess.run([args.mailauth, '@' + SERVER, '-p', str(port),
                           '--batch', mass] + extra + ['spf'],
                          capture_output=True, text=True)
    elapsed = time.monotonic() - start
    good = 0
    for line in proc.stdout.splitlines():
        d = json.loads(line)
        good += d['error'] is None and d['exit_code'] != 3
    summary = proc.stderr.strip().splitlines()[-1]
    retries = int(summary.split(' retries')[0].rsplit(' ', 1)[1])
    window = summary.split('window ')[1].split(';')[0]
    return total / elapsed, total - good, retries, window


def adaptive_server(args, name):
    """Every run against one server: a warm-up pass, the default three
    times, --no-adapt at each fixed window. The fixture server is warmed
    once and kept; unbound starts cold for every run."""
    load = {'ordinary': {'ordinary_buffers': True},
            'lossy': {'drop': 0.05},
            'unbound': {'ordinary_buffers': True}}[name]
    server = Server(ADAPTIVE_LATENCY, loaded_config(load))
    port = UNBOUND_PORT if name == 'unbound' else 53

    def one(extra):
        resolver = Unbound() if name == 'unbound' else None
        try:
            return batch_run(args, port, extra)
        finally:
            if resolver:
                resolver.stop()

    one([])
    rows = []
    default = [one([]) for _ in range(3)]
    default.sort(key=lambda r: r[0])
    rows.append(('default (median of 3)',) + default[1])
    for c in FIXED:
        rows.append(('--no-adapt --concurrency %d' % c,) +
                    one(['--no-adapt', '--concurrency', str(c)]))
    stats = server.stop()
    return rows, default, stats


def adaptive(args):
    out = ['## Adaptive batch (10,000 domains, %d ms per answer)' %
           ADAPTIVE_LATENCY, '']
    results = {}
    for name in ('ordinary', 'lossy', 'unbound'):
        rows, default, stats = adaptive_server(args, name)
        results[name] = (rows, default)
        out += ['### %s' % {'ordinary': 'Ordinary socket buffers',
                            'lossy': '5% of questions lost at random',
                            'unbound': 'unbound, cold cache, forwarding to '
                                       'the ordinary server'}[name], '',
                '| settings | lines/s | lines lost | retries | window |',
                '|---|---|---|---|---|']
        for row in rows:
            out.append('| %s | %.0f | %d | %d | %s |' % row)
        out += ['', 'server: %d questions, %d dropped, %d refused, %d in '
                'flight at most' % (stats['queries'], stats['dropped'],
                                    stats['refused'],
                                    stats['max_in_flight']), '']
    out += ['### Against the targets', '',
            '| server | default | best fixed | share | lost |',
            '|---|---|---|---|---|']
    for name in ('ordinary', 'unbound'):
        rows, default = results[name]
        best = max(rows[1:], key=lambda r: r[1])
        out.append('| %s | %.0f lines/s | %.0f lines/s (%s) | %.0f%% | %d '
                   '|' % (name, rows[0][1], best[1], best[0],
                          100 * rows[0][1] / best[1], rows[0][2]))
    lossy = results['lossy'][0][0]
    plain = results['ordinary'][0][0]
    out.append('| lossy | %.0f lines/s | (default, ordinary server: %.0f) '
               '| %.0f%% | %d |' % (lossy[1], plain[1],
                                   100 * lossy[1] / plain[1], lossy[2]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mailauth', default=os.path.join(ROOT, 'build',
                                                       'mailauth'))
    ap.add_argument('--npm', default=os.path.join(
        HERE, 'peers', 'node_modules', '.bin', 'mailauth'))
    ap.add_argument('--latency', default='0,30')
    ap.add_argument('--lines', type=int, default=1000,
                    help='domains for the peers\' batch runs')
    ap.add_argument('--adaptive-only', action='store_true',
                    help='only the adaptive batch section')
    args = ap.parse_args()
    subprocess.run(['/usr/bin/python3', os.path.join(HERE,
                                                     'make_fixtures.py')],
                   check=True, stdout=subprocess.DEVNULL)
    if args.adaptive_only:
        text = '\n'.join(adaptive(args)) + '\n'
        print(text)
        with open(os.path.join(HERE, 'results.md'), 'w') as f:
            f.write(text)
        return 0
    tools = peers(args)
    out = ['## One domain (median of %d runs)' % RUNS, '',
           '| latency | fixture | tool | wall ms | queries | max in flight |',
           '|---|---|---|---|---|---|']
    batch_rows = []
    for latency in [int(x) for x in args.latency.split(',')]:
        for row in one_domain(tools, latency):
            out.append('| %d ms | %s | %s | %.0f | %.0f | %d |' % row)
        batch_rows += batch(args, tools, latency, args.lines)
    out += ['', '## Batch', '',
            '| latency | tool | domains | domains/s | queries/s | '
            'CPU µs/domain | max in flight |',
            '|---|---|---|---|---|---|---|']
    for row in batch_rows:
        out.append('| %d ms | %s | %d | %.0f | %.0f | %.0f | %d |' % row)
    cap = server_capacity()
    mem = memory(args)
    out += ['', '## Limits', '',
            '- benchmark server capacity at 0 ms: %.0f answers/s' % cap,
            '- peak RSS, one domain: %.1f MiB' % mem['one domain'],
            '- peak RSS, 100,000 lines streamed: %.1f MiB' %
            mem['100,000 lines'],
            '- `mailauth --version`: %.2f ms (hyperfine mean of 300)' %
            startup(args), '']
    out += adaptive(args)
    text = '\n'.join(out)
    print(text)
    with open(os.path.join(HERE, 'results.md'), 'w') as f:
        f.write(text)


if __name__ == '__main__':
    sys.exit(main())
