#!/usr/bin/env bash
# Route module, two addresses on one interface and a route with "src": the
# route's src (the secondary address) is the source, not the primary one;
# an on-link destination without src gets the primary; -I ADDR binds.
. "$(dirname "$0")/lib.sh"
t_init

t_two_sources || { fail "build the two-source topology"; exit 1; }
FILT='icmp[icmptype] == 8'

# 1. The route's src.
t_run "$A" "$RTPING" --explain-route 10.99.1.1
check_rc "src route: explain exit" 0 "$T_RC" "$T_ERR"
src=$(t_field source)
check_eq "src route: explain source is the route's src" 10.9.0.12 "$src"
check_eq "src route: explain gateway" 10.9.0.1 "$(t_field gateway)"
check_match "src route: explain prefix" '^10\.99\.0\.0/16 proto boot scope global' "$(t_field prefix)"
check_match "src route: udp probe source" '^10\.9\.0\.12 ' "$(t_field 'udp probe')"
check_eq "src route: agree" yes "$(t_field agree)"
t_run "$A" "$RTPING" --explain-route --json 10.99.1.1
check_eq "src route: json .netlink.source" 10.9.0.12 "$(t_jq .netlink.source)"
check_eq "src route: json .udp_probe.source" 10.9.0.12 "$(t_jq .udp_probe.source)"
check_eq "src route: json .agree" true "$(t_jq .agree)"
t_ipget "$A" 10.99.1.1 ipproto icmp dport 2048
check_eq "src route: ip route get src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
t_wire "$B" vb0 "$FILT" "$A" "$RTPING" -c 1 -W 2 10.99.1.1
check_rc "src route: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
check_eq "src route: wire source = explain source" "$src" "$W_SRC"

# 2. On-link, the connected route has no src choice of ours: the primary.
t_run "$A" "$RTPING" --explain-route 10.9.0.1
check_rc "on-link: explain exit" 0 "$T_RC" "$T_ERR"
src=$(t_field source)
check_eq "on-link: explain source is the primary address" 10.9.0.11 "$src"
t_ipget "$A" 10.9.0.1 ipproto icmp dport 2048
check_eq "on-link: ip route get src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
t_wire "$B" vb0 "$FILT" "$A" "$RTPING" -c 1 -W 2 10.9.0.1
check_rc "on-link: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
check_eq "on-link: wire source = explain source" "$src" "$W_SRC"

# 3. -I ADDR: a bound source wins over the route's src.
t_run "$A" "$RTPING" --explain-route -I 10.9.0.11 10.99.1.1
check_rc "-I 10.9.0.11: explain exit" 0 "$T_RC" "$T_ERR"
src=$(t_field source)
check_eq "-I 10.9.0.11: explain source is the bound address" 10.9.0.11 "$src"
check_eq "-I 10.9.0.11: explain device" va0 "$(t_field device | cut -d' ' -f1)"
check_match "-I 10.9.0.11: udp probe source" '^10\.9\.0\.11 ' "$(t_field 'udp probe')"
check_eq "-I 10.9.0.11: agree" yes "$(t_field agree)"
t_wire "$B" vb0 "$FILT" "$A" "$RTPING" -c 1 -W 2 -I 10.9.0.11 10.99.1.1
check_rc "-I 10.9.0.11: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
check_eq "-I 10.9.0.11: wire source = explain source" "$src" "$W_SRC"

t_done
