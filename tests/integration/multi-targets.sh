#!/usr/bin/env bash
# rtping HOST...: many targets in one run. A hostile peer on a tun device
# (tests/tools/hostile_peer.py) answers one target normally, one twice per
# echo, one never, and an IPv6 one normally; an unresolvable name and a
# duplicate sit in the same list. Counts must be exact per target, on raw
# and on datagram sockets; then per-target route divergence, the JSON
# events, targets sharing an address, and bad lists.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../tools/hostile-lib.sh"
t_init
hp_setup || { fail "set-up: tun peer did not come up"; exit 1; }
hp_mode "ok 10.66.0.5=dup2 10.66.0.6=silent fd00:66::5=ok"

# stats_line HOST: the counts line of HOST's statistics block in $T_OUT.
stats_line() {
	printf '%s\n' "$T_OUT" | grep -A1 -F -x -- "--- $1 ping statistics ---" | sed -n 2p |
		sed -E 's/, time [0-9]+ms$//'
}

# mixed LABEL: the mixed list's checks on $T_OUT/$T_ERR/$T_RC.
mixed() {
	local l=$1
	hp_sane "$l"
	check_rc "$l: exit 2 (a name did not resolve)" 2 "$T_RC" "$T_ERR"
	check_eq "$l: one header per target, argument order" \
		"10.66.0.2 10.66.0.5 10.66.0.6 fd00:66::5" \
		"$(printf '%s\n' "$T_OUT" | sed -n 's/^PING \([^ ]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')"
	check_eq "$l: statistics blocks in argument order" \
		"10.66.0.2 10.66.0.5 10.66.0.6 fd00:66::5" \
		"$(printf '%s\n' "$T_OUT" | sed -n 's/^--- \([^ ]*\) ping statistics ---$/\1/p' | tr '\n' ' ' | sed 's/ $//')"
	check_eq "$l: answering target counted exactly" \
		"3 packets transmitted, 3 received, 0% packet loss" "$(stats_line 10.66.0.2)"
	check_eq "$l: twice-answering target: its duplicates, not the others'" \
		"3 packets transmitted, 3 received, +2 duplicates, 0% packet loss" "$(stats_line 10.66.0.5)"
	check_eq "$l: silent target" \
		"3 packets transmitted, 0 received, 100% packet loss" "$(stats_line 10.66.0.6)"
	check_eq "$l: IPv6 target in the same run" \
		"3 packets transmitted, 3 received, 0% packet loss" "$(stats_line fd00:66::5)"
	check_eq "$l: (DUP!) lines only for the duplicated target" "2 2" \
		"$(hp_count 'DUP!') $(hp_count '^64 bytes from 10\.66\.0\.5: icmp_seq=[12] ttl=64 time=[0-9.]+ ms \(DUP!\)$')"
	check_eq "$l: reply lines as iputils' (no prefix without -v)" 9 \
		"$(hp_count '^64 bytes from (10\.66\.0\.[25]|fd00:66::5): icmp_seq=[123] ttl=64 time=[0-9.]+ ms$')"
	check_eq "$l: closing line" "5 targets: 3 answered, 1 unreachable, 1 failed, 0 with route divergence" \
		"$(printf '%s\n' "$T_OUT" | tail -n 1)"
	check_eq "$l: unresolvable name reported once" 1 \
		"$(printf '%s\n' "$T_ERR" | grep -c '^rtping: nosuch\.invalid: ')"
	check_eq "$l: duplicate said once" "rtping: 10.66.0.2: listed more than once, pinged once" \
		"$(printf '%s\n' "$T_ERR" | grep 'more than once')"
}

LIST="10.66.0.2 10.66.0.5 10.66.0.6 fd00:66::5 nosuch.invalid 10.66.0.2 10.66.0.2"
hp_ping $RTPING -n -c 3 -i 0.2 -W 1 $LIST
mixed "raw"

# The same through ICMP datagram sockets (kernel-chosen ids: demux by address).
ip netns exec "$HP_NS" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
hp_ping $RTPING -n -c 3 -i 0.2 -W 1 $LIST
mixed "dgram"
ip netns exec "$HP_NS" sysctl -qw net.ipv4.ping_group_range="1 0"

# -v names the target on each line.
hp_ping $RTPING -n -v -c 1 -W 1 10.66.0.2 fd00:66::5
check_rc "-v: exit 0 (all answered)" 0 "$T_RC" "$T_ERR"
check_eq "-v: reply lines carry their target" 2 \
	"$(hp_count '^(10\.66\.0\.2|fd00:66::5): 64 bytes from (10\.66\.0\.2|fd00:66::5): icmp_seq=1 ident=[0-9]+ ttl=64 ')"

# One address spelled three ways is one target, said once, pinged as one
# (iputils' output: no closing line).
hp_ping $RTPING -n -c 1 -W 1 10.66.0.2 10.66.0.02 0x0a.66.0.2
check_rc "one address, three spellings: exit 0" 0 "$T_RC" "$T_ERR"
check_eq "one address, three spellings: said once, by the first duplicate" \
	"rtping: 10.66.0.02: listed more than once, pinged once" "$T_ERR"
check_eq "one address, three spellings: one target" "1 0" \
	"$(hp_count '^--- .* ping statistics ---$') $(hp_count 'targets:')"

# Two names for one address: both pinged, each line says whose it is.
t_etc "$HP_NS" hosts "10.66.0.2 peer2"
for sock in raw dgram; do
	[ $sock = dgram ] && ip netns exec "$HP_NS" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	hp_ping $RTPING -n -c 2 -i 0.2 -W 1 10.66.0.2 peer2
	check_rc "$sock shared address: exit 0" 0 "$T_RC" "$T_ERR"
	check_eq "$sock shared address: each counted once" \
		"2 packets transmitted, 2 received, 0% packet loss|2 packets transmitted, 2 received, 0% packet loss" \
		"$(stats_line 10.66.0.2)|$(stats_line peer2)"
	check_eq "$sock shared address: lines prefixed" "2 2" \
		"$(hp_count '^10\.66\.0\.2: 64 bytes from 10\.66\.0\.2: icmp_seq=[12] ') $(hp_count '^peer2: 64 bytes from 10\.66\.0\.2: icmp_seq=[12] ')"
done
ip netns exec "$HP_NS" sysctl -qw net.ipv4.ping_group_range="1 0"

# --json: every event names its target; one summary each; run_summary last.
hp_ping $RTPING --json -c 2 -i 0.2 -W 1 10.66.0.2 10.66.0.5 10.66.0.6 fd00:66::5
check_rc "json: exit 1 (one silent)" 1 "$T_RC" "$T_ERR"
check_eq "json: every line parses" "$(printf '%s\n' "$T_OUT" | wc -l)" \
	"$(printf '%s\n' "$T_OUT" | jq -c . 2>/dev/null | wc -l)"
check_eq "json: events without host" 0 \
	"$(hp_json_count '(.type == "reply" or .type == "dup" or .type == "timeout" or .type == "error") and (.host == null or .target_addr == null)')"
check_eq "json: dups are the twice-answered target's" "1 1" \
	"$(hp_json_count '.type == "dup"') $(hp_json_count '.type == "dup" and .host == "10.66.0.5"')"
check_eq "json: one start and one summary per target" "4 4" \
	"$(hp_json_count '.type == "start"') $(hp_json_count '.type == "summary" and .route.destination == .host')"
check_eq "json: summaries in argument order" "10.66.0.2 10.66.0.5 10.66.0.6 fd00:66::5" \
	"$(printf '%s\n' "$T_OUT" | jq -r 'select(.type == "summary") | .host' | tr '\n' ' ' | sed 's/ $//')"
check_eq "json: run_summary last" '{"type":"run_summary","targets":4,"answered":3,"unreachable":1,"diverging":0,"failed":0,"not_probed":0}' \
	"$(printf '%s\n' "$T_OUT" | tail -n 1 | jq -c .)"

# Bad lists: nothing sent, nothing on stdout, one line naming the problem.
printf '%s\n' '# targets' 10.66.0.2 '10.66.0.5  # answers twice' 'two names' >"$T_TMP/list"
hp_ping $RTPING -c 1 --file "$T_TMP/list"
check_rc "malformed --file line: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "malformed --file line: its number" 1 \
	"$(printf '%s\n' "$T_ERR" | grep -c "^rtping: $T_TMP/list line 4: ")"
check_eq "malformed --file line: stdout empty, one stderr line" "0 1" \
	"$(printf '%s' "$T_OUT" | wc -c) $(printf '%s\n' "$T_ERR" | wc -l)"
awk 'BEGIN { for (n = 0; n <= 65536; n++) printf "10.%d.%d.%d\n", 100 + int(n / 65536), int(n / 256) % 256, n % 256 }' >"$T_TMP/many"
hp_ping $RTPING -c 1 --file "$T_TMP/many"
check_rc "too many targets: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "too many targets: the limit said, nothing sent" "rtping: too many targets: at most 65536|0" \
	"$T_ERR|$(printf '%s' "$T_OUT" | wc -c)"
printf '%s\n' '# from stdin' 10.66.0.2 '' 'fd00:66::5 # v6' | \
	ip netns exec "$HP_NS" timeout 20 "$RTPING" -n -c 1 -W 1 --file - >"$T_TMP/o" 2>"$T_TMP/e"
check_rc "--file -: exit 0" 0 "$?" "$(cat "$T_TMP/e")"
check_eq "--file -: both targets" "10.66.0.2 fd00:66::5" \
	"$(sed -n 's/^--- \([^ ]*\) ping statistics ---$/\1/p' "$T_TMP/o" | tr '\n' ' ' | sed 's/ $//')"
# A user: iputils' interval limit holds per target, and targets share datagram sockets.
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	chmod 755 "$T_TMP" && cp "$RTPING" "$T_TMP/rtping-user" && chmod 755 "$T_TMP/rtping-user"
	as_nobody() {
		ip netns exec "$HP_NS" setpriv --reuid=nobody --regid="$(id -gn nobody)" \
			--clear-groups timeout 20 "$T_TMP/rtping-user" "$@" >"$T_TMP/o" 2>"$T_TMP/e"
	}
	ip netns exec "$HP_NS" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	as_nobody -n -c 1 -i 0.001 10.66.0.2 fd00:66::5
	check_rc "user -i 0.001: exit 2" 2 "$?" "$(cat "$T_TMP/e")"
	check_eq "user -i 0.001: refused once for the run (iputils' words), nothing on stdout" \
		"rtping-user: cannot flood, minimal interval for user must be >= 2 ms, use -i 0.002 (or higher)|" \
		"$(cat "$T_TMP/e")|$(cat "$T_TMP/o")"
	as_nobody -n -c 2 -i 0.2 -W 1 10.66.0.2 10.66.0.5 fd00:66::5
	check_rc "user: exit 0" 0 "$?" "$(cat "$T_TMP/e")"
	T_OUT=$(cat "$T_TMP/o")
	check_eq "user: counts per target" \
		"2 packets transmitted, 2 received, 0% packet loss|2 packets transmitted, 2 received, +1 duplicates, 0% packet loss|2 packets transmitted, 2 received, 0% packet loss" \
		"$(stats_line 10.66.0.2)|$(stats_line 10.66.0.5)|$(stats_line fd00:66::5)"
	ip netns exec "$HP_NS" sysctl -qw net.ipv4.ping_group_range="1 0"
else
	skip "user runs: no user nobody or no setpriv"
fi
t_done
