#!/usr/bin/env bash
# Route module, -I IFACE between two interfaces: 10.99.0.0/16 is reachable
# via va0 (metric 10, preferred) and via va1 (metric 20). -I va1 must pick
# va1, its gateway and source; then a rule "oif va1 → table 100" (src
# 10.9.2.3) must be honoured for the bound echo only. The echo must arrive
# on the peer of the interface explain names, with the source it names.
. "$(dirname "$0")/lib.sh"
t_init

t_ns a >/dev/null && t_ns b >/dev/null || { fail "create namespaces"; exit 1; }
A=$T_ID-a B=$T_ID-b
t_veth "$A" va0 "$B" vb0 && t_veth "$A" va1 "$B" vb1 || { fail "create veth pairs"; exit 1; }
ip -n "$A" addr add 10.9.1.2/24 dev va0
ip -n "$A" addr add 10.9.2.2/24 dev va1
ip -n "$A" addr add 10.9.2.3/24 dev va1
ip -n "$B" addr add 10.9.1.1/24 dev vb0
ip -n "$B" addr add 10.9.2.1/24 dev vb1
ip -n "$B" addr add 10.99.1.1/32 dev lo
ip -n "$A" route add 10.99.0.0/16 via 10.9.1.1 dev va0 metric 10
ip -n "$A" route add 10.99.0.0/16 via 10.9.2.1 dev va1 metric 20
FILT='icmp[icmptype] == 8'
IFX1=$(ip -n "$A" -j link show va1 | jq -r '.[0].ifindex')

# oif WHAT IFACE(or -) WANT_DEV WANT_SRC WANT_GW WANT_TABLE
oif() {
	local what=$1 i=$2 dev=$3 want=$4 gw=$5 table=$6 src opt=() get=()
	[ "$i" != - ] && { opt=(-I "$i"); get=(oif "$i"); }

	t_run "$A" "$RTPING" --explain-route "${opt[@]}" 10.99.1.1
	check_rc "$what: explain exit" 0 "$T_RC" "$T_ERR"
	src=$(t_field source)
	check_eq "$what: explain source" "$want" "$src"
	check_eq "$what: explain device" "$dev" "$(t_field device | cut -d' ' -f1)"
	check_eq "$what: explain gateway" "$gw" "$(t_field gateway)"
	check_eq "$what: explain table" "$table" "$(t_field table)"
	check_match "$what: udp probe (bound alike) source" "^$want " "$(t_field 'udp probe')"
	check_eq "$what: agree" yes "$(t_field agree)"

	t_ipget "$A" 10.99.1.1 ipproto icmp dport 2048 "${get[@]}"
	check_eq "$what: ip route get src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
	check_eq "$what: ip route get dev = explain device" "$dev" "$(t_jq .dev "$T_IP")"

	t_wire "$B" "${dev/va/vb}" "$FILT" "$A" "$RTPING" -c 1 -W 2 "${opt[@]}" 10.99.1.1
	check_rc "$what: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
	check_eq "$what: wire source on ${dev/va/vb} = explain source" "$src" "$W_SRC"
}

oif "unbound" - va0 10.9.1.2 10.9.1.1 main
oif "-I va1" va1 va1 10.9.2.2 10.9.2.1 main
oif "-I va0" va0 va0 10.9.1.2 10.9.1.1 main

t_run "$A" "$RTPING" --explain-route --json -I va1 10.99.1.1
check_eq "-I va1: json .flow.device" va1 "$(t_jq .flow.device)"
check_eq "-I va1: json .netlink.device" va1 "$(t_jq .netlink.device)"
check_eq "-I va1: json .netlink.ifindex" "$IFX1" "$(t_jq .netlink.ifindex)"
check_match "-I va1: flow names the bound device" ' oif va1$' \
	"$(t_run "$A" "$RTPING" --explain-route -I va1 10.99.1.1; t_field flow)"

# A rule keyed on the bound device.
ip -n "$A" route add 10.99.0.0/16 via 10.9.2.1 dev va1 src 10.9.2.3 table 100
ip -n "$A" rule add oif va1 table 100 pref 100
oif "oif rule, -I va1" va1 va1 10.9.2.3 10.9.2.1 100
oif "oif rule, unbound" - va0 10.9.1.2 10.9.1.1 main

t_run "$A" "$RTPING" --explain-route -I nosuch0 10.99.1.1
check_rc "-I nosuch0: explain exit" 2 "$T_RC" "$T_ERR"
check_match "-I nosuch0: error names the interface" 'nosuch0' "$T_ERR"

t_done
