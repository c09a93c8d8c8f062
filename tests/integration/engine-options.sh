#!/usr/bin/env bash
# Options iputils accepts or handles that rtping refused or mishandled:
# -W 0 waits for ever; -I ADDR%IFACE and -I IFACE -I ADDR keep
# device and source; -b warns, and never fragments; -t 0 on IPv6; -f -A;
# -p ''; "cannot" wording. Each compared with /usr/bin/ping where it can be.
# Topology: A 10.94.0.1 fd94::1 fe80::a1 -- B 10.94.0.2 fd94::2 fe80::b1,
# plus 10.95.0.0/24 via B, dropped there (no reply, no error).
. "$(dirname "$0")/lib.sh"
t_init
command -v ping >/dev/null || { skip "iputils ping not installed"; exit 0; }

A=$(t_ns a) && B=$(t_ns b) || { fail "create namespaces"; exit 1; }
t_veth "$A" a0 "$B" b0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.94.0.1/24 dev a0
ip -n "$B" addr add 10.94.0.2/24 dev b0
ip -n "$A" -6 addr add fd94::1/64 dev a0 nodad
ip -n "$B" -6 addr add fd94::2/64 dev b0 nodad
ip -n "$A" -6 addr add fe80::a1/64 dev a0 nodad
ip -n "$B" -6 addr add fe80::b1/64 dev b0 nodad
ip -n "$A" route add 10.95.0.0/24 via 10.94.0.2
ip -n "$B" route add blackhole 10.95.0.0/24
ip netns exec "$B" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
ip netns exec "$A" ping -c 1 -W 2 10.94.0.2 >/dev/null 2>&1

# both ARGS...: rtping and iputils in A; sets R_RC R_OUT R_ERR, I_RC I_OUT I_ERR.
both() {
	t_run "$A" "$RTPING" "$@"; R_RC=$T_RC R_OUT=$T_OUT R_ERR=$T_ERR
	t_run "$A" ping "$@"; I_RC=$T_RC I_OUT=$T_OUT I_ERR=$T_ERR
}
# from_part TEXT: the "from SRC DEV:" of a header (v6 spacing differs by release).
from_part() { printf '%s\n' "$1" | sed -n 's/^PING .* \(from .*:\) .*/\1/p' | head -n 1; }
received() { printf '%s\n' "$1" | sed -n 's/.* transmitted, \([0-9]*\) received.*/\1/p'; }

# ---- -W 0: the linger after the last probe never ends (iputils' zero timer) ----
for prog in "$RTPING" ping; do
	ip netns exec "$A" "$prog" -c 1 -W 0 10.95.0.1 >"$T_TMP/o" 2>&1 & pid=$!
	T_PIDS+=("$pid")
	# From the header on, SIGINT is handled; 1.5 s more is "still waiting"
	# (a lower bound: a busy machine can only make it later).
	t_wait_for 10 t_lines 1 "$T_TMP/o" '^PING '
	sleep 1.5
	alive=no; kill -0 "$pid" 2>/dev/null && alive=yes
	kill -INT "$pid" 2>/dev/null
	t_wait_for 10 eval '! kill -0 "$pid" 2>/dev/null'
	wait "$pid"; rc=$?
	t_reap "$pid"
	check_eq "$(basename "$prog") -W 0, no reply: still waiting at 1.5 s, SIGINT ends it with exit 1" \
		"yes 1 0" "$alive $rc $(received "$(cat "$T_TMP/o")")"
done
t_run "$A" "$RTPING" -c 2 -i 0.2 -W 0 10.94.0.2
check_eq "-W 0 with replies: ends by itself, exit 0" "0 2" "$T_RC $(received "$T_OUT")"

# ---- -I ADDR%IFACE: source and device from one argument ----
both -c 1 -I fe80::a1%a0 fe80::b1%a0
check_eq "-I fe80::a1%a0 to fe80::b1%a0: exit 0 as iputils" "0 0" "$R_RC $I_RC"
check_eq "-I fe80::a1%a0: header 'from' as iputils" "$(from_part "$I_OUT")" "$(from_part "$R_OUT")"
check_eq "-I fe80::a1%a0: header says 'from fe80::a1%a0 a0:'" "from fe80::a1%a0 a0:" "$(from_part "$R_OUT")"
both -c 1 -I fe80::a1%a0 fd94::2
check_eq "-I fe80::a1%a0 to fd94::2 (link-local source, global target): exit 0 as iputils" \
	"0 0" "$R_RC $I_RC"
t_wire "$B" b0 "icmp6 and ip6[40] == 128" "$A" "$RTPING" -c 1 -I fe80::a1%a0 fd94::2
check_eq "-I fe80::a1%a0 to fd94::2: leaves from fe80::a1" "fe80::a1" "$W_SRC"
both -c 1 -I zz::1%a0 fd94::2
check_eq "-I zz::1%a0: exit 2 as iputils" "2 2" "$R_RC $I_RC"
check_eq "-I zz::1%a0: iputils' words" "${I_ERR#ping: }" "${R_ERR#rtping: }"

# ---- -I IFACE -I ADDR, either order: SO_BINDTODEVICE and bind() ----
for order in "-I a0 -I 10.94.0.1" "-I 10.94.0.1 -I a0"; do
	# shellcheck disable=SC2086
	both -c 1 $order 10.94.0.2
	check_eq "$order: header line as iputils" "$(printf '%s\n' "$I_OUT" | head -n 1)" \
		"$(printf '%s\n' "$R_OUT" | head -n 1)"
	check_eq "$order: header says 'from 10.94.0.1 a0:'" "from 10.94.0.1 a0:" "$(from_part "$R_OUT")"
	check_eq "$order: exit 0" 0 "$R_RC"
done
# Bound to lo with a source on a0: the device binding is really there, no reply.
for order in "-I lo -I 10.94.0.1" "-I 10.94.0.1 -I lo"; do
	# shellcheck disable=SC2086
	both -c 1 -W 1 $order 10.94.0.2
	check_eq "$order: SO_BINDTODEVICE kept, 100% loss, exit 1 as iputils" \
		"1 1 0" "$R_RC $I_RC $(received "$R_OUT")"
done
t_run "$A" "$RTPING" --explain-route -I 10.94.0.1 -I a0 10.94.0.2
check_match "explain -I 10.94.0.1 -I a0: the flow keeps the device" ' oif a0$' "$(t_field flow)"

# ---- -b: the warning, and don't-fragment ----
both -b -c 2 -i 0.2 10.94.0.255
check_eq "-b to the broadcast address: exit 0 as iputils" "0 0" "$R_RC $I_RC"
check_eq "-b: stderr is iputils' warning" "$I_ERR" "$R_ERR"
check_eq "-b: the warning is 'WARNING: pinging broadcast address'" \
	"WARNING: pinging broadcast address" "$R_ERR"
t_run "$A" sh -c "$RTPING -b -c 1 10.94.0.255 2>&1"
check_eq "-b: the warning comes before the header" "WARNING: pinging broadcast address" \
	"$(printf '%s\n' "$T_OUT" | head -n 1)"
both -c 1 10.94.0.2 -b
check_eq "-b to a unicast address: no warning, as iputils" "|" "$R_ERR|$I_ERR"
for dst in 10.94.0.255 10.94.0.2; do
	both -b -c 1 -s 2000 "$dst"
	# 20221126 says the queued "local error: message too long, mtu=1500";
	# rtping follows 20250605, the send's own error (golden arb-M-do-mtu).
	check_eq "-b -s 2000 to $dst: not fragmented, iputils 20250605's send error and exit 1" \
		"1 rtping: sendmsg: Message too long" \
		"$R_RC $(printf '%s\n' "$R_ERR" | grep -v '^WARNING' | sort -u)"
	check_eq "-b -s 2000 to $dst: exit status as iputils" "$I_RC" "$R_RC"
done
both -c 1 -s 2000 10.94.0.2
check_eq "-s 2000 without -b: fragmented, a reply (exit 0)" "0 0" "$R_RC $I_RC"

# ---- -t 0: IPv6 takes hop limit 0; the kernel refuses an IPv4 TTL of 0 ----
both -6 -t 0 -c 1 -W 1 fd94::2
check_eq "-6 -t 0: accepted, exit as iputils" "$I_RC" "$R_RC"
check_eq "-6 -t 0: nothing on stderr" "" "$R_ERR"
both -4 -t 0 -c 1 10.94.0.2
check_eq "-4 -t 0: exit 2 as iputils" "2 2" "$R_RC $I_RC"
check_eq "-4 -t 0: iputils' words ('cannot set unicast time-to-live')" \
	"${I_ERR#ping: }" "${R_ERR#rtping: }"

# ---- -f -A: a flood with an adaptive interval, as iputils ----
both -f -A -c 20 10.94.0.2
check_eq "-f -A -c 20: exit 0 and 20 received, as iputils" "0 20 0 20" \
	"$R_RC $(received "$R_OUT") $I_RC $(received "$I_OUT")"

# ---- -p '': "PATTERN: 0x" and zero bytes on the wire ----
both -p '' -c 1 10.94.0.2
check_eq "-p '': exit 0 and 'PATTERN: 0x' first, as iputils" \
	"0 $(printf '%s\n' "$I_OUT" | head -n 1)" "$R_RC $(printf '%s\n' "$R_OUT" | head -n 1)"
# payload P ARGS...: the data bytes of the echo request rtping sends (hex).
payload() {
	ip netns exec "$B" timeout 30 tcpdump -l -n -p -x -i b0 -c 1 'icmp[0] == 8' \
		>"$T_TMP/x" 2>"$T_TMP/x.err" & local p=$!
	T_PIDS+=("$p")
	t_wait_for 20 t_lines 1 "$T_TMP/x.err" "listening on"
	ip netns exec "$A" timeout 10 "$RTPING" -c 1 -s 12 "$@" 10.94.0.2 >/dev/null 2>&1
	t_reap "$p"
	# 20 IP + 8 ICMP bytes, then the data.
	sed -n 's/^[[:space:]]*0x[0-9a-f]*:[[:space:]]*//p' "$T_TMP/x" | tr -d ' \n' | cut -c57-
}
check_eq "-p '': the data is zero bytes" "000000000000000000000000" "$(payload -p '')"
check_eq "no -p: the data is 0, 1, 2..." "000102030405060708090a0b" "$(payload)"
t_done
