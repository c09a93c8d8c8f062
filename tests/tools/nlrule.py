#!/usr/bin/env python3
"""Adds a policy rule over rtnetlink, for selectors older iproute2 lacks.

Usage: nlrule.py 4|6 PREF prohibit|unreachable|blackhole dscp N

Run inside a test namespace. Exit 0 when the kernel took the rule, 1 when it
refused it (a kernel before Linux 6.13 has no FRA_DSCP), 2 on bad usage.
Python 3 standard library only.
"""
import socket
import struct
import sys

RTM_NEWRULE = 32
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLMSG_ERROR = 2
ACTIONS = {"blackhole": 6, "unreachable": 7, "prohibit": 8}
FRA_PRIORITY = 6
FRA_DSCP = 25   # after FRA_DPORT_RANGE (24), Linux 6.13


def attr(kind, data):
    size = 4 + len(data)
    return struct.pack("HH", size, kind) + data + b"\0" * (-size % 4)


def main(argv):
    if len(argv) != 6 or argv[1] not in ("4", "6") or argv[3] not in ACTIONS \
            or argv[4] != "dscp":
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    fam = socket.AF_INET if argv[1] == "4" else socket.AF_INET6
    # struct fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action, flags
    body = struct.pack("BBBBBBBBI", fam, 0, 0, 0, 0, 0, 0, ACTIONS[argv[3]], 0)
    body += attr(FRA_PRIORITY, struct.pack("I", int(argv[2])))
    body += attr(FRA_DSCP, struct.pack("B", int(argv[5])))
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    msg = struct.pack("IHHII", 16 + len(body), RTM_NEWRULE, flags, 1, 0) + body
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as s:
        s.settimeout(5)
        s.send(msg)
        reply = s.recv(65536)
    kind = struct.unpack("H", reply[4:6])[0]
    err = struct.unpack("i", reply[16:20])[0] if kind == NLMSG_ERROR else -1
    return 0 if err == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
