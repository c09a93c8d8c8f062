#!/usr/bin/env bash
# Route module, IPv6: two addresses, a route with "src" (fd00:9::12) and a
# rule "ipproto udp → table 100" whose route has src fd00:9::11. The echo's
# flow (ipv6-icmp, dport 32768) stays in main: rtping reports fd00:9::12, the
# UDP probe fd00:9::11, exit 1; the echo on the wire carries fd00:9::12.
# Then a link-local destination with a scope (fe80::b%va0).
. "$(dirname "$0")/lib.sh"
t_init

t_ns a >/dev/null && t_ns b >/dev/null || { fail "create namespaces"; exit 1; }
A=$T_ID-a B=$T_ID-b
# No automatic link-local addresses (their DAD would race the checks).
ip link add va0 netns "$A" type veth peer name vb0 netns "$B" || { fail "create veth pair"; exit 1; }
ip -n "$A" link set va0 addrgenmode none up
ip -n "$B" link set vb0 addrgenmode none up
ip -n "$A" -6 addr add fe80::a/64 dev va0 nodad
ip -n "$B" -6 addr add fe80::b/64 dev vb0 nodad
ip -n "$A" -6 addr add fd00:9::11/64 dev va0 nodad
ip -n "$A" -6 addr add fd00:9::12/64 dev va0 nodad
ip -n "$B" -6 addr add fd00:9::1/64 dev vb0 nodad
ip -n "$B" -6 addr add fd00:99::1/128 dev lo nodad
ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1 src fd00:9::12
ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1 src fd00:9::11 table 100
ip -n "$A" -6 rule add ipproto udp table 100 pref 100
FILT='icmp6 and ip6[40] == 128'

t_run "$A" "$RTPING" --explain-route fd00:99::1
check_rc "explain exit (disagree)" 1 "$T_RC" "$T_ERR"
src=$(t_field source)
check_eq "explain source (netlink, route src)" fd00:9::12 "$src"
check_match "explain flow key" '^ipv6-icmp dport 32768 uid 0 ' "$(t_field flow)"
check_eq "explain gateway" fd00:9::1 "$(t_field gateway)"
check_eq "explain table" main "$(t_field table)"
check_match "explain prefix" '^fd00:99::/64 ' "$(t_field prefix)"
check_match "udp probe source (table 100)" '^fd00:9::11 \(udp sport [0-9]+ dport 1025: table 100, device va0\)' \
	"$(t_field 'udp probe')"
check_match "agree no" '^no' "$(t_field agree)"
check_match "reason" '^rule pref 100 ipproto udp → table 100 \(matches the UDP probe only\)' \
	"$(t_field reason)"

t_run "$A" "$RTPING" --explain-route --json fd00:99::1
check_rc "json exit" 1 "$T_RC" "$T_ERR"
check_eq "json is one object" object "$(t_json_objects)"
check_eq "json .family" inet6 "$(t_jq .family)"
check_eq "json .netlink.source" fd00:9::12 "$(t_jq .netlink.source)"
check_eq "json .udp_probe.source" fd00:9::11 "$(t_jq .udp_probe.source)"
check_eq "json .agree" false "$(t_jq .agree)"
check_eq "json .reasons[0] pref/table" "100/100" "$(t_jq '.reasons[0] | "\(.pref)/\(.table)"')"

t_ipget "$A" fd00:99::1 ipproto ipv6-icmp dport 32768
check_eq "ip route get (ipv6-icmp dport 32768) src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
t_ipget "$A" fd00:99::1 ipproto udp dport 1025
check_eq "ip route get (udp dport 1025) src = probe source" fd00:9::11 "$(t_jq .prefsrc "$T_IP")"

t_wire "$B" vb0 "$FILT" "$A" "$RTPING" -c 1 -W 2 fd00:99::1
check_rc "ping -c 1 exit" 0 "$W_RC" "$W_ERR"
check_eq "wire source = explain source" "$src" "$W_SRC"
check_eq "ping warning line" \
	"rtping: warning: UDP probe says fd00:9::11, ICMP flow uses fd00:9::12 (rule pref 100 ipproto udp → table 100)" \
	"$(printf '%s\n' "$W_ERR" | grep warning | head -n 1)"

# -B binds the netlink source.
t_wire "$B" vb0 "$FILT" "$A" "$RTPING" -B -c 1 -W 2 fd00:99::1
check_rc "-B: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
check_eq "-B: wire source = explain source" "$src" "$W_SRC"

# -6 with an IPv4 literal is bad input.
t_run "$A" "$RTPING" --explain-route -6 10.99.1.1
check_rc "-6 with an IPv4 address: exit" 2 "$T_RC" "$T_ERR"

# Link-local: the scope picks the interface; source is A's link-local.
t_run "$A" "$RTPING" --explain-route fe80::b%va0
check_rc "fe80::b%va0: explain exit" 0 "$T_RC" "$T_ERR"
src=$(t_field source)
check_eq "fe80::b%va0: explain source" fe80::a "$src"
check_eq "fe80::b%va0: explain device" va0 "$(t_field device | cut -d' ' -f1)"
check_eq "fe80::b%va0: agree" yes "$(t_field agree)"
t_ipget "$A" fe80::b ipproto ipv6-icmp dport 32768 oif va0
check_eq "fe80::b%va0: ip route get src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
t_wire "$B" vb0 "$FILT" "$A" "$RTPING" -c 1 -W 2 fe80::b%va0
check_rc "fe80::b%va0: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
check_eq "fe80::b%va0: wire source = explain source" "$src" "$W_SRC"
t_run "$A" "$RTPING" --explain-route -I va0 fe80::b
check_rc "-I va0 fe80::b: explain exit" 0 "$T_RC" "$T_ERR"
check_eq "-I va0 fe80::b: explain source" fe80::a "$(t_field source)"

t_done
