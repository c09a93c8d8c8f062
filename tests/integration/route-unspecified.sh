#!/usr/bin/env bash
# The unspecified destinations: the kernel sends an echo for 0.0.0.0 to
# 127.0.0.1 (or to the bound source, or the bound device's address) and one
# for :: to ::1, whatever the routing table says ("connect to self"). rtping
# must route, explain and ping them there, as iputils does, in a namespace
# with only lo (L) and in one with default routes via a veth peer (A -- B).
# The captures prove where the echo went, and that none left through the veth.
. "$(dirname "$0")/lib.sh"
t_init
command -v ping >/dev/null || { skip "iputils ping not installed"; exit 0; }

L=$(t_ns l) && A=$(t_ns a) && B=$(t_ns b) || { fail "create namespaces"; exit 1; }
t_veth "$A" va0 "$B" vb0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.9.0.11/24 dev va0
ip -n "$B" addr add 10.9.0.1/24 dev vb0
ip -n "$A" -6 addr add fd00:9::11/64 dev va0 nodad
ip -n "$B" -6 addr add fd00:9::1/64 dev vb0 nodad
ip -n "$A" route add default via 10.9.0.1
ip -n "$A" -6 route add default via fd00:9::1
V4='icmp[icmptype] == icmp-echo' V6='icmp6 and ip6[40] == 128'

# Times vary; iputils before 20250605 printed "PING host(addr)" for IPv6.
mask() {
	sed -E -e 's/time=[0-9.]+ ms/time=T ms/' -e 's/time [0-9]+ms/time Tms/' \
		-e 's#(rtt min/avg/max/mdev = )[0-9./]+ ms#\1T ms#' -e 's/^PING ([^ (]+)\(/PING \1 (/'
}

# golden NS NAME ARGS...: t_golden (GOLDEN_FROM=2: after the header).
golden() { t_golden "$@"; }

# on_lo NS NAME FILTER WANT ARGS...: the echo rtping sends goes WANT > WANT on lo.
on_lo() {
	local ns=$1 name=$2 filt=$3 want=$4; shift 4
	t_wire "$ns" lo "$filt" "$ns" "$RTPING" "$@"
	check_rc "$name: exit" 0 "$W_RC" "$W_ERR"
	check_eq "$name: stderr empty (no divergence warning)" "" "$W_ERR"
	check_eq "$name: echo on lo, from" "$want" "$W_SRC"
	check_match "$name: echo on lo, to" " > $want: ICMP6?,? echo request" "$(cat "$T_CAP")"
}

# not_on_veth NAME FILTER ARGS...: rtping in A; no echo request reaches B.
not_on_veth() {
	local name=$1 filt=$2; shift 2
	t_wire "$B" vb0 "$filt" "$A" "$RTPING" "$@"
	check_rc "$name: exit" 0 "$W_RC" "$W_ERR"
	check_eq "$name: no echo request through the default route" "" "$W_SRC"
}

# explain NS NAME DEST WANT: explain reports WANT on lo and agrees with the probe.
explain() {
	local ns=$1 name=$2 dst=$3 want=$4
	t_run "$ns" "$RTPING" --explain-route "$dst"
	check_rc "$name: explain exit (agree)" 0 "$T_RC" "$T_ERR"
	check_eq "$name: explain destination" "$dst ($want)" "$(t_field destination)"
	check_eq "$name: explain source" "$want" "$(t_field source)"
	check_eq "$name: explain device" "lo (ifindex 1)" "$(t_field device)"
	check_match "$name: explain udp probe" "^$want \\(" "$(t_field 'udp probe')"
	check_eq "$name: explain agree" yes "$(t_field agree)"
	check_eq "$name: no bound-device wording (nothing bound)" "" "$(grep -i 'bound' <<<"$T_OUT")"
	t_run "$ns" "$RTPING" --explain-route --json "$dst"
	check_eq "$name: json netlink/probe source, agree" "$want $want true" \
		"$(t_jq '"\(.netlink.source) \(.udp_probe.source) \(.agree)"')"
}

# --- Only lo: no route but the local ones. ---
golden "$L" "lo only: ping 0.0.0.0" -c 1 0.0.0.0
check_eq "lo only: ping 0.0.0.0 header" "PING 0.0.0.0 (127.0.0.1) 56(84) bytes of data." \
	"$(head -n 1 "$T_TMP/r.out")"
check_eq "lo only: ping 0.0.0.0 not flagged" "" "$(grep 'DIFFERENT ADDRESS' "$T_TMP/r.out")"
on_lo "$L" "lo only: ping 0.0.0.0 on the wire" "$V4" 127.0.0.1 -c 1 0.0.0.0
explain "$L" "lo only: 0.0.0.0" 0.0.0.0 127.0.0.1

# golden_self NS NAME ARGS...: as iputils but the header, where iputils keeps
# "(::)" (it leaves the address to the kernel) and rtping, as iputils does
# for 0.0.0.0, names where the echo goes.
golden_self() {
	local ns=$1 name=$2; shift 2
	GOLDEN_FROM=2 golden "$ns" "$name" "$@"
	check_eq "$name: header" "PING :: (::1) 56 data bytes" "$(head -n 1 "$T_TMP/r.out")"
	check_match "$name: reply from ::1, not flagged" \
		'^64 bytes from ::1: icmp_seq=1 ttl=64 time=[0-9.]+ ms$' "$(cat "$T_TMP/r.out")"
}

# Was: "rtping: connect: Network is unreachable", exit 2.
golden_self "$L" "lo only: ping ::" -c 1 ::
on_lo "$L" "lo only: ping :: on the wire" "$V6" ::1 -c 1 ::
explain "$L" "lo only: ::" :: ::1

# --- Default routes through va0: still this host, nothing on the veth. ---
explain "$A" "default route: 0.0.0.0" 0.0.0.0 127.0.0.1
explain "$A" "default route: ::" :: ::1
golden "$A" "default route: ping 0.0.0.0" -c 1 0.0.0.0
on_lo "$A" "default route: ping 0.0.0.0 on the wire" "$V4" 127.0.0.1 -c 1 0.0.0.0
not_on_veth "default route: ping 0.0.0.0" "$V4" -c 1 0.0.0.0
# -n: with a default route, the reverse lookup of ::1 would wait for DNS.
golden_self "$A" "default route: ping -n ::" -n -c 1 ::
on_lo "$A" "default route: ping :: on the wire" "$V6" ::1 -n -c 1 ::
not_on_veth "default route: ping ::" "$V6" -n -c 1 ::

# IPv4 sends 0.0.0.0 to the flow's source: the bound address or the bound
# device's (ip_route_output_key_hash_rcu()); iputils pings its probe's source.
golden "$A" "ping -I 10.9.0.11 0.0.0.0" -c 1 -I 10.9.0.11 0.0.0.0
on_lo "$A" "ping -I 10.9.0.11 0.0.0.0 on the wire" "$V4" 10.9.0.11 -c 1 -I 10.9.0.11 0.0.0.0
golden "$A" "ping -I va0 0.0.0.0" -c 1 -I va0 0.0.0.0
on_lo "$A" "ping -I va0 0.0.0.0 on the wire" "$V4" 10.9.0.11 -c 1 -I va0 0.0.0.0

# --json: the start event carries the --explain-route object, without -v.
t_run "$A" "$RTPING" --json -n -c 1 ::
check_rc "json ping ::: exit" 0 "$T_RC" "$T_ERR"
start=$(head -n 1 <<<"$T_OUT")
check_eq "json ping ::: start host, addr, source, device" ":: ::1 ::1 lo" \
	"$(t_jq '"\(.host) \(.addr) \(.source) \(.device)"' "$start")"
check_eq "json ping ::: route decision fields" \
	"string string null number string boolean array boolean" \
	"$(t_jq '.route | [.netlink.source, .netlink.device, .netlink.gateway, .netlink.table,
		.netlink.type, .agree, .reasons, .hash_dependent] | map(type) | join(" ")' "$start")"
t_run "$A" "$RTPING" --explain-route --json ::
check_eq "json ping ::: start .route is the --explain-route object" \
	"$(t_jq -c 'del(.udp_probe.sport)')" "$(t_jq -c '.route | del(.udp_probe.sport)' "$start")"
t_done
