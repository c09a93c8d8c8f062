#!/usr/bin/env bash
# Wrong RTTs after a stall: a reply that arrives while rtping is
# stopped and is read seconds later keeps the RTT of its kernel receive stamp
# (SO_TIMESTAMPNS), however old the stamp is by then. B answers every echo
# 1 s late from a raw socket (its kernel's own echo answer is off), and
# rtping is stopped as soon as B has the echo, for 2.5 s: the reply arrives
# and waits meanwhile. B's marker files say when it got the echo and when
# the reply left, so the order holds however busy the machine.
. "$(dirname "$0")/lib.sh"
t_init
command -v python3 >/dev/null || { skip "python3 not installed"; exit 0; }

A=$(t_ns a) && B=$(t_ns b) || { fail "namespaces"; exit 1; }
T_NS+=("$A" "$B")
t_veth "$A" ta0 "$B" tb0 || { fail "veth"; exit 1; }
ip -n "$A" addr add 10.85.0.1/24 dev ta0
ip -n "$B" addr add 10.85.0.2/24 dev tb0
ip -n "$A" -6 addr add fd00:85::1/64 dev ta0 nodad
ip -n "$B" -6 addr add fd00:85::2/64 dev tb0 nodad
ip netns exec "$B" sysctl -qw net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1

# The slow peer: echo replies 1 s after each request, both families, 280 s
# at most (the script's own bound is 300 s). It touches DIR/ready once its
# sockets are open (a busy machine starts python slowly), DIR/got and
# DIR/sent when an echo comes and its reply leaves.
ip netns exec "$B" python3 -c '
import select, socket, struct, sys, time
mark = lambda name: open(sys.argv[1] + "/" + name, "w").close()
s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
mark("ready")
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
end = time.time() + 280
while time.time() < end:
    ready, _, _ = select.select([s4, s6], [], [], 0.5)
    for s in ready:
        pkt, peer = s.recvfrom(65535)
        if s is s4:
            icmp = bytearray(pkt[(pkt[0] & 15) * 4:])
            if icmp[0] != 8:
                continue
            icmp[0], icmp[2:4] = 0, b"\0\0"
            icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
        else:
            icmp = bytearray(pkt)   # the kernel fills in the ICMPv6 checksum
            if icmp[0] != 128:
                continue
            icmp[0] = 129
        mark("got")
        time.sleep(1.0)
        s.sendto(bytes(icmp), peer)
        mark("sent")
' "$T_TMP" &
T_PIDS+=("$!")
t_wait_for 60 test -e "$T_TMP/ready" || { fail "the slow peer did not start"; exit 1; }
# Warm the neighbour caches (and the peer) so the stall is the only delay.
for dst in 10.85.0.2 fd00:85::2; do ip netns exec "$A" ping -c 1 -W 3 "$dst" >/dev/null 2>&1; done

for dst in 10.85.0.2 fd00:85::2; do
	v=v4; [ "$dst" = fd00:85::2 ] && v=v6
	rm -f "$T_TMP/got" "$T_TMP/sent"
	ip netns exec "$A" "$RTPING" -c 1 -W 30 "$dst" >"$T_TMP/o" 2>"$T_TMP/e" &
	pid=$!
	T_PIDS+=("$pid")
	t_wait_for 20 test -e "$T_TMP/got"
	kill -STOP "$pid"
	early=no; [ -e "$T_TMP/sent" ] && early=yes
	t_wait_for 20 test -e "$T_TMP/sent"
	sleep 1.5   # the stall goes on with the reply in the socket
	kill -CONT "$pid"
	t_wait_for 30 eval '! kill -0 "$pid" 2>/dev/null'
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"; rc=$?
	t_reap "$pid"
	out=$(cat "$T_TMP/o")
	check_eq "$v stall: rtping stopped before the reply left" no "$early"
	check_rc "$v stall: exit 0" 0 "$rc" "$(cat "$T_TMP/e")"
	rtt=$(printf '%s\n' "$out" | sed -n 's/.*icmp_seq=1 .*time=\([0-9.]*\) ms.*/\1/p')
	check_eq "$v stall: the reply's RTT is its 1 s, not the 2.5 s stall (time=${rtt:-none} ms)" yes \
		"$(awk -v t="${rtt:-0}" 'BEGIN { print (t >= 950 && t < 2000) ? "yes" : "no" }')"
done
t_done
