#!/usr/bin/env bash
# --explain-route --audit: many destinations through one netlink socket.
# Topology of divergence.md, with the ipproto udp rule limited to
# 10.99.1.0/24 and fd00:99::/120, so some destinations differ and others
# agree. Checks: one line (or JSON object) per destination in input order,
# sources equal to ip route get's for the echo flow, the summary's counts
# and rule counters, exit codes 0/1/2, bad input reported per line while
# the audit goes on, output streamed before input ends, and memory flat
# while thousands of destinations go through; answers asked ahead equal
# answers asked one at a time (also when the kernel drops some, or an
# answer is too long for the batch's read), and the
# UDP check's reused socket equals a new one under rule selectors.
. "$(dirname "$0")/lib.sh"
t_init

t_two_sources dva dvb || { fail "build the two-source topology"; exit 1; }
ip -n "$A" rule add to 10.99.1.0/24 ipproto udp table 100 pref 100
ip -n "$A" -6 rule add to fd00:99::/120 ipproto udp table 100 pref 100

# Agreeing only: exit 0, one line each, in order.
t_run "$A" "$RTPING" --explain-route --audit 10.99.2.1 fd00:99::1:1 10.99.3.7
check_rc "all agree: exit 0" 0 "$T_RC" "$T_ERR"
check_eq "all agree: lines in input order" "10.99.2.1 fd00:99::1:1 10.99.3.7" \
	"$(printf '%s\n' "$T_OUT" | awk '$2 == "src" { printf "%s%s", s, $1; s = " " }')"
check_eq "all agree: line text" "10.99.2.1  src 10.9.0.12 dev dva table main  agree" \
	"$(printf '%s\n' "$T_OUT" | head -n 1)"
check_eq "all agree: summary" "--- audit: 3 destinations, 3 agree, 0 differ, 0 errors ---" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
check_eq "all agree: stderr empty" "" "$T_ERR"

# Some differ: exit 1, the rule named on the line and counted.
t_run "$A" "$RTPING" --explain-route --audit 10.99.1.1 10.99.2.1 fd00:99::1 10.99.1.9
check_rc "some differ: exit 1" 1 "$T_RC" "$T_ERR"
check_eq "differ line (v4)" \
	"10.99.1.1  src 10.9.0.12 dev dva table main  DIFFERS (udp probe 10.9.0.11; rule pref 100 to 10.99.1.0/24 ipproto udp → table 100)" \
	"$(printf '%s\n' "$T_OUT" | head -n 1)"
check_match "differ line (v6)" \
	'^fd00:99::1  src fd00:9::12 dev dva table main  DIFFERS \(udp probe fd00:9::11; rule pref 100 to fd00:99::/120 ipproto udp → table 100\)$' \
	"$T_OUT"
check_match "summary counts" '^--- audit: 4 destinations, 1 agree, 3 differ, 0 errors ---$' "$T_OUT"
check_match "summary rule counter (inet)" \
	'^2 differ by rule pref 100 to 10\.99\.1\.0/24 ipproto udp → table 100 \(inet\)$' "$T_OUT"
check_match "summary rule counter (inet6)" \
	'^1 differ by rule pref 100 to fd00:99::/120 ipproto udp → table 100 \(inet6\)$' "$T_OUT"

# The line's source is the kernel's for the echo flow, as ip route get says.
for d in 10.99.1.1 10.99.2.1 fd00:99::1 fd00:99::1:1; do
	t_run "$A" "$RTPING" --explain-route --audit "$d"
	src=$(printf '%s\n' "$T_OUT" | sed -n 's/^[^ ]*  src \([^ ]*\) .*/\1/p')
	case $d in *:*) t_ipget "$A" "$d" ipproto ipv6-icmp dport 32768 ;;
		*) t_ipget "$A" "$d" ipproto icmp dport 2048 ;; esac
	check_eq "source of $d = ip route get's (echo flow)" "$(t_jq .prefsrc "$T_IP")" "$src"
done

# Errors: an unknown name, no route, bad lines in a file; the audit goes on.
ip -n "$A" route add unreachable 10.98.0.0/16
printf '%s\n' '# destinations' 10.99.2.1 'two names' '' nosuch.invalid '  10.98.0.1  # blocked' \
	10.99.1.1 >"$T_TMP/list"
t_run "$A" "$RTPING" --explain-route --audit --file "$T_TMP/list" ''
check_rc "errors: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "errors: stderr empty (reported per line)" "" "$T_ERR"
check_eq "errors: empty operand" "argument 1  ERROR empty name" "$(printf '%s\n' "$T_OUT" | sed -n 1p)"
check_eq "errors: bad line with its number" "$T_TMP/list line 3  ERROR more than one name on the line" \
	"$(printf '%s\n' "$T_OUT" | grep 'line 3')"
check_match "errors: unknown name with its line" \
	"^nosuch\.invalid  ERROR .* \($T_TMP/list line 5\)\$" "$T_OUT"
check_eq "errors: unreachable route" "10.98.0.1  ERROR No route to host (unreachable route)" \
	"$(printf '%s\n' "$T_OUT" | grep '^10.98')"
check_match "errors: the audit went on past them" '^10\.99\.1\.1  .*DIFFERS' "$T_OUT"
check_match "errors: summary" '^--- audit: 6 destinations, 1 agree, 1 differ, 4 errors ---$' "$T_OUT"

# "--audit FILE" with a space: the file name is an operand; the line says
# how a file is given.
(cd "$T_TMP" && ip netns exec "$A" "$RTPING" --explain-route --audit list \
	>"$T_TMP/f.out" 2>"$T_TMP/f.err"); rc=$?
check_rc "--audit FILE (space): exit 2" 2 "$rc" "$(cat "$T_TMP/f.err")"
check_match "--audit FILE (space): the line names --audit=FILE" \
	'^list  ERROR .*; a file is given as --audit=list \(argument 1\)$' "$(cat "$T_TMP/f.out")"

# A rule that fails the lookup is named on the line, as single explain does.
ip -n "$A" rule add to 10.97.0.0/16 prohibit pref 50
t_run "$A" "$RTPING" --explain-route --audit 10.97.0.1 10.99.2.1
check_rc "prohibit rule: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "prohibit rule: named on the line" \
	"10.97.0.1  ERROR Permission denied (prohibit rule): rule pref 50 to 10.97.0.0/16 → prohibit" \
	"$(printf '%s\n' "$T_OUT" | head -n 1)"
ip -n "$A" rule del pref 50

t_run "$A" "$RTPING" --explain-route --audit --file "$T_TMP/missing"
check_rc "missing file: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "missing file: one stderr line" "rtping: $T_TMP/missing: No such file or directory" "$T_ERR"
check_eq "missing file: nothing on stdout" "" "$T_OUT"

# JSON: the single-explain object per destination, then audit_summary.
printf '%s\n' 10.99.1.1 10.99.2.1 fd00:99::1 'x y' | {
	ip netns exec "$A" timeout 20 "$RTPING" --explain-route --audit --json >"$T_TMP/j" 2>"$T_TMP/je"
	echo $? >"$T_TMP/jrc"
}
T_OUT=$(cat "$T_TMP/j")
check_rc "json: exit 2 (a bad line)" 2 "$(cat "$T_TMP/jrc")" "$(cat "$T_TMP/je")"
check_eq "json: one object per line" "object,object,object,object,object" "$(t_json_objects)"
check_eq "json: per-destination objects are explain's" \
	"10.9.0.12 false 10.9.0.12 true fd00:9::12 false" \
	"$(printf '%s\n' "$T_OUT" | head -n 3 | jq -r '"\(.netlink.source) \(.agree)"' | tr '\n' ' ' | sed 's/ $//')"
check_eq "json: bad line object" '{"type":"audit","input":"stdin line 4","destination":null,"address":null,"family":null,"flow":null,"netlink":null,"udp_probe":null,"agree":null,"reasons":[],"fallback":null,"verified":null,"hash_dependent":null,"candidates":[],"observed":null,"observed_error":null,"return_path":null,"neighbour":null,"error":"more than one name on the line"}' \
	"$(printf '%s\n' "$T_OUT" | sed -n 4p | jq -c .)"
check_eq "json: audit_summary" \
	'{"type":"audit_summary","total":4,"agree":1,"differ":2,"errors":1,"return_dropped":0,"rules":[{"pref":100,"rule":"to 10.99.1.0/24 ipproto udp","table":100,"family":"inet","count":1},{"pref":100,"rule":"to fd00:99::/120 ipproto udp","table":100,"family":"inet6","count":1}]}' \
	"$(printf '%s\n' "$T_OUT" | tail -n 1 | jq -c .)"

# Streaming and memory: lines come out while stdin is still open, and the
# high-water mark stays put while 4000 more destinations go through (after
# 1000, by which the batches' buffers, touched as they are used, are).
mkfifo "$T_TMP/fifo"
ip netns exec "$A" "$RTPING" --explain-route --audit <"$T_TMP/fifo" >"$T_TMP/s" 2>&1 &
apid=$!
T_PIDS+=("$apid")
exec 7>"$T_TMP/fifo"
wait_lines() {   # wait_lines N: up to 60 s for N lines of output
	t_wait_for 60 t_lines "$1" "$T_TMP/s" ''
}
for i in $(seq 1 100); do echo "10.99.$((i % 2 + 1)).$i"; done >&7
if wait_lines 100; then pass "streaming: 100 lines out before input ends"; else
	fail "streaming: $(wc -l <"$T_TMP/s") lines out while input is open"; fi
for i in $(seq 1 900); do echo "10.99.$((i % 2 + 1)).$((i % 250 + 1))"; done >&7
wait_lines 1000 || fail "streaming: only $(wc -l <"$T_TMP/s") of 1000 lines"
hwm1=$(awk '/^VmHWM/ { print $2 }' /proc/$apid/status)
for i in $(seq 1 4000); do echo "10.99.$((i % 2 + 1)).$((i % 250 + 1))"; done >&7
wait_lines 5000 || fail "streaming: only $(wc -l <"$T_TMP/s") of 5000 lines"
hwm2=$(awk '/^VmHWM/ { print $2 }' /proc/$apid/status)
# Under ASan the high-water mark is the sanitizer's (quarantine, shadow
# and allocator caches grow however rtping frees): measured in the normal pass.
if grep -qa __asan_init "$RTPING"; then
	skip "memory flat: not measurable in a sanitizer build (the normal pass measures it)"
elif [ -n "$hwm1" ] && [ -n "$hwm2" ] && [ $((hwm2 - hwm1)) -le 64 ]; then
	pass "memory flat: VmHWM $hwm1 -> $hwm2 KiB over 4000 destinations"; else
	fail "memory grows: VmHWM $hwm1 -> $hwm2 KiB over 4000 destinations"; fi
exec 7>&-
wait "$apid"; rc=$?
t_reap "$apid"
check_rc "streaming: exit 1 after stdin closes" 1 "$rc"
check_eq "streaming: summary" "--- audit: 5000 destinations, 2500 agree, 2500 differ, 0 errors ---" \
	"$(grep '^---' "$T_TMP/s")"

# Asked ahead (a window's route queries together, one UDP socket for the
# checks), one at a time (RTPING_TEST_AHEAD=off: a send per question, a new
# socket per check), and with a receive buffer too small for the answers
# (RTPING_TEST_AHEAD=1: the kernel drops some, ENOBUFS, they are asked
# again): the same lines in the same order for a mixed v4/v6 list with
# rules, unreachable and prohibited destinations, bad lines and names.
ip -n "$A" rule add to 10.97.0.0/16 prohibit pref 50
for i in $(seq 1 150); do
	echo "10.99.$((i % 3 + 1)).$i"
	printf 'fd00:99::%x\nfd00:99::1:%x\n' "$i" "$i"
	[ $((i % 30)) -eq 0 ] && printf '%s\n' "10.98.0.$i" "10.97.0.$i" 'two names' nosuch.invalid
done >"$T_TMP/mixed"
audit() {   # audit NAME [VAR=VALUE...] -- [OPTION...]: the mixed list into NAME.out, .err, .rc
	local name=$1 vars=()
	shift
	while [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	env "${vars[@]}" ip netns exec "$A" timeout 60 "$RTPING" --explain-route \
		--audit="${LIST:-$T_TMP/mixed}" "$@" >"$T_TMP/$name.out" 2>"$T_TMP/$name.err"
	echo $? >"$T_TMP/$name.rc"
	# The UDP check's port is the kernel's pick, new each time.
	sed -i 's/"sport": [0-9]*/"sport": N/' "$T_TMP/$name.out"
}
same() {    # same WHAT A B: the two runs' output and exit status are equal
	check_eq "$1: same lines" "" "$(diff "$T_TMP/$2.out" "$T_TMP/$3.out" | head -n 5)"
	check_eq "$1: same exit status" "$(cat "$T_TMP/$2.rc")" "$(cat "$T_TMP/$3.rc")"
}
audit one RTPING_TEST_AHEAD=off --
audit ahead --
audit tiny RTPING_TEST_AHEAD=1 --
# One line each, then a blank line, the summary and a counter per family.
check_eq "mixed list: one line each, and the summary" "$(($(wc -l <"$T_TMP/mixed") + 4))" \
	"$(wc -l <"$T_TMP/one.out")"
check_match "mixed list: v4 and v6 differ, errors named" \
	'^--- audit: 470 destinations, 250 agree, 200 differ, 20 errors ---$' "$(cat "$T_TMP/one.out")"
check_match "mixed list: a prohibit rule on its line" \
	'^10\.97\.0\.30  ERROR Permission denied \(prohibit rule\): rule pref 50 ' "$(cat "$T_TMP/one.out")"
same "asked ahead against one at a time" one ahead
same "answers dropped (ENOBUFS) and asked again against one at a time" one tiny
check_match "tiny receive buffer: the kernel dropped answers, all asked again" \
	'asked ahead: [0-9]+ questions, [0-9]+ sends, [1-9][0-9]* overruns, [1-9][0-9]* asked again, 0 given up' \
	"$(cat "$T_TMP/tiny.err")"
check_eq "asked ahead: stderr empty" "" "$(cat "$T_TMP/ahead.err")"
audit jone RTPING_TEST_AHEAD=off -- --json
audit jahead -- --json
audit jtiny RTPING_TEST_AHEAD=1 -- --json
same "json (the matched entry asked ahead too) against one at a time" jone jahead
same "json, answers dropped, against one at a time" jone jtiny
ip -n "$A" rule del pref 50

# An answer longer than the batch reads a datagram (the matched entry of a
# route of 80 next hops): cut, given up and asked alone, the same lines.
hops=()
for i in $(seq 100 179); do hops+=(nexthop via "10.9.0.$i" dev dva); done
ip -n "$A" route add 10.96.0.0/24 "${hops[@]}"
printf '10.96.0.%d\n10.99.2.%d\n' 1 1 2 2 3 3 >"$T_TMP/long"
LIST=$T_TMP/long audit lone RTPING_TEST_AHEAD=off -- --json
LIST=$T_TMP/long audit lahead RTPING_TEST_AHEAD=1048576 -- --json
same "long answers, asked ahead, against one at a time" lone lahead
check_match "long answers: the cut ones given up, the rest used" \
	'asked ahead: 18 questions, [0-9]+ sends, 0 overruns, 0 asked again, 3 given up, 15 answers used' \
	"$(cat "$T_TMP/lahead.err")"
check_eq "long answers: the multipath route on its three lines" 3 \
	"$(grep -c '"prefix": "10\.96\.0\.0/24".*"multipath": true' "$T_TMP/lone.out")"
ip -n "$A" route del 10.96.0.0/24

# The UDP check's one socket, disconnected between destinations, answers as a
# new socket does under rules that select the UDP flow by its port, owner,
# mark, tos and device (the device is what a disconnect unbinds).
ip netns exec "$A" sysctl -qw net.ipv4.ip_local_port_range="40000 40099"
for i in $(seq 1 20); do printf '10.99.2.%d\nfd00:99::1:%x\n' "$i" "$i"; done >"$T_TMP/sel"
selector() {   # selector WHAT "OPTIONS" SELECTOR...
	local what=$1 opts=$2
	shift 2
	ip -n "$A" rule add "$@" ipproto udp table 100 pref 70
	ip -n "$A" -6 rule add "$@" ipproto udp table 100 pref 70 2>/dev/null
	LIST=$T_TMP/sel audit "s1" RTPING_TEST_AHEAD=off -- $opts
	LIST=$T_TMP/sel audit "s2" -- $opts
	same "$what selector: one UDP socket against a new one each" s1 s2
	check_match "$what selector: the rule takes the UDP flow" \
		"^10\.99\.2\.20  src 10\.9\.0\.12 .*DIFFERS \(udp probe 10\.9\.0\.11; rule pref 70 " \
		"$(cat "$T_TMP/s2.out")"
	ip -n "$A" rule del pref 70
	ip -n "$A" -6 rule del pref 70 2>/dev/null
}
selector sport "" sport 40000-40099
selector uid "" uidrange 0-0
selector mark "-m 7" fwmark 7
selector tos "-Q 0x10" tos 0x10
selector oif "-I dva" oif dva

# Options the audit needs.
t_run "$A" "$RTPING" --audit 10.99.1.1
check_rc "--audit without --explain-route: exit 2" 2 "$T_RC"
check_eq "--audit without --explain-route: message" "rtping: --audit needs --explain-route" "$T_ERR"

t_done
