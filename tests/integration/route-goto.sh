#!/usr/bin/env bash
# Route module, a goto rule: "10 ipproto icmp goto 300", "20 not
# ipproto udp lookup 200", "30 ipproto udp lookup 100", "300 lookup main".
# The echo jumps from 10 to 300, over rule 20 that its selector would match:
# main's source (.12) leaves, not table 200's (.13). The UDP probe takes rule
# 30 (.11). explain names rule 10 with its target, and rule 30, never rule
# 20; tcpdump on B shows the echo's source. IPv4, then IPv6.
. "$(dirname "$0")/lib.sh"
t_init

t_two_sources gta gtb || { fail "build the two-source topology"; exit 1; }
ip -n "$A" addr add 10.9.0.13/24 dev gta
ip -n "$A" -6 addr add fd00:9::13/64 dev gta nodad
ip -n "$A" route add 10.99.0.0/16 via 10.9.0.1 src 10.9.0.13 table 200
ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1 src fd00:9::13 table 200

# goto_case -4|-6 ICMP_NAME DPORT DST MAIN_SRC UDP_SRC T200_SRC FILTER
goto_case() {
	local f=$1 icmp=$2 dport=$3 dst=$4 main=$5 udp=$6 t200=$7 filt=$8 src

	if ! ip -n "$A" "$f" rule add pref 10 ipproto "$icmp" goto 300 2>"$T_TMP/rule.err"; then
		skip "$f: kernel refuses ipproto rules: $(cat "$T_TMP/rule.err")"
		return
	fi
	ip -n "$A" "$f" rule add pref 20 not ipproto udp lookup 200
	ip -n "$A" "$f" rule add pref 30 ipproto udp lookup 100
	ip -n "$A" "$f" rule add pref 300 lookup main

	t_run "$A" "$RTPING" --explain-route "$dst"
	check_rc "$f: explain exit (disagree)" 1 "$T_RC" "$T_ERR"
	src=$(t_field source)
	check_eq "$f: explain source is main's, the goto's target" "$main" "$src"
	check_eq "$f: explain table" main "$(t_field table)"
	check_eq "$f: udp probe source (rule 30)" "$udp" "$(t_field 'udp probe' | cut -d' ' -f1)"
	check_match "$f: udp probe table" 'dport 1025: table 100,' "$(t_field 'udp probe')"
	check_eq "$f: reason lines name the goto with its target, and rule 30" \
		"rule pref 10 ipproto $icmp → goto 300 (matches the ICMP flow only)
rule pref 30 ipproto udp → table 100 (matches the UDP probe only)" \
		"$(printf '%s\n' "$T_OUT" | sed -n 's/^reason  *//p')"

	t_run "$A" "$RTPING" --explain-route --json "$dst"
	check_eq "$f: json is one object" object "$(t_json_objects)"
	check_eq "$f: json .netlink.source" "$main" "$(t_jq .netlink.source)"
	check_eq "$f: json reason prefs (not 20)" 10,30 "$(t_jq '[.reasons[].pref] | map(tostring) | join(",")')"
	check_eq "$f: json .reasons[0] goto" "goto 300 null icmp" \
		"$(t_jq '.reasons[0] | "\(.action) \(.goto) \(.table) \(.selects)"')"
	check_eq "$f: json .reasons[1] lookup" "lookup null 100 udp" \
		"$(t_jq '.reasons[1] | "\(.action) \(.goto) \(.table) \(.selects)"')"

	# The kernel agrees for the echo's flow key; rule 20 is live for a flow
	# that does not jump (TCP), so only the goto keeps the echo from it.
	t_ipget "$A" "$dst" ipproto "$icmp" dport "$dport"
	check_eq "$f: ip route get (echo flow) src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
	t_ipget "$A" "$dst" ipproto tcp dport 80
	check_eq "$f: ip route get (tcp: rule 20) src is table 200's" "$t200" "$(t_jq .prefsrc "$T_IP")"

	# The wire: main's source, not table 200's (rule 20) nor table 100's.
	t_wire "$B" gtb "$filt" "$A" "$RTPING" -c 1 -W 2 "$dst"
	check_rc "$f: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
	check_eq "$f: wire source = explain source" "$src" "$W_SRC"
	check_eq "$f: ping warning names the goto" \
		"rtping: warning: UDP probe says $udp, ICMP flow uses $main (rule pref 10 ipproto $icmp → goto 300; rule pref 30 ipproto udp → table 100)" \
		"$(printf '%s\n' "$W_ERR" | grep warning)"
}

goto_case -4 icmp 2048 10.99.1.1 10.9.0.12 10.9.0.11 10.9.0.13 'icmp[icmptype] == 8'
goto_case -6 ipv6-icmp 32768 fd00:99::1 fd00:9::12 fd00:9::11 fd00:9::13 'icmp6 and ip6[40] == 128'

t_done
