#!/usr/bin/env bash
# The documented limit, 65536 targets, in one run on a raw socket: every
# echo identifier is one target's, so the socket's filter must let all
# 65536 through (a 16-bit count of them wrapped to 0, which let one target
# answer). The targets are 127.1.x.y on a namespace's loopback, which
# answers for all of 127/8. Interrupted while they are prepared, the run
# still ends with its totals. Then one more target is refused, nothing sent.
# tests/run: start first (one of the longest)
. "$(dirname "$0")/lib.sh"
t_init

A=$(t_ns a) || { fail "create namespace"; exit 1; }
awk 'BEGIN { for (x = 0; x < 256; x++) for (y = 0; y < 256; y++) print "127.1." x "." y }' \
	>"$T_TMP/list"
check_eq "list: 65536 distinct addresses" 65536 "$(sort -u "$T_TMP/list" | wc -l)"

# Bounded: about 15 s on a busy 2-core machine (mostly the route query
# per target), far more under the sanitizers.
start=$(date +%s)
T_RUN_LIMIT=300 t_run "$A" "$RTPING" -q -n -c 1 -W 2 --rate 50000 --file "$T_TMP/list"
echo "# 65536 targets took $(($(date +%s) - start)) s"
check_rc "65536 targets: exit 0 (all answered)" 0 "$T_RC" "$(printf '%s\n' "$T_ERR" | head -3)"
check_eq "65536 targets: every one counted" \
	"65536 targets: 65536 answered, 0 unreachable, 0 with route divergence" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
check_eq "65536 targets: each its own echo answered" 65536 \
	"$(printf '%s\n' "$T_OUT" | grep -c '^1 packets transmitted, 1 received, 0% packet loss')"
check_eq "65536 targets: nothing on stderr" "" "$T_ERR"

# Interrupted while the targets are prepared (their routes asked, about a
# second): nothing was sent, and the totals still say so. SIGINT goes as
# soon as rtping catches it; the statistics blocks would show that the run
# had begun.
ip netns exec "$A" timeout 120 "$RTPING" -q -n -c 1 -W 2 --rate 50000 --file "$T_TMP/list" \
	>"$T_TMP/int.out" 2>"$T_TMP/int.err" &
bg=$!
T_PIDS+=("$bg")
catches_int() {   # rtping (timeout's child) has a SIGINT handler
	local c m
	c=$(pgrep -P "$bg" | head -n 1)
	[ -n "$c" ] && m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$c/status" 2>/dev/null) &&
		[ -n "$m" ] && (( 0x$m & 2 )) && kill -INT "$c"
}
t_wait_for 30 catches_int || fail "interrupted: rtping never caught SIGINT"
wait "$bg"; rc=$?
t_reap "$bg"
check_rc "interrupted while prepared: exit 1, not killed by the signal" 1 "$rc" "$(head -3 "$T_TMP/int.err")"
check_eq "interrupted while prepared: no run begun, every target counted not probed" \
	"0|65536 targets: 0 answered, 0 unreachable, 65536 not probed, 0 with route divergence" \
	"$(grep -c 'packets transmitted' "$T_TMP/int.out")|$(tail -n 1 "$T_TMP/int.out")"

# One more is bad input: said, exit 2, nothing sent.
echo 127.2.0.1 >>"$T_TMP/list"
t_run "$A" "$RTPING" -q -n -c 1 -W 1 --file "$T_TMP/list"
check_rc "65537 targets: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "65537 targets: the limit said" "rtping: too many targets: at most 65536" "$T_ERR"
check_eq "65537 targets: nothing on stdout" "" "$T_OUT"
t_done
