#!/usr/bin/env bash
# Route module, a tos rule used with -Q: "tos 0x10 → table 100" (src .11).
# With -Q 0x10 the echo and the UDP probe (which copies IP_TOS/IPV6_TCLASS)
# both use table 100 and agree; the echo on the wire carries tos 0x10 and
# table 100's source. Without -Q (or with a tos the rule does not select)
# both stay in main (src .12).
. "$(dirname "$0")/lib.sh"
t_init

t_ns a >/dev/null && t_ns b >/dev/null || { fail "create namespaces"; exit 1; }
A=$T_ID-a B=$T_ID-b
t_veth "$A" va0 "$B" vb0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.9.0.11/24 dev va0
ip -n "$A" addr add 10.9.0.12/24 dev va0
ip -n "$B" addr add 10.9.0.1/24 dev vb0
ip -n "$B" addr add 10.99.1.1/32 dev lo
ip -n "$A" route add 10.99.0.0/16 via 10.9.0.1 src 10.9.0.12
ip -n "$A" route add 10.99.0.0/16 via 10.9.0.1 src 10.9.0.11 table 100
ip -n "$A" rule add tos 0x10 table 100 pref 100
ip -n "$A" -6 addr add fd00:9::11/64 dev va0 nodad
ip -n "$A" -6 addr add fd00:9::12/64 dev va0 nodad
ip -n "$B" -6 addr add fd00:9::1/64 dev vb0 nodad
ip -n "$B" -6 addr add fd00:99::1/128 dev lo nodad
ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1 src fd00:9::12
ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1 src fd00:9::11 table 100
ip -n "$A" -6 rule add tos 0x10 table 100 pref 100

# tos DEST TOS(or -) WANT_SRC WANT_TABLE ICMP DPORT FILTER (FILTER also
# checks the DSCP bits, so a capture proves the echo carried the tos)
tos() {
	local dst=$1 t=$2 want=$3 table=$4 proto=$5 port=$6 filt=$7 src opt=() get=() what
	if [ "$t" != - ]; then opt=(-Q "$t"); get=(tos "$t"); what="$dst -Q $t"; else what="$dst no -Q"; fi

	t_run "$A" "$RTPING" --explain-route "${opt[@]}" "$dst"
	check_rc "$what: explain exit (agree)" 0 "$T_RC" "$T_ERR"
	src=$(t_field source)
	check_eq "$what: explain source" "$want" "$src"
	check_eq "$what: explain table" "$table" "$(t_field table)"
	check_match "$what: flow tos" "tos $(printf '0x%02x' "${t/-/0}")" "$(t_field flow)"
	check_match "$what: udp probe (tos copied) source and table" \
		"^$want \(udp sport [0-9]+ dport 1025: table $table," "$(t_field 'udp probe')"
	check_eq "$what: agree" yes "$(t_field agree)"

	t_run "$A" "$RTPING" --explain-route --json "${opt[@]}" "$dst"
	check_eq "$what: json .flow.tos" "$(( ${t/-/0} ))" "$(t_jq .flow.tos)"
	check_eq "$what: json .netlink.source" "$want" "$(t_jq .netlink.source)"
	check_eq "$what: json .agree" true "$(t_jq .agree)"

	t_ipget "$A" "$dst" ipproto "$proto" dport "$port" "${get[@]}"
	check_eq "$what: ip route get src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"

	t_wire "$B" vb0 "$filt" "$A" "$RTPING" -c 1 -W 2 "${opt[@]}" "$dst"
	check_rc "$what: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
	check_eq "$what: wire source = explain source (tos on the wire as asked)" "$src" "$W_SRC"
	check_eq "$what: no divergence warning" "" "$(printf '%s\n' "$W_ERR" | grep warning)"
}

F4='icmp[icmptype] == 8 and (ip[1] & 0xfc) ==' F6='icmp6 and ip6[40] == 128 and (ip6[0:2] & 0x0fc0) =='
tos 10.99.1.1 0x10 10.9.0.11 100 icmp 2048 "$F4 0x10"
tos 10.99.1.1 - 10.9.0.12 main icmp 2048 "$F4 0"
# ECN bits are not part of the rule match: 0x11 still selects "tos 0x10".
tos 10.99.1.1 0x11 10.9.0.11 100 icmp 2048 "$F4 0x10"
tos 10.99.1.1 0x20 10.9.0.12 main icmp 2048 "$F4 0x20"
tos fd00:99::1 0x10 fd00:9::11 100 ipv6-icmp 32768 "$F6 0x0100"
tos fd00:99::1 - fd00:9::12 main ipv6-icmp 32768 "$F6 0"

t_done
