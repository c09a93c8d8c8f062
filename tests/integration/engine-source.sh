#!/usr/bin/env bash
# ICMP engine and the route module: in the divergence topology
# (the divergence of route-divergence.sh) the UDP probe answers 10.9.0.11 but the
# echo leaves from 10.9.0.12. -B must bind the netlink answer (not the
# probe's, iputils' defect), -v must show it in the header, and the
# divergence warning must stay off stdout.
. "$(dirname "$0")/lib.sh"
t_init

t_two_sources dva dvb || { fail "build the two-source topology"; exit 1; }
ip -n "$A" rule add ipproto udp table 100 pref 100

# wire NAME ARGS...: runs rtping, returns the echo's source on the wire.
wire() {
	local name=$1 src; shift
	capture_start "$B" dvb "icmp[icmptype] == icmp-echo" || { fail "$name: tcpdump did not start"; return; }
	ip netns exec "$A" timeout 10 "$RTPING" "$@" >"$T_TMP/o" 2>"$T_TMP/e"
	T_RC=$?
	src=$(capture_wait)
	check_eq "$name: echo leaves from the netlink source" 10.9.0.12 "$src"
	check_eq "$name: exit 0" 0 "$T_RC"
}

wire "default" -c 1 10.99.1.1
check_eq "default: header unchanged" "PING 10.99.1.1 (10.99.1.1) 56(84) bytes of data." "$(head -n 1 "$T_TMP/o")"
check_eq "default: stdout has only ping lines" "" \
	"$(grep -v -e '^PING ' -e 'bytes from' -e '^$' -e 'statistics' -e 'transmitted' -e '^rtt' "$T_TMP/o")"
wire "-B" -B -c 1 10.99.1.1
# -B binds the socket itself: the raw socket's local address shows it,
# looked at after the first reply (bound by then, if ever) while the run
# waits 2 s for its second probe.
ip netns exec "$A" timeout 10 "$RTPING" -B -c 2 -i 2 10.99.1.1 >"$T_TMP/b" 2>&1 & pid=$!
T_PIDS+=("$pid")
t_wait_for 10 t_lines 1 "$T_TMP/b" '^64 bytes from '
check_match "-B: socket bound to the netlink source" '10\.9\.0\.12:1 ' "$(ip netns exec "$A" ss -w -a -n)"
wait "$pid"
ip netns exec "$A" timeout 10 "$RTPING" -c 2 -i 2 10.99.1.1 >"$T_TMP/b" 2>&1 & pid=$!
T_PIDS+=("$pid")
t_wait_for 10 t_lines 1 "$T_TMP/b" '^64 bytes from '
check_match "without -B: socket unbound" '0\.0\.0\.0:1 ' "$(ip netns exec "$A" ss -w -a -n)"
wait "$pid"
wire "-v" -v -c 1 10.99.1.1
check_eq "-v: header shows the route decision" \
	"PING 10.99.1.1 (10.99.1.1) from 10.9.0.12 dva: 56(84) bytes of data." "$(head -n 1 "$T_TMP/o")"

t_done
