#!/usr/bin/env bash
# Wrong RTTs after a stall (issue 10): a reply that arrives while rtping is
# stopped and is read 1.5 s later keeps the RTT of its kernel receive stamp
# (SO_TIMESTAMPNS), however old the stamp is by then. B answers every echo
# 0.5 s late from a raw socket (its kernel's own echo answer is off), and
# rtping is stopped from before the reply arrives until 2 s into the run.
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

# The slow peer: echo replies 0.5 s after each request, both families, 60 s at most.
ip netns exec "$B" python3 -c '
import select, socket, struct, time
s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
end = time.time() + 60
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
        time.sleep(0.5)
        s.sendto(bytes(icmp), peer)
' &
T_PIDS+=("$!")
# Warm the neighbour caches (and the peer) so the stall is the only delay.
for dst in 10.85.0.2 fd00:85::2; do ip netns exec "$A" ping -c 1 -W 3 "$dst" >/dev/null 2>&1; done

for dst in 10.85.0.2 fd00:85::2; do
	v=v4; [ "$dst" = fd00:85::2 ] && v=v6
	ip netns exec "$A" "$RTPING" -c 1 -W 5 "$dst" >"$T_TMP/o" 2>"$T_TMP/e" &
	pid=$!
	T_PIDS+=("$pid")
	for _ in $(seq 100); do grep -q '^PING ' "$T_TMP/o" 2>/dev/null && break; sleep 0.01; done
	sleep 0.15
	kill -STOP "$pid"
	sleep 1.85
	kill -CONT "$pid"
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"; rc=$?
	t_reap "$pid"
	out=$(cat "$T_TMP/o")
	check_rc "$v stall: exit 0" 0 "$rc" "$(cat "$T_TMP/e")"
	rtt=$(printf '%s\n' "$out" | sed -n 's/.*icmp_seq=1 .*time=\([0-9.]*\) ms.*/\1/p')
	check_eq "$v stall: the reply's RTT is its 0.5 s, not the 2 s stall (time=${rtt:-none} ms)" yes \
		"$(awk -v t="${rtt:-0}" 'BEGIN { print (t >= 450 && t < 1000) ? "yes" : "no" }')"
done
t_done
