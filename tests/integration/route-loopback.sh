#!/usr/bin/env bash
# Route module, loopback: 127.0.0.1 and ::1 are local routes via lo whose
# source is the destination; the echo rtping sends leaves with that source.
. "$(dirname "$0")/lib.sh"
t_init

t_ns a >/dev/null || { fail "create namespace"; exit 1; }
A=$T_ID-a

# loopback FAMILY DEST ICMP_PROTO DPORT CAPTURE_FILTER
loopback() {
	local fam=$1 dst=$2 proto=$3 dport=$4 filt=$5 src dev

	t_run "$A" "$RTPING" --explain-route "$fam" "$dst"
	check_rc "$dst: explain exit" 0 "$T_RC" "$T_ERR"
	src=$(t_field source)
	check_eq "$dst: explain source" "$dst" "$src"
	check_eq "$dst: explain type" local "$(t_field type)"
	dev=$(t_field device)
	check_eq "$dst: explain device" "lo (ifindex 1)" "$dev"
	check_match "$dst: explain flow key" "^$proto dport $dport uid 0 " "$(t_field flow)"
	check_match "$dst: udp probe source" "^$dst " "$(t_field 'udp probe')"
	check_eq "$dst: agree" yes "$(t_field agree)"

	t_run "$A" "$RTPING" --explain-route --json "$fam" "$dst"
	check_rc "$dst: json exit" 0 "$T_RC" "$T_ERR"
	check_eq "$dst: json is one object" object "$(t_json_objects)"
	check_eq "$dst: json .netlink.source" "$dst" "$(t_jq .netlink.source)"
	check_eq "$dst: json .netlink.type" local "$(t_jq .netlink.type)"
	check_eq "$dst: json .netlink.device" lo "$(t_jq .netlink.device)"
	check_eq "$dst: json .udp_probe.source" "$dst" "$(t_jq .udp_probe.source)"
	check_eq "$dst: json .agree" true "$(t_jq .agree)"

	t_ipget "$A" "$fam" "$dst" ipproto "$proto" dport "$dport"
	check_eq "$dst: ip route get src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"
	check_eq "$dst: ip route get type" local "$(t_jq .type "$T_IP")"

	t_wire "$A" lo "$filt" "$A" "$RTPING" -c 1 -W 2 "$fam" "$dst"
	check_rc "$dst: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
	check_eq "$dst: wire source = explain source" "$src" "$W_SRC"
}

loopback -4 127.0.0.1 icmp 2048 'icmp[icmptype] == 8'
loopback -6 ::1 ipv6-icmp 32768 'icmp6 and ip6[40] == 128'

t_done
