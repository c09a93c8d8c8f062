#!/usr/bin/env bash
# Route module, routes that cannot send: unreachable, prohibit and blackhole
# routes (and rules), and a destination with no route at all. explain exits
# 2 and reports the kernel's errno text and the route type, like
# "ip route get"; ping mode fails with the same error instead of sending
# (unless the UDP probe has a route, as iputils then pings on).
# When a rule's action failed the lookup, explain names the rule:
# "(prohibit rule)" and a reason line, in text and JSON; an unreachable rule
# (ENETUNREACH, like no route at all) still has its type.
# tests/run: start first (one of the longest)
. "$(dirname "$0")/lib.sh"
t_init

t_ns a >/dev/null && t_ns b >/dev/null || { fail "create namespaces"; exit 1; }
A=$T_ID-a B=$T_ID-b
t_veth "$A" va0 "$B" vb0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.9.0.2/24 dev va0
ip -n "$B" addr add 10.9.0.1/24 dev vb0
ip -n "$A" route add unreachable 10.98.1.0/24
ip -n "$A" route add prohibit 10.98.2.0/24
ip -n "$A" route add blackhole 10.98.3.0/24
ip -n "$A" rule add to 10.96.2.0/24 prohibit pref 100
ip -n "$A" rule add to 10.96.3.0/24 unreachable pref 101
ip -n "$A" rule add to 10.96.4.0/24 blackhole pref 102
ip -n "$A" -6 addr add fd00:9::2/64 dev va0 nodad
ip -n "$A" -6 route add unreachable fd00:98:1::/64
ip -n "$A" -6 route add prohibit fd00:98:2::/64
ip -n "$A" -6 route add blackhole fd00:98:3::/64
ip -n "$A" -6 rule add to fd00:96:2::/64 prohibit pref 100
ip -n "$A" -6 rule add to fd00:96:3::/64 unreachable pref 101
ip -n "$A" -6 rule add to fd00:96:4::/64 blackhole pref 102

# err DEST ERRNO_TEXT TYPE(or null) ICMP DPORT [rule PREF SELECTOR SELECTS]
err() {
	local dst=$1 text=$2 type=$3 proto=$4 port=$5 kind=${6:-route} pref=${7:-} sel=${8:-}
	local selects=${9:-} suffix=""
	[ "$type" != null ] && suffix=" ($type $kind)"

	t_run "$A" "$RTPING" --explain-route "$dst"
	check_rc "$dst: explain exit" 2 "$T_RC" "$T_ERR"
	check_eq "$dst: explain error" "$text$suffix" "$(t_field error)"
	check_eq "$dst: no source reported" "" "$(t_field source)"
	if [ "$kind" = rule ]; then
		check_eq "$dst: reason names the rule" \
			"rule pref $pref $sel → $type (matches $([ "$selects" = both ] && echo "both flows" || echo "the ICMP flow only"))" \
			"$(t_field reason)"
	else
		check_eq "$dst: no reason line (a route decided)" "" "$(t_field reason)"
	fi

	t_run "$A" "$RTPING" --explain-route --json "$dst"
	check_rc "$dst: json exit" 2 "$T_RC" "$T_ERR"
	check_eq "$dst: json is one object" object "$(t_json_objects)"
	check_eq "$dst: json .netlink.error" "$text" "$(t_jq .netlink.error)"
	check_eq "$dst: json .netlink.type" "$type" "$(t_jq .netlink.type)"
	check_eq "$dst: json .netlink.source absent" null "$(t_jq .netlink.source)"
	check_eq "$dst: json .agree" null "$(t_jq .agree)"
	if [ "$kind" = rule ]; then
		check_eq "$dst: json .reasons names the rule" "1 $pref $type $sel $selects" \
			"$(t_jq '"\(.reasons | length) \(.reasons[0].pref) \(.reasons[0].action) \(.reasons[0].rule) \(.reasons[0].selects)"')"
	else
		check_eq "$dst: json .reasons empty" 0 "$(t_jq '.reasons | length')"
	fi
	if [ "$selects" = icmp ]; then
		check_eq "$dst: json .udp_probe.error (the rule spares UDP)" null "$(t_jq .udp_probe.error)"
	else
		check_eq "$dst: json .udp_probe.error" "$text" "$(t_jq .udp_probe.error)"
	fi

	t_ipget "$A" "$dst" ipproto "$proto" dport "$port"
	check_eq "$dst: ip route get fails alike" "$text" "$T_IP_ERR"

	# A rule that spares UDP spares iputils' probe: it pings on, every send
	# failing (exit 1), and so does rtping (route-accepted compares them).
	t_run "$A" "$RTPING" -c 1 -W 1 "$dst"
	check_rc "$dst: ping -c 1 -W 1 exit" "$([ "$selects" = icmp ] && echo 1 || echo 2)" \
		"$T_RC" "$T_ERR"
	# In iputils' words (its probe's connect(): IPv4 asks about broadcast
	# when refused); rtping's warning about the ICMP flow comes on top.
	ip netns exec "$A" timeout 10 "$REF" -c 1 -W 1 "$dst" >/dev/null 2>"$T_TMP/ref.err"
	check_eq "$dst: ping -c 1 -W 1: stderr as iputils'" \
		"$(sed -E 's/^[^: ]+: /rtping: /' "$T_TMP/ref.err")" \
		"$(printf '%s\n' "$T_ERR" | grep -v '^rtping: warning: the kernel refuses')"
}
REF=ping
[ -x /usr/local/bin/ping-20250605 ] && REF=/usr/local/bin/ping-20250605

err 10.98.1.1 "No route to host" unreachable icmp 2048
err 10.98.2.1 "Permission denied" prohibit icmp 2048
err 10.98.3.1 "Invalid argument" blackhole icmp 2048
err 10.97.1.1 "Network is unreachable" null icmp 2048
err fd00:98:1::1 "No route to host" unreachable ipv6-icmp 32768
err fd00:98:2::1 "Permission denied" prohibit ipv6-icmp 32768
err fd00:98:3::1 "Invalid argument" blackhole ipv6-icmp 32768
err fd00:97::1 "Network is unreachable" null ipv6-icmp 32768
err 10.96.2.1 "Permission denied" prohibit icmp 2048 rule 100 "to 10.96.2.0/24" both
err 10.96.3.1 "Network is unreachable" unreachable icmp 2048 rule 101 "to 10.96.3.0/24" both
err 10.96.4.1 "Invalid argument" blackhole icmp 2048 rule 102 "to 10.96.4.0/24" both
err fd00:96:2::1 "Permission denied" prohibit ipv6-icmp 32768 rule 100 "to fd00:96:2::/64" both
err fd00:96:3::1 "Network is unreachable" unreachable ipv6-icmp 32768 rule 101 "to fd00:96:3::/64" both
err fd00:96:4::1 "Invalid argument" blackhole ipv6-icmp 32768 rule 102 "to fd00:96:4::/64" both

# A broadcast route: sending needs SO_BROADCAST (-b), else EACCES, like
# the UDP probe without it. With -b both agree and the echo leaves.
t_run "$A" "$RTPING" --explain-route -b 10.9.0.255
check_rc "10.9.0.255 -b: explain exit" 0 "$T_RC" "$T_ERR"
check_eq "10.9.0.255 -b: explain type" broadcast "$(t_field type)"
src=$(t_field source)
check_eq "10.9.0.255 -b: explain source" 10.9.0.2 "$src"
check_eq "10.9.0.255 -b: agree" yes "$(t_field agree)"
t_wire "$B" vb0 'icmp[icmptype] == 8' "$A" "$RTPING" -b -c 1 -W 1 10.9.0.255
check_eq "10.9.0.255 -b: wire source = explain source" "$src" "$W_SRC"
t_run "$A" "$RTPING" --explain-route 10.9.0.255
check_eq "10.9.0.255 without -b: explain type" broadcast "$(t_field type)"
check_eq "10.9.0.255 without -b: udp probe" "failed: Permission denied" "$(t_field 'udp probe')"
# The probe did not answer at all: it failed as the echo itself would.
if t_field agree | grep -q 'answers for another flow'; then
	fail "10.9.0.255 without -b: agree line claims a probe answer: $(t_field agree)"
else
	pass "10.9.0.255 without -b: agree line does not claim a probe answer"
fi
t_run "$A" "$RTPING" -c 1 -W 1 10.9.0.255
check_rc "10.9.0.255 without -b: ping -c 1 -W 1 exit (as iputils)" 2 "$T_RC" "$T_ERR"

# Bad input is an error too (no host names here: they would need DNS).
t_run "$A" "$RTPING" --explain-route -Q 999 10.9.0.1
check_rc "-Q 999: explain exit" 2 "$T_RC" "$T_ERR"
check_eq "-Q 999: nothing on stdout" "" "$T_OUT"
t_run "$A" "$RTPING" --explain-route -m zz 10.9.0.1
check_rc "-m zz: explain exit" 2 "$T_RC" "$T_ERR"

# An ICMP-only prohibit rule: every echo prohibited, UDP spared, and no such route.
ip -n "$A" rule add pref 90 ipproto icmp prohibit
ip -n "$A" -6 rule add pref 90 ipproto ipv6-icmp prohibit
err 10.9.0.1 "Permission denied" prohibit icmp 2048 rule 90 "ipproto icmp" icmp
err fd00:9::5 "Permission denied" prohibit ipv6-icmp 32768 rule 90 "ipproto ipv6-icmp" icmp
ip -n "$A" rule del pref 90
ip -n "$A" -6 rule del pref 90

# A prohibit route that main answers with comes before a catch-all prohibit
# rule: the route decided, not the rule; where main has nothing, the rule.
ip -n "$A" rule add pref 40000 prohibit
ip -n "$A" -6 rule add pref 40000 prohibit
err 10.98.2.1 "Permission denied" prohibit icmp 2048
err 10.97.1.1 "Permission denied" prohibit icmp 2048 rule 40000 all both
err fd00:98:2::1 "Permission denied" prohibit ipv6-icmp 32768
err fd00:97::1 "Permission denied" prohibit ipv6-icmp 32768 rule 40000 all both

t_done
