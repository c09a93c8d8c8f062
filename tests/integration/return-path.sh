#!/usr/bin/env bash
# The return path: H reaches 10.9.9.9 (fd09::9) on T through v1, and T
# answers through v2 (a second path back, as through a second router) or
# through v1 (symmetric). Checks each reply's ingress device (text -v, JSON,
# raw and datagram sockets, IPv4 and IPv6), the one "asymmetric" line, the
# diagnosis after loss under rp_filter=1 (naming the rejecting device,
# exit 1), explain's return, mtu and neighbour lines, and the audit's flag.
. "$(dirname "$0")/lib.sh"
t_init

H=$(t_ns h) && T=$(t_ns t) || { fail "create namespaces"; exit 1; }
t_veth "$H" v1 "$T" t1 && t_veth "$H" v2 "$T" t2 || { fail "create veth pairs"; exit 1; }
ip -n "$H" addr add 10.1.0.2/24 dev v1
ip -n "$H" addr add 10.2.0.2/24 dev v2
ip -n "$T" addr add 10.1.0.1/24 dev t1
ip -n "$T" addr add 10.2.0.1/24 dev t2
ip -n "$T" addr add 10.9.9.9/32 dev lo
ip -n "$H" route add 10.9.9.9/32 via 10.1.0.1 dev v1
ip -n "$H" -6 addr add fd01::2/64 dev v1 nodad
ip -n "$H" -6 addr add fd02::2/64 dev v2 nodad
ip -n "$T" -6 addr add fd01::1/64 dev t1 nodad
ip -n "$T" -6 addr add fd02::1/64 dev t2 nodad
ip -n "$T" -6 addr add fd09::9/128 dev lo nodad
ip -n "$H" -6 route add fd09::9/128 via fd01::1 dev v1
# T sends the replies to H's v1 address back through v2: they arrive on v2.
ip -n "$T" route add 10.1.0.2/32 via 10.2.0.2 dev t2
ip -n "$T" -6 route add fd01::2/128 via fd02::2 dev t2
# T resolves H's v2 address from its own (10.2.0.1), as a router would: asked
# from 10.9.9.9, H's strict v2 would drop the ARP request itself.
ip netns exec "$T" sysctl -qw net.ipv4.conf.all.arp_announce=2
# rp_filter is per namespace: set here, with conf/all at 0 so conf/v2 decides.
ip netns exec "$H" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.v1.rp_filter=0 \
	net.ipv4.conf.v2.rp_filter=1
IF1=$(ip -n "$H" -j link show v1 | jq -r '.[0].ifindex')
IF2=$(ip -n "$H" -j link show v2 | jq -r '.[0].ifindex')

# --- rp_filter=1 on v2: every reply dropped, the kernel names v2 -----------
T_RUN_LIMIT=30 t_run "$H" "$RTPING" -c 2 -i 0.2 -W 1 10.9.9.9
check_rc "strict: no reply, exit 1" 1 "$T_RC" "$T_ERR"
check_match "strict: 0 received" '^2 packets transmitted, 0 received' "$T_OUT"
check_eq "strict: one diagnosis line" 1 "$(printf '%s\n' "$T_ERR" | grep -c 'reverse-path')"
check_match "strict: the counter rose by 2, v2 rejects, the route back uses v1" \
	'^rtping: 2 packets dropped by reverse-path filtering during this run: a reply from 10\.9\.9\.9 is accepted on v1 only \(v2: rp_filter=1, the route back uses v1\)$' \
	"$T_ERR"
check_eq "strict: nothing asymmetric said (no reply came)" 0 "$(printf '%s\n' "$T_ERR" | grep -c asymmetric)"
T_RUN_LIMIT=30 t_run "$H" "$RTPING" -c 2 -i 0.2 -W 1 --json 10.9.9.9
check_rc "strict json: exit 1" 1 "$T_RC" "$T_ERR"
S=$(printf '%s\n' "$T_OUT" | grep '"type": "summary"')
check_eq "strict json: return_path devices" "v1:true:0:null v2:false:1:Invalid argument" \
	"$(t_jq '[.return_path.devices[] | "\(.device):\(.accepted):\(.rp_filter):\(.error)"] | join(" ")' "$S")"
check_eq "strict json: ifindexes" "$IF1 $IF2" "$(t_jq '[.return_path.devices[].ifindex] | join(" ")' "$S")"
check_eq "strict json: drops during the run, route back" "2 v1 false" \
	"$(t_jq '"\(.return_path.rp_filter_drops) \(.return_path.route_back_device) \(.return_path.devices_cut)"' "$S")"
t_run "$H" "$RTPING" --explain-route 10.9.9.9
check_rc "strict explain: exit 0" 0 "$T_RC" "$T_ERR"
check_eq "strict explain: return lines" \
	"v1 (ifindex $IF1): accepted|v2 (ifindex $IF2): rejected (rp_filter=1, the route back uses v1)" \
	"$(printf '%s\n' "$T_OUT" | sed -n 's/^return  *//p' | paste -sd'|')"
t_run "$H" "$RTPING" --explain-route --json 10.9.9.9
check_eq "strict explain json: return_path" "v1:true v2:false" \
	"$(t_jq '[.return_path.devices[] | "\(.device):\(.accepted)"] | join(" ")')"
check_eq "strict explain json: no counter outside a run" null "$(t_jq .return_path.rp_filter_drops)"
check_eq "strict explain json: neighbour is the gateway" "10.1.0.1 $IF1" \
	"$(t_jq '"\(.neighbour.address) \(.neighbour.ifindex)"')"

# --- rp_filter=2 (loose): answered, asymmetric, ingress v2 on every reply --
ip netns exec "$H" sysctl -qw net.ipv4.conf.v2.rp_filter=2
t_run "$H" "$RTPING" -c 3 -i 0.2 -v 10.9.9.9
check_rc "loose: answered" 0 "$T_RC" "$T_ERR"
check_eq "loose -v: ingress v2 on every reply line" 3 "$(printf '%s\n' "$T_OUT" | grep -c 'icmp_seq=.* ingress v2$')"
check_eq "loose: one asymmetric line" 1 "$(printf '%s\n' "$T_ERR" | grep -c asymmetric)"
check_match "loose: it names both devices" \
	'^rtping: replies from 10\.9\.9\.9 arrive on v2, echoes leave by v1: the return path is asymmetric$' "$T_ERR"
check_eq "loose: no diagnosis without loss" 0 "$(printf '%s\n' "$T_ERR" | grep -c reverse-path)"
t_run "$H" "$RTPING" -c 3 -i 0.2 --json 10.9.9.9
check_eq "loose json: ingress of each reply" "v2:$IF2 v2:$IF2 v2:$IF2" \
	"$(printf '%s\n' "$T_OUT" | jq -rs '[.[] | select(.type == "reply") | "\(.ingress.device):\(.ingress.ifindex)"] | join(" ")')"
check_eq "loose json: summary return_path null (no loss)" null \
	"$(printf '%s\n' "$T_OUT" | jq -r 'select(.type == "summary") | .return_path')"
check_eq "loose json: the asymmetric line on stderr" 1 "$(printf '%s\n' "$T_ERR" | grep -c asymmetric)"
# A flood samples the ingress: every reply of the first 16, then one each 10 ms.
t_run "$H" "$RTPING" -f -c 300 --json 10.9.9.9
check_rc "flood: answered" 0 "$T_RC" "$T_ERR"
check_eq "flood: the first 16 replies have their ingress" "v2" \
	"$(printf '%s\n' "$T_OUT" | jq -rs '[.[] | select(.type == "reply")][:16] | map(.ingress.device) | unique | join(" ")')"
check_eq "flood: later replies have v2 or null" "v2" \
	"$(printf '%s\n' "$T_OUT" | jq -rs '[.[] | select(.type == "reply") | .ingress.device | select(. != null)] | unique | join(" ")')"
check_eq "flood: one asymmetric line" 1 "$(printf '%s\n' "$T_ERR" | grep -c asymmetric)"
check_eq "flood: the egress still reported" v1 \
	"$(printf '%s\n' "$T_OUT" | jq -r 'select(.type == "summary") | .egress[0].device')"

# --- many targets: all of it per target ------------------------------------
t_run "$H" "$RTPING" -c 2 -i 0.2 --json 10.9.9.9 10.1.0.1
check_rc "many: answered" 0 "$T_RC" "$T_ERR"
check_eq "many json: each target's replies with their ingress" "10.9.9.9:v2 10.9.9.9:v2 10.1.0.1:v2 10.1.0.1:v2" \
	"$(printf '%s\n' "$T_OUT" | jq -rs '[.[] | select(.type == "reply") | "\(.host):\(.ingress.device)"] | sort_by(.) | reverse | join(" ")')"
check_eq "many: one asymmetric line per target" "10.1.0.1 10.9.9.9" \
	"$(printf '%s\n' "$T_ERR" | sed -n 's/^rtping: \([^ ]*\): replies arrive on v2, echoes leave by v1: .*/\1/p' | sort | paste -sd' ')"
ip netns exec "$H" sysctl -qw net.ipv4.conf.v2.rp_filter=1
T_RUN_LIMIT=30 t_run "$H" "$RTPING" -c 1 -W 1 --json 10.9.9.9 10.1.0.1
check_rc "many strict: no reply, exit 1" 1 "$T_RC" "$T_ERR"
check_eq "many strict: each summary's return_path rejects on v2" "10.9.9.9:false 10.1.0.1:false" \
	"$(printf '%s\n' "$T_OUT" | jq -rs '[.[] | select(.type == "summary") | "\(.host):\(.return_path.devices[] | select(.device == "v2") | .accepted)"] | join(" ")')"
check_eq "many strict: a diagnosis line per target" 2 "$(printf '%s\n' "$T_ERR" | grep -c 'reverse-path filtering during this run')"
ip netns exec "$H" sysctl -qw net.ipv4.conf.v2.rp_filter=2

# --- the datagram socket, as an unprivileged user ----------------------------
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	chmod 755 "$T_TMP" && cp "$RTPING" "$T_TMP/rtping" && chmod 755 "$T_TMP/rtping"
	ip netns exec "$H" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	for dst in 10.9.9.9 fd09::9; do
		T_RUN_LIMIT=30 t_run "$H" setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
			"$T_TMP/rtping" -c 2 -i 0.3 -W 5 --json "$dst"
		check_rc "datagram $dst: answered" 0 "$T_RC" "$T_ERR"
		check_eq "datagram $dst: ingress v2 on each reply" "v2 v2" \
			"$(printf '%s\n' "$T_OUT" | jq -rs '[.[] | select(.type == "reply") | .ingress.device] | join(" ")')"
		check_eq "datagram $dst: one asymmetric line" 1 "$(printf '%s\n' "$T_ERR" | grep -c asymmetric)"
	done
else
	skip "datagram socket: no user nobody or no setpriv"
fi

# --- IPv6: ingress only (no rp_filter) ---------------------------------------
T_RUN_LIMIT=30 t_run "$H" "$RTPING" -c 2 -i 0.3 -W 5 -v fd09::9
check_rc "ipv6: answered" 0 "$T_RC" "$T_ERR"
check_eq "ipv6 -v: ingress v2 on every reply line" 2 "$(printf '%s\n' "$T_OUT" | grep -c 'icmp_seq=.* ingress v2$')"
check_match "ipv6: asymmetric, both devices" 'replies from fd09::9 arrive on v2, echoes leave by v1' "$T_ERR"
t_run "$H" "$RTPING" --explain-route --json fd09::9
check_eq "ipv6 explain json: no return_path" null "$(t_jq .return_path)"
check_eq "ipv6 explain json: neighbour the gateway" fd01::1 "$(t_jq .neighbour.address)"
t_run "$H" "$RTPING" --explain-route fd09::9
check_eq "ipv6 explain: no return lines" 0 "$(printf '%s\n' "$T_OUT" | grep -c '^return ')"

# --- symmetric: T answers through v1 -----------------------------------------
ip -n "$T" route del 10.1.0.2/32
t_run "$H" "$RTPING" -c 3 -i 0.2 --json 10.9.9.9
check_rc "symmetric: answered" 0 "$T_RC" "$T_ERR"
check_eq "symmetric json: ingress = egress on each reply" "v1=v1 v1=v1 v1=v1" \
	"$(printf '%s\n' "$T_OUT" | jq -rs '[.[] | select(.type == "reply") | "\(.ingress.device)=\(.egress.device)"] | join(" ")')"
check_eq "symmetric: no asymmetric line" "" "$T_ERR"
t_run "$H" "$RTPING" -c 2 -i 0.2 -v 10.9.9.9
check_eq "symmetric -v: no ingress on reply lines" 0 "$(printf '%s\n' "$T_OUT" | grep -c ingress)"

# --- a route with "mtu lock 1300" --------------------------------------------
ip -n "$H" route replace 10.9.9.9/32 via 10.1.0.1 dev v1 mtu lock 1300
t_run "$H" "$RTPING" --explain-route 10.9.9.9
check_eq "mtu lock: explain line" "1300 (locked)" "$(t_field mtu)"
t_run "$H" "$RTPING" --explain-route --json 10.9.9.9
check_eq "mtu lock: netlink.mtu" "1300 true null" \
	"$(t_jq '"\(.netlink.mtu.value) \(.netlink.mtu.locked) \(.netlink.mtu.expires)"')"
t_ipget "$H" 10.9.9.9
check_match "mtu lock: ip route get says the same" 'mtu lock 1300' \
	"$(ip -n "$H" route get 10.9.9.9)"
ip -n "$H" route replace 10.9.9.9/32 via 10.1.0.1 dev v1
t_run "$H" "$RTPING" --explain-route --json 10.9.9.9
check_eq "no mtu on the route: netlink.mtu null" null "$(t_jq .netlink.mtu)"

# --- an on-link address nobody owns ------------------------------------------
t_run "$H" "$RTPING" --explain-route --json 10.1.0.77
check_eq "unowned, nothing sent yet: neighbour without state" "10.1.0.77 null" \
	"$(t_jq '"\(.neighbour.address) \(.neighbour.state)"')"
T_RUN_LIMIT=30 t_run "$H" "$RTPING" -c 1 -W 2 10.1.0.77
check_rc "unowned: no reply, exit 1" 1 "$T_RC" "$T_ERR"
check_eq "unowned: no reverse-path line (v1 accepts, no drop)" 0 \
	"$(printf '%s\n' "$T_ERR" | grep -c reverse-path)"
t_run "$H" "$RTPING" --explain-route 10.1.0.77
check_match "unowned: neighbour INCOMPLETE or FAILED" '^10\.1\.0\.77: (INCOMPLETE|FAILED)$' \
	"$(t_field neighbour)"
t_run "$H" "$RTPING" --explain-route --json 10.1.0.77
check_match "unowned json: neighbour state" '^(INCOMPLETE|FAILED)$' "$(t_jq .neighbour.state)"

# --- the audit: a symmetric reply that rp_filter would drop ------------------
# Marked echoes (-m 5) leave by v1 (table 100); rp_filter's lookup back runs
# unmarked, through main, to v2: strict v1 drops the symmetric reply.
ip -n "$H" route replace 10.9.9.9/32 via 10.2.0.1 dev v2
ip -n "$H" route add 10.9.9.9/32 via 10.1.0.1 dev v1 table 100
ip -n "$H" rule add pref 100 fwmark 5 lookup 100
ip netns exec "$H" sysctl -qw net.ipv4.conf.v1.rp_filter=1
t_run "$H" "$RTPING" --explain-route --audit -m 5 10.9.9.9 10.1.0.1
check_rc "audit: both agree" 0 "$T_RC" "$T_ERR"
check_eq "audit: 10.9.9.9 flagged" \
	"10.9.9.9  REVERSE-PATH a reply arriving on v1, the echo's egress, would be dropped (rp_filter=1, the route back uses v2)" \
	"$(printf '%s\n' "$T_OUT" | grep REVERSE-PATH)"
check_eq "audit: one flag" 1 "$(printf '%s\n' "$T_OUT" | grep -c REVERSE-PATH)"
check_match "audit: summary counts it" '^1 with a reply dropped by reverse-path filtering$' "$T_OUT"
t_run "$H" "$RTPING" --explain-route --audit --json -m 5 10.9.9.9 10.1.0.1
check_eq "audit json: return_dropped" 1 "$(printf '%s\n' "$T_OUT" | jq -r 'select(.type == "audit_summary") | .return_dropped')"
check_eq "audit json: per destination" "false true" \
	"$(printf '%s\n' "$T_OUT" | jq -rs '[.[] | select(.destination) | .return_path.devices[0].accepted] | join(" ")')"
ip netns exec "$H" sysctl -qw net.ipv4.conf.v1.rp_filter=0
t_run "$H" "$RTPING" --explain-route --audit --json -m 5 10.9.9.9
check_eq "audit json: rp_filter 0 on the egress, nothing asked" "null null 0" \
	"$(printf '%s\n' "$T_OUT" | jq -rs '"\(.[0].return_path) \(.[0].neighbour) \(.[1].return_dropped)"')"
t_done
