#!/usr/bin/env python3
"""Writes the seed corpora (tests/fuzz/corpus/<target>/) from the shapes the
unit tests build: echo replies and quoted errors for icmp, kernel replies for
route and rules (sequence 7, port 4242, as the targets expect), command lines
for opts. Re-run after changing a shape; the files are committed."""
import os
import socket
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SEQ, PORT = 7, 4242


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def a4(s):
    return socket.inet_pton(socket.AF_INET, s)


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def ip4(src, dst, payload, ihl_opts=b""):
    ihl = 5 + len(ihl_opts) // 4
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(payload), 0, 0, 64, 1, 0,
                       a4(src), a4(dst)) + ihl_opts + payload


def icmp(t, c, ident, seq, data=b""):
    m = struct.pack("!BBHHH", t, c, 0, ident, seq) + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def ip6(src, dst, payload, nh=58):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, 64, a6(src), a6(dst)) + payload


def nla(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * (-n % 4)


def nlmsg(t, flags, payload, seq=SEQ, pid=PORT):
    n = 16 + len(payload)
    return struct.pack("=IHHII", n, t, flags, seq, pid) + payload + b"\0" * (-n % 4)


def ack(err=0, extack=None):
    inner = struct.pack("=IHHII", 16, 26, 5, SEQ, PORT)
    if extack is None:
        return nlmsg(2, 0, struct.pack("=i", err) + inner)
    return nlmsg(2, 0x300, struct.pack("=i", err) + inner + nla(1, extack.encode() + b"\0"))


def done(err=0):
    return nlmsg(3, 2, struct.pack("=i", err))


def route(fam, typ, table, attrs, dst_len=32):
    hdr = struct.pack("=BBBBBBBBI", fam, dst_len, 0, 0, table, 4, 0, typ, 0)
    return nlmsg(24, 0, hdr + b"".join(attrs))


def rule(pref, table, attrs=(), fam=2, action=1):
    hdr = struct.pack("=BBBBBBBBI", fam, 0, 0, 0, table if table < 256 else 252, 0, 0, action, 0)
    return nlmsg(32, 2, hdr + nla(6, struct.pack("=I", pref)) + nla(15, struct.pack("=I", table))
                 + b"".join(attrs))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def icmp_corpus():
    data = bytes(range(56))
    rep = icmp(0, 0, 0x1234, 1, data)
    req = icmp(8, 0, 0x1234, 3, data)
    write("icmp", "v4-raw-reply", b"\x06" + ip4("10.77.0.2", "10.9.0.1", rep))
    write("icmp", "v4-raw-reply-options", b"\x06" + ip4("10.77.0.2", "10.9.0.1", rep, b"\x01\x07\x07\x04" + bytes(4)))
    write("icmp", "v4-dgram-reply", b"\x00" + rep)
    write("icmp", "v4-raw-other-id", b"\x06" + ip4("10.77.0.2", "10.9.0.1", icmp(0, 0, 0x9999, 1, data)))
    quoted = ip4("10.9.0.1", "10.77.0.2", req)[:28]
    write("icmp", "v4-raw-unreach-quote", b"\x06" + ip4("10.9.0.254", "10.9.0.1", icmp(3, 1, 0, 0, quoted)))
    write("icmp", "v4-raw-timex-quote", b"\x06" + ip4("10.9.0.254", "10.9.0.1", icmp(11, 0, 0, 0, quoted)))
    write("icmp", "v4-raw-redirect", b"\x06" + ip4("10.9.0.254", "10.9.0.1", icmp(5, 1, 0x0a09, 0x0007, quoted)))
    write("icmp", "v4-raw-header-only", b"\x06" + ip4("10.77.0.2", "10.9.0.1", b""))
    write("icmp", "v4-errqueue", b"\x04" + req[:8])
    write("icmp", "v4-errqueue-local", b"\x0c" + req[:8])
    write("icmp", "v6-reply", b"\x05" + icmp(129, 0, 0x1234, 2, data))
    q6 = ip6("fd00::1", "fd00::2", icmp(128, 0, 0x1234, 4, data))[:48]
    write("icmp", "v6-unreach-quote", b"\x05" + icmp(1, 3, 0, 0, q6))
    write("icmp", "v6-timex-quote", b"\x05" + icmp(3, 0, 0, 0, q6))
    write("icmp", "v6-errqueue", b"\x05" + icmp(128, 0, 0x1234, 4)[:8])


def route_corpus():
    v4 = route(2, 1, 254, [nla(1, a4("10.99.1.1")), nla(7, a4("10.9.0.12")), nla(5, a4("10.9.0.1")),
                           nla(4, struct.pack("=I", 2)), nla(15, struct.pack("=I", 1000)),
                           nla(25, struct.pack("=I", 0)), nla(16, struct.pack("=I", 7)),
                           nla(200, struct.pack("=I", 1))])
    write("route", "v4-reply-ack", v4 + ack())
    v6 = route(10, 1, 254, [nla(1, a6("fd00:99::1")), nla(7, a6("fd00:9::12")), nla(7, a6("fd00:9::11")),
                            nla(5, a6("fd00:9::1")), nla(4, struct.pack("=I", 3)),
                            nla(6, struct.pack("=I", 1024))], dst_len=128)
    write("route", "v6-two-prefsrc-ack", v6 + ack())
    via = route(2, 1, 254, [nla(1, a4("10.99.1.1")), nla(18, struct.pack("=H", 10) + a6("fe80::1")),
                            nla(9, b""), nla(30, struct.pack("=I", 5))])
    write("route", "v4-via-v6-multipath", via + ack())
    write("route", "fib-match", route(2, 1, 254, [nla(1, a4("10.99.0.0")), nla(6, struct.pack("=I", 0))],
                                      dst_len=16) + ack())
    write("route", "error-unreachable", ack(-113))
    write("route", "error-extack", ack(-22, "Invalid protocol"))
    write("route", "other-seq", nlmsg(24, 0, b"\0" * 12, seq=99) + ack())
    write("route", "done-error", done(-105))
    write("route", "overrun", nlmsg(4, 0, b""))
    write("route", "truncated", v4[:30])


def rules_corpus():
    dump = (rule(0, 255) + rule(100, 100, [nla(22, b"\x11")]) + rule(32766, 254) + rule(32767, 253)
            + done())
    write("rules", "default-plus-udp", dump)
    full = rule(200, 1000, [nla(24, struct.pack("=HH", 2048, 2048)), nla(20, struct.pack("=II", 1000, 1999)),
                            nla(10, struct.pack("=I", 0x10)), nla(16, struct.pack("=I", 0xf0)),
                            nla(3, b"lo\0"), nla(17, b"eth0\0"), nla(2, a4("10.9.0.0")),
                            nla(1, a4("10.99.0.0")), nla(14, struct.pack("=I", 0)), nla(19, b"\x01"),
                            nla(23, struct.pack("=HH", 1, 1024))])
    write("rules", "all-selectors", full + done())
    v6 = rule(300, 100, [nla(2, a6("fd00:9::")), nla(22, b"\x3a")], fam=10)
    write("rules", "v6", v6 + done())
    write("rules", "goto-nop-invert", rule(10, 0, [], action=2) + rule(11, 0, [], action=3) + done())
    write("rules", "dump-error", done(-95))
    write("rules", "bad-length", rule(5, 5, [nla(6, b"\x01")]) + done())
    write("rules", "ack", ack())


def opts_corpus():
    lines = [
        (1, ["-c", "3", "-i", "0.2", "10.0.0.1"]),
        (0, ["--explain-route", "--json", "-4", "-I", "eth0", "-m", "0x7", "-Q", "0x10", "h"]),
        (1, ["-f", "-l", "100", "-s", "1472", "-M", "do", "-t", "1", "::1"]),
        (0, ["-p", "ff00aa", "-W", "1.5", "-w", "10", "-D", "-O", "-n", "host"]),
        (0, ["-6", "-I", "fd00::1", "-B", "-v", "-q", "-a", "-A", "fd00::2"]),
        (1, ["-S", "65536", "-b", "-r", "-d", "-L", "-U", "255.255.255.255"]),
        (0, ["-c", "99999999999999999999", "x"]),
        (0, ["--count=3", "--interval=1e-3", "--ttl", "300", "x"]),
        (0, ["-h"]),
        (0, ["-V"]),
        (0, ["-4", "-6", "x"]),
        (0, ["-I", "", "x"]),
        (1, ["--explain-route", "--verify", "--json", "x"]),
        (0, ["--watch-rcvbuf", "4096", "-v", "--verify", "x"]),
    ]
    for i, (priv, args) in enumerate(lines):
        write("opts", "cmdline-%02d" % i, bytes([priv]) + b"\0".join(a.encode() for a in args))


def cmsg(level, typ, payload):
    n = 16 + len(payload)
    return struct.pack("=QII", n, level, typ) + payload + b"\0" * (-n % 8)


def txrep_corpus():
    """sel (bit 0 v6, bit 1 id checked, bits 2-3 echo length 64 = 2), the
    control length, cmsgs after the built-in extended error, the packet."""
    eth = b"\xee" * 12 + b"\x08\x00"
    data = bytes(range(56))
    echo = icmp(8, 0, 0x1234, 7, data)
    v4 = ip4("10.62.0.1", "10.70.0.4", echo)
    pi4 = cmsg(0, 8, struct.pack("=i4s4s", 32, a4("10.62.0.1"), a4("10.70.0.4")))
    ts = cmsg(1, 37, struct.pack("=qqqqqq", 5, 7, 0, 0, 0, 0))
    for name, sel, cm, pkt in [
        ("v4-raw-veth", 0x0a, pi4 + ts, eth + v4),
        ("v4-dgram-tun", 0x08, pi4, v4),
        ("v4-no-pktinfo", 0x0a, ts, eth + v4),
        ("v4-truncated", 0x0a, pi4, (eth + v4)[:30]),
        ("v4-no-length-hint", 0x02, pi4, eth + v4),
    ]:
        write("txrep", name, bytes([sel, len(cm)]) + cm + pkt)
    echo6 = icmp(128, 0, 0x1234, 9, data)
    v6 = ip6("fd00:62::1", "fd00:70::4", echo6)
    pi6 = cmsg(41, 50, struct.pack("=16si", a6("fd00:70::4"), 5))
    write("txrep", "v6-veth", bytes([0x09, len(pi6)]) + pi6 + b"\xee" * 12 + b"\x86\xdd" + v6)
    write("txrep", "v6-tun", bytes([0x09, len(pi6)]) + pi6 + v6)
    write("txrep", "v6-cut-cmsg", bytes([0x09, 20]) + pi6[:20] + v6)


icmp_corpus()
txrep_corpus()
route_corpus()
rules_corpus()
opts_corpus()
