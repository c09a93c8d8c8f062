#!/usr/bin/env bash
# -N on the route: a node information query is ICMPv6 type 139 with the
# subject type as its code, so the kernel keys it with dport 139 << 8 | code
# (35584 for an IPv6 subject, 35585 for a name), not the echo's 32768. A
# rule "dport 35584" sends the query (not the echo, not a name query) to
# table 100 (src ::11); explain, -v and the wire must all say so (tcpdump
# calls type 139 "who-are-you request").
. "$(dirname "$0")/lib.sh"
t_init
t_two_sources || { fail "build the two-source topology"; exit 1; }
ip -n "$A" -6 rule add dport 35584 table 100 pref 100
D=fd00:99::1
FILT='icmp6 and (ip6[40] == 128 or ip6[40] == 139)'

# case WHAT DPORT SRC TYPE ARGS...: explain's flow and source, then the
# first request on the wire (its ICMPv6 type and source).
case_() {
	local what=$1 port=$2 src=$3 type=$4
	shift 4
	t_run "$A" "$RTPING" --explain-route "$@" "$D"
	check_match "$what: explain flow dport $port" "^ipv6-icmp dport $port " "$(t_field flow)"
	check_eq "$what: explain source" "$src" "$(t_field source)"
	t_run "$A" "$RTPING" --explain-route --json "$@" "$D"
	check_eq "$what: json .flow.dport" "$port" "$(t_jq .flow.dport)"
	# --verify sends one request (the query itself with -N): the kernel's
	# transmit report names the source it really left with.
	t_run "$A" "$RTPING" --explain-route --verify "$@" "$D"
	check_match "$what: --verify observed = explain source" "^$src dev va0 " \
		"$(t_field observed)"
	t_ipget "$A" "$D" ipproto ipv6-icmp dport "$port"
	check_eq "$what: ip route get dport $port agrees" "$src" "$(t_jq .prefsrc "$T_IP")"
	# The peer is Linux: it answers no query, so only the wire is checked.
	capture_start "$B" vb0 "$FILT" || fail "$what: tcpdump did not start"
	t_run "$A" "$RTPING" -v -c 1 -W 1 "$@" "$D"
	check_match "$what: -v header shows the source" "^PING $D \($D\) from $src " \
		"$(printf '%s\n' "$T_OUT" | head -n 1)"
	check_eq "$what: wire source = explain source" "$src" "$(capture_wait 2)"
	t_reap "$T_CAP_PID"
	check_eq "$what: what left" "$type" "$(grep -oE 'ICMP6, [a-z-]+ [a-z]+' "$T_CAP" | head -n 1)"
}

case_ "echo" 32768 fd00:9::12 "ICMP6, echo request"
case_ "-N name" 35584 fd00:9::11 "ICMP6, who-are-you request" -N name
case_ "-N ipv6-all" 35584 fd00:9::11 "ICMP6, who-are-you request" -N ipv6-all
case_ "-N name with a name subject" 35585 fd00:9::12 "ICMP6, who-are-you request" \
	-N name -N subject-name=peer
case_ "-N ipv6 with an IPv4 subject" 35586 fd00:9::12 "ICMP6, who-are-you request" \
	-N ipv6 -N subject-ipv4=10.9.0.1
# A subject alone asks nothing: echoes, keyed as echoes (iputils).
case_ "-N subject only" 32768 fd00:9::12 "ICMP6, echo request" -N subject-ipv6=fd00:99::1
t_done
