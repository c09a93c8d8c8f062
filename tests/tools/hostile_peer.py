#!/usr/bin/env python3
"""A hostile ping peer on a tun device: answers echo requests wrongly on purpose.

Run inside a test namespace, attached to an existing tun device (created with
"ip tuntap add NAME mode tun"). It answers echo requests sent to TARGET4 /
TARGET6 the way the mode file says (read again for every request, so one peer
serves a whole test script), and ignores everything else. Python 3 standard
library only. Bounded: it exits after --lifetime seconds whatever happens.

Modes (IPv4 and IPv6 alike unless noted):
  ok          one correct reply
  dup         the reply three times
  dup2        the reply twice (cheap enough for a flood across the wrap)
  badsum      the reply with a corrupt checksum only
  badsum_dup  a correct reply, then a copy with a corrupt checksum
  trunc_icmp  the ICMP header only (8 bytes, checksum valid)
  trunc_ip    the IP header only (no ICMP bytes at all), then nothing
  otherid     a reply with another identifier, then the correct one
  othersrc    the reply from another address on the link
  ts_future / ts_zero / ts_random   payload timestamp forged (checksum valid)
  seqwrap     replies for sequences 65535 and 0 (never sent), then the correct one
  unreach     destination unreachable quoting the probe (from the target)
  timex       time exceeded quoting the probe (from a router address)
  mixed       odd sequences get a reply, even ones an unreachable
  redirect    a redirect quoting the probe, then the correct reply
  burst       20 unrelated ICMP messages, then the correct reply
  big         a reply with 1000 more data bytes than the request
  huge        a reply with 8000 more data bytes (needs a large tun MTU)
  ipopts      IPv4: the reply with IP options (NOP, record route);
              IPv6: the reply behind hop-by-hop and destination options headers
  corrupt     the reply with data byte 20 zeroed (checksum valid)
  slow        one correct reply, 25 ms late
  rr          IPv4: when the request asks for record route (-R), the reply
              records the router and the target (the receiver adds itself)
  rr_flap     as rr, but even sequences record another router
  ts          IPv4: when the request asks for timestamps (-T), the reply's
              option comes back full of fixed stamps (tsonly: nine; tsandaddr:
              four pairs), so the receiver only counts an unrecorded hop
  optforge    IPv4: forged options, by sequence: a record-route pointer far
              past its length; non-standard stamps; NOP, NOP, router alert
              and an empty record route
  silent      no answer

IPv6 node information queries (RFC 4620, type 139) to TARGET6 are answered
(type 140) in every mode but silent: names "peer.hp.test." and "alias" (not fully
qualified), addresses fd00:66::2 and fe80::2 (IPv6), 10.66.0.2 (IPv4),
"unknown" (code 2) for other qtypes; and in these modes wrongly:
  ni_refused  code 1 (refused)
  ni_code     code 5 (undefined)
  ni_nonce    a reply with the nonce's last byte flipped, then the correct one
  ni_trunc    the data cut mid-way (a name inside a label, an address short)
  ni_short    the 16-byte header only, no data
  ni_qtype    the reply claims qtype 0x77
  ni_dup      the correct reply twice
  ni_odd      names with a dot, a space and a 0x01 byte in labels, and a
              compression pointer; addresses with the truncated flag set
  ni_forge    no true reply: one with a wrong nonce, one whose nonce names
              the next sequence, one from another source with the nonce's
              random part zeroed, and an echo reply carrying the query
  ni_loop     a name that is a compression pointer to itself

A mode file may name modes per destination after the default mode, e.g.
"ok 10.66.0.5=dup2 10.66.0.6=silent": the peer then also answers those
addresses (from them), each its own way (rtping HOST... tests).
"""
import argparse
import fcntl
import os
import random
import select
import socket
import struct
import sys
import time
import types

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

TARGET4 = socket.inet_pton(socket.AF_INET, "10.66.0.2")
OTHER4 = socket.inet_pton(socket.AF_INET, "10.66.0.3")
ROUTER4 = socket.inet_pton(socket.AF_INET, "10.66.0.254")
TARGET6 = socket.inet_pton(socket.AF_INET6, "fd00:66::2")
OTHER6 = socket.inet_pton(socket.AF_INET6, "fd00:66::3")
ROUTER6 = socket.inet_pton(socket.AF_INET6, "fd00:66::fe")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(src, dst, payload, proto=1, ttl=64, opts=b""):
    ihl = 5 + len(opts) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(payload),
                      random.randrange(65536), 0, ttl, proto, 0, src, dst) + opts
    c = csum(hdr)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def ip6(src, dst, payload, nh=58, hlim=64, ext=b""):
    return struct.pack("!IHBB16s16s", 6 << 28, len(ext) + len(payload), nh, hlim,
                       src, dst) + ext + payload


def icmp4(typ, code, rest, data):
    msg = struct.pack("!BBH", typ, code, 0) + rest + data
    c = csum(msg)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def icmp6(src, dst, typ, code, rest, data):
    msg = struct.pack("!BBH", typ, code, 0) + rest + data
    pseudo = src + dst + struct.pack("!I3xB", len(msg), 58)
    c = csum(pseudo + msg)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


class Peer:
    def __init__(self, fd, mode_file, log):
        self.fd = fd
        self.mode_file = mode_file
        self.log = log

    def modes(self):
        """The default mode and the per-destination ones {packed addr: mode}."""
        try:
            with open(self.mode_file) as f:
                words = f.read().split()
        except OSError:
            words = []
        default = words[0] if words and "=" not in words[0] else "ok"
        per = {}
        for w in words:
            if "=" in w:
                addr, m = w.split("=", 1)
                fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
                per[socket.inet_pton(fam, addr)] = m
        return default, per

    def mode(self):
        """The default mode (the first word of the mode file)."""
        return self.modes()[0]

    def mode_for(self, dst, target):
        """The mode for an echo request to dst, or None: not ours to answer."""
        default, per = self.modes()
        if dst in per:
            return per[dst]
        return default if dst == target else None

    def send(self, pkt):
        os.write(self.fd, pkt)

    # ---- one answer path; the family supplies the packet shapes ---------
    def answer(self, f, m, seq, data, quote):
        """Modes both families share; f is what differs (see v4/v6)."""
        reply = f.reply
        if m == "ok":
            self.send(reply())
        elif m in ("dup", "dup2"):
            for _ in range(3 if m == "dup" else 2):
                self.send(reply())
        elif m in ("badsum", "badsum_dup"):
            good = reply()
            bad = bytearray(good)
            bad[f.csum_off] ^= 0x5A
            if m == "badsum_dup":
                self.send(good)
            self.send(bytes(bad))
        elif m == "trunc_icmp":
            self.send(reply(d=b""))
        elif m == "trunc_ip":
            self.send(f.bare_ip())
        elif m == "otherid":
            self.send(reply(sid=f.ident ^ 0x5555))
            self.send(reply())
        elif m == "othersrc":
            self.send(reply(frm=f.other))
        elif m.startswith("ts_"):
            self.send(reply(d=forge_ts(m, data)))
        elif m == "seqwrap":
            self.send(reply(sseq=65535))
            self.send(reply(sseq=0))
            self.send(reply())
        elif m == "unreach" or (m == "mixed" and seq % 2 == 0):
            self.send(f.error("unreach", quote))
        elif m == "mixed":
            self.send(reply())
        elif m == "timex":
            self.send(f.error("timex", quote))
        elif m == "redirect":
            self.send(f.redirect(quote))
            self.send(reply())
        elif m == "burst":
            f.burst(data)
            self.send(reply())
        elif m == "big":
            self.send(reply(d=data + bytes(range(256)) * 3 + bytes(232)))
        elif m == "huge":
            self.send(reply(d=data + bytes(8000)))
        elif m == "ipopts":
            self.send(f.with_options())
        elif m == "slow":
            time.sleep(0.025)
            self.send(reply())
        elif m == "corrupt":
            d = bytearray(data)
            if len(d) > 20:
                d[20] = 0
            self.send(reply(d=bytes(d)))
        elif m in ("rr", "rr_flap", "ts", "optforge"):
            self.send(f.options_reply(m))

    def echo_request(self, fam, ident, seq, m):
        self.log.write("v%d id=%d seq=%d mode=%s\n" % (fam, ident, seq, m))
        self.log.flush()
        return m

    # ---- IPv6 node information (RFC 4620) ------------------------------
    def node_info(self, src, icmp):
        if len(icmp) < 16:
            return
        code, qtype, flags = icmp[1], struct.unpack("!H", icmp[4:6])[0], icmp[6:8]
        nonce, subject = icmp[8:16], icmp[16:]
        m = self.mode()
        self.log.write("ni code=%d qtype=%d flags=%s nonce_seq=%d subject=%s mode=%s\n" % (
            code, qtype, flags.hex(), struct.unpack("!H", nonce[:2])[0], subject.hex(), m))
        self.log.flush()
        if m == "silent":
            return
        rcode, rqtype, rflags = 0, qtype, b"\0\0"
        ttl = struct.pack("!I", 0)
        if qtype == 2:
            if m == "ni_odd":
                # "a.b" (escaped dot), "sp ace", "x\x01y", then "other" and a
                # pointer to the first name's "hp.test" (offsets count from the TTL).
                data = ttl + b"\x03a.b\x06sp ace\x03x\x01y\x04peer\x02hp\x04test\x00"
                data += b"\x05other" + struct.pack("!H", 0xC000 | data.index(b"\x02hp"))
            else:
                data = ttl + b"\x04peer\x02hp\x04test\x00" + b"\x05alias\x00\x00"
        elif qtype == 3:
            data = b"".join(ttl + socket.inet_pton(socket.AF_INET6, a)
                            for a in ("fd00:66::2", "fe80::2"))
        elif qtype == 4:
            data = ttl + TARGET4
        else:
            rcode, data = 2, b""
        if m == "ni_odd" and qtype in (3, 4):
            rflags = b"\0\x01"
        if m == "ni_refused":
            rcode, data = 1, b""
        elif m == "ni_code":
            rcode, data = 5, b""
        elif m == "ni_trunc":
            data = data[:9] if qtype == 2 else data[:len(data) - 3]
        elif m == "ni_short":
            data = b""
        elif m == "ni_qtype":
            rqtype = 0x77

        elif m == "ni_loop":
            data = ttl + b"\xc0\x04"

        def reply(n=nonce, frm=TARGET6):
            body = icmp6(frm, src, 140, rcode, struct.pack("!H", rqtype) + rflags, n + data)
            return ip6(frm, src, body)
        if m == "ni_forge":
            nxt = struct.pack("!H", (struct.unpack("!H", nonce[:2])[0] + 1) & 0xFFFF)
            self.send(reply(nonce[:7] + bytes([nonce[7] ^ 1])))
            self.send(reply(nxt + nonce[2:]))
            self.send(reply(nonce[:2] + bytes(6), frm=OTHER6))
            self.send(ip6(TARGET6, src, icmp6(TARGET6, src, 129, 0, icmp[4:8], icmp[8:])))
            return
        if m == "ni_nonce":
            self.send(reply(nonce[:7] + bytes([nonce[7] ^ 0xFF])))
        self.send(reply())
        if m == "ni_dup":
            self.send(reply())

    # ---- IPv4 ---------------------------------------------------------
    def v4(self, pkt):
        if len(pkt) < 28 or pkt[9] != 1:
            return
        hl = (pkt[0] & 15) * 4
        src, dst = pkt[12:16], pkt[16:20]
        icmp = pkt[hl:]
        m = self.mode_for(dst, TARGET4)
        if m is None or icmp[0] != 8:
            return
        ident, seq = struct.unpack("!HH", icmp[4:8])
        data = icmp[8:]
        self.echo_request(4, ident, seq, m)

        def reply(sid=ident, sseq=seq, d=data, frm=dst, opts=b""):
            return ip4(frm, src, icmp4(0, 0, struct.pack("!HH", sid, sseq), d), opts=opts)

        def error(kind, quote):
            if kind == "timex":
                return ip4(ROUTER4, src, icmp4(11, 0, b"\0" * 4, quote))
            return ip4(TARGET4, src, icmp4(3, 1, b"\0" * 4, quote))

        def redirect(quote):
            gw = socket.inet_pton(socket.AF_INET, "10.66.0.7")
            return ip4(TARGET4, src, icmp4(5, 1, gw, quote))

        def with_options():
            # NOP, then record route (len 11, pointer 4: room for two), EOL pad.
            opts = b"\x01" + bytes([7, 11, 4]) + bytes(8)
            return reply(opts=opts + b"\x00" * (-len(opts) % 4))

        def options_reply(mode):
            return reply(opts=forge_opts4(mode, pkt[20:hl], seq))

        f = types.SimpleNamespace(
            reply=reply, error=error, redirect=redirect, with_options=with_options,
            options_reply=options_reply,
            bare_ip=lambda: ip4(TARGET4, src, b""), csum_off=hl + 2, other=OTHER4,
            ident=ident, burst=lambda d: self.burst4(src, ident, seq, d))
        self.answer(f, m, seq, data, pkt[:hl + 8 + min(len(data), 20)])

    def burst4(self, us, ident, seq, data):
        udp = ip4(us, OTHER4, struct.pack("!HHHH", 40000, 53, 8, 0), proto=17)
        other_probe = ip4(us, OTHER4, icmp4(8, 0, struct.pack("!HH", ident, seq), data))
        for i in range(20):
            k = i % 6
            if k == 0:      # an echo request to the host under test
                self.send(ip4(TARGET4, us, icmp4(8, 0, struct.pack("!HH", 0x7777, i), b"x" * 16)))
            elif k == 1:    # a reply for another ping
                self.send(ip4(TARGET4, us, icmp4(0, 0, struct.pack("!HH", ident ^ 0xFFFF, seq), data)))
            elif k == 2:    # unreachable about a UDP datagram
                self.send(ip4(TARGET4, us, icmp4(3, 3, b"\0" * 4, udp[:28])))
            elif k == 3:    # time exceeded about a probe to another host
                self.send(ip4(ROUTER4, us, icmp4(11, 0, b"\0" * 4, other_probe[:28])))
            elif k == 4:    # timestamp request
                self.send(ip4(TARGET4, us, icmp4(13, 0, struct.pack("!HH", 1, i), bytes(12))))
            else:           # an echo reply quoting nothing, with our sequence, from elsewhere, another id
                self.send(ip4(OTHER4, us, icmp4(0, 0, struct.pack("!HH", ident ^ 1, seq), b"")))

    # ---- IPv6 ---------------------------------------------------------
    def v6(self, pkt):
        if len(pkt) < 48:
            return
        nh, src, dst = pkt[6], pkt[8:24], pkt[24:40]
        icmp = pkt[40:]
        if nh == 58 and dst == TARGET6 and icmp[0] == 139:
            self.node_info(src, icmp)
            return
        m = self.mode_for(dst, TARGET6)
        if nh != 58 or m is None or icmp[0] != 128:
            return
        ident, seq = struct.unpack("!HH", icmp[4:8])
        data = icmp[8:]
        self.echo_request(6, ident, seq, m)

        def reply(sid=ident, sseq=seq, d=data, frm=dst, ext=b"", nh0=58):
            body = icmp6(frm, src, 129, 0, struct.pack("!HH", sid, sseq), d)
            return ip6(frm, src, body, nh=nh0, ext=ext)

        def error(kind, quote):
            frm, typ, code = (ROUTER6, 3, 0) if kind == "timex" else (TARGET6, 1, 3)
            return ip6(frm, src, icmp6(frm, src, typ, code, b"\0" * 4, quote))

        def redirect(quote):
            # NDISC redirect (137): target and destination, hop limit 255.
            tgt = socket.inet_pton(socket.AF_INET6, "fd00:66::7")
            body = icmp6(TARGET6, src, 137, 0, b"\0" * 4, tgt + TARGET6)
            return ip6(TARGET6, src, body, hlim=255)

        def with_options():
            # Hop-by-hop (PadN 4) then destination options (PadN 4), then ICMPv6.
            hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])
            dst_opts = bytes([58, 0, 1, 4, 0, 0, 0, 0])
            return reply(ext=hbh + dst_opts, nh0=0)

        f = types.SimpleNamespace(
            reply=reply, error=error, redirect=redirect, with_options=with_options,
            bare_ip=lambda: ip6(TARGET6, src, b""), csum_off=42, other=OTHER6,
            ident=ident, burst=lambda d: self.burst6(src, ident, seq, d))
        self.answer(f, m, seq, data, pkt[:40 + 8 + min(len(data), 40)])

    def burst6(self, us, ident, seq, data):
        other_probe = ip6(us, OTHER6, icmp6(us, OTHER6, 128, 0, struct.pack("!HH", ident, seq), data))
        udp = ip6(us, OTHER6, struct.pack("!HHHH", 40000, 53, 8, 0), nh=17)
        for i in range(20):
            k = i % 5
            if k == 0:
                self.send(ip6(TARGET6, us, icmp6(TARGET6, us, 128, 0, struct.pack("!HH", 0x7777, i), b"x" * 16)))
            elif k == 1:
                self.send(ip6(TARGET6, us, icmp6(TARGET6, us, 129, 0, struct.pack("!HH", ident ^ 0xFFFF, seq), data)))
            elif k == 2:
                self.send(ip6(TARGET6, us, icmp6(TARGET6, us, 1, 4, b"\0" * 4, udp)))
            elif k == 3:
                self.send(ip6(ROUTER6, us, icmp6(ROUTER6, us, 3, 0, b"\0" * 4, other_probe[:88])))
            else:
                self.send(ip6(OTHER6, us, icmp6(OTHER6, us, 129, 0, struct.pack("!HH", ident ^ 1, seq), b"")))

    def handle(self, pkt):
        if not pkt:
            return
        v = pkt[0] >> 4
        if v == 4:
            self.v4(pkt)
        elif v == 6:
            self.v6(pkt)


def find_opt(opts, kind):
    """The first IPv4 option of type kind in opts, or None."""
    i = 0
    while i < len(opts) and opts[i] != 0:
        if opts[i] == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            return None
        if opts[i] == kind:
            return opts[i:i + opts[i + 1]]
        i += opts[i + 1]
    return None


def pad4(o):
    return o + b"\0" * (-len(o) % 4)


def forge_opts4(mode, req_opts, seq):
    """Reply options for the rr/rr_flap/ts/optforge modes (deterministic bytes)."""
    u32 = lambda v: struct.pack("!I", v)
    if mode in ("rr", "rr_flap"):
        rr = find_opt(req_opts, 7)
        if rr is None:
            return b""
        hop = OTHER4 if mode == "rr_flap" and seq % 2 == 0 else ROUTER4
        body = hop + TARGET4
        # Two slots used; the receiving kernel records itself in the third.
        o = bytes([7, len(rr), 4 + len(body)]) + body
        return pad4(b"\x01" + o + bytes(len(rr) - len(o)))
    if mode == "ts":
        ts = find_opt(req_opts, 68)
        if ts is None:
            return b""
        flags = ts[3] & 0x0F
        if flags == 0:
            stamps = b"".join(u32(36000000 + 7 * i) for i in range(9))
        elif flags == 1:
            stamps = b"".join((ROUTER4 if i % 2 == 0 else TARGET4) + u32(36000000 + 3 * i)
                              for i in range(4))
        else:
            return b""
        # Pointer past the end: full, so the receiver only counts an overflow.
        o = bytes([68, 4 + len(stamps), 5 + len(stamps), flags]) + stamps
        return pad4(o)
    if mode == "optforge":
        k = seq % 3
        if k == 1:      # record route whose pointer claims far more than its length
            return pad4(bytes([7, 15, 200]) + ROUTER4 + TARGET4 + OTHER4)
        if k == 2:      # non-standard stamps (high bit), full, overflow 2 already
            return pad4(bytes([68, 16, 17, 0x20]) + u32(0x80000000 | 500)
                        + u32(0x80000000 | 520) + u32(600))
        # NOP, NOP, router alert, then an empty record route (the receiver fills it)
        return pad4(b"\x01\x01" + bytes([0x94, 4, 0, 0]) + bytes([7, 7, 4]) + bytes(4))
    return b""


def forge_ts(mode, data):
    """iputils puts a struct timeval (two 64-bit words here) first in the data."""
    if len(data) < 16:
        return data
    if mode == "ts_future":
        ts = struct.pack("=qq", 0x7FFFFFFFFFFFFFFF, 999999)
    elif mode == "ts_zero":
        ts = bytes(16)
    elif mode == "ts_past":
        ts = struct.pack("=qq", -0x7FFFFFFFFFFFFFFF, -1)
    else:
        ts = os.urandom(16)
    return ts + data[16:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tun", required=True)
    ap.add_argument("--mode-file", required=True)
    ap.add_argument("--ready", required=True, help="file created once attached")
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--lifetime", type=float, default=120)
    a = ap.parse_args()

    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", a.tun.encode(), IFF_TUN | IFF_NO_PI))
    open(a.ready, "w").close()
    end = time.monotonic() + a.lifetime
    with open(a.log, "a") as log:
        peer = Peer(fd, a.mode_file, log)
        while time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.5)
            if not r:
                continue
            try:
                peer.handle(os.read(fd, 65536))
            except OSError as e:
                log.write("error: %s\n" % e)
    return 0


if __name__ == "__main__":
    sys.exit(main())
