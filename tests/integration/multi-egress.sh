#!/usr/bin/env bash
# rtping HOST...: egress and route changes for every target. Two targets
# behind two routes (veths mev1 and mev2 to the peer) and one IPv6 target:
# -v and JSON show each target's own egress and count it in its summary;
# a route replaced under one target of two is one route change naming it
# (text and JSON), the other says nothing; with both families in the run
# the one watch socket sees an IPv6 change too; and a change under 1000
# targets gives each its own route_change while every echo still leaves
# (the re-queries go in batches between sends).
. "$(dirname "$0")/lib.sh"
t_init

A=$(t_ns mea) && B=$(t_ns meb) || { fail "create namespaces"; exit 1; }
t_two_links "$A" mev1 mev2 "$B" mep1 mep2 || { fail "create veths"; exit 1; }
ip -n "$B" addr add 10.70.0.1/32 dev lo
ip -n "$B" addr add 10.71.0.1/32 dev lo
ip -n "$B" -6 addr add fd70::1/128 dev lo nodad
ip -n "$B" route add local 10.80.0.0/16 dev lo
ip -n "$A" route add 10.70.0.1 via 10.61.0.2
ip -n "$A" route add 10.71.0.1 via 10.62.0.2
ip -n "$A" -6 route add fd70::1 via fd61::2
ip -n "$A" route add 10.80.0.0/16 via 10.61.0.2
ip netns exec "$B" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000
T70="src 10.61.0.1 dev mev1 via 10.61.0.2 table main"
T71="src 10.62.0.1 dev mev2 via 10.62.0.2 table main"

# ---- -v: each target's replies and summary carry its own egress ----
t_run "$A" "$RTPING" -n -v -c 2 -i 0.2 10.70.0.1 10.71.0.1 fd70::1
check_rc "-v: exit 0" 0 "$T_RC" "$T_ERR"
check_eq "-v: 10.70.0.1's two replies left by mev1" 2 \
	"$(printf '%s\n' "$T_OUT" | grep -c '^10\.70\.0\.1: 64 bytes from .* egress 10\.61\.0\.1 mev1$')"
check_eq "-v: 10.71.0.1's two replies left by mev2" 2 \
	"$(printf '%s\n' "$T_OUT" | grep -c '^10\.71\.0\.1: 64 bytes from .* egress 10\.62\.0\.1 mev2$')"
check_eq "-v: fd70::1's two replies left by mev1" 2 \
	"$(printf '%s\n' "$T_OUT" | grep -c '^fd70::1: 64 bytes from .* egress fd61::1 mev1$')"
check_eq "-v: each summary counts its own egress" \
	"egress 10.61.0.1 mev1: 2 echoes|egress 10.62.0.1 mev2: 2 echoes|egress fd61::1 mev1: 2 echoes" \
	"$(printf '%s\n' "$T_OUT" | grep '^egress ' | paste -sd '|')"
check_eq "-v: no line on stderr" "" "$T_ERR"

t_run "$A" "$RTPING" --json -c 1 10.70.0.1 10.71.0.1
check_eq "json: each reply's egress" "10.70.0.1 10.61.0.1 mev1|10.71.0.1 10.62.0.1 mev2" \
	"$(t_jq 'select(.type == "reply") | "\(.target_addr) \(.egress.source) \(.egress.device)"' | sort | paste -sd '|')"
check_eq "json: each summary's egress list" "10.70.0.1 mev1 1 1|10.71.0.1 mev2 1 1" \
	"$(t_jq 'select(.type == "summary") | "\(.addr) \(.egress[0].device) \(.egress[0].echoes) \(.egress_sampled)"' | paste -sd '|')"

# Faster than one echo each 10 ms per target: sampled as a flood is, and said.
t_run "$A" "$RTPING" -n -q -v -c 60 -i 0.002 10.70.0.1 10.71.0.1
check_rc "sampled: exit 0" 0 "$T_RC" "$T_ERR"
check_eq "sampled: each summary states the rule" 2 \
	"$(printf '%s\n' "$T_OUT" | grep -cE '^egress sampled: (1[6-9]|[2-5][0-9]) of 60 echoes \(faster than one echo each 10 ms: the first 16, then one each 10 ms\)$')"
check_eq "sampled: each summary counts the sampled echoes by its egress" 2 \
	"$(printf '%s\n' "$T_OUT" | grep -cE '^egress 10\.6[12]\.0\.1 mev[12]: (1[6-9]|[2-5][0-9]) echoes$')"

# bg_run OUT ERR ARGS...: rtping in A in the background; sets BG.
bg_run() {
	local o=$1 e=$2; shift 2
	ip netns exec "$A" timeout 30 "$RTPING" "$@" >"$o" 2>"$e" & BG=$!
	T_PIDS+=("$BG")
}

# ---- a route replaced under one target of two: text ----
bg_run "$T_TMP/t.out" "$T_TMP/t.err" -n -v -c 12 -i 0.2 10.70.0.1 10.71.0.1
t_wait_for 10 t_lines 1 "$T_TMP/t.out" '^10\.71\.0\.1: 64 bytes'
ip -n "$A" route replace 10.71.0.1 via 10.61.0.2
t_wait_for 10 t_lines 1 "$T_TMP/t.err" 'route changed'
n=$(grep -c '^10\.71\.0\.1: 64 bytes' "$T_TMP/t.out")
t_wait_for 10 t_lines $((n + 2)) "$T_TMP/t.out" '^10\.71\.0\.1: 64 bytes'
wait "$BG"; rc=$?; t_reap "$BG"
check_eq "text: exit 0" 0 "$rc"
err=$(cat "$T_TMP/t.err")
check_eq "text: one route change" 1 "$(printf '%s\n' "$err" | grep -c 'route changed')"
check_match "text: it names the target whose route changed" \
	"^rtping: 10\.71\.0\.1: route changed before icmp_seq=[0-9]+: $T71 → $T70\$" "$err"
check_eq "text: nothing about the other target" 0 "$(printf '%s\n' "$err" | grep -c '10\.70\.0\.1')"
check_eq "text: the last reply of 10.71.0.1 left by the new route" "egress 10.61.0.1 mev1" \
	"$(grep '^10\.71\.0\.1: 64 bytes' "$T_TMP/t.out" | tail -n 1 | grep -o 'egress .*')"
check_eq "text: 10.71.0.1's summary counts both egresses" \
	"egress 10.62.0.1 mev2|egress 10.61.0.1 mev1" \
	"$(grep -A4 -- '--- 10.71.0.1 ping' "$T_TMP/t.out" | grep '^egress ' | cut -d: -f1 | paste -sd '|')"
ip -n "$A" route replace 10.71.0.1 via 10.62.0.2

# ---- the same in JSON, with an IPv6 target in the run (one watch, both families) ----
bg_run "$T_TMP/j.out" "$T_TMP/j.err" --json -c 12 -i 0.2 10.70.0.1 10.71.0.1 fd70::1
t_wait_for 10 t_lines 3 "$T_TMP/j.out" '"type": "reply"'
ip -n "$A" route replace 10.71.0.1 via 10.61.0.2
t_wait_for 10 t_lines 1 "$T_TMP/j.out" '"route_change"'
ip -n "$A" -6 route replace fd70::1 via fd62::2
t_wait_for 10 t_lines 2 "$T_TMP/j.out" '"route_change"'
wait "$BG"; rc=$?; t_reap "$BG"
J=$(cat "$T_TMP/j.out")
check_eq "json: exit 0" 0 "$rc"
check_eq "json: one route_change per target whose route changed" \
	"10.71.0.1 route 10.62.0.1 mev2 10.61.0.1 mev1|fd70::1 route fd61::1 mev1 fd62::1 mev2" \
	"$(t_jq 'select(.type == "route_change") | "\(.target_addr) \(.cause) \(.from.source) \(.from.device) \(.to.source) \(.to.device)"' "$J" | paste -sd '|')"
check_eq "json: none for 10.70.0.1" 0 \
	"$(t_jq 'select(.type == "route_change" and .target_addr == "10.70.0.1") | 1' "$J" | wc -l)"
check_eq "json: 10.71.0.1's last reply left by mev1" mev1 \
	"$(t_jq 'select(.type == "reply" and .target_addr == "10.71.0.1") | .egress.device' "$J" | tail -n 1)"
check_eq "json: the other routes' watch counts re-queries" true \
	"$(t_jq 'select(.type == "summary" and .addr == "10.70.0.1") | .route_watch.requeries >= 2' "$J")"
check_eq "nothing on stderr" "" "$(cat "$T_TMP/j.err")"
ip -n "$A" route replace 10.71.0.1 via 10.62.0.2

# ---- a change under 1000 targets: each said once, every echo sent and answered ----
awk 'BEGIN { for (i = 0; i < 1000; i++) printf "10.80.%d.%d\n", int(i / 250), i % 250 + 1 }' >"$T_TMP/list"
bg_run "$T_TMP/m.out" "$T_TMP/m.err" --json -c 4 -i 1 --rate 2000 --file "$T_TMP/list"
t_wait_for 20 t_lines 1000 "$T_TMP/m.out" '"type": "reply"'
ip -n "$A" route replace 10.80.0.0/16 via 10.62.0.2
wait "$BG"; rc=$?; t_reap "$BG"
M=$(cat "$T_TMP/m.out")
check_eq "1000 targets: exit 0" 0 "$rc"
check_eq "1000 targets: one route_change each, from mev1 to mev2" "1000 1000 mev1 mev2" \
	"$(t_jq 'select(.type == "route_change") | "\(.target_addr) \(.from.device) \(.to.device)"' "$M" |
		awk '{ n++; t[$1] = 1; f = $2; d = $3 } END { printf "%d %d %s %s\n", n, length(t), f, d }')"
check_eq "1000 targets: every echo sent and answered" "1000 4 4" \
	"$(t_jq 'select(.type == "summary") | "\(.transmitted) \(.received)"' "$M" | sort | uniq -c | awk '{ print $1, $2, $3 }')"
check_eq "1000 targets: the last echoes left by mev2" 1000 \
	"$(t_jq 'select(.type == "reply" and .seq == 4 and .egress.device == "mev2") | .target_addr' "$M" | sort -u | wc -l)"
t_done
