#!/usr/bin/env bash
# Route module, the worked example of the divergence (the README's): a
# rule "ipproto udp" sends the UDP probe to table 100 (src 10.9.0.11) while
# the echo stays in main (src 10.9.0.12). rtping must report 10.9.0.12, show
# the UDP answer beside it, name rule pref 100 / table 100, exit 1, and warn
# once in ping mode; the echo on the wire must carry 10.9.0.12.
. "$(dirname "$0")/lib.sh"
t_init

t_two_sources dva dvb || { fail "build the two-source topology"; exit 1; }
ip -n "$A" rule add ipproto udp table 100 pref 100

t_run "$A" "$RTPING" --explain-route 10.99.1.1
check_rc "explain exit (disagree)" 1 "$T_RC" "$T_ERR"
src=$(t_field source)
check_eq "explain source (netlink)" 10.9.0.12 "$src"
check_eq "explain table" main "$(t_field table)"
check_eq "explain gateway" 10.9.0.1 "$(t_field gateway)"
probe=$(t_field 'udp probe')
check_match "udp probe source" '^10\.9\.0\.11 ' "$probe"
check_match "udp probe table" 'dport 1025: table 100, device dva' "$probe"
check_match "agree no" '^no' "$(t_field agree)"
reason=$(t_field reason)
check_match "reason names rule pref 100" 'rule pref 100 ' "$reason"
check_match "reason names the selector" 'ipproto udp' "$reason"
check_match "reason names table 100" 'table 100' "$reason"
check_match "reason says the UDP probe matches" 'matches the UDP probe only' "$reason"
check_eq "exactly one reason line" 1 "$(printf '%s\n' "$T_OUT" | grep -c '^reason ')"

t_run "$A" "$RTPING" --explain-route --json 10.99.1.1
check_rc "json exit (disagree)" 1 "$T_RC" "$T_ERR"
check_eq "json is one object" object "$(t_json_objects)"
check_eq "json .netlink.source" 10.9.0.12 "$(t_jq .netlink.source)"
check_eq "json .netlink.table" 254 "$(t_jq .netlink.table)"
check_eq "json .udp_probe.source" 10.9.0.11 "$(t_jq .udp_probe.source)"
check_eq "json .udp_probe.table" 100 "$(t_jq .udp_probe.table)"
check_eq "json .udp_probe.error" null "$(t_jq .udp_probe.error)"
check_eq "json .agree" false "$(t_jq .agree)"
check_eq "json .reasons count" 1 "$(t_jq '.reasons | length')"
check_eq "json .reasons[0].pref" 100 "$(t_jq '.reasons[0].pref')"
check_eq "json .reasons[0].table" 100 "$(t_jq '.reasons[0].table')"
check_eq "json .reasons[0].rule" "ipproto udp" "$(t_jq '.reasons[0].rule')"

# iproute2 sees the same two flows.
t_ipget "$A" 10.99.1.1 ipproto icmp dport 2048
check_eq "ip route get (icmp dport 2048) src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
t_ipget "$A" 10.99.1.1 ipproto udp dport 1025
check_eq "ip route get (udp dport 1025) src = probe source" 10.9.0.11 "$(t_jq .prefsrc "$T_IP")"

# Ping mode: one warning on stderr, and the echo leaves with the netlink source.
t_wire "$B" dvb 'icmp[icmptype] == 8' "$A" "$RTPING" -c 1 -W 2 10.99.1.1
check_rc "ping -c 1 exit" 0 "$W_RC" "$W_ERR"
check_eq "wire source = explain source" "$src" "$W_SRC"
check_eq "ping warning line" \
	"rtping: warning: UDP probe says 10.9.0.11, ICMP flow uses 10.9.0.12 (rule pref 100 ipproto udp → table 100)" \
	"$(printf '%s\n' "$W_ERR" | grep 'warning' | head -n 1)"
check_eq "ping warns exactly once" 1 "$(printf '%s\n' "$W_ERR" | grep -c 'warning')"
check_eq "no warning on stdout" 0 "$(printf '%s\n' "$W_OUT" | grep -c 'warning')"

# -B binds the netlink source, which must be what leaves.
t_wire "$B" dvb 'icmp[icmptype] == 8' "$A" "$RTPING" -B -c 1 -W 2 10.99.1.1
check_rc "-B: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
check_eq "-B: wire source = explain source" "$src" "$W_SRC"

t_done
