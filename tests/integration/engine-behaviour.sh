#!/usr/bin/env bash
# ICMP engine behaviour beyond single lines: the exit-code table, --json,
# drift-free intervals, SIGINT/SIGQUIT, flood, preload, duplicates and the
# 16-bit sequence wrap. Topology: A 10.88.0.1 -- B 10.88.0.2 (fd88::/64),
# plus a blackhole (10.89.0.0/24 via B, dropped there) for "no reply".
. "$(dirname "$0")/lib.sh"
t_init
command -v ping >/dev/null || { skip "iputils ping not installed"; exit 0; }

A=$(t_ns a) && B=$(t_ns b) || { fail "create namespaces"; exit 1; }
t_veth "$A" a0 "$B" b0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.88.0.1/24 dev a0
ip -n "$B" addr add 10.88.0.2/24 dev b0
ip -n "$A" -6 addr add fd88::1/64 dev a0 nodad
ip -n "$B" -6 addr add fd88::2/64 dev b0 nodad
ip -n "$A" route add 10.89.0.0/24 via 10.88.0.2
ip -n "$B" route add blackhole 10.89.0.0/24
ip netns exec "$A" ping -c 1 -W 2 10.88.0.2 >/dev/null 2>&1

rt() { ip netns exec "$A" timeout 20 "$RTPING" "$@"; }
ip_ping() { ip netns exec "$A" timeout 20 ping "$@"; }

# ---- exit codes: rtping's and iputils' side by side ----
# exitcode NAME WANT ARGS...; NAME ending in "*": iputils differs on purpose
# (see the man page's Compatibility section).
exitcode() {
	local name=$1 want=$2 rc_r rc_i; shift 2
	rt "$@" >/dev/null 2>"$T_TMP/err"; rc_r=$?
	check_eq "exit code, $name" "$want" "$rc_r"
	[ "${name%\*}" != "$name" ] && return
	ip_ping "$@" >/dev/null 2>&1; rc_i=$?
	check_eq "exit code, $name, same as iputils" "$rc_i" "$rc_r"
}
exitcode "reply" 0 -c 1 10.88.0.2
exitcode "no reply" 1 -c 1 -W 1 10.89.0.1
exitcode "deadline short of -c" 1 -c 5 -i 0.3 -w 1 10.88.0.2
exitcode "bad -c value" 1 -c 0 10.88.0.2
exitcode "bad -t value" 1 -t 300 10.88.0.2
exitcode "bad -M value" 2 -M bogus 10.88.0.2
exitcode "bad -Q value" 2 -Q 300 10.88.0.2
exitcode "unknown option" 2 -Z 10.88.0.2
exitcode "unknown host" 2 -c 1 no-such-host.invalid
check_match "unknown host message" "no-such-host.invalid" "$(cat "$T_TMP/err")"

# ---- --json: one valid object per line, summary last, even at 100 % loss ----
json_lines() { jq -c . 2>/dev/null | wc -l; }
rt --json -c 2 -i 0.2 10.88.0.2 >"$T_TMP/j"
check_eq "json: every line parses" "$(wc -l <"$T_TMP/j")" "$(json_lines <"$T_TMP/j")"
check_eq "json: event types" "start reply reply summary" "$(jq -r .type <"$T_TMP/j" | tr '\n' ' ' | sed 's/ $//')"
check_eq "json: summary received" 2 "$(tail -n 1 "$T_TMP/j" | jq .received)"
# jq prints 0.050 as 0.05: check the type there, the three decimals in the raw line.
check_eq "json: reply time_ms is a number" number "$(sed -n 2p "$T_TMP/j" | jq -r '.time_ms | type')"
check_match "json: time_ms has three decimals" '"time_ms": [0-9]+\.[0-9]{3},' "$(sed -n 2p "$T_TMP/j")"
rt --json -c 2 -i 0.2 -W 1 10.89.0.1 >"$T_TMP/j"; rc=$?
check_eq "json 100% loss: exit 1" 1 "$rc"
check_eq "json 100% loss: every line parses" "$(wc -l <"$T_TMP/j")" "$(json_lines <"$T_TMP/j")"
check_eq "json 100% loss: summary" "summary 100 null" \
	"$(tail -n 1 "$T_TMP/j" | jq -r '"\(.type) \(.loss_percent) \(.rtt_avg_ms)"')"
check_eq "json 100% loss: timeout event" "timeout 1" "$(jq -r 'select(.type=="timeout") | "\(.type) \(.seq)"' <"$T_TMP/j")"
# Flushed per line into a pipe/file while the run goes on: the first reply
# is there while rtping still waits 3 s for its second probe, the summary is not.
rt --json -c 2 -i 3 10.88.0.2 >"$T_TMP/jp" & pid=$!
T_PIDS+=("$pid")
t_wait_for 10 t_lines 1 "$T_TMP/jp" '"type": "reply"'
types=$(jq -r .type <"$T_TMP/jp" | tr '\n' ' ' | sed 's/ $//')
running=no; kill -0 "$pid" 2>/dev/null && running=yes
check_match "json: lines flushed while running" '^start reply( reply)? running=yes$' "$types running=$running"
wait "$pid"

# ---- timing: absolute deadlines, no drift: -i 0.2 -c 50 takes 9.8 s ----
# Never early (49 whole intervals); late by less than five intervals in all,
# which a busy machine's wake-ups cannot reach (a send late by under one
# interval is caught up). The drift rule itself is test_tsched's fake-clock
# late_wakeups_do_not_add_up: milliseconds belong to benchmarks.
out=$(rt -q -i 0.2 -c 50 10.88.0.2)
ms=$(sed -nE 's/.*, time ([0-9]+)ms$/\1/p' <<<"$out")
if [ -n "$ms" ] && [ "$ms" -ge 9780 ] && [ "$ms" -lt 10800 ]; then
	pass "-i 0.2 -c 50: last probe at ${ms}ms (9800, never early, < 5 intervals late)"
else
	fail "-i 0.2 -c 50: last probe at '${ms}'ms, want 9780 to 10800: $out"
fi

# ---- signals: SIGINT prints the summary, exit as normal; SIGQUIT a status line ----
ip netns exec "$A" "$RTPING" -i 0.2 10.88.0.2 >"$T_TMP/s.out" 2>"$T_TMP/s.err" & pid=$!
T_PIDS+=("$pid")
t_wait_for 10 t_lines 2 "$T_TMP/s.out" '^64 bytes from '
kill -QUIT "$pid"
t_wait_for 10 t_lines 1 "$T_TMP/s.err" 'packets, [0-9]+% loss'
kill -INT "$pid"; wait "$pid"; rc=$?
check_eq "SIGINT: exit 0 after replies" 0 "$rc"
check_match "SIGINT: summary printed" '^[0-9]+ packets transmitted, [0-9]+ received, 0% packet loss' "$(cat "$T_TMP/s.out")"
check_match "SIGQUIT: status line on stderr" '^.?[0-9]+/[0-9]+ packets, [0-9]+% loss, min/avg/ewma/max = ' "$(tr '\r' '\n' <"$T_TMP/s.err")"
check_eq "SIGQUIT: nothing on stdout but pings" "" "$(grep -v -e '^PING ' -e 'bytes from' -e '^$' -e 'statistics' -e 'transmitted' -e '^rtt' "$T_TMP/s.out")"

# ---- flood and preload: same shape as iputils ----
# "pipe N" (most probes in flight) depends on scheduling: a loaded machine
# lets a second flood probe leave before the first reply, in either tool.
mask() {
	sed -E -e 's/time [0-9]+ms/time Tms/' -e 's#= [0-9./]+ ms#= T ms#g' -e 's/, pipe [0-9]+//' \
		-e 's#ipg/ewma [0-9./]+ ms#ipg/ewma T ms#' -e 's/time=[0-9.]+ ms/time=T ms/'
}
rt -f -c 200 10.88.0.2 >"$T_TMP/f.r"; rc_r=$?
ip_ping -f -c 200 10.88.0.2 >"$T_TMP/f.i"
check_eq "flood: exit 0" 0 "$rc_r"
check_eq "flood: dots and backspaces balance" "$(grep -o '\.' <<<"$(head -n 2 "$T_TMP/f.i" | tail -n 1)" | wc -l)" \
	"$(grep -o '\.' <<<"$(head -n 2 "$T_TMP/f.r" | tail -n 1)" | wc -l)"
# Every dot is taken back by a backspace once its reply came; under load a
# reply can come after the next dot, so the line is compared by counts.
check_eq "flood: every dot taken back" "$(grep -o '\.' <<<"$(sed -n 2p "$T_TMP/f.r")" | wc -l)" \
	"$(grep -o $'\x08 \x08' <<<"$(sed -n 2p "$T_TMP/f.r")" | wc -l)"
if diff <(sed -E '2s/^[.\x08 ]*/FLOOD/' "$T_TMP/f.i" | mask) <(sed -E '2s/^[.\x08 ]*/FLOOD/' "$T_TMP/f.r" | mask) >"$T_TMP/diff"; then
	pass "flood: output matches iputils"
else
	fail "flood: differs: $(cat -A "$T_TMP/diff" | head -c 500)"
fi
rt -l 3 -c 3 -i 0.2 10.88.0.2 >"$T_TMP/l.r"
ip_ping -l 3 -c 3 -i 0.2 10.88.0.2 >"$T_TMP/l.i"
if diff <(mask <"$T_TMP/l.i") <(mask <"$T_TMP/l.r") >"$T_TMP/diff"; then
	pass "preload: output matches iputils"
else
	fail "preload: differs: $(head -c 500 "$T_TMP/diff")"
fi
check_match "adaptive: ipg/ewma line" 'rtt min/avg/max/mdev = .* ms, ipg/ewma [0-9.]+/[0-9.]+ ms' "$(rt -A -c 20 10.88.0.2)"

# ---- duplicates: two hosts answer for 10.66.0.2 ----
# A bridge joins A, B and C; B and C both own 10.66.0.2 and A sends to it
# with the broadcast MAC, so every echo is answered twice.
S=$(t_ns s) && C=$(t_ns c) || { fail "create namespaces"; exit 1; }
ip -n "$S" link add br0 type bridge && ip -n "$S" link set br0 up
for n in "$A" "$B" "$C"; do
	t_veth "$n" d0 "$S" "p${#n}$RANDOM" || fail "veth to bridge"
done
for p in $(ip -n "$S" -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1); do
	ip -n "$S" link set "$p" master br0
done
ip -n "$A" addr add 10.66.0.1/24 dev d0
ip -n "$B" addr add 10.66.0.2/24 dev d0
ip -n "$C" addr add 10.66.0.2/24 dev d0
ip -n "$A" neigh add 10.66.0.2 lladdr ff:ff:ff:ff:ff:ff dev d0 nud permanent
rt -c 2 -i 0.3 10.66.0.2 >"$T_TMP/d.r"; rc_r=$?
ip_ping -c 2 -i 0.3 10.66.0.2 >"$T_TMP/d.i"
check_eq "duplicates: exit 0" 0 "$rc_r"
check_match "duplicates: (DUP!) line" 'icmp_seq=1 ttl=64 time=[0-9.]+ ms \(DUP!\)$' "$(cat "$T_TMP/d.r")"
check_match "duplicates: summary" '^2 packets transmitted, 2 received, \+[12] duplicates, 0% packet loss' "$(cat "$T_TMP/d.r")"
if diff <(mask <"$T_TMP/d.i") <(mask <"$T_TMP/d.r") >"$T_TMP/diff"; then
	pass "duplicates: output matches iputils"
else
	fail "duplicates: differs: $(head -c 500 "$T_TMP/diff")"
fi

# ---- the sequence wraps at 65535 without false duplicates ----
# 65600 echoes: seconds on an idle machine, minutes on a busy one (150 s).
out=$(ip netns exec "$A" timeout 150 "$RTPING" -q -f -c 65600 10.88.0.2)
check_match "sequence wrap: 65600 probes, all answered, no dups" \
	'^65600 packets transmitted, 65600 received, 0% packet loss' "$out"

t_done
