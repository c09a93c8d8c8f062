#!/usr/bin/env bash
# Route module, veth pair with a gateway: A reaches 10.99.0.0/16 (and
# fd00:99::/64) via B. explain must name the device, its ifindex, the
# gateway, the source, the table and the matched prefix, agree with
# "ip route get", and the echo rtping sends must leave with that source.
# Then a default route's prefix: "default" in text, 0.0.0.0/0 / ::/0 in JSON.
. "$(dirname "$0")/lib.sh"
t_init

t_ns a >/dev/null && t_ns b >/dev/null || { fail "create namespaces"; exit 1; }
A=$T_ID-a B=$T_ID-b
t_veth "$A" va0 "$B" vb0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.9.0.2/24 dev va0
ip -n "$B" addr add 10.9.0.1/24 dev vb0
ip -n "$B" addr add 10.99.1.1/32 dev lo
ip -n "$A" route add 10.99.0.0/16 via 10.9.0.1
ip -n "$A" -6 addr add fd00:9::2/64 dev va0 nodad
ip -n "$B" -6 addr add fd00:9::1/64 dev vb0 nodad
ip -n "$B" -6 addr add fd00:99::1/128 dev lo nodad
ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1
IFX=$(ip -n "$A" -j link show va0 | jq -r '.[0].ifindex')

# gateway DEST SRC GW PREFIX DPORT_ARGS CAPTURE_FILTER
gateway() {
	local dst=$1 want_src=$2 gw=$3 prefix=$4 get=$5 filt=$6 src

	t_run "$A" "$RTPING" --explain-route "$dst"
	check_rc "$dst: explain exit" 0 "$T_RC" "$T_ERR"
	src=$(t_field source)
	check_eq "$dst: explain source" "$want_src" "$src"
	check_eq "$dst: explain device" "va0 (ifindex $IFX)" "$(t_field device)"
	check_eq "$dst: explain gateway" "$gw" "$(t_field gateway)"
	check_eq "$dst: explain table" main "$(t_field table)"
	check_eq "$dst: explain type" unicast "$(t_field type)"
	check_match "$dst: explain prefix" "^$prefix " "$(t_field prefix)"
	check_eq "$dst: agree" yes "$(t_field agree)"

	t_run "$A" "$RTPING" --explain-route --json "$dst"
	check_rc "$dst: json exit" 0 "$T_RC" "$T_ERR"
	check_eq "$dst: json is one object" object "$(t_json_objects)"
	check_eq "$dst: json .netlink.source" "$want_src" "$(t_jq .netlink.source)"
	check_eq "$dst: json .netlink.device" va0 "$(t_jq .netlink.device)"
	check_eq "$dst: json .netlink.ifindex" "$IFX" "$(t_jq .netlink.ifindex)"
	check_eq "$dst: json .netlink.gateway" "$gw" "$(t_jq .netlink.gateway)"
	check_eq "$dst: json .netlink.table" 254 "$(t_jq .netlink.table)"
	check_eq "$dst: json .netlink.prefix" "$prefix" "$(t_jq .netlink.prefix)"
	check_eq "$dst: json .agree" true "$(t_jq .agree)"

	# shellcheck disable=SC2086
	t_ipget "$A" "$dst" $get
	check_eq "$dst: ip route get src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
	check_eq "$dst: ip route get dev" va0 "$(t_jq .dev "$T_IP")"
	check_eq "$dst: ip route get gateway" "$gw" "$(t_jq .gateway "$T_IP")"

	t_wire "$B" vb0 "$filt" "$A" "$RTPING" -c 1 -W 2 "$dst"
	check_rc "$dst: ping -c 1 exit (reply from B)" 0 "$W_RC" "$W_ERR"
	check_eq "$dst: wire source = explain source" "$src" "$W_SRC"
}

gateway 10.99.1.1 10.9.0.2 10.9.0.1 10.99.0.0/16 "ipproto icmp dport 2048" 'icmp[icmptype] == 8'
gateway fd00:99::1 fd00:9::2 fd00:9::1 fd00:99::/64 "ipproto ipv6-icmp dport 32768" \
	'icmp6 and ip6[40] == 128'

# The gateway itself is on-link: no gateway reported.
t_run "$A" "$RTPING" --explain-route 10.9.0.1
check_rc "10.9.0.1 (on-link): explain exit" 0 "$T_RC" "$T_ERR"
check_eq "10.9.0.1 (on-link): explain gateway" "none (on-link)" "$(t_field gateway)"
check_match "10.9.0.1 (on-link): explain prefix" "^10\.9\.0\.0/24 proto kernel scope link" "$(t_field prefix)"
t_run "$A" "$RTPING" --explain-route --json 10.9.0.1
check_eq "10.9.0.1 (on-link): json .netlink.gateway" null "$(t_jq .netlink.gateway)"

# A default route has no RTA_DST: "default" in text (as ip route), the
# all-zero prefix in JSON. Explain only: nothing is sent to these.
ip -n "$A" route add default via 10.9.0.1
ip -n "$A" -6 route add default via fd00:9::1
while read -r dst zero; do
	t_run "$A" "$RTPING" --explain-route "$dst"
	check_rc "$dst (default route): explain exit" 0 "$T_RC" "$T_ERR"
	check_match "$dst (default route): prefix says default" \
		'^default proto boot scope global metric [0-9]+$' "$(t_field prefix)"
	t_run "$A" "$RTPING" --explain-route --json "$dst"
	check_eq "$dst (default route): json .netlink.prefix" "$zero" "$(t_jq .netlink.prefix)"
done <<'EOF'
10.98.0.1 0.0.0.0/0
fd00:98::1 ::/0
EOF

t_done
