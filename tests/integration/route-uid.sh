#!/usr/bin/env bash
# Route module, uidrange rules: the kernel keys the echo on the uid that owns
# the socket (its fsuid at socket()). "uidrange 0-0 → table 100" (src .11)
# moves root's echo; uid 65534 stays in main (src .12). With real uid 65534
# and effective uid 1000 the socket belongs to 1000 while a route query
# without RTA_UID would be answered for 65534: rtping must send RTA_UID and
# report what the wire shows. Unprivileged pings use ICMP datagram sockets,
# enabled by ping_group_range inside this script's own namespace.
. "$(dirname "$0")/lib.sh"
t_init
command -v setpriv >/dev/null || { skip "setpriv (util-linux) not installed"; exit 0; }

t_two_sources || { fail "build the two-source topology"; exit 1; }
ip -n "$A" rule add uidrange 0-0 table 100 pref 100
ip -n "$A" rule add uidrange 1000-1000 table 100 pref 101
ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
FILT='icmp[icmptype] == 8'

# uid WHAT FLOW_UID WANT_SRC WANT_TABLE [SETPRIV ARGS...]
uid() {
	local what=$1 u=$2 want=$3 table=$4 src run=()
	shift 4
	[ $# -gt 0 ] && run=(setpriv "$@")

	t_run "$A" "${run[@]}" "$RTPING" --explain-route 10.99.1.1
	check_rc "$what: explain exit (agree)" 0 "$T_RC" "$T_ERR"
	check_match "$what: flow uid" " uid $u " "$(t_field flow)"
	src=$(t_field source)
	check_eq "$what: explain source" "$want" "$src"
	check_eq "$what: explain table" "$table" "$(t_field table)"
	check_match "$what: udp probe (same uid) source" "^$want " "$(t_field 'udp probe')"
	t_run "$A" "${run[@]}" "$RTPING" --explain-route --json 10.99.1.1
	check_eq "$what: json .flow.uid" "$u" "$(t_jq .flow.uid)"
	check_eq "$what: json .netlink.source" "$want" "$(t_jq .netlink.source)"

	t_ipget "$A" 10.99.1.1 ipproto icmp dport 2048 uid "$u"
	check_eq "$what: ip route get uid $u src = explain source" "$src" "$(t_jq .prefsrc "$T_IP")"

	t_wire "$B" vb0 "$FILT" "$A" "${run[@]}" "$RTPING" -c 1 -W 2 10.99.1.1
	check_rc "$what: ping -c 1 exit" 0 "$W_RC" "$W_ERR"
	check_eq "$what: wire source = explain source" "$src" "$W_SRC"
}

# The rule really is keyed on the uid.
t_ipget "$A" 10.99.1.1 ipproto icmp dport 2048 uid 0
check_eq "ip route get uid 0 (rule pref 100)" 10.9.0.11 "$(t_jq .prefsrc "$T_IP")"
t_ipget "$A" 10.99.1.1 ipproto icmp dport 2048 uid 65534
check_eq "ip route get uid 65534 (no rule)" 10.9.0.12 "$(t_jq .prefsrc "$T_IP")"

uid "root" 0 10.9.0.11 100
uid "uid 65534" 65534 10.9.0.12 main --reuid=65534 --regid=65534 --clear-groups
# ruid 65534, euid (and fsuid) 1000: the socket is 1000's.
SPLIT=(--ruid=65534 --euid=1000 --regid=65534 --clear-groups)
uid "ruid 65534 euid 1000" 1000 10.9.0.11 100 "${SPLIT[@]}"
# Without RTA_UID the kernel answers for the caller's real uid (65534):
# that is the answer rtping would give if it left RTA_UID out.
T_IP=$(ip netns exec "$A" setpriv "${SPLIT[@]}" ip -j route get 10.99.1.1 ipproto icmp dport 2048 |
	jq -c '.[0]')
check_eq "ruid 65534 euid 1000: a query without RTA_UID says the real uid's source" 10.9.0.12 \
	"$(t_jq .prefsrc "$T_IP")"

t_done
