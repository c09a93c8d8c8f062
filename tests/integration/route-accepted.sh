#!/usr/bin/env bash
# Routes the kernel accepts, pinged and explained as the kernel routes them.
# Host H has h0 (fd00:1::1, fd00:1::5, 10.1.0.1) and h1 (fd00:2::1) to the
# router R (fd00:1::2, fd00:2::2, 10.1.0.2), which forwards to P, holding
# fd00:9::1-8 on lo. In turn: an IPv6 source-specific route (the kernel
# selects a source when the lookup without one fails, and looks up again);
# -B with two targets (refused, as -C is); an IPv6 multipath route with -B
# (the bound source enters the hash: asked again) and its candidate lines
# (device and gateway from one answer); a rule that prohibits ICMP alone
# (iputils pings on and every send fails); a rule with a DSCP selector
# (Linux 6.13), which rtping cannot evaluate and never blames.
. "$(dirname "$0")/lib.sh"
t_init

t_ns h >/dev/null && t_ns r >/dev/null && t_ns p >/dev/null || { fail "create namespaces"; exit 1; }
H=$T_ID-h R=$T_ID-r P=$T_ID-p
for l in "h0 $R r0" "h1 $R r1"; do
	set -- $l
	ip link add "$1" netns "$H" type veth peer name "$3" netns "$2" || { fail "veth $1"; exit 1; }
done
ip link add rp netns "$R" type veth peer name pr netns "$P" || { fail "veth rp"; exit 1; }
# Link-local addresses by hand, without DAD (neighbour discovery needs one;
# an automatic one would race the checks).
for x in "$H h0 1" "$H h1 1" "$R r0 2" "$R r1 2" "$R rp 1" "$P pr 2"; do
	set -- $x
	ip -n "$1" link set "$2" addrgenmode none up
	ip -n "$1" -6 addr add "fe80::$3/64" dev "$2" nodad
done
ip -n "$H" -6 addr add fd00:1::1/64 dev h0 nodad
ip -n "$H" -6 addr add fd00:1::5/64 dev h0 nodad
ip -n "$H" -6 addr add fd00:2::1/64 dev h1 nodad
ip -n "$H" addr add 10.1.0.1/24 dev h0
ip -n "$R" -6 addr add fd00:1::2/64 dev r0 nodad
ip -n "$R" -6 addr add fd00:2::2/64 dev r1 nodad
ip -n "$R" -6 addr add fd00:3::1/64 dev rp nodad
ip -n "$R" addr add 10.1.0.2/24 dev r0
ip -n "$P" -6 addr add fd00:3::2/64 dev pr nodad
for i in 1 2 3 4 5 6 7 8; do ip -n "$P" -6 addr add "fd00:9::$i/128" dev lo nodad; done
ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$R" -6 route add fd00:9::/64 via fd00:3::2
ip -n "$P" -6 route add default via fd00:3::1
ip netns exec "$H" sysctl -qw net.ipv6.fib_multipath_hash_policy=0
FILT='icmp6 and ip6[40] == 128'

# ---- a source-specific route, and nothing else to fd00:9::/64 ----
ip -n "$H" -6 route add fd00:9::/64 from fd00:1::5/128 via fd00:1::2 dev h0
t_ipget "$H" fd00:9::1
check_eq "source-specific: ip route get without a source fails" "" "$T_IP"
ip netns exec "$H" timeout 10 ping -c 2 -i 0.2 -W 2 fd00:9::1 >/dev/null 2>&1
check_rc "source-specific: iputils pings" 0 $?
t_wire "$R" r0 "$FILT" "$H" "$RTPING" -c 2 -i 0.2 -W 2 fd00:9::1
check_rc "source-specific: rtping pings (was: connect: Network is unreachable)" 0 "$W_RC" "$W_ERR"
check_match "source-specific: both replies" '^2 packets transmitted, 2 received' "$W_OUT"
check_eq "source-specific: the echo left from the selected source" fd00:1::5 "$W_SRC"
t_run "$H" "$RTPING" --explain-route fd00:9::1
check_rc "source-specific: explain exit (agree)" 0 "$T_RC" "$T_ERR"
check_eq "source-specific: explain source" fd00:1::5 "$(t_field source)"
check_eq "source-specific: explain device" "h0" "$(t_field device | cut -d' ' -f1)"
check_match "source-specific: the entry's from" '^fd00:9::/64 from fd00:1::5/128 ' "$(t_field prefix)"
check_eq "source-specific: explain says so" \
	"source-specific: no route without a source; the kernel selected fd00:1::5 and looked up again from it" \
	"$(t_field note)"
t_run "$H" "$RTPING" --explain-route --json fd00:9::1
check_eq "source-specific: json netlink source/from" "fd00:1::5 fd00:1::5/128" \
	"$(t_jq '"\(.netlink.source) \(.netlink.from)"')"
ip -n "$H" -6 route del fd00:9::/64 from fd00:1::5/128

# ---- -B with several targets: refused as -C is ----
for o in -B -C; do
	t_run "$H" "$RTPING" "$o" -c 1 fd00:9::2 fd00:2::2
	check_rc "$o with two targets on two links: exit 2" 2 "$T_RC" "$T_ERR"
	check_eq "$o with two targets: says why, nothing else" \
		"rtping: usage error: $o takes one destination|" "$T_ERR|$T_OUT"
done

# ---- an IPv6 multipath route, with -B ----
ip -n "$H" -6 route add fd00:9::/64 nexthop via fd00:1::2 dev h0 nexthop via fd00:2::2 dev h1
said= left= wrong= pred= cands=
for i in 1 2 3 4 5 6 7 8; do
	t_run "$H" "$RTPING" -v -B -c 1 -W 2 "fd00:9::$i"
	[ "$T_RC" = 0 ] || wrong="$wrong fd00:9::$i(exit $T_RC)"
	s=$(printf '%s\n' "$T_OUT" | sed -n 's/^PING .* from \([0-9a-f:]*\) \([a-z0-9]*\): .*/\1 \2/p')
	e=$(printf '%s\n' "$T_OUT" | sed -n 's/^64 bytes .* egress \([0-9a-f:]*\) \([a-z0-9]*\)\( ingress [a-z0-9]*\)\{0,1\}$/\1 \2/p')
	said="$said ${s:-?}" left="$left ${e:-?}"
	[ -n "$s" ] && [ "$s" = "$e" ] || wrong="$wrong fd00:9::$i(said '$s', left '$e')"
	# The bound source asked as -I asks it: the same device.
	t_run "$H" "$RTPING" --explain-route -I "${s%% *}" "fd00:9::$i"
	[ "$(t_field device | cut -d' ' -f1)" = "${s##* }" ] || pred="$pred fd00:9::$i"
	# -C fixes a source: every candidate pairs a device with its own gateway.
	t_run "$H" "$RTPING" --explain-route -C "fd00:9::$i"
	cands="$cands$(printf '%s\n' "$T_OUT" | grep '^candidate' |
		grep -vE ' dev h0 via fd00:1::2$| dev h1 via fd00:2::2$')"
done
check_eq "multipath -B: the header's source and device are the echo's (8 targets)" "" "$wrong"
check_match "multipath -B: both links carried echoes" ' h0 .* h1| h1 .* h0' "$left"
check_eq "multipath -B: explain -I SRC names the same device" "" "$pred"
check_eq "multipath -C: no candidate pairs a device with another link's gateway" "" "$cands"
t_run "$H" "$RTPING" --explain-route fd00:9::1
check_eq "multipath: without a source, one candidate per next hop" \
	"fd00:1::5 dev h0 via fd00:1::2|fd00:2::1 dev h1 via fd00:2::2" \
	"$(printf '%s\n' "$T_OUT" | sed -n 's/^candidate  *//p' | sort | paste -sd '|')"

# ---- a rule that prohibits ICMP alone: iputils pings on, every send failing ----
ip -n "$H" -6 rule add pref 100 ipproto ipv6-icmp prohibit
ip -n "$H" rule add pref 100 ipproto icmp prohibit
REF=ping
[ -x /usr/local/bin/ping-20250605 ] && REF=/usr/local/bin/ping-20250605
mask() { sed -E 's/time [0-9]+ms/time Nms/'; }
for d in fd00:9::1 10.1.0.2; do
	ip netns exec "$H" timeout 15 "$REF" -c 2 -i 0.2 -W 1 "$d" >"$T_TMP/i.out" 2>"$T_TMP/i.err"
	rc_i=$?
	t_run "$H" "$RTPING" -c 2 -i 0.2 -W 1 "$d"
	check_rc "icmp prohibited, $d: exit as iputils ($REF)" "$rc_i" "$T_RC" "$T_ERR"
	check_eq "icmp prohibited, $d: exit 1" 1 "$T_RC"
	# Debian's iputils writes "PING fd00:9::1(fd00:9::1)": the header is checked apart.
	if [ "$REF" = ping ]; then
		check_match "icmp prohibited, $d: header" "^PING $d \\($d\\) " "$T_OUT"
		from=2
	else
		from=1
	fi
	check_eq "icmp prohibited, $d: output as iputils" \
		"$(tail -n "+$from" "$T_TMP/i.out" | mask)" "$(printf '%s\n' "$T_OUT" | tail -n "+$from" | mask)"
	check_match "icmp prohibited, $d: says why first" \
		'^rtping: warning: the kernel refuses the (ipv6-)?icmp flow \(Permission denied\), not the UDP probe.s' \
		"$(printf '%s\n' "$T_ERR" | head -n 1)"
	# iputils fails each send in silence; so does rtping, after its warning.
	check_eq "icmp prohibited, $d: stderr as iputils' after the warning" "$(cat "$T_TMP/i.err")" \
		"$(printf '%s\n' "$T_ERR" | tail -n +2)"
done
t_run "$H" "$RTPING" --explain-route fd00:9::1
check_rc "icmp prohibited: explain exit" 2 "$T_RC" "$T_ERR"
check_eq "icmp prohibited: explain names the rule" \
	"rule pref 100 ipproto ipv6-icmp → prohibit (matches the ICMP flow only)" "$(t_field reason)"
ip -n "$H" -6 rule del pref 100
ip -n "$H" rule del pref 100

# ---- a DSCP selector (Linux 6.13; iproute2 may not know it: netlink by hand) ----
ip -n "$H" -6 route add prohibit fd00:7::/64
if ip netns exec "$H" python3 "$(dirname "$0")/../tools/nlrule.py" 6 50 prohibit dscp 4; then
	t_run "$H" "$RTPING" --explain-route fd00:7::1
	check_rc "dscp rule: explain exit" 2 "$T_RC" "$T_ERR"
	check_eq "dscp rule: the error put down to neither rule nor route" "Permission denied" \
		"$(t_field error)"
	check_eq "dscp rule: named as cannot tell, never as matching" \
		"rule pref 50 dscp 4 → prohibit (cannot tell: dscp not evaluated)" "$(t_field reason)"
	t_run "$H" "$RTPING" --explain-route --json fd00:7::1
	check_eq "dscp rule: json selects unknown" "dscp 4 unknown" \
		"$(t_jq '.reasons[0] | "\(.rule) \(.selects)"')"
	# A destination the rule does not concern still pings.
	t_run "$H" "$RTPING" -c 1 -W 2 fd00:9::1
	check_rc "dscp rule: other destinations ping" 0 "$T_RC" "$T_ERR"
else
	skip "dscp rule: the kernel refused FRA_DSCP (before Linux 6.13); the unit tests cover it"
fi
t_done
