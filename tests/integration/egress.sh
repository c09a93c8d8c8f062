#!/usr/bin/env bash
# Egress reports: where each echo really left, from the kernel's transmit
# reports, against the route query's prediction and tcpdump. IPv4 multipath
# with hash policy 0 (query and wire agree) and 1 (L4: the query can name
# the wrong next hop; the sysctl is set inside namespace A only), IPv6
# multipath, the policy-rule divergence (egress = the ICMP flow's source,
# not the UDP probe's), the unprivileged datagram socket, and a neighbour
# that never resolves (no report: egress null, "not observed").
. "$(dirname "$0")/lib.sh"
t_init

A=$(t_ns ma) && B=$(t_ns mb) || { fail "create namespaces"; exit 1; }
t_two_links "$A" mpv1 mpv2 "$B" pv1 pv2 || { fail "create veths"; exit 1; }
ip -n "$B" addr add 10.70.0.0/24 dev lo
ip -n "$B" -6 route add local fd70::/64 dev lo
ip -n "$A" route add 10.70.0.0/24 nexthop via 10.61.0.2 nexthop via 10.62.0.2
ip -n "$A" -6 route add fd70::/64 nexthop via fd61::2 nexthop via fd62::2
ip -n "$A" route add 10.80.0.0/24 dev mpv1    # on-link, nobody answers ARP

# pairs DEST...: "predicted observed" per destination, from one echo each (JSON).
pairs() {
	local d
	for d in "$@"; do
		ip netns exec "$A" timeout 5 "$RTPING" -c 1 -W 1 --json "$d" 2>/dev/null |
			jq -r 'select(.type == "start") .route.netlink.source,
			       select(.type == "reply") .egress.source' | tr '\n' ' '
		echo
	done
}

# Policy 0 (L3 hash): the query and the wire agree for every destination.
ip netns exec "$A" sysctl -qw net.ipv4.fib_multipath_hash_policy=0
out=$(pairs 10.70.0.1 10.70.0.2 10.70.0.3 10.70.0.4 10.70.0.5 10.70.0.6)
check_eq "policy 0: six echoes observed" 6 "$(printf '%s\n' "$out" | grep -c '^10\.6[12]\.0\.1 10\.6[12]\.0\.1 $')"
check_eq "policy 0: every egress is the prediction" 0 \
	"$(printf '%s\n' "$out" | awk '$1 != $2' | wc -l)"
t_run "$A" "$RTPING" -c 2 -i 0.2 10.70.0.4
check_eq "policy 0: nothing said on stderr" "" "$T_ERR"

# Policy 1 (L4): find a destination whose echoes leave by the other next hop.
ip netns exec "$A" sysctl -qw net.ipv4.fib_multipath_hash_policy=1
out=$(pairs 10.70.0.1 10.70.0.2 10.70.0.3 10.70.0.4 10.70.0.5 10.70.0.6 10.70.0.7 10.70.0.8)
div=$(printf '%s\n' "$out" | awk '$1 != $2 { print NR; exit }')
if [ -z "$div" ]; then
	fail "policy 1: no destination among 8 where the query and the wire differ: $out"
else
	D=10.70.0.$div
	pred=$(printf '%s\n' "$out" | sed -n "${div}p" | cut -d' ' -f1)
	obs=$(printf '%s\n' "$out" | sed -n "${div}p" | cut -d' ' -f2)
	pdev=mpv1 odev=mpv2
	[ "$pred" = 10.62.0.1 ] && pdev=mpv2 odev=mpv1
	t_wire "$B" "p${odev#mp}" "icmp[icmptype] = icmp-echo" "$A" "$RTPING" -v -c 3 -i 0.2 "$D"
	check_eq "policy 1 $D: tcpdump sees the observed source" "$obs" "$W_SRC"
	check_eq "policy 1 $D: three reply lines end with the observed egress" 3 \
		"$(printf '%s\n' "$W_OUT" | grep -c "icmp_seq=.* egress $obs $odev\$")"
	check_eq "policy 1 $D: one line says the echo left otherwise" \
		"rtping: echo left from $obs dev $odev, not $pred dev $pdev as the route query said (multipath hash)" \
		"$(printf '%s\n' "$W_ERR" | grep '^rtping: echo left')"
	check_match "policy 1 $D: before the first report, the candidates" \
		"warning: multipath route with L4 hashing: the echo leaves by one of 10.61.0.1 dev mpv1 via 10.61.0.2, 10.62.0.1 dev mpv2 via 10.62.0.2; no route query can choose" "$W_ERR"
	check_eq "policy 1 $D: no warning claims an ICMP source" 0 \
		"$(printf '%s\n' "$W_ERR" | grep -c 'ICMP flow uses')"
	check_match "policy 1 $D: -v summary counts per egress" "^egress $obs $odev: 3 echoes\$" "$W_OUT"
	check_eq "policy 1 $D: the -v header states no one source" \
		"PING $D ($D) 56(84) bytes of data." "$(printf '%s\n' "$W_OUT" | head -n 1)"
	t_run "$A" "$RTPING" --json -c 1 "$D"
	check_eq "policy 1 $D: JSON start has no source or device, the route its candidates" \
		"null null 2" "$(t_jq 'select(.type == "start") | "\(.source) \(.device) \(.route.candidates | length)"')"
	t_run "$A" "$RTPING" --explain-route "$D"
	check_eq "explain $D: two candidate lines" 2 "$(printf '%s\n' "$T_OUT" | grep -c '^candidate ')"
	check_match "explain $D: no query can choose" 'no query can choose among the candidates' "$T_OUT"
	check_eq "explain $D without --verify: no observed line" 0 "$(printf '%s\n' "$T_OUT" | grep -c '^observed')"
	t_run "$A" "$RTPING" --explain-route --verify --json "$D"
	check_rc "explain --verify $D: exit 1 (observed differs)" 1 "$T_RC" "$T_ERR"
	check_eq "explain --verify $D: candidates" "10.61.0.1 mpv1 10.61.0.2,10.62.0.1 mpv2 10.62.0.2" \
		"$(t_jq '[.candidates[] | "\(.source) \(.device) \(.gateway)"] | join(",")')"
	check_eq "explain --verify $D: observed" "$obs $odev" "$(t_jq '"\(.observed.source) \(.observed.device)"')"
	check_eq "explain --verify $D: hash_dependent" true "$(t_jq .hash_dependent)"
fi

# IPv6 multipath: the query (protocol 58, dport 32768) matches the wire.
out=$(pairs fd70::1 fd70::2 fd70::3 fd70::4 fd70::5 fd70::6)
check_eq "v6 multipath: six echoes observed" 6 "$(printf '%s\n' "$out" | grep -c '^fd6[12]::1 fd6[12]::1 $')"
check_eq "v6 multipath: every egress is the prediction" 0 "$(printf '%s\n' "$out" | awk '$1 != $2' | wc -l)"

# Flood: the first 16 echoes ask for a report, then one each 10 ms (README).
t_run "$A" "$RTPING" -f -q -v -c 100 10.70.0.1
n=$(printf '%s\n' "$T_OUT" | sed -n 's/^egress sampled: \([0-9]*\) of 100 echoes (flood: the first 16, then one each 10 ms)$/\1/p')
check_match "flood: sampled echoes said" '^[0-9]+$' "$n"
check_eq "flood: the first 16 asked, not all 100" 1 "$([ "${n:-0}" -ge 16 ] && [ "${n:-100}" -lt 100 ] && echo 1)"
check_eq "flood: every sampled echo observed" "$n" \
	"$(printf '%s\n' "$T_OUT" | sed -n 's/^egress 10\.6[12]\.0\.1 mpv[12]: \([0-9]*\) echoes$/\1/p' | awk '{ n += $1 } END { print n + 0 }')"
# A paced flood (an echo each 2 ms, 100 of them): past the first 16, one in
# about five asks; never more than one each 10 ms of the run's time.
t_run "$A" "$RTPING" -f -i 0.002 -q -v -c 100 10.70.0.1
n=$(printf '%s\n' "$T_OUT" | sed -n 's/^egress sampled: \([0-9]*\) of 100 echoes .*/\1/p')
ms=$(printf '%s\n' "$T_OUT" | sed -n 's/.* received, .*time \([0-9]*\)ms$/\1/p')
check_match "paced flood: sampled echoes said" '^[0-9]+$' "$n"
check_eq "paced flood: some asked after the first 16, at most one each 10 ms" 1 \
	"$([ "${n:-0}" -gt 16 ] && [ "${n:-0}" -le $((16 + ${ms:-0} / 10 + 1)) ] && echo 1)"
# A neighbour that never resolves: the echo never reaches a device, no report.
t_run "$A" "$RTPING" -c 2 -i 0.3 -W 1 --json 10.80.0.9
check_eq "unresolved neighbour: timeout event's egress is null" null \
	"$(t_jq 'select(.type == "timeout") | .egress' | head -n 1)"
check_eq "unresolved neighbour: summary, not observed" "[] 2" \
	"$(t_jq 'select(.type == "summary") | "\(.egress) \(.egress_unobserved)"')"
t_run "$A" "$RTPING" -v -c 1 -W 1 10.80.0.9
check_match "unresolved neighbour: -v says not observed" '^egress not observed: 1 echoes$' "$T_OUT"

# Policy-rule divergence (divergence.md): the echo keeps the ICMP flow's source.
t_two_sources dva dvb || { fail "build the two-source topology"; exit 1; }
ip -n "$A" rule add ipproto udp table 100 pref 100
ip -n "$A" -6 rule add ipproto udp table 100 pref 100
for d in 10.99.1.1 fd00:99::1; do
	want=10.9.0.12 filt="icmp[icmptype] = icmp-echo"
	[ "$d" = fd00:99::1 ] && want=fd00:9::12 filt="icmp6 and ip6[40] = 128"
	t_wire "$B" dvb "$filt" "$A" "$RTPING" -c 2 -i 0.2 --json "$d"
	check_eq "rule divergence $d: reply egress is the ICMP flow's source" "$want dva" \
		"$(t_jq 'select(.type == "reply") | "\(.egress.source) \(.egress.device)"' "$W_OUT" | sort -u)"
	check_eq "rule divergence $d: tcpdump agrees" "$want" "$W_SRC"
	check_eq "rule divergence $d: summary counts 2 echoes by it" "$want 2" \
		"$(t_jq 'select(.type == "summary") | .egress[] | "\(.source) \(.echoes)"' "$W_OUT")"
done

# The unprivileged datagram socket: reports work there too (v4 and v6).
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	chmod 755 "$T_TMP" && cp "$RTPING" "$T_TMP/rtping" && chmod 755 "$T_TMP/rtping"
	for d in 10.99.1.1 fd00:99::1; do
		want=10.9.0.12; [ "$d" = fd00:99::1 ] && want=fd00:9::12
		t_run "$A" setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
			"$T_TMP/rtping" -c 2 -i 0.2 -v "$d"
		check_rc "datagram socket $d: exit 0" 0 "$T_RC" "$T_ERR"
		check_eq "datagram socket $d: no ident (datagram, not raw)" 0 "$(printf '%s\n' "$T_OUT" | grep -c ident=)"
		check_eq "datagram socket $d: both replies show the egress" 2 \
			"$(printf '%s\n' "$T_OUT" | grep -c "icmp_seq=.* egress $want dva\$")"
		t_run "$A" setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
			"$T_TMP/rtping" --explain-route --verify "$d"
		check_match "datagram socket $d: --verify observes" "^observed +$want dev dva " "$T_OUT"
	done
else
	skip "datagram socket: no user nobody or no setpriv"
fi

# An IPv6 echo larger than the link's 1500-byte MTU leaves in fragments;
# the report carries the first, and its source is the one on the wire.
t_veth "$A" fra "$B" frb || fail "create the fragment veth"
ip -n "$A" -6 addr add fd63::1/64 dev fra nodad
ip -n "$B" -6 addr add fd63::2/64 dev frb nodad
frag() {
	check_rc "fragmented $1: exit 0" 0 "$T_RC" "$T_ERR"
	check_eq "fragmented $1: every reply names the egress" 3 \
		"$(printf '%s\n' "$T_OUT" | grep -c 'icmp_seq=.* egress fd63::1 fra$')"
	check_eq "fragmented $1: no unknown source, no divergence, no route change" "" \
		"$(printf '%s\n%s\n' "$T_OUT" "$T_ERR" | grep -E 'egress \?|left from|route changed')"
}
t_wire "$B" frb "ip6 and src fd63::1" "$A" "$RTPING" -v -c 3 -i 0.2 -s 2000 fd63::2
T_OUT=$W_OUT T_ERR=$W_ERR T_RC=$W_RC frag "raw -s 2000"
check_eq "fragmented: tcpdump sees the fragments leave from fd63::1" fd63::1 "$W_SRC"
t_run "$A" "$RTPING" --json -c 3 -i 0.2 -s 2000 fd63::2
check_eq "fragmented --json: every reply's egress source" "fd63::1 3" \
	"$(t_jq 'select(.type == "reply") | .egress.source' "$T_OUT" | sort | uniq -c | awk '{print $2, $1}')"
t_run "$A" "$RTPING" --explain-route --verify -s 2000 fd63::2
check_rc "fragmented --verify: exit 0 (observed = predicted)" 0 "$T_RC" "$T_OUT $T_ERR"
check_match "fragmented --verify: observed source" '^observed +fd63::1 dev fra ' "$T_OUT"
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	t_run "$A" setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
		"$T_TMP/rtping" -v -c 3 -i 0.2 -s 2000 fd63::2
	frag "datagram -s 2000"
fi
t_done
