#!/usr/bin/env bash
# Newer iputils options on the wire, where the golden files cannot see them:
# -C (connect() keys the route on (icmp, the socket's port, dport 0) and
# keeps the source it picks), a refused SO_MARK (the route query and the
# wire both go unmarked), -F (the label on the wire; explain says an IPv6
# multipath hash takes it), -j. Topology: t_two_sources (lib.sh): main
# routes 10.99.0.0/16 from .12, table 100 from .11.
. "$(dirname "$0")/lib.sh"
t_init
t_two_sources || { fail "set-up: two-sources topology"; exit 1; }
# Only connect()'s key has a source port: this rule tells the two apart.
ip -n "$A" rule add ipproto icmp sport 1-65534 table 100 pref 100 ||
	{ fail "set-up: ip rule ipproto icmp sport 1-65534"; exit 1; }

# conn WHAT EXPECTED-SOURCE ARGS...: the wire and the -v header agree on it.
conn() {
	local what=$1 want=$2; shift 2
	t_wire "$B" vb0 icmp "$A" "$RTPING" -v -c 1 -W 2 "$@" 10.99.1.1
	check_eq "$what: leaves from $want" "$want" "$W_SRC"
	check_match "$what: -v header names it" "^PING 10.99.1.1 \(10.99.1.1\) from $want va0: " \
		"$W_OUT"
}

for sock in raw dgram; do
	[ $sock = dgram ] && ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	conn "$sock, no -C" 10.9.0.12
	conn "$sock -C" 10.9.0.11 -C
	t_run "$A" "$RTPING" --explain-route --json -C 10.99.1.1
	check_eq "$sock: --explain-route -C: connect()'s source, table 100, sport set" \
		"10.9.0.11 10.9.0.11 100 true" \
		"$(t_jq '"\(.netlink.source) \(.flow.connect.source) \(.flow.connect.table) \(.flow.connect.sport > 0)"')"
	t_run "$A" "$RTPING" --explain-route -C 10.99.1.1
	check_match "$sock: explain -C names the rule that moved the source" \
		'^reason +rule pref 100 ipproto icmp sport 1-65534 .*ICMP flow only' "$T_OUT"
	t_run "$A" "$RTPING" --explain-route --json 10.99.1.1
	check_eq "$sock: without -C no connect object, the echo's own source" "null 10.9.0.12" \
		"$(t_jq '"\(.flow.connect) \(.netlink.source)"')"
done
# -e binds the route's source first on a datagram socket (iputils: its
# probe's): connect() keeps it; -B likewise.
conn "dgram -e 4660 -C" 10.9.0.12 -e 4660 -C
conn "dgram -B -C" 10.9.0.12 -B -C
t_run "$A" "$RTPING" --explain-route -e 4660 -C 10.99.1.1
check_match "explain -e -C: bound before connect()" \
	'^connect +icmp sport 4660 dport 0: source 10\.9\.0\.12, table 100, .*bound before connect' "$T_OUT"

# A refused SO_MARK (no capability): a warning, and nothing carries the mark.
ip -n "$A" rule add fwmark 5 table 100 pref 90
cp "$RTPING" "$T_TMP/rtping-user" && chmod 755 "$T_TMP" "$T_TMP/rtping-user"
t_wire "$B" vb0 icmp "$A" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$T_TMP/rtping-user" -m 5 -v -c 1 -W 2 10.99.1.1
check_rc "SO_MARK refused: the ping goes on" 0 "$W_RC" "$W_ERR"
check_eq "SO_MARK refused: iputils' two warning lines" \
	"rtping-user: WARNING: failed to set mark: 5: Operation not permitted|rtping-user: => missing cap_net_admin+p or cap_net_raw+p (since Linux 5.17) capability?" \
	"$(printf '%s' "$W_ERR" | paste -sd '|')"
check_eq "SO_MARK refused: unmarked on the wire (main's source)" 10.9.0.12 "$W_SRC"
check_match "SO_MARK refused: the header asked the route unmarked" 'from 10\.9\.0\.12 va0:' "$W_OUT"
t_wire "$B" vb0 icmp "$A" "$RTPING" -m 5 -v -c 1 -W 2 10.99.1.1
check_eq "SO_MARK allowed (root): marked on the wire (table 100)" "10.9.0.11 " "$W_SRC $W_ERR"
ip -n "$A" rule del fwmark 5 table 100 pref 90

# -F: the label leaves with the echo (raw socket), and the header shows it.
ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="1 0"
ip netns exec "$B" timeout 30 tcpdump -l -n -p -v -i vb0 -c 1 'icmp6 and ip6[40] == 128' \
	>"$T_TMP/f.out" 2>"$T_TMP/f.err" &
fpid=$!
T_PIDS+=("$fpid")
t_wait_for 20 t_lines 1 "$T_TMP/f.err" "listening on"
t_run "$A" "$RTPING" -F 0x12345 -c 1 -W 2 fd00:99::1
t_reap "$fpid"
check_match "-F: the header shows the label" '^PING fd00:99::1 \(fd00:99::1\) , flow 0x12345, 56 data bytes$' "$T_OUT"
check_match "-F: the echo carries flow label 0x12345" 'flowlabel 0x12345' "$(cat "$T_TMP/f.out")"

# An IPv6 multipath route: the label enters the hash, and explain says so.
ip -n "$A" -6 route add fd00:98::/64 nexthop via fd00:9::1 nexthop via fd00:9::2
t_run "$A" "$RTPING" --explain-route -F 5 fd00:98::1
check_match "-F on IPv6 multipath: explain notes the hashed label" \
	'^note +multipath: the echo.s next hop depends on its flow label \(-F\)' "$T_OUT"
t_run "$A" "$RTPING" --explain-route --json -F 5 fd00:98::1
check_eq "-F on IPv6 multipath: hash_dependent in JSON" true "$(t_jq .hash_dependent)"
t_run "$A" "$RTPING" --explain-route --json fd00:98::1
check_eq "no -F on IPv6 multipath: not hash-dependent" false "$(t_jq .hash_dependent)"

# -j is --json.
t_run "$A" "$RTPING" -j -c 1 -W 2 10.99.1.1
check_eq "-j: JSON lines, start to summary" "start reply summary" \
	"$(printf '%s\n' "$T_OUT" | jq -r .type 2>/dev/null | paste -sd ' ')"
t_done
