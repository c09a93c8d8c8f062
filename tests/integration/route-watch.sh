#!/usr/bin/env bash
# The live route watch: routing changes during a run are said once each,
# in text (one stderr line, stdout stays iputils') and JSON (route_change
# events with cause), with the echoes' egress following on the wire; a
# bound source that disappears is said once; an event storm during -i 0.01
# does not hold up sends, and an overrun (ENOBUFS, forced with a tiny
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

# changes OUT REPLY SAID WHAT: route replaced, a rule added, the link down
# and up (with the route put back), while rtping runs in the background.
# The first waits for a reply (a line of OUT matching REPLY); each next one
# for rtping to have said the one before (lines of SAID matching WHAT), so
# no two fall in one burst however busy the machine (10 s bounds).
changes() {
	local said=$3 what=$4 n
	t_wait_for 10 t_lines 1 "$1" "$2"
	ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.11
	t_wait_for 10 t_lines 1 "$said" "$what"
	# Two more replies: an echo sent after the change came back by it.
	n=$(grep -c -- "$2" "$1")
	t_wait_for 10 t_lines $((n + 2)) "$1" "$2"
	ip -n "$A" rule add to 10.99.0.0/16 table 100 pref 50
	t_wait_for 10 t_lines 2 "$said" "$what"
	ip -n "$A" link set dva down
	t_wait_for 10 t_lines 3 "$said" "$what"
	ip -n "$A" link set dva up
	ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.12
	t_wait_for 10 t_lines 4 "$said" "$what"
}
REPLY_TEXT='^64 bytes from ' REPLY_JSON='"type": "reply"'

# bg_run OUT ERR ARGS...: rtping in A in the background; sets BG.
bg_run() {
	local o=$1 e=$2; shift 2
	ip netns exec "$A" timeout 20 "$RTPING" "$@" >"$o" 2>"$e" & BG=$!
	T_PIDS+=("$BG")
}

# ---- text: three changes, three lines (the link one is two: gone, back) ----
reset
capture_start "$B" dvb "icmp[icmptype] = icmp-echo and src host 10.9.0.11"
bg_run "$T_TMP/t.out" "$T_TMP/t.err" -c 30 -i 0.2 10.99.1.1
changes "$T_TMP/t.out" "$REPLY_TEXT" "$T_TMP/t.err" 'route changed'
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
# The sends that failed while the link was down are not said, as iputils
# says none (the route change line said why); JSON counts them below.
check_eq "text: stderr has only the route changes" "" "$(grep -v 'route changed' "$T_TMP/t.err")"
check_match "text: 30 sent" '^30 packets transmitted, ' "$(cat "$T_TMP/t.out")"

# ---- JSON: the same as events, with causes, and the egress following ----
reset
bg_run "$T_TMP/j.out" "$T_TMP/j.err" -c 30 -i 0.2 --json 10.99.1.1
changes "$T_TMP/j.out" "$REPLY_JSON" "$T_TMP/j.out" '"type": "route_change"'
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
	"source,device,ifindex,gateway,table,type,prefix,from,protocol,metric,scope,multipath,mtu,error" \
	"$(t_jq 'select(.type == "route_change") | .to | keys_unsorted | join(",")' "$J" | head -n 1)"
check_eq "json: the rule change names table 100" 100 \
	"$(t_jq 'select(.type == "route_change" and .cause == "rule") | .to.table' "$J")"
first=$(t_jq 'select(.type == "route_change") | .seq' "$J" | head -n 1)
check_eq "json: replies from the change on carry the new egress" "10.9.0.11" \
	"$(t_jq "select(.type == \"reply\" and .seq >= $first and .seq < $first + 2) | .egress.source" "$J" | sort -u)"
check_eq "json: nothing on stderr" "" "$(cat "$T_TMP/j.err")"
# Each echo is answered, or failed to leave while the link was down (an
# error event each), or was in flight when the link went (at most one).
nrep=$(t_jq 'select(.type == "reply") | .seq' "$J" | sort -u | grep -c .)
nerr=$(t_jq 'select(.type == "error" and .local and .seq != null) | .seq' "$J" | sort -u | grep -c .)
check_eq "json: counting exact (30 sent; replies + failed sends: 29 or 30)" yes \
	"$([ $((nrep + nerr)) -ge 29 ] && [ $((nrep + nerr)) -le 30 ] &&
		echo yes || echo "no: $nrep replies, $nerr failed sends")"

# ---- the bound source deleted and added back (-I ADDRESS) ----
reset
for mode in text json; do
	reset
	extra=; [ $mode = json ] && extra=--json
	reply=$REPLY_TEXT; [ $mode = json ] && reply=$REPLY_JSON
	bg_run "$T_TMP/a.out" "$T_TMP/a.err" -c 10 -i 0.2 -I 10.9.0.12 $extra 10.99.1.1
	t_wait_for 10 t_lines 1 "$T_TMP/a.out" "$reply"
	ip -n "$A" addr del 10.9.0.12/24 dev dva
	t_wait_for 10 t_lines 1 "$T_TMP/a.err" 'source address 10\.9\.0\.12 is no longer'
	# The route went with the address: the change is said before it comes back.
	if [ $mode = json ]; then
		t_wait_for 10 t_lines 1 "$T_TMP/a.out" '"type": "route_change"'
	else
		t_wait_for 10 t_lines 1 "$T_TMP/a.err" '^rtping: route changed '
	fi
	ip -n "$A" addr add 10.9.0.12/24 dev dva
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
now_ms() { echo $(($(date +%s%N) / 1000000)); }
replies() { grep -c '^64 bytes from' "$T_TMP/o"; }
reset
storm_only=$( { time -p storm; } 2>&1 | awk '/^real/ { print $2 }')
# Long enough for any storm (30 s at most); ended by SIGINT once it is over.
# The echoes answered while it lasts are counted, not timed: a loop the
# storm held would answer none; the schedule allows one each 10 ms at most.
t_bg "$A" "$RTPING" -v -c 3000 -i 0.01 10.99.1.1
t_wait_for 10 t_lines 1 "$T_TMP/o" '^64 bytes from '
t0=$(now_ms); n0=$(replies)
storm
n1=$(replies); t1=$(now_ms)
kill -INT "$PID" 2>/dev/null
t_finish 20
S=$T_OUT
check_eq "storm: exit 0" 0 "$T_RC"
tx=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' <<<"$S")
check_eq "storm: every echo sent was answered ($tx)" yes \
	"$(set -- $tx; [ -n "${1:-}" ] && [ "$1" = "${2:-}" ] && echo yes || echo "no: $(grep transmitted <<<"$S")")"
d=$((n1 - n0)) ms=$((t1 - t0))
if [ "$d" -ge 2 ] && [ "$d" -ge $((ms / 100)) ] && [ "$d" -le $((ms / 10 + 3)) ]; then
	pass "storm: sends went on during it ($d echoes answered in its $ms ms; storm alone ${storm_only} s)"
else
	fail "storm: $d echoes answered during its $ms ms (want at least 2 and a tenth of the schedule, at most one each 10 ms)"
fi
msgs=$(sed -n 's/^route watch: \([0-9]*\) messages, \([0-9]*\) overruns, \([0-9]*\) re-queries$/\1 \2 \3/p' <<<"$S")
# One re-query a burst, not one a message: the bursts a busy machine cuts
# the storm into are many, but each holds many messages.
check_eq "storm: thousands of messages read, few re-queries ($msgs)" yes \
	"$(set -- $msgs; [ "${1:-0}" -ge 1000 ] && [ "${3:-0}" -lt $((${1:-0} / 10)) ] && echo yes || echo no)"
check_eq "storm: nothing said (the echo's route never changed)" "" "$T_ERR"

# ---- ENOBUFS: a tiny receive buffer overruns; the watch resyncs, goes on ----
# rtping is stopped while thousands of messages arrive, so its 1-byte
# (kernel minimum) buffer overflows whatever the machine's speed; the
# kernel's own count of drops (/proc/PID/net/netlink) shows it did.
# nl_watch PID: "RMEM DROPS" of PID's rtnetlink socket that joined groups.
nl_watch() {
	local inodes
	inodes=$(ls -l "/proc/$1/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
	awk -v l=" $inodes" 'NR > 1 && $2 == 0 && $4 != "00000000" && index(l, " " $10 " ") { print $5, $9 }' \
		"/proc/$1/net/netlink" 2>/dev/null
}
watching() { [ -n "$(nl_watch "$PID")" ]; }
drained() { [ "$(nl_watch "$PID" | cut -d' ' -f1)" = 0 ]; }
reset
t_bg "$A" "$RTPING" -v -q -c 600 -i 0.01 --watch-rcvbuf 1 10.99.1.1
t_wait_for 10 watching
kill -STOP "$PID"
ip -n "$A" -batch "$T_TMP/add"; ip -n "$A" -batch "$T_TMP/del"
drops=$(nl_watch "$PID" | cut -d' ' -f2)
kill -CONT "$PID"
check_eq "enobufs: the kernel dropped messages while rtping was stopped" yes \
	"$([ "${drops:-0}" -gt 0 ] && echo yes || echo "no (drops: ${drops:-no socket})")"
# Once the overrun and what queued are read, a change is still said.
t_wait_for 20 drained
ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.11
t_wait_for 20 t_lines 1 "$T_TMP/e" 'route changed'
t_finish 30
N=$T_OUT
check_eq "enobufs: exit 0" 0 "$T_RC"
check_match "enobufs: all 600 sent" '^600 packets transmitted' "$N"
check_match "enobufs: overruns seen" '^route watch: [0-9]+ messages, [1-9][0-9]* overruns' "$N"
check_eq "enobufs: the change after the storm is still said" \
	"rtping: route changed before icmp_seq=N: $OLD → $NEW" \
	"$(sed 's/icmp_seq=[0-9]*/icmp_seq=N/' <<<"$T_ERR")"
t_done
