#!/usr/bin/env bash
# Route module, a "dport" rule: the echo's flow key carries dport = ICMP
# type << 8 | code (2048 for IPv4, 32768 for ICMPv6), so "dport 2048" moves
# real pings to table 100 (src .11) but not the UDP probe (dport 1025, main
# table, src .12). "ip route get ... ipproto icmp" without dport misses it.
. "$(dirname "$0")/lib.sh"
t_init
command -v setpriv >/dev/null || { skip "setpriv (util-linux) not installed"; exit 0; }

t_two_sources || { fail "build the two-source topology"; exit 1; }
ip -n "$A" rule add dport 2048 table 100 pref 100
ip -n "$A" -6 rule add dport 32768 table 100 pref 100

# dport DEST ICMP DPORT ICMP_SRC UDP_SRC FILTER
dport() {
	local dst=$1 proto=$2 port=$3 isrc=$4 usrc=$5 filt=$6 src

	t_run "$A" "$RTPING" --explain-route "$dst"
	check_rc "$dst: explain exit (disagree)" 1 "$T_RC" "$T_ERR"
	src=$(t_field source)
	check_eq "$dst: explain source (table 100)" "$isrc" "$src"
	check_eq "$dst: explain table" 100 "$(t_field table)"
	check_match "$dst: explain flow has dport $port" "dport $port " "$(t_field flow)"
	check_match "$dst: udp probe source (main)" "^$usrc \(udp sport [0-9]+ dport 1025: table main" \
		"$(t_field 'udp probe')"
	check_match "$dst: reason" "^rule pref 100 dport $port → table 100 \(matches the ICMP flow only\)" \
		"$(t_field reason)"

	t_run "$A" "$RTPING" --explain-route --json "$dst"
	check_rc "$dst: json exit" 1 "$T_RC" "$T_ERR"
	check_eq "$dst: json .netlink.source" "$isrc" "$(t_jq .netlink.source)"
	check_eq "$dst: json .netlink.table" 100 "$(t_jq .netlink.table)"
	check_eq "$dst: json .udp_probe.source" "$usrc" "$(t_jq .udp_probe.source)"
	check_eq "$dst: json .agree" false "$(t_jq .agree)"
	check_eq "$dst: json .reasons[0]" "100 100 dport $port icmp" \
		"$(t_jq '.reasons[0] | "\(.pref) \(.table) \(.rule) \(.selects)"')"

	t_ipget "$A" "$dst" ipproto "$proto" dport "$port"
	check_eq "$dst: ip route get (dport $port) src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
	check_eq "$dst: ip route get (dport $port) table" 100 "$(t_jq .table "$T_IP")"
	t_ipget "$A" "$dst" ipproto "$proto"
	check_eq "$dst: ip route get without dport answers for another flow" "$usrc" \
		"$(t_jq .prefsrc "$T_IP")"

	t_wire "$B" vb0 "$filt" "$A" "$RTPING" -c 1 -W 2 "$dst"
	check_rc "$dst: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
	check_eq "$dst: wire source = explain source" "$src" "$W_SRC"
	check_eq "$dst: ping warning line" \
		"rtping: warning: UDP probe says $usrc, ICMP flow uses $isrc (rule pref 100 dport $port → table 100)" \
		"$(printf '%s\n' "$W_ERR" | grep warning | head -n 1)"

	# Unprivileged: an ICMP datagram socket. A connect()ed one would be
	# routed with dport 0 and leave with the main table's source.
	t_run "$A" "${USER65534[@]}" "$RTPING" --explain-route "$dst"
	check_eq "$dst: uid 65534: explain source" "$isrc" "$(t_field source)"
	t_wire "$B" vb0 "$filt" "$A" "${USER65534[@]}" "$RTPING" -c 1 -W 2 "$dst"
	check_rc "$dst: uid 65534 (datagram socket): ping -c 1 exit" 0 "$W_RC" "$W_ERR"
	check_eq "$dst: uid 65534 (datagram socket): wire source = explain source" "$isrc" "$W_SRC"
}

# Datagram ICMP sockets for uid 65534, in this namespace only.
ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="65534 65534"
USER65534=(setpriv --reuid=65534 --regid=65534 --clear-groups)

dport 10.99.1.1 icmp 2048 10.9.0.11 10.9.0.12 'icmp[icmptype] == 8'
dport fd00:99::1 ipv6-icmp 32768 fd00:9::11 fd00:9::12 'icmp6 and ip6[40] == 128'

t_done
