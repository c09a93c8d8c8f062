#!/usr/bin/env bash
# rtping HOST...: route truth per target. An "ipproto udp" rule covers
# 10.99.1.0/24 only, so of two targets behind the same gateway one would be
# misrouted by iputils' UDP trick and the other not: the warning names that
# one, the closing line counts it, -v shows each target's own route, and
# --json carries each target's route object in its summary.
. "$(dirname "$0")/lib.sh"
t_init

t_two_sources mra mrb || { fail "build the two-source topology"; exit 1; }
ip -n "$B" addr add 10.99.2.1/32 dev lo
ip -n "$A" rule add to 10.99.1.0/24 ipproto udp table 100 pref 100

t_run "$A" "$RTPING" -n -c 1 -W 2 10.99.1.1 10.99.2.1
check_rc "exit 0 (both answered)" 0 "$T_RC" "$T_ERR"
check_eq "the diverging target's warning names it" \
	"rtping: 10.99.1.1: warning: UDP probe says 10.9.0.11, ICMP flow uses 10.9.0.12 (rule pref 100 to 10.99.1.0/24 ipproto udp → table 100)" \
	"$(printf '%s\n' "$T_ERR" | grep warning)"
check_eq "one warning only" 1 "$(printf '%s\n' "$T_ERR" | grep -c warning)"
check_eq "closing line counts the divergence" \
	"2 targets: 2 answered, 0 unreachable, 1 with route divergence" "$(printf '%s\n' "$T_OUT" | tail -n 1)"

t_run "$A" "$RTPING" -n -v -c 1 -W 2 10.99.1.1 10.99.2.1
check_eq "-v: each header shows the echo's route" \
	"PING 10.99.1.1 (10.99.1.1) from 10.9.0.12 mra: 56(84) bytes of data.|PING 10.99.2.1 (10.99.2.1) from 10.9.0.12 mra: 56(84) bytes of data." \
	"$(printf '%s\n' "$T_OUT" | grep '^PING' | paste -sd '|')"

t_run "$A" "$RTPING" --json -c 1 -W 2 10.99.1.1 10.99.2.1
check_eq "json: each summary's route agrees or not" "10.99.1.1 false|10.99.2.1 true" \
	"$(t_jq 'select(.type == "summary") | "\(.host) \(.route.agree)"' | paste -sd '|')"
check_eq "json: run_summary" "2 2 1" \
	"$(t_jq 'select(.type == "run_summary") | "\(.targets) \(.answered) \(.diverging)"')"

# A target without a route is reported; the other still runs (exit 2 at the end).
t_run "$A" "$RTPING" -n -c 1 -W 2 10.99.2.1 192.0.2.1
check_rc "no route for one: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "no route for one: said for it" "rtping: 192.0.2.1: connect: Network is unreachable" \
	"$(printf '%s\n' "$T_ERR" | grep connect)"
check_match "no route for one: the other answered" '^1 packets transmitted, 1 received, 0% packet loss' \
	"$(printf '%s\n' "$T_OUT" | grep -A1 -- '--- 10.99.2.1 ping' | tail -n 1)"
check_eq "no route for one: closing line" "2 targets: 1 answered, 0 unreachable, 1 failed, 0 with route divergence" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
# Many targets: each window's route questions asked ahead together equal
# the same questions asked one at a time (RTPING_TEST_AHEAD=off): the same
# warnings and errors in the same order, the same route objects.
ip -n "$A" -6 rule add to fd00:99::/120 ipproto udp table 100 pref 100
for i in $(seq 1 70); do
	printf '10.99.%d.%d\nfd00:99::%x\nfd00:99::1:%x\n' $((i % 2 + 1)) "$i" "$i" "$i"
done >"$T_TMP/many"
echo 192.0.2.1 >>"$T_TMP/many"
for v in off on; do
	RTPING_TEST_AHEAD=$v T_RUN_LIMIT=60 t_run "$A" "$RTPING" --json -c 1 -W 1 -i 0.01 \
		--file "$T_TMP/many"
	printf '%s\n' "$T_ERR" >"$T_TMP/many-$v.err"
	t_jq 'select(.type == "summary") | {host, route}' | sed 's/"sport": [0-9]*/"sport": N/' \
		>"$T_TMP/many-$v.json"
done
check_eq "many targets: 105 warnings, one route error" "105 1" \
	"$(grep -c warning "$T_TMP/many-off.err") $(grep -c 'connect: Network is unreachable' "$T_TMP/many-off.err")"
check_eq "many targets asked ahead: the same stderr as one at a time" "" \
	"$(diff "$T_TMP/many-off.err" "$T_TMP/many-on.err" | head -n 5)"
check_eq "many targets asked ahead: 211 route objects (the failed target's too)" 211 "$(grep -c '"route"' "$T_TMP/many-on.json")"
check_eq "many targets asked ahead: the same route objects as one at a time" "" \
	"$(diff "$T_TMP/many-off.json" "$T_TMP/many-on.json" | head -n 5)"
t_done
