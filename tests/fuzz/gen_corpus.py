#!/usr/bin/env python3
"""Writes the seed corpora (tests/fuzz/corpus/<target>/) from the shapes the
unit tests build: echo replies and quoted errors for icmp, kernel replies for
route and rules (sequence 7, port 4242, as the targets expect), command lines
for opts; for nodeinfo and ipopt, what the hostile peer (tests/tools/
hostile_peer.py) answers in each of its modes; error-queue messages, watch
multicast, nexthop replies and destination lists. Re-run after changing a
shape; the files are committed.

With --kernel (root): also records what a real kernel sends, in a network
namespace made and removed here: the watch's multicast while addresses,
routes, rules and links change, and RTM_GETNEXTHOP replies (kernel-* seeds).
"""
import importlib.util
import os
import socket
import struct
import subprocess
import sys

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


def nlbatch_corpus():
    """Answers to three route requests sent as sequences 7, 8 and 9 (no NLM_F_ACK)."""
    def r4(seq, last, pid=PORT):
        m = route(2, 1, 254, [nla(1, a4("10.0.0.%d" % last)), nla(7, a4("10.9.0.%d" % last))])
        return m[:8] + struct.pack("=II", seq, pid) + m[16:]

    def err(seq, e):
        inner = struct.pack("=IHHII", 16, 26, 1, seq, PORT)
        m = nlmsg(2, 0x100, struct.pack("=i", e) + inner)
        return m[:8] + struct.pack("=II", seq, PORT) + m[16:]

    write("nlbatch", "three-replies", r4(7, 1) + r4(8, 2) + r4(9, 3))
    write("nlbatch", "out-of-order-and-error", r4(9, 3) + err(7, -113) + r4(8, 2))
    write("nlbatch", "one-dropped", r4(7, 1) + r4(9, 3))
    write("nlbatch", "reply-then-ack", r4(8, 2) + err(8, 0))
    write("nlbatch", "other-port-and-seq", r4(8, 2, pid=99) + r4(12, 2) + r4(0, 1, pid=0))
    write("nlbatch", "kernel-port-zero", r4(7, 1, pid=0))
    write("nlbatch", "cut", (r4(7, 1) + r4(8, 2))[:-6])
    write("nlbatch", "done-and-noop", nlmsg(3, 2, struct.pack("=i", 0), seq=7) + nlmsg(1, 0, b"", seq=8))


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


def hostile_peer():
    path = os.path.join(HERE, "..", "tools", "hostile_peer.py")
    spec = importlib.util.spec_from_file_location("hostile_peer", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class FakePeer:
    """What Peer.node_info() needs of a Peer: its mode, a log, send()."""

    def __init__(self, mode):
        self.m, self.sent = mode, []
        self.log = open(os.devnull, "w")

    def mode(self):
        return self.m

    def send(self, pkt):
        self.sent.append(pkt)


def nodeinfo_corpus():
    """Byte 0 the output size, then the ICMPv6 message (the IPv6 header dropped)."""
    hp = hostile_peer()
    modes = ["ok", "ni_refused", "ni_code", "ni_nonce", "ni_trunc", "ni_short", "ni_qtype",
             "ni_odd", "ni_forge", "ni_loop"]
    for mode in modes:
        for qtype in (2, 3, 4, 5):
            peer = FakePeer(mode)
            query = struct.pack("!BBHHH", 139, 0, 0, qtype, 0) + struct.pack("!H", 9) + bytes(range(6))
            hp.Peer.node_info(peer, a6("fd00:66::1"), query + a6("fd00:66::2"))
            for i, pkt in enumerate(peer.sent):
                if pkt[40] != 140:
                    continue
                write("nodeinfo", "hp-%s-q%d-%d" % (mode, qtype, i), b"\xff" + pkt[40:])
    # A small output buffer: the text cut mid-name.
    peer = FakePeer("ni_odd")
    query = struct.pack("!BBHHH", 139, 0, 0, 2, 0) + struct.pack("!H", 9) + bytes(range(6))
    hp.Peer.node_info(peer, a6("fd00:66::1"), query)
    write("nodeinfo", "small-output", b"\x0d" + peer.sent[-1][40:])
    hdr = struct.pack("!BBHHH", 140, 0, 0, 2, 0) + struct.pack("!H", 9) + bytes(6)
    # Pointers: two to each other, one forward past the end, a chain of 40.
    write("nodeinfo", "ptr-mutual", b"\xff" + hdr + bytes(4) + b"\xc0\x06\xc0\x04")
    write("nodeinfo", "ptr-past-end", b"\xff" + hdr + bytes(4) + b"\xc0\xff")
    chain = b"".join(b"\x01a\xc0" + bytes([4 + 3 * (i + 1)]) for i in range(40)) + b"\x00"
    write("nodeinfo", "ptr-chain", b"\xff" + hdr + bytes(4) + chain)
    write("nodeinfo", "label-63", b"\xff" + hdr + bytes(4) + b"\x3f" + b"a" * 63 + b"\x00")


def ipopt_corpus():
    """Byte 0 (bit 0 no RR memory, bit 1 printed twice, bit 2 no names), then the options."""
    hp = hostile_peer()
    rr_req = hp.pad4(bytes([7, 39, 4]) + bytes(36))
    ts_only = bytes([68, 40, 5, 0]) + bytes(36)
    ts_addr = bytes([68, 36, 5, 1]) + bytes(32)
    for mode, req in [("rr", rr_req), ("rr_flap", rr_req), ("ts", ts_only), ("ts", ts_addr)]:
        for seq in (1, 2):
            o = hp.forge_opts4(mode, req, seq)
            write("ipopt", "hp-%s-%d-%d" % (mode, req[3], seq), b"\x02" + o)
    for seq in range(3):
        write("ipopt", "hp-optforge-%d" % seq, b"\x02" + hp.forge_opts4("optforge", b"", seq))
    # What the receiving kernel leaves: record route full, timestamps with overflow.
    full = bytes([7, 39, 40]) + a4("10.66.0.254") + a4("10.66.0.2") + a4("10.66.0.1") + bytes(24) + b"\x00"
    write("ipopt", "rr-nine-slots", b"\x00" + full)
    write("ipopt", "ts-prespec", b"\x00" + bytes([68, 20, 21, 3]) + a4("10.66.0.2") + struct.pack("!I", 5)
          + a4("10.66.0.1") + struct.pack("!I", 6))
    write("ipopt", "lsrr-ssrr", b"\x04" + bytes([131, 11, 4]) + a4("10.0.0.1") + a4("10.0.0.2")
          + bytes([137, 7, 4]) + a4("10.0.0.3") + b"\x01\x00")
    write("ipopt", "nop-eol-unknown", b"\x00\x01\x01\x94\x04\x00\x00\x00\x01")


def errq_corpus():
    """sel, the extended error, then length-prefixed offender, name and cmsgs, the packet."""
    def ee(errno_, origin, typ, code, info=0):
        return struct.pack("=IBBBBII", errno_, origin, typ, code, 0, info, 0)

    def sin(a):
        return struct.pack("=HH4s8x", socket.AF_INET, 0, a4(a))

    def sin6(a):
        return struct.pack("=HHI16sI", socket.AF_INET6, 0, 0, a6(a), 0)

    def entry(sel, e, off, name, cm, pkt):
        return bytes([sel]) + e + bytes([len(off)]) + off + bytes([len(name)]) + name + bytes([len(cm)]) + cm + pkt

    data = bytes(range(56))
    req4 = icmp(8, 0, 0x1234, 3, data)
    req6 = icmp(128, 0, 0x1234, 4, data)
    write("errq", "v4-unreach", entry(0x02, ee(113, 2, 3, 1), sin("10.9.0.254"), sin("10.77.0.2"), b"", req4))
    write("errq", "v4-timex", entry(0x02, ee(113, 2, 11, 0), sin("10.9.0.254"), sin("10.77.0.2"), b"", req4[:8]))
    write("errq", "v4-frag-needed", entry(0x00, ee(90, 2, 3, 4, 1400), sin("10.9.0.254"), sin("10.77.0.2"), b"", req4))
    write("errq", "v4-local-emsgsize", entry(0x00, ee(90, 1, 0, 0, 1500), b"", sin("10.77.0.2"), b"", req4))
    write("errq", "v4-other-dst", entry(0x02, ee(113, 2, 3, 1), sin("10.9.0.254"), sin("10.77.0.9"), b"", req4))
    write("errq", "v4-any-dst", entry(0x12, ee(113, 2, 3, 1), sin("10.9.0.254"), sin("10.77.0.9"), b"", req4))
    write("errq", "v4-no-name", entry(0x0a, ee(113, 2, 3, 1), sin("10.9.0.254"), b"", b"", req4))
    write("errq", "v4-no-ee", entry(0x06, ee(113, 2, 3, 1), b"", b"", b"", req4))
    write("errq", "v4-extra-cmsg", entry(0x02, ee(113, 2, 3, 1), sin("10.9.0.254"), sin("10.77.0.2"),
                                         cmsg(0, 2, struct.pack("=i", 64)), req4))
    write("errq", "v6-unreach", entry(0x03, ee(101, 3, 1, 3), sin6("fd00::fe"), sin6("fd00::2"), b"", req6))
    write("errq", "v6-packet-too-big", entry(0x03, ee(90, 3, 2, 0, 1280), sin6("fd00::fe"), sin6("fd00::2"), b"", req6))
    write("errq", "v6-local", entry(0x01, ee(90, 1, 0, 0, 1280), b"", sin6("fd00::2"), b"", req6))
    write("errq", "v6-short-quote", entry(0x03, ee(101, 3, 1, 3), sin6("fd00::fe"), sin6("fd00::2"), b"", req6[:5]))


def watch_msgs():
    """Multicast as the kernel sends it: sequence 0, port 0."""
    def m(t, payload, flags=0):
        return nlmsg(t, flags, payload, seq=0, pid=0)

    def ifa(t, fam, addr, plen=24):
        return m(t, struct.pack("=BBBBI", fam, plen, 0, 0, 2) + nla(2, addr) + nla(1, addr)
                 + nla(3, b"vn0\0"))

    rt = struct.pack("=BBBBBBBBI", 2, 24, 0, 0, 254, 3, 253, 1, 0)
    return {
        "route": m(24, rt + nla(1, a4("10.99.0.0")) + nla(4, struct.pack("=I", 2))),
        "delroute": m(25, rt + nla(1, a4("10.99.0.0"))),
        "rule": m(32, struct.pack("=BBBBBBBBI", 2, 0, 0, 0, 100, 0, 0, 1, 0) + nla(6, struct.pack("=I", 100))),
        "link": m(16, struct.pack("=BxHiII", 0, 1, 2, 0x1003, 0) + nla(3, b"vn0\0")),
        "addr4-bound": ifa(20, 2, a4("10.9.0.12")),
        "deladdr4-bound": ifa(21, 2, a4("10.9.0.12")),
        "addr4-other": ifa(20, 2, a4("10.9.0.11")),
        "addr6-bound": ifa(20, 10, a6("fd00:9::12"), 64),
        "deladdr6-bound": ifa(21, 10, a6("fd00:9::12"), 64),
        "overrun": m(4, b""),
        "ack": m(2, struct.pack("=i", 0) + struct.pack("=IHHII", 16, 24, 5, 0, 0)),
        "intr": m(24, rt, flags=0x10),
    }


def watch_corpus():
    """Byte 0: bit 0 IPv6, bit 1 an address bound; then one recv()'s buffer."""
    w = watch_msgs()
    for name, msg in w.items():
        write("watch", "one-" + name, b"\x02" + msg)
    write("watch", "flap-bound", b"\x02" + w["deladdr4-bound"] + w["addr4-bound"] + w["deladdr4-bound"]
          + w["route"] + w["link"])
    write("watch", "flap-bound-v6", b"\x03" + w["deladdr6-bound"] + w["deladdr6-bound"] + w["addr6-bound"])
    write("watch", "burst-then-overrun", b"\x02" + w["route"] + w["rule"] + w["overrun"] + w["link"])
    write("watch", "ack-inside", b"\x00" + w["route"] + w["ack"] + w["rule"])
    write("watch", "dump-intr", b"\x00" + w["route"] + w["intr"] + w["rule"])
    write("watch", "cut", b"\x02" + (w["route"] + w["addr4-bound"])[:-6])


def nexthop_corpus():
    def nh(attrs, fam=2, t=104):
        return nlmsg(t, 0, struct.pack("=BBBBI", fam, 0, 4, 0, 0) + b"".join(attrs))

    u32 = lambda v: struct.pack("=I", v)
    grp = lambda *ids: b"".join(struct.pack("=IBBH", i, 1, 0, 0) for i in ids)
    write("nexthop", "single", nh([nla(1, u32(7)), nla(5, u32(2)), nla(6, a4("10.9.0.1"))]) + ack())
    write("nexthop", "group-3", nh([nla(1, u32(9)), nla(2, grp(1, 2, 3)), nla(3, b"")], fam=0) + ack())
    write("nexthop", "group-odd-length", nh([nla(1, u32(9)), nla(2, grp(1)[:6])], fam=0) + ack())
    write("nexthop", "group-empty", nh([nla(1, u32(9)), nla(2, b"")], fam=0) + ack())
    write("nexthop", "no-id", nh([nla(5, u32(2))]) + ack())
    write("nexthop", "blackhole-v6", nh([nla(1, u32(4)), nla(4, b"")], fam=10) + ack())
    write("nexthop", "unknown-attr", nh([nla(1, u32(7)), nla(200, u32(1))]) + ack())
    write("nexthop", "enoent", ack(-2))
    write("nexthop", "ack-only", ack())
    write("nexthop", "other-type", nh([nla(1, u32(7))], t=24) + ack())


def tfile_corpus():
    write("tfile", "names-comments", b"# hosts\n10.0.0.1\n  host.example \t# router\n\n::1\nfe80::1%eth0\n")
    write("tfile", "crlf", b"a\r\nb\r\n\r\nc")
    write("tfile", "nul-and-controls", b"a\0b\nc\x1bd\nok\n# x\0y\ne\x7f\n")
    write("tfile", "two-names", b"a b\nc\td\n")
    write("tfile", "invalid-utf8", b"\xff\xfe\n\xc3\x28\nh\xc3\xa9te.example\n\xed\xa0\x80\n")
    write("tfile", "name-255-256", b"a" * 255 + b"\n" + b"b" * 256 + b"\n")
    write("tfile", "line-4096", b"x " + b"#" * 4094 + b"\ny\n")
    write("tfile", "line-4097", b"x " + b"#" * 4095 + b"\ny\n")
    write("tfile", "endless", b"\0" * 9000)
    write("tfile", "many-lines", b"".join(b"10.0.%d.%d\n" % (i // 256, i % 256) for i in range(800)))
    write("tfile", "no-newline-at-end", b"a\nb")


def rpath_corpus():
    def neigh(addr, state, t=28):
        hdr = struct.pack("=BBHiHBB", 2, 0, 0, 2, state, 0, 1)
        return nlmsg(t, 0, hdr + nla(1, a4(addr)) + nla(2, b"\x02\0\0\0\0\1"))

    def ifaddr(idx, fam=2):
        return nlmsg(20, 2, struct.pack("=BBBBI", fam, 24, 0, 0, idx) + nla(1, a4("10.1.0.2")))

    write("rpath", "neigh-reachable", b"\x00" + neigh("10.1.0.1", 0x02) + ack())
    write("rpath", "neigh-other-address", b"\x00" + neigh("10.1.0.9", 0x20) + ack())
    write("rpath", "neigh-short-dst", b"\x00" + neigh("10.1.0.1", 0x01)[:-12] + ack())
    write("rpath", "neigh-enoent", b"\x00" + ack(-2))
    write("rpath", "addr-dump", b"\x01" + ifaddr(2) + ifaddr(2) + ifaddr(3, fam=10) + ifaddr(3) + done())
    write("rpath", "addr-many", b"\x01" + b"".join(ifaddr(i) for i in range(1, 70)) + done())
    write("rpath", "netstat", b"\x02TcpExt: A IPReversePathFilter B\nTcpExt: 1 17 3\n"
          b"IpExt: C\nIpExt: 4\n")
    write("rpath", "netstat-short", b"\x02TcpExt: A IPReversePathFilter\nTcpExt: 1\n")
    write("rpath", "netstat-huge", b"\x02TcpExt: IPReversePathFilter\nTcpExt: " + b"9" * 30 + b"\n")


KERNEL_SCRIPT = r"""
import socket, struct, subprocess, sys, time
out = sys.argv[1]
RTMGRP = 0x1 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | (1 << (19 - 1))
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.bind((0, RTMGRP))
def ip(*a):
    subprocess.run(["ip"] + list(a), check=True, stdout=subprocess.DEVNULL)
ip("link", "add", "fz0", "type", "veth", "peer", "name", "fz1")
ip("link", "set", "fz1", "up")
ip("link", "set", "fz0", "up")
ip("addr", "add", "10.9.0.12/24", "dev", "fz0")
ip("addr", "add", "fd00:9::12/64", "dev", "fz0", "nodad")
ip("route", "add", "10.99.0.0/16", "via", "10.9.0.1")
ip("rule", "add", "to", "10.99.1.0/24", "ipproto", "udp", "table", "100", "pref", "100")
ip("-6", "route", "add", "fd00:99::/64", "via", "fd00:9::1")
ip("addr", "del", "10.9.0.12/24", "dev", "fz0")
ip("link", "set", "fz0", "down")
time.sleep(0.2)
s.setblocking(False)
n = 0
while True:
    try:
        b = s.recv(65536)
    except BlockingIOError:
        break
    open("%s/watch-%02d" % (out, n), "wb").write(b)
    n += 1
q = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
q.bind((0, 0))
ip("link", "set", "fz0", "up")
ip("addr", "add", "10.9.0.12/24", "dev", "fz0")
ip("nexthop", "add", "id", "1", "via", "10.9.0.1", "dev", "fz0")
ip("nexthop", "add", "id", "2", "via", "10.9.0.2", "dev", "fz0")
ip("nexthop", "add", "id", "3", "group", "1/2")
q.setblocking(False)
for i in (1, 3, 9):
    req = struct.pack("=BBBBI", 0, 0, 0, 0, 0) + struct.pack("=HHI", 8, 1, i)
    q.send(struct.pack("=IHHII", 16 + len(req), 106, 5, 7, 0) + req)
    time.sleep(0.1)
    b = b""
    while True:
        try:
            b += q.recv(65536)
        except BlockingIOError:
            break
    open("%s/nexthop-%d" % (out, i), "wb").write(b)
"""


def kernel_corpus():
    """Real kernel messages from a throw-away namespace; port rewritten to 4242."""
    import tempfile
    ns = "rtfuzz%d" % os.getpid()
    tmp = tempfile.mkdtemp()
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", KERNEL_SCRIPT, tmp], check=True)
    finally:
        subprocess.run(["ip", "netns", "del", ns])
    for f in sorted(os.listdir(tmp)):
        b = open(os.path.join(tmp, f), "rb").read()
        if f.startswith("watch-"):
            write("watch", "kernel-" + f, b"\x02" + b)
            write("watch", "kernel-v6-" + f, b"\x03" + b)
        else:
            # The reply names our port; the target expects 4242 (sequence 7 is ours).
            out, off = b"", 0
            while off + 16 <= len(b):
                n = struct.unpack_from("=I", b, off)[0]
                if n < 16 or off + n > len(b):
                    break
                msg = bytearray(b[off:off + n])
                struct.pack_into("=I", msg, 12, PORT)
                out += bytes(msg) + b"\0" * (-n % 4)
                off += (n + 3) & ~3
            write("nexthop", "kernel-" + f, out)
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)


icmp_corpus()
txrep_corpus()
route_corpus()
rules_corpus()
opts_corpus()
nodeinfo_corpus()
ipopt_corpus()
errq_corpus()
watch_corpus()
nexthop_corpus()
tfile_corpus()
nlbatch_corpus()
rpath_corpus()
if "--kernel" in sys.argv[1:]:
    kernel_corpus()
