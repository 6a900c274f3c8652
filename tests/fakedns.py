#!/usr/bin/python3
"""A scriptable DNS server on 127.0.0.1 for mailauth's tests.

Real zones are served by knotd; this server produces what no real server
does on purpose: timeouts, error rcodes, truncation, garbage, spoofed IDs
and delays. It also serves the zonedata of the openspf SPF test suite.

    fakedns.py [--address IP] [--port N] [--port-file PATH] [--log PATH]
               [--stats PATH] [--delay-ms N]
               (--config FILE.json | --spf-suite FILE.yml --scenario N)

When ready it prints its port on stdout (and into --port-file). It answers
UDP and TCP on the same port; with --delay-ms every answer waits that long
without holding up the others. --log appends one JSON line per query and,
on SIGTERM, a summary line {"summary": {"queries": N, "max_in_flight": M}};
--stats writes only that summary (cheap enough for benchmarks).

--config FILE.json:
    {"zones": ["example.test"],       apexes served; other names: REFUSED
     "records": {"name": [{"type": "TXT", "data": ["v=spf1 ", "-all"]},
                          {"type": "A", "data": "192.0.2.1"},
                          {"type": "MX", "data": [10, "mx.example.test"]},
                          {"type": "TXT", "data": {"hex": "00ff"}}, ...]},
     "behaviors": {"name": {"TXT" or "*": {"action": ACTION, ...}}},
     "load": {LOAD...},
     "tcp_close": true or "reset"}      close each TCP connection after
                                        its first answer, as RFC 7766
                                        lets a server do (clients ask
                                        again on a new connection);
                                        "reset" adds the RST at once
  Names not listed under a zone are NXDOMAIN; listed names (and names with
  names below them) without the type asked are NODATA. CNAMEs are followed
  inside the zones (8 links at most, then SERVFAIL); a CNAME loop is
  answered NOERROR with its CNAMEs, as Knot does. TXT strings may
  carry \\xNN escapes (JSON "\\\\x00") or be {"hex": "..."}.
  ACTIONs (see BEHAVIORS below): timeout, rcode (with "rcode": "SERVFAIL",
  "REFUSED", "FORMERR", "NOTIMP", "NXDOMAIN" or a number), delay (with
  "ms"), truncate (TC over UDP, the answer over TCP), garbage (with
  "length": random bytes after the right ID), wrong_id (the answer with
  another ID: a spoof the client must ignore), and the hostile ones
  listed in tests/README.md: pointer_loop, count_mismatch, cut (the
  answer cut short, no TC), qr_zero, wrong_question, empty, tcp_drip
  (TC over UDP; over TCP one byte every "ms"), tcp_stall (TC over UDP;
  TCP never answers), tcp_tc (TC over TCP too), oversized_tcp (a
  length prefix larger than what follows).

LOAD: what the server does to any question, as overloaded or lossy
servers do (each key optional): "drop": SHARE (that share of UDP
queries, at random, is never answered); "queue": N (a UDP query arriving
while N are held is dropped: a full socket buffer or query limit);
"servfail_over": N (a query arriving while N are held is answered
SERVFAIL at once: a resolver out of recursion slots); "rate": R (answers
per second; the excess is answered REFUSED at once: a rate limit);
"ordinary_buffers": true (the operating system's default socket buffers
instead of widened ones). The summary then also counts "dropped" and
"refused".

--spf-suite FILE.yml --scenario N serves scenario N (0-based, counting the
YAML documents that have tests) as ../shared/suites/FORMAT.md says: the
SPF->TXT copy, TXT: NONE, TIMEOUT per name and type, NXDOMAIN for every
other name. --list-scenarios prints the scenarios.
"""
import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import struct
import sys
import time

from dnslib import (AAAA, CNAME, DNSRecord, EDNS0, MX, NS, PTR, QTYPE,
                    RCODE, RR, SOA, TXT, A, DNSLabel)

MAX_CHAIN = 8
TYPE_SPF = 99


def label_key(name):
    """A name as a tuple of lower-case label octets (case-insensitive,
    binary-safe: labels may hold spaces or '%')."""
    if isinstance(name, DNSLabel):
        labels = name.label
    else:
        text = name.rstrip('.') if isinstance(name, str) else name
        if isinstance(text, str):
            text = text.encode('latin-1', 'surrogateescape') \
                if all(ord(c) < 256 for c in text) else text.encode()
        labels = tuple(text.split(b'.')) if text else ()
    return tuple(l.lower() for l in labels)


def octets(value):
    """A TXT character-string: str (\\xNN escapes and latin-1 octets),
    bytes, or {"hex": ...}."""
    if isinstance(value, dict):
        return bytes.fromhex(value['hex'])
    if isinstance(value, bytes):
        return value
    text = str(value)
    text = re.sub(r'\\x([0-9a-fA-F]{2})',
                  lambda m: chr(int(m.group(1), 16)), text)
    try:
        return text.encode('latin-1')
    except UnicodeEncodeError:
        return text.encode('utf-8')


class Zone:
    """Records keyed by (name, type) plus the names that exist."""

    def __init__(self):
        self.records = {}           # (key, qtype) -> [rdata]
        self.names = set()          # keys with records, and their parents
        self.apexes = []            # keys; [] with suite mode: everything
        self.timeouts = {}          # key -> set of types still answered
        self.behaviors = {}         # (key, type name or '*') -> dict
        self.load = {}              # LOAD, see the module's docstring
        self.tcp_close = False      # one answer per TCP connection

    def add(self, name, qtype, rdata):
        key = label_key(name)
        self.records.setdefault((key, qtype), []).append(rdata)
        for i in range(len(key)):
            self.names.add(key[i:])

    def touch(self, name):
        key = label_key(name)
        for i in range(len(key)):
            self.names.add(key[i:])

    def in_zone(self, key):
        if not self.apexes:
            return True
        return any(key[len(key) - len(a):] == a for a in self.apexes
                   if len(key) >= len(a))


def make_rdata(rtype, data):
    if rtype in ('TXT', 'SPF'):
        strings = data if isinstance(data, list) else [data]
        parts = [octets(s) for s in strings]
        for p in parts:
            if len(p) > 255:
                raise ValueError('a TXT string of %d octets cannot be sent '
                                 '(at most 255)' % len(p))
        return TXT(parts)
    if rtype == 'A':
        return A(data)
    if rtype == 'AAAA':
        return AAAA(data.lower())
    if rtype == 'MX':
        pref, host = data
        return MX(host if host else '.', int(pref))
    if rtype == 'PTR':
        return PTR(data)
    if rtype == 'CNAME':
        return CNAME(data)
    if rtype == 'NS':
        return NS(data)
    if rtype == 'SOA':
        return SOA(*data) if isinstance(data, list) else SOA(data)
    raise ValueError('unsupported record type %s' % rtype)


def qtype_of(name):
    return TYPE_SPF if name == 'SPF' else getattr(QTYPE, name)


def load_config(path):
    with open(path) as f:
        cfg = json.load(f)
    zone = Zone()
    zone.apexes = [label_key(z) for z in cfg.get('zones', [])]
    zone.tcp_close = cfg.get('tcp_close', False)
    for name, records in cfg.get('records', {}).items():
        zone.touch(name)
        for rec in records:
            zone.add(name, qtype_of(rec['type']),
                     make_rdata(rec['type'], rec['data']))
    for name, per_type in cfg.get('behaviors', {}).items():
        zone.touch(name)
        for tname, behavior in per_type.items():
            zone.behaviors[(label_key(name), tname.upper())] = behavior
    zone.load = cfg.get('load', {})
    return zone


def suite_scenarios(path):
    import yaml
    with open(path, encoding='utf-8') as f:
        return [d for d in yaml.safe_load_all(f) if d and 'tests' in d]


def load_suite(path, index):
    """Builds the zone of one scenario (FORMAT.md, "What a harness must
    do")."""
    scenario = suite_scenarios(path)[index]
    zone = Zone()
    for name, entries in (scenario.get('zonedata') or {}).items():
        zone.touch(name)
        has_txt = any(isinstance(e, dict) and 'TXT' in e for e in entries)
        answered = set()
        timeout = False
        for entry in entries:
            if entry == 'TIMEOUT':
                timeout = True
                continue
            (rtype, data), = entry.items()
            if data == 'NONE':
                continue
            qtype = qtype_of(rtype)
            zone.add(name, qtype, make_rdata(rtype, data))
            if not timeout:
                answered.add(qtype)
            # RFC 7208 dropped type SPF: a name with no TXT entry also
            # publishes its SPF records as TXT.
            if rtype == 'SPF' and not has_txt:
                zone.add(name, QTYPE.TXT, make_rdata('TXT', data))
                if not timeout:
                    answered.add(QTYPE.TXT)
        if timeout:
            zone.timeouts[label_key(name)] = answered
    return zone


class Server:
    def __init__(self, zone, delay_ms, log_path, stats_path=None):
        self.zone = zone
        self.delay = delay_ms / 1000.0
        self.log = open(log_path, 'a') if log_path else None
        self.stats_path = stats_path
        self.queries = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.dropped = 0
        self.refused = 0
        self.tokens = 0.0
        self.refilled = time.monotonic()
        # Replies of the plain behavior by query bytes past the ID: a
        # benchmark asks the same questions again and again, and dnslib
        # takes longer to parse and pack than the tools under test.
        self.replies = {}

    # -- answers ---------------------------------------------------------

    def resolve(self, request):
        """The reply for a request, or None for no reply at all."""
        q = request.q
        key = label_key(q.qname)
        reply = request.reply()
        reply.header.ra = 0
        if not self.zone.in_zone(key):
            reply.header.rcode = RCODE.REFUSED
            return reply
        owner = q.qname     # answers keep the question's case
        seen = set()
        for _ in range(MAX_CHAIN):
            # A CNAME loop ends the chase with what it has, NOERROR, as
            # Knot answers one inside its zone.
            if key in seen:
                return reply
            seen.add(key)
            if key in self.zone.timeouts and \
                    q.qtype not in self.zone.timeouts[key]:
                return None
            found = self.zone.records.get((key, q.qtype))
            if found:
                for rd in found:
                    reply.add_answer(RR(owner, q.qtype, rdata=rd, ttl=300))
                return reply
            cname = self.zone.records.get((key, QTYPE.CNAME))
            if cname and q.qtype != QTYPE.CNAME:
                reply.add_answer(RR(owner, QTYPE.CNAME, rdata=cname[0],
                                    ttl=300))
                owner = cname[0].label
                key = label_key(owner)
                if not self.zone.in_zone(key):
                    return reply
                continue
            if key not in self.zone.names:
                reply.header.rcode = RCODE.NXDOMAIN
            return reply
        reply.header.rcode = RCODE.SERVFAIL
        return reply

    def behavior(self, request):
        key = label_key(request.q.qname)
        tname = QTYPE.get(request.q.qtype, str(request.q.qtype))
        return (self.zone.behaviors.get((key, str(tname).upper())) or
                self.zone.behaviors.get((key, '*')))

    @staticmethod
    def udp_limit(request):
        for rr in request.ar:
            if rr.rtype == QTYPE.OPT:
                return max(512, rr.rclass)
        return 512

    def finish(self, request, reply, udp):
        """Packs a reply: EDNS echoed, truncated over UDP when too big."""
        if any(rr.rtype == QTYPE.OPT for rr in request.ar):
            reply.add_ar(EDNS0(udp_len=1232))
        data = reply.pack()
        if udp and len(data) > self.udp_limit(request):
            reply.rr = []
            reply.auth = []
            reply.header.tc = 1
            data = reply.pack()
        return data

    def overload(self, udp):
        """What the load does to a query arriving now: None (it is
        answered), 'drop', or the rcode to answer at once."""
        load = self.zone.load
        if udp and random.random() < load.get('drop', 0):
            return 'drop'
        if udp and self.in_flight >= load.get('queue', float('inf')):
            return 'drop'
        if self.in_flight >= load.get('servfail_over', float('inf')):
            return RCODE.SERVFAIL
        if 'rate' in load:
            now = time.monotonic()
            rate = load['rate']
            self.tokens = min(max(1.0, rate / 50),
                              self.tokens + (now - self.refilled) * rate)
            self.refilled = now
            if self.tokens < 1:
                return RCODE.REFUSED
            self.tokens -= 1
        return None

    async def handle(self, data, udp):
        """Returns the bytes to send back, or None."""
        key = (udp, data[2:])
        cached = None if self.log else self.replies.get(key)
        request = None
        fate = self.overload(udp) if self.zone.load else None
        if cached is None or fate is not None:
            try:
                request = DNSRecord.parse(data)
            except Exception:
                return None
        self.queries += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.log:
                self.log.write(json.dumps({
                    'name': str(request.q.qname).rstrip('.'),
                    'type': str(QTYPE.get(request.q.qtype,
                                          request.q.qtype)),
                    'transport': 'udp' if udp else 'tcp',
                    'id': request.header.id,
                    'load': fate if fate is None or fate == 'drop'
                    else RCODE.get(fate),
                    'time': time.time()}) + '\n')
            if fate == 'drop':
                self.dropped += 1
                return None
            if fate is not None:
                self.refused += 1
                reply = request.reply()
                reply.header.rcode = fate
                return self.finish(request, reply, udp)
            if self.delay:
                await asyncio.sleep(self.delay)
            if cached is not None:
                return data[:2] + cached
            reply = await self.apply(request, udp)
            if reply is not None and not self.log and \
                    not self.behavior(request):
                self.replies[key] = reply[2:]
            return reply
        finally:
            self.in_flight -= 1

    async def apply(self, request, udp):
        behavior = self.behavior(request) or {}
        handler = BEHAVIORS.get(behavior.get('action'), normal)
        return await handler(self, request, udp, behavior)

    def summary(self):
        line = json.dumps({'summary': {
            'queries': self.queries, 'max_in_flight': self.max_in_flight,
            'dropped': self.dropped, 'refused': self.refused}}) + '\n'
        if self.stats_path:
            with open(self.stats_path, 'w') as f:
                f.write(line)
        if self.log:
            self.log.write(line)
            self.log.close()
            self.log = None


# -- behaviors: each returns the bytes to send, or None for silence -------

async def normal(server, request, udp, behavior):
    reply = server.resolve(request)
    return None if reply is None else server.finish(request, reply, udp)


async def timeout(server, request, udp, behavior):
    return None


async def rcode(server, request, udp, behavior):
    value = behavior.get('rcode', 'SERVFAIL')
    reply = request.reply()
    reply.header.rcode = int(value) if str(value).isdigit() else \
        getattr(RCODE, str(value).upper())
    return server.finish(request, reply, udp)


async def delay(server, request, udp, behavior):
    await asyncio.sleep(behavior.get('ms', 1000) / 1000.0)
    return await normal(server, request, udp, behavior)


async def truncate(server, request, udp, behavior):
    if not udp:
        return await normal(server, request, udp, behavior)
    reply = request.reply()
    reply.header.tc = 1
    return reply.pack()


async def garbage(server, request, udp, behavior):
    length = int(behavior.get('length', 40))
    return struct.pack('!H', request.header.id) + \
        bytes(random.randrange(256) for _ in range(max(0, length - 2)))


async def wrong_id(server, request, udp, behavior):
    data = await normal(server, request, udp, behavior)
    if data is None:
        return None
    return struct.pack('!H', (request.header.id + 1) & 0xffff) + data[2:]


def header_of(request, flags=0x8400, rcode=0, an=0):
    """A header with the request's ID (RFC 1035 §4.1.1)."""
    return struct.pack('!HHHHHH', request.header.id, flags | rcode, 1, an,
                       0, 0)


def question_of(request):
    return request.q.pack()


async def pointer_loop(server, request, udp, behavior):
    # An answer whose owner name is a compression pointer to itself.
    offset = 12 + len(question_of(request))
    rr = struct.pack('!H', 0xC000 | offset) + struct.pack(
        '!HHIH', request.q.qtype, 1, 300, 4) + b'\x7f\x00\x00\x01'
    return header_of(request, an=1) + question_of(request) + rr


async def count_mismatch(server, request, udp, behavior):
    data = await normal(server, request, udp, behavior)
    if data is None:
        return None
    return data[:6] + struct.pack('!H', 40) + data[8:]


async def cut(server, request, udp, behavior):
    data = await normal(server, request, udp, behavior)
    return None if data is None else data[:max(12, len(data) - 7)]


async def qr_zero(server, request, udp, behavior):
    data = await normal(server, request, udp, behavior)
    return None if data is None else data[:2] + bytes([data[2] & 0x7f]) + \
        data[3:]


async def wrong_question(server, request, udp, behavior):
    other = DNSRecord.question('other.invalid', 'TXT')
    other.header.id = request.header.id
    reply = other.reply()
    reply.add_answer(RR('other.invalid', QTYPE.TXT,
                        rdata=TXT([b'v=spf1 +all'])))
    return reply.pack()


async def empty(server, request, udp, behavior):
    return b''


class Drip:
    """Sent over TCP one byte at a time."""

    def __init__(self, data, seconds):
        self.data = data
        self.seconds = seconds


class Stall:
    """Over TCP: accept the query and never answer."""


async def tcp_drip(server, request, udp, behavior):
    if udp:
        return await truncate(server, request, udp, behavior)
    data = await normal(server, request, udp, behavior)
    return Drip(data, behavior.get('ms', 300) / 1000.0)


async def tcp_stall(server, request, udp, behavior):
    if udp:
        return await truncate(server, request, udp, behavior)
    return Stall()


async def tcp_tc(server, request, udp, behavior):
    reply = request.reply()
    reply.header.tc = 1
    return reply.pack()


class Oversized:
    """Over TCP: a length prefix promising more than is sent."""

    def __init__(self, data):
        self.data = data


async def oversized_tcp(server, request, udp, behavior):
    if udp:
        return await truncate(server, request, udp, behavior)
    return Oversized(await normal(server, request, udp, behavior))


BEHAVIORS = {
    'pointer_loop': pointer_loop,
    'count_mismatch': count_mismatch,
    'cut': cut,
    'qr_zero': qr_zero,
    'wrong_question': wrong_question,
    'empty': empty,
    'tcp_drip': tcp_drip,
    'tcp_stall': tcp_stall,
    'tcp_tc': tcp_tc,
    'oversized_tcp': oversized_tcp,
    'timeout': timeout,
    'rcode': rcode,
    'delay': delay,
    'truncate': truncate,
    'garbage': garbage,
    'wrong_id': wrong_id,
}


# -- transports ------------------------------------------------------------

class UDPProtocol(asyncio.DatagramProtocol):
    def __init__(self, server):
        self.server = server
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        asyncio.ensure_future(self.respond(data, addr))

    async def respond(self, data, addr):
        out = await self.server.handle(data, True)
        if isinstance(out, (bytes, bytearray)):
            self.transport.sendto(out, addr)


def close_after_answer(writer, how):
    """"tcp_close": the server ends the connection after one answer (or
    none, for a query it does not answer), leaving any other query the
    client sent on it unanswered. "reset" also sends the RST that the
    kernel of a closed socket sends when the client writes again, at once,
    so the client meets a reset connection deterministically."""
    if how == 'reset':
        sock = writer.get_extra_info('socket')
        sock.shutdown(socket.SHUT_WR)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack('ii', 1, 0))


async def tcp_client(server, reader, writer):
    # Drip, Stall and Oversized are defined with the behaviors below.
    try:
        while True:
            head = await reader.readexactly(2)
            data = await reader.readexactly(struct.unpack('!H', head)[0])
            out = await server.handle(data, False)
            if isinstance(out, Stall):
                await reader.read()     # until the client gives up
                break
            if isinstance(out, Drip):
                framed = struct.pack('!H', len(out.data)) + out.data
                for i in range(len(framed)):
                    writer.write(framed[i:i + 1])
                    await writer.drain()
                    await asyncio.sleep(out.seconds)
                continue
            if isinstance(out, Oversized):
                writer.write(struct.pack('!H', len(out.data) + 1000) +
                             out.data)
                await writer.drain()
                continue
            if out is not None:
                writer.write(struct.pack('!H', len(out)) + out)
                await writer.drain()
            if server.zone.tcp_close:
                close_after_answer(writer, server.zone.tcp_close)
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def free_port():
    for _ in range(100):
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.bind(('127.0.0.1', 0))
        port = tcp.getsockname()[1]
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind(('127.0.0.1', port))
            return port
        except OSError:
            continue
        finally:
            tcp.close()
            udp.close()
    raise RuntimeError('no free port')


def widen_buffers(sock, size=16 << 20):
    """A client with hundreds of questions in flight sends them in one
    burst; the default receive buffer (about 200 KB) would drop most of
    them, and the server, not the client, would set the pace. Root may go
    past net.core.rmem_max (SO_RCVBUFFORCE); others get what it allows."""
    for force, plain in ((getattr(socket, 'SO_RCVBUFFORCE', 33),
                          socket.SO_RCVBUF),
                         (getattr(socket, 'SO_SNDBUFFORCE', 32),
                          socket.SO_SNDBUF)):
        try:
            sock.setsockopt(socket.SOL_SOCKET, force, size)
        except OSError:
            sock.setsockopt(socket.SOL_SOCKET, plain, size)


async def serve(server, address, port, port_file):
    loop = asyncio.get_running_loop()
    port = port or free_port()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: UDPProtocol(server), local_addr=(address, port))
    if not server.zone.load.get('ordinary_buffers'):
        widen_buffers(transport.get_extra_info('socket'))
    tcp = await asyncio.start_server(
        lambda r, w: tcp_client(server, r, w), address, port)
    print(port, flush=True)
    if port_file:
        with open(port_file, 'w') as f:
            f.write('%d\n' % port)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or
                                stop.set_result(None))
    await stop
    server.summary()
    transport.close()
    tcp.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--address', default='127.0.0.1')
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--stats')
    ap.add_argument('--port-file')
    ap.add_argument('--log')
    ap.add_argument('--delay-ms', type=float, default=0)
    ap.add_argument('--config')
    ap.add_argument('--spf-suite')
    ap.add_argument('--scenario', type=int)
    ap.add_argument('--list-scenarios', action='store_true')
    args = ap.parse_args()
    if args.list_scenarios:
        for i, s in enumerate(suite_scenarios(args.spf_suite)):
            print(i, s['description'])
        return 0
    if args.config:
        zone = load_config(args.config)
    elif args.spf_suite is not None and args.scenario is not None:
        zone = load_suite(args.spf_suite, args.scenario)
    else:
        ap.error('give --config, or --spf-suite and --scenario')
    asyncio.run(serve(Server(zone, args.delay_ms, args.log, args.stats),
                      args.address, args.port, args.port_file))
    return 0


if __name__ == '__main__':
    sys.exit(main())
