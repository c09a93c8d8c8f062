#!/usr/bin/env bash
# The live route watch: routing changes during a run are said once each,
# in text (one stderr line, stdout stays iputils') and JSON (route_change
# events with cause), with the echoes' egress following on the wire; a
# bound source that disappears is said once; an event storm during -i 0.01
# does not delay sends, and an overrun (ENOBUFS, forced with a tiny
# --watch-rcvbuf) resynchronises instead of ending the run.
. "$(dirname "$0")/lib.sh"
t_init

t_two_sources dva dvb || { fail "build the two-source topology"; exit 1; }
OLD="src 10.9.0.12 dev dva via 10.9.0.1 table main"
NEW="src 10.9.0.11 dev dva via 10.9.0.1 table main"
T100="src 10.9.0.11 dev dva via 10.9.0.1 table 100"
reset() {
	ip -n "$A" rule del pref 50 2>/dev/null
	ip -n "$A" link set dva up
	ip -n "$A" addr replace 10.9.0.12/24 dev dva
	ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.12
	ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.11 table 100
}

# changes: route replaced, a rule added, the link down and up (with the
# route put back): each 0.4 s apart, while rtping runs in the background.
changes() {
	sleep 0.5; ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.11
	sleep 0.4; ip -n "$A" rule add to 10.99.0.0/16 table 100 pref 50
	sleep 0.4; ip -n "$A" link set dva down; sleep 0.1; ip -n "$A" link set dva up
	ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.12
}

# bg_run OUT ERR ARGS...: rtping in A in the background; sets BG.
bg_run() {
	local o=$1 e=$2; shift 2
	ip netns exec "$A" timeout 20 "$RTPING" "$@" >"$o" 2>"$e" & BG=$!
	T_PIDS+=("$BG")
}

# ---- text: three changes, three lines (the link one is two: gone, back) ----
reset
capture_start "$B" dvb "icmp[icmptype] = icmp-echo and src host 10.9.0.11"
bg_run "$T_TMP/t.out" "$T_TMP/t.err" -c 14 -i 0.2 10.99.1.1
changes
wait "$BG"; rc=$?; t_reap "$BG"
check_eq "text: exit 0" 0 "$rc"
check_eq "tcpdump: echoes left with the new source after the change" 10.9.0.11 "$(capture_wait 2)"
t_reap "$T_CAP_PID"
err=$(cat "$T_TMP/t.err")
check_match "text: route replaced" "^rtping: route changed before icmp_seq=[0-9]+: $OLD → $NEW\$" "$err"
check_match "text: rule added" "^rtping: route changed before icmp_seq=[0-9]+: $NEW → $T100\$" "$err"
check_match "text: link down" "^rtping: route changed before icmp_seq=[0-9]+: $T100 → no route \(Network is unreachable\)\$" "$err"
check_match "text: link up" "^rtping: route changed before icmp_seq=[0-9]+: no route \(Network is unreachable\) → $OLD\$" "$err"
check_eq "text: one line per change, no observed duplicates" 4 "$(grep -c 'route changed' "$T_TMP/t.err")"
check_eq "text: stdout has only iputils' lines" "" \
	"$(grep -vE '^(PING |64 bytes from |$|--- |[0-9]+ packets transmitted|rtt )' "$T_TMP/t.out")"
check_match "text: counting exact (14 sent, the link-down ones lost)" \
	'^14 packets transmitted, 1[0-4] received' "$(cat "$T_TMP/t.out")"

# ---- JSON: the same as events, with causes, and the egress following ----
reset
bg_run "$T_TMP/j.out" "$T_TMP/j.err" -c 14 -i 0.2 --json 10.99.1.1
changes
wait "$BG"; rc=$?; t_reap "$BG"
J=$(cat "$T_TMP/j.out")
check_eq "json: exit 0" 0 "$rc"
check_eq "json: every line is an object" "$(wc -l <"$T_TMP/j.out")" \
	"$(jq -c . <"$T_TMP/j.out" 2>/dev/null | grep -c '^{')"
# The route comes back in the link-up burst, or in one of its own.
check_match "json: causes in order" '^route rule link (link|route)$' \
	"$(t_jq 'select(.type == "route_change") | .cause' "$J" | tr '\n' ' ' | sed 's/ $//')"
check_eq "json: first change from/to sources" "10.9.0.12 10.9.0.11" \
	"$(t_jq 'select(.type == "route_change") | "\(.from.source) \(.to.source)"' "$J" | head -n 1)"
check_eq "json: route objects have the netlink keys" \
	"source,device,ifindex,gateway,table,type,prefix,protocol,metric,scope,multipath,error" \
	"$(t_jq 'select(.type == "route_change") | .to | keys_unsorted | join(",")' "$J" | head -n 1)"
check_eq "json: the rule change names table 100" 100 \
	"$(t_jq 'select(.type == "route_change" and .cause == "rule") | .to.table' "$J")"
first=$(t_jq 'select(.type == "route_change") | .seq' "$J" | head -n 1)
check_eq "json: replies from the change on carry the new egress" "10.9.0.11" \
	"$(t_jq "select(.type == \"reply\" and .seq >= $first and .seq < $first + 2) | .egress.source" "$J" | sort -u)"
check_eq "json: nothing on stderr but the failed send while the link was down" "" \
	"$(grep -v 'Network is unreachable' "$T_TMP/j.err")"

# ---- the bound source deleted and added back (-I ADDRESS) ----
reset
for mode in text json; do
	reset
	extra=; [ $mode = json ] && extra=--json
	bg_run "$T_TMP/a.out" "$T_TMP/a.err" -c 10 -i 0.2 -I 10.9.0.12 $extra 10.99.1.1
	sleep 0.5; ip -n "$A" addr del 10.9.0.12/24 dev dva
	sleep 0.5; ip -n "$A" addr add 10.9.0.12/24 dev dva
	ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.12
	wait "$BG"; t_reap "$BG"
	check_eq "$mode: bound source gone, said once" 1 \
		"$(grep -c '^rtping: source address 10.9.0.12 is no longer on this host' "$T_TMP/a.err")"
	if [ $mode = json ]; then
		check_match "json: address cause" '^address' \
			"$(t_jq 'select(.type == "route_change") | .cause' "$(cat "$T_TMP/a.out")")"
	else
		check_match "text: counting exact (10 sent)" '^10 packets transmitted' "$(cat "$T_TMP/a.out")"
	fi
done

# ---- a storm: thousands of route changes per second during -i 0.01 ----
storm() {
	local i
	for i in $(seq 0 1999); do echo "route add 10.200.$((i / 250)).$((i % 250))/32 dev dva"; done >"$T_TMP/add"
	sed 's/^route add/route del/' "$T_TMP/add" >"$T_TMP/del"
	for i in 1 2 3; do ip -n "$A" -batch "$T_TMP/add"; ip -n "$A" -batch "$T_TMP/del"; done
}
reset
storm_only=$( { time -p storm; } 2>&1 | awk '/^real/ { print $2 }')
bg_run "$T_TMP/s.out" "$T_TMP/s.err" -v -q -c 150 -i 0.01 10.99.1.1
sleep 0.2; storm
wait "$BG"; rc=$?; t_reap "$BG"
S=$(cat "$T_TMP/s.out")
check_eq "storm: exit 0" 0 "$rc"
check_match "storm: all 150 sent and answered" '^150 packets transmitted, 150 received' "$S"
ms=$(sed -n 's/.*packet loss, time \([0-9]*\)ms/\1/p' <<<"$S")
# 149 intervals of 10 ms: the schedule is absolute, a slow turn is caught up.
if [ -n "$ms" ] && [ "$ms" -ge 1480 ] && [ "$ms" -le 1560 ]; then
	pass "storm: sends kept the schedule (${ms} ms for 149 intervals; storm alone ${storm_only} s)"
else
	fail "storm: sends kept the schedule: ${ms:-?} ms for 149 intervals of 10 ms"
fi
msgs=$(sed -n 's/^route watch: \([0-9]*\) messages, \([0-9]*\) overruns, \([0-9]*\) re-queries$/\1 \2 \3/p' <<<"$S")
check_match "storm: thousands of messages read, few re-queries" '^[0-9]{4,} [0-9]+ ([0-9]|[1-9][0-9])$' "$msgs"
check_eq "storm: nothing said (the echo's route never changed)" "" "$(cat "$T_TMP/s.err")"

# ---- ENOBUFS: a tiny receive buffer overruns; the watch resyncs, goes on ----
reset
# Long enough (at most 6 s) for the change after the storm to land mid-run.
bg_run "$T_TMP/n.out" "$T_TMP/n.err" -v -q -c 600 -i 0.01 --watch-rcvbuf 1 10.99.1.1
sleep 0.2; storm
ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.11
wait "$BG"; rc=$?; t_reap "$BG"
N=$(cat "$T_TMP/n.out")
check_eq "enobufs: exit 0" 0 "$rc"
check_match "enobufs: all 600 sent" '^600 packets transmitted' "$N"
check_match "enobufs: overruns seen" '^route watch: [0-9]+ messages, [1-9][0-9]* overruns' "$N"
check_eq "enobufs: the change after the storm is still said" \
	"rtping: route changed before icmp_seq=N: $OLD → $NEW" \
	"$(sed 's/icmp_seq=[0-9]*/icmp_seq=N/' "$T_TMP/n.err")"
t_done
