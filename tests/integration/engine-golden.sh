#!/usr/bin/env bash
# ICMP engine, golden output: rtping and iputils ping run side by side in
# the same namespace, stdout compared line by line with the times masked.
# Topology: A (client) -- R (router, forwarding) -- B (target)
#   A 10.77.0.1/24 fd77::1/64      R 10.77.0.254 fd77::fe | 10.78.0.254 fd78::fe
#   B 10.78.0.2/24 fd78::2/64      R drops 10.79.0.0/24 and fd79::/64 (blackhole)
# tests/run: start first (one of the longest)
. "$(dirname "$0")/lib.sh"
t_init
command -v ping >/dev/null || { skip "iputils ping not installed"; exit 0; }

A=$(t_ns a) && R=$(t_ns r) && B=$(t_ns b) || { fail "create namespaces"; exit 1; }
t_veth "$A" a0 "$R" r0 && t_veth "$R" r1 "$B" b0 || { fail "create veth pairs"; exit 1; }
ip -n "$A" addr add 10.77.0.1/24 dev a0
ip -n "$R" addr add 10.77.0.254/24 dev r0
ip -n "$R" addr add 10.78.0.254/24 dev r1
ip -n "$B" addr add 10.78.0.2/24 dev b0
ip -n "$A" -6 addr add fd77::1/64 dev a0 nodad
ip -n "$R" -6 addr add fd77::fe/64 dev r0 nodad
ip -n "$R" -6 addr add fd78::fe/64 dev r1 nodad
ip -n "$B" -6 addr add fd78::2/64 dev b0 nodad
ip -n "$R" -6 addr add fe80::fe/64 dev r0 nodad
for n in 10.78.0.0/24 10.79.0.0/24; do ip -n "$A" route add "$n" via 10.77.0.254; done
for n in fd78::/64 fd79::/64; do ip -n "$A" -6 route add "$n" via fd77::fe; done
ip -n "$B" route add default via 10.78.0.254
ip -n "$B" -6 route add default via fd78::fe
ip -n "$R" route add blackhole 10.79.0.0/24
ip -n "$R" -6 route add blackhole fd79::/64
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
# Unanswered neighbour solicitations give up after one 200 ms probe.
ip netns exec "$A" sysctl -qw net.ipv4.neigh.a0.mcast_solicit=1 \
	net.ipv4.neigh.a0.retrans_time_ms=200 net.ipv6.neigh.a0.mcast_solicit=1 \
	net.ipv6.neigh.a0.retrans_time_ms=200
# Warm the neighbour caches so the first echo is not delayed.
ip netns exec "$A" ping -c 1 -W 2 10.78.0.2 >/dev/null 2>&1
ip netns exec "$A" ping -c 1 -W 2 fd78::2 >/dev/null 2>&1

# Times and wall-clock stamps vary; iputils before 20250605 printed the
# IPv6 header as "PING host(addr)", 20250605 and rtping as "PING host (addr)".
mask() {
	sed -E -e 's/time=[0-9.]+ ms/time=T ms/' -e 's/time [0-9]+ms/time Tms/' \
		-e 's#(rtt min/avg/max/mdev = )[0-9./]+ ms#\1T ms#' \
		-e 's/^\[[0-9]+\.[0-9]{6}\] /[TS] /' \
		-e 's/^PING ([^ (]+)\(/PING \1 (/'
}

# golden NAME ARGS...: t_golden in A.
golden() { t_golden "$A" "$@"; }

# ENGINE_SHOW=1: print both outputs instead of comparing (for debugging).
[ -n "${ENGINE_SHOW:-}" ] && golden() { shift; ip netns exec "$A" timeout 15 "$RTPING" "$@"; echo "rc=$?"; ip netns exec "$A" timeout 15 ping "$@"; echo "rc=$?"; }
golden "replies -c" -c 3 -i 0.2 10.78.0.2
golden "-B: the header names the bound source" -B -c 2 -i 0.2 10.78.0.2
golden "-B IPv6: the header names the bound source" -B -c 2 -i 0.2 fd78::2
golden "-I lo: the source is not the device's (warning)" -I lo -c 1 -W 1 10.78.0.2
golden "deadline with count" -c 2 -w 3 -i 0.2 10.78.0.2
golden "deadline, no reply" -w 1 -i 0.6 10.79.0.1
golden "-W linger, no reply" -c 1 -W 1 10.79.0.1
golden "quiet" -q -c 3 -i 0.2 10.78.0.2
golden "-D timestamps" -D -c 2 -i 0.2 10.78.0.2
golden "-O outstanding" -O -c 3 -i 0.3 -W 1 10.79.0.1
golden "-s 0" -s 0 -c 2 -i 0.2 10.78.0.2
golden "-s 1400" -s 1400 -c 2 -i 0.2 10.78.0.2
golden "-t 1 time exceeded" -t 1 -c 2 -i 0.2 10.78.0.2
golden "unreachable neighbour" -c 1 10.77.0.9
golden "IPv6 replies" -c 3 -i 0.2 fd78::2
golden "IPv6 -t 1 hop limit" -t 1 -c 2 -i 0.2 fd78::2
golden "IPv6 unreachable neighbour" -c 1 fd77::9
golden "IPv6 link-local with scope" -c 2 -i 0.2 fe80::fe%a0
golden "IPv6 -s 0 quiet" -s 0 -q -c 2 -i 0.2 fd78::2
golden "-p pattern" -p ff00a5 -c 2 -i 0.2 10.78.0.2
golden "-a audible, -n" -a -n -c 2 -i 0.2 10.78.0.2
golden "-U user latency" -U -c 2 -i 0.2 10.78.0.2
golden "-I device header" -I a0 -c 2 -i 0.2 10.78.0.2
golden "-I address header" -I 10.77.0.1 -c 2 -i 0.2 10.78.0.2

# -v differs on purpose: the header shows the route module's decision.
out=$(ip netns exec "$A" timeout 10 "$RTPING" -v -c 1 10.78.0.2)
check_eq "-v header shows source and device" \
	"PING 10.78.0.2 (10.78.0.2) from 10.77.0.1 a0: 56(84) bytes of data." "$(head -n 1 <<<"$out")"
check_match "-v reply shows the raw socket's ident" '^64 bytes from 10.78.0.2: icmp_seq=1 ident=[0-9]+ ttl=63 time=' "$out"

# The same through ICMP datagram sockets: open ping_group_range in A only
# (per-namespace sysctl); root gets a datagram socket instead of a raw one.
ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
golden "dgram: replies" -c 2 -i 0.2 10.78.0.2
golden "dgram: -t 1 time exceeded" -t 1 -c 2 -i 0.2 10.78.0.2
golden "dgram: unreachable neighbour" -c 1 10.77.0.9
golden "dgram: IPv6 replies" -c 2 -i 0.2 fd78::2
golden "dgram: IPv6 -t 1 hop limit" -t 1 -c 2 -i 0.2 fd78::2

t_done
