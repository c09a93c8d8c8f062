#!/usr/bin/env bash
# rtping HOST...: -c, -w and -W per target, every line naming its target,
# and the totals when targets fail. A answers nothing itself: B (behind a
# veth) answers every address of 10.100.10.0/24 and drops 10.100.11.0/24
# (no forwarding); on A's second veth 10.61.0.98 and .99 are on-link and
# owned by nobody (Destination Host Unreachable once ARP gives up);
# 10.200.0.0/16 is blackholed. --rate holds later targets back, so their
# first echo leaves after the first target's deadline would have passed.
. "$(dirname "$0")/lib.sh"
t_init

t_ns a >/dev/null && t_ns b >/dev/null && t_ns c >/dev/null || { fail "create namespaces"; exit 1; }
A=$T_ID-a B=$T_ID-b C=$T_ID-c
t_veth "$A" pa "$B" pb && t_veth "$A" pc "$C" pd || { fail "create veths"; exit 1; }
ip -n "$A" addr add 10.100.0.2/24 dev pa
ip -n "$B" addr add 10.100.0.1/24 dev pb
ip -n "$B" route add local 10.100.10.0/24 dev lo
ip -n "$A" route add 10.100.10.0/23 via 10.100.0.1
ip -n "$A" addr add 10.61.0.1/24 dev pc
ip -n "$A" route add blackhole 10.200.0.0/16

# stats_lines: each statistics block's counts line, one per target, in order.
stats_lines() {
	printf '%s\n' "$T_OUT" | grep -A1 -E -- '^--- .* ping statistics ---$' | grep -E 'packets transmitted'
}

# -w 1 at 10 a second: target 20's first echo leaves about 1.9 s in. Each
# target still gets its own second: one echo (the second would be due as
# the deadline ends), answered, "time 0ms" (from its first echo).
T_RUN_LIMIT=30 t_run "$A" "$RTPING" -q -n -w 1 --rate 10 $(seq -f 10.100.10.%g 1 20)
check_rc "-w per target: exit 0 (every target answered)" 0 "$T_RC" "$T_ERR"
check_eq "-w per target: every target probed and answered once, its time from its first echo" 20 \
	"$(stats_lines | grep -c -x '1 packets transmitted, 1 received, 0% packet loss, time 0ms')"
check_eq "-w per target: closing line" "20 targets: 20 answered, 0 unreachable, 0 with route divergence" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"
check_eq "-w per target: nothing on stderr" "" "$T_ERR"

# -c 3 -w 1: one echo each in the second, answered. iputils' exit 1 (fewer
# replies than -c asked), yet the targets answered: none is unreachable.
T_RUN_LIMIT=30 t_run "$A" "$RTPING" -q -n -c 3 -w 1 10.100.10.1 10.100.10.2
check_rc "-c 3 -w 1: exit 1, as iputils (fewer replies than -c)" 1 "$T_RC" "$T_ERR"
check_eq "-c 3 -w 1: the targets answered" "2 targets: 2 answered, 0 unreachable, 0 with route divergence" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"

# A rule refuses one target's echoes (not its UDP probe): each of its sends
# fails; the first is said, naming it, the others counted in silence.
ip -n "$A" rule add to 10.100.10.7 ipproto icmp prohibit pref 90
T_RUN_LIMIT=30 t_run "$A" "$RTPING" -n -c 3 -i 0.2 -W 1 10.100.10.6 10.100.10.7
check_rc "refused sends: exit 1" 1 "$T_RC" "$T_ERR"
check_eq "refused sends: the first said once, naming the target" 1 \
	"$(printf '%s\n' "$T_ERR" | grep -c '^rtping: 10\.100\.10\.7: sendmsg: Permission denied$')"
check_eq "refused sends: all three counted as sent" \
	"3 packets transmitted, 0 received, 100% packet loss" \
	"$(printf '%s\n' "$T_OUT" | grep -A1 -- '--- 10.100.10.7 ping' | sed -n 's/, time.*//p')"
ip -n "$A" rule del pref 90

# A target's route turns prohibit before its first echo (--rate holds it
# back): its sends fail (the first said), the others run on, and every
# statistics block and the totals print; not iputils' broadcast question,
# which is about its probe alone.
: >"$T_TMP/pr.out"
ip netns exec "$A" timeout 30 "$RTPING" -n -c 2 -i 1 -W 1 --rate 2 $(seq -f 10.100.10.%g 21 24) \
	>"$T_TMP/pr.out" 2>"$T_TMP/pr.err" &
pr=$!
T_PIDS+=("$pr")
t_wait_for 10 t_lines 1 "$T_TMP/pr.out" '^64 bytes from 10\.100\.10\.21: '
ip -n "$A" route add prohibit 10.100.10.24/32
wait "$pr"; rc=$?
t_reap "$pr"
check_rc "prohibit before the first echo: exit 1" 1 "$rc" "$(cat "$T_TMP/pr.err")"
check_eq "prohibit before the first echo: four statistics blocks and the totals" "4 1" \
	"$(grep -c ' ping statistics ---$' "$T_TMP/pr.out") $(grep -c '^4 targets: 3 answered, 1 unreachable' "$T_TMP/pr.out")"
check_eq "prohibit before the first echo: its failed send said once, no broadcast question" "1 0" \
	"$(grep -c '^rtping: 10\.100\.10\.24: sendmsg: Permission denied$' "$T_TMP/pr.err") $(grep -c broadcast "$T_TMP/pr.err")"
ip -n "$A" route del prohibit 10.100.10.24/32

# -c 3 -i 0.2 for five targets at 5 a second: each sends its three, however
# late --rate lets it start; a silent one among them waits -W after its own
# last echo and is the only one unreachable.
T_RUN_LIMIT=30 t_run "$A" "$RTPING" -q -n -c 3 -i 0.2 -W 1 --rate 5 \
	10.100.11.1 10.100.10.1 10.100.10.2 10.100.10.3 10.100.10.4
check_rc "-c per target: exit 1 (one silent)" 1 "$T_RC" "$T_ERR"
check_eq "-c per target: the silent target sent its three" \
	"3 packets transmitted, 0 received, 100% packet loss" "$(stats_lines | head -n 1 | sed -E 's/, time [0-9]+ms$//')"
check_eq "-c per target: each answering target sent and got three" 4 \
	"$(stats_lines | grep -c -E '^3 packets transmitted, 3 received, 0% packet loss, time [0-9]+ms$')"
check_eq "-c per target: closing line" "5 targets: 4 answered, 1 unreachable, 0 with route divergence" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"

# SIGINT while --rate still holds most targets back: those never sent to
# are "not probed", not unreachable; every target is counted once.
t_bg "$A" timeout 60 "$RTPING" -n -c 1 --rate 2 $(seq -f 10.100.10.%g 1 20)
t_wait_for 20 t_lines 1 "$T_TMP/o" '^64 bytes from ' || fail "interrupted: no reply within 20 s"
kill -INT "$PID"
t_finish 20
check_rc "interrupted: exit 1 (not every target answered)" 1 "$T_RC" "$T_ERR"
totals=$(printf '%s\n' "$T_OUT" | tail -n 1)
check_match "interrupted: closing line counts the unprobed apart" \
	'^20 targets: [0-9]+ answered, [0-9]+ unreachable, [0-9]+ not probed, 0 with route divergence$' "$totals"
read -r ans unr unp <<<"$(printf '%s\n' "$totals" | sed -E 's/^20 targets: ([0-9]+) answered, ([0-9]+) unreachable, ([0-9]+) not probed, .*/\1 \2 \3/')"
check_eq "interrupted: every target counted once, most never sent to" "20 yes" \
	"$((${ans:-0} + ${unr:-0} + ${unp:-0})) $([ "${unp:-0}" -ge 10 ] && echo yes || echo no)"
check_eq "interrupted: the unprobed are the blocks with nothing sent" "${unp:-x}" \
	"$(stats_lines | grep -c -x '0 packets transmitted, 0 received')"

# Two silent on-link neighbours and one that answers, with -O: each error
# and each "no answer yet" line names its target; none is left unnamed.
T_RUN_LIMIT=40 t_run "$A" "$RTPING" -n -c 2 -i 0.5 -O 10.61.0.98 10.61.0.99 10.100.10.1
check_rc "naming: exit 1 (two unreachable)" 1 "$T_RC" "$T_ERR"
for t in 10.61.0.98 10.61.0.99; do
	check_eq "naming: $t's errors name it" 2 \
		"$(printf '%s\n' "$T_OUT" | grep -c -E "^${t//./\\.}: From 10\.61\.0\.1 icmp_seq=[12] Destination Host Unreachable$")"
	check_eq "naming: $t's -O line names it" 1 \
		"$(printf '%s\n' "$T_OUT" | grep -c -x "$t: no answer yet for icmp_seq=1")"
	check_match "naming: $t's statistics count its errors" '^2 packets transmitted, 0 received, \+2 errors, 100% packet loss' \
		"$(printf '%s\n' "$T_OUT" | grep -A1 -F -x -- "--- $t ping statistics ---" | tail -n 1)"
done
check_eq "naming: no unnamed error or -O line" 0 \
	"$(printf '%s\n' "$T_OUT" | grep -c -E '^(From |no answer yet)')"
check_eq "naming: the answering target's replies as iputils prints them" 2 \
	"$(printf '%s\n' "$T_OUT" | grep -c -E '^64 bytes from 10\.100\.10\.1: icmp_seq=[12] ttl=64 time=[0-9.]+ ms$')"

# A failed send on stderr names its target (-M do through a 1300-byte link).
ip -n "$A" link set pc mtu 1300
T_RUN_LIMIT=30 t_run "$A" "$RTPING" -n -c 1 -M do -s 1400 10.61.0.98 10.100.10.1
check_eq "naming: a failed send names its target" "rtping: 10.61.0.98: sendmsg: Message too long" "$T_ERR"
ip -n "$A" link set pc mtu 1500

# JSON: every object about a target carries it.
T_RUN_LIMIT=40 t_run "$A" "$RTPING" --json -c 2 -i 0.5 10.61.0.98 10.100.10.1
check_eq "json naming: every line parses" "$(printf '%s\n' "$T_OUT" | wc -l)" \
	"$(printf '%s\n' "$T_OUT" | jq -c . 2>/dev/null | wc -l)"
check_eq "json naming: errors and timeouts for the silent target" "2 1" \
	"$(t_jq 'select(.type == "error" and .target_addr == "10.61.0.98")' | grep -c '^{') $(t_jq 'select(.type == "timeout" and .target_addr == "10.61.0.98")' | grep -c '^{')"
check_eq "json naming: every object but run_summary has host and target_addr" 0 \
	"$(t_jq 'select(.type != "run_summary" and (.host == null or .target_addr == null)) | .type' | wc -l)"

# Every target fails before sending: the totals still print.
T_RUN_LIMIT=30 t_run "$A" "$RTPING" -n -c 1 --json nosuch.invalid 10.200.0.1
check_rc "all failed, json: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "all failed, json: one summary each with its error, then run_summary" \
	"summary nosuch.invalid 0 true|summary 10.200.0.1 0 connect: Invalid argument|run_summary 2 0 0 2" \
	"$(t_jq 'if .type == "summary" then "summary \(.host) \(.transmitted) \(if .host == "nosuch.invalid" then (.error | type == "string") else .error end)" else "\(.type) \(.targets) \(.answered) \(.unreachable) \(.failed)" end' | paste -sd '|')"
check_eq "all failed, json: stderr names each" 2 \
	"$(printf '%s\n' "$T_ERR" | grep -c -E '^rtping: (nosuch\.invalid|10\.200\.0\.1): ')"
T_RUN_LIMIT=30 t_run "$A" "$RTPING" -n -c 1 nosuch.invalid 10.200.0.1
check_rc "all failed, text: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "all failed, text: the totals line alone" \
	"2 targets: 0 answered, 0 unreachable, 2 failed, 0 with route divergence" "$T_OUT"

# Failed beside one that ran: counted failed, not unreachable.
T_RUN_LIMIT=30 t_run "$A" "$RTPING" -n -c 1 10.100.10.1 10.200.0.1
check_rc "one failed: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "one failed: closing line" "2 targets: 1 answered, 0 unreachable, 1 failed, 0 with route divergence" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"

# One target: text and exit status as iputils; JSON's last object is a summary with the error.
if command -v ping >/dev/null; then
	t_golden "$A" "one target, blackholed" -n -c 1 10.200.0.1
else
	skip "one target, blackholed: no iputils ping to compare with"
fi
T_RUN_LIMIT=30 t_run "$A" "$RTPING" -n -c 1 --json 10.200.0.1
check_rc "one target json, blackholed: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "one target json, blackholed: stderr as text" "rtping: connect: Invalid argument" "$T_ERR"
check_eq "one target json, blackholed: one summary with the error and the route that refused it" \
	"summary|10.200.0.1|0|null|connect: Invalid argument|blackhole" \
	"$(t_jq '[.type, .target_addr, .transmitted, .loss_percent, .error, .route.netlink.type] | map(tostring) | join("|")')"
t_done
