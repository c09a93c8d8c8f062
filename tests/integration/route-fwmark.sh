#!/usr/bin/env bash
# Route module, a fwmark rule used with -m: "fwmark 0x7 → table 100" (src
# .11). With -m 7 the echo and the UDP probe (which copies SO_MARK) both go
# to table 100, so they agree, and the source is table 100's; without -m (or
# with a mark the rule does not select) both stay in main (src .12).
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
ip -n "$A" rule add fwmark 0x7 table 100 pref 100
ip -n "$A" -6 addr add fd00:9::11/64 dev va0 nodad
ip -n "$A" -6 addr add fd00:9::12/64 dev va0 nodad
ip -n "$B" -6 addr add fd00:9::1/64 dev vb0 nodad
ip -n "$B" -6 addr add fd00:99::1/128 dev lo nodad
ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1 src fd00:9::12
ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1 src fd00:9::11 table 100
ip -n "$A" -6 rule add fwmark 0x7 table 100 pref 100

# mark DEST MARK(or -) WANT_SRC WANT_TABLE ICMP DPORT FILTER
mark() {
	local dst=$1 m=$2 want=$3 table=$4 proto=$5 port=$6 filt=$7 src opt=() get=() what
	if [ "$m" != - ]; then opt=(-m "$m"); get=(mark "$m"); what="$dst -m $m"; else what="$dst no -m"; fi

	t_run "$A" "$RTPING" --explain-route "${opt[@]}" "$dst"
	check_rc "$what: explain exit (agree)" 0 "$T_RC" "$T_ERR"
	src=$(t_field source)
	check_eq "$what: explain source" "$want" "$src"
	check_eq "$what: explain table" "$table" "$(t_field table)"
	check_match "$what: flow mark" "mark $(printf '0x%x' "${m/-/0}") " "$(t_field flow)"
	check_match "$what: udp probe (mark copied) source and table" \
		"^$want \(udp sport [0-9]+ dport 1025: table $table," "$(t_field 'udp probe')"
	check_eq "$what: agree" yes "$(t_field agree)"

	t_run "$A" "$RTPING" --explain-route --json "${opt[@]}" "$dst"
	check_eq "$what: json .flow.mark" "$(( ${m/-/0} ))" "$(t_jq .flow.mark)"
	check_eq "$what: json .netlink.source" "$want" "$(t_jq .netlink.source)"
	check_eq "$what: json .agree" true "$(t_jq .agree)"

	t_ipget "$A" "$dst" ipproto "$proto" dport "$port" "${get[@]}"
	check_eq "$what: ip route get src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"

	t_wire "$B" vb0 "$filt" "$A" "$RTPING" -c 1 -W 2 "${opt[@]}" "$dst"
	check_rc "$what: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
	check_eq "$what: wire source = explain source" "$src" "$W_SRC"
	check_eq "$what: no divergence warning" "" "$(printf '%s\n' "$W_ERR" | grep warning)"
}

F4='icmp[icmptype] == 8' F6='icmp6 and ip6[40] == 128'
mark 10.99.1.1 7 10.9.0.11 100 icmp 2048 "$F4"
mark 10.99.1.1 - 10.9.0.12 main icmp 2048 "$F4"
mark 10.99.1.1 0x8 10.9.0.12 main icmp 2048 "$F4"
mark fd00:99::1 7 fd00:9::11 100 ipv6-icmp 32768 "$F6"
mark fd00:99::1 - fd00:9::12 main ipv6-icmp 32768 "$F6"

t_done
