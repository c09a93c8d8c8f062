#!/usr/bin/env bash
# Route module, rules on socket options the UDP probe copies: "fwmark 0x7"
# (used with -m) and "tos 0x10" (used with -Q) both select table 100 (src
# .11). With the option set, the echo and the probe both go to table 100 and
# agree, and the source is table 100's; without it (or with a value the rule
# does not select) both stay in main (src .12). The tos capture filter also
# checks the DSCP bits, proving the echo carried the tos it was asked for.
. "$(dirname "$0")/lib.sh"
t_init

t_two_sources || { fail "build the two-source topology"; exit 1; }
for v in "" -6; do
	ip -n "$A" $v rule add fwmark 0x7 table 100 pref 100
	ip -n "$A" $v rule add tos 0x10 table 100 pref 101
done

# sockopt OPT(-m|-Q) VALUE(or -) DEST WANT_SRC WANT_TABLE ICMP DPORT FILTER
sockopt() {
	local o=$1 v=$2 dst=$3 want=$4 table=$5 proto=$6 port=$7 filt=$8
	local src opt=() get=() what key flow
	case $o in
	-m) key=mark; flow=$(printf 'mark 0x%x ' "${v/-/0}") ;;
	-Q) key=tos; flow=$(printf 'tos 0x%02x' "${v/-/0}") ;;
	esac
	if [ "$v" != - ]; then opt=("$o" "$v"); get=("$key" "$v"); what="$dst $o $v"; else what="$dst no $o"; fi

	t_run "$A" "$RTPING" --explain-route "${opt[@]}" "$dst"
	check_rc "$what: explain exit (agree)" 0 "$T_RC" "$T_ERR"
	src=$(t_field source)
	check_eq "$what: explain source" "$want" "$src"
	check_eq "$what: explain table" "$table" "$(t_field table)"
	check_match "$what: flow $key" "$flow" "$(t_field flow)"
	check_match "$what: udp probe ($key copied) source and table" \
		"^$want \(udp sport [0-9]+ dport 1025: table $table," "$(t_field 'udp probe')"
	check_eq "$what: agree" yes "$(t_field agree)"

	t_run "$A" "$RTPING" --explain-route --json "${opt[@]}" "$dst"
	check_eq "$what: json .flow.$key" "$(( ${v/-/0} ))" "$(t_jq ".flow.$key")"
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
T4="$F4 and (ip[1] & 0xfc) ==" T6="$F6 and (ip6[0:2] & 0x0fc0) =="
sockopt -m 7 10.99.1.1 10.9.0.11 100 icmp 2048 "$F4"
sockopt -m - 10.99.1.1 10.9.0.12 main icmp 2048 "$F4"
sockopt -m 0x8 10.99.1.1 10.9.0.12 main icmp 2048 "$F4"
sockopt -m 7 fd00:99::1 fd00:9::11 100 ipv6-icmp 32768 "$F6"
sockopt -m - fd00:99::1 fd00:9::12 main ipv6-icmp 32768 "$F6"
sockopt -Q 0x10 10.99.1.1 10.9.0.11 100 icmp 2048 "$T4 0x10"
sockopt -Q - 10.99.1.1 10.9.0.12 main icmp 2048 "$T4 0"
# ECN bits are not part of the rule match: 0x11 still selects "tos 0x10".
sockopt -Q 0x11 10.99.1.1 10.9.0.11 100 icmp 2048 "$T4 0x10"
sockopt -Q 0x20 10.99.1.1 10.9.0.12 main icmp 2048 "$T4 0x20"
sockopt -Q 0x10 fd00:99::1 fd00:9::11 100 ipv6-icmp 32768 "$T6 0x0100"
sockopt -Q - fd00:99::1 fd00:9::12 main ipv6-icmp 32768 "$T6 0"
t_done
