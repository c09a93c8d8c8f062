#!/usr/bin/env bash
# Sequence wrap under a duplicating peer: a flood of 65540 probes crosses
# icmp_seq 65535 -> 0 -> 1 while tests/tools/tunecho answers every request
# twice. Reused sequences after the wrap must count as new replies, not
# (DUP!), and every second copy must count as a duplicate: exact totals.
. "$(dirname "$0")/lib.sh"
t_init
TUNECHO=${TUNECHO:-$(dirname "$RTPING")/tests/tunecho}
[ -x "$TUNECHO" ] || { fail "no $TUNECHO (built by tests/meson.build)"; exit 1; }

# A flood of 65540 takes seconds on an idle machine, a minute on a busy one.
T_RUN_LIMIT=120

N=$(t_ns w) || { fail "namespace"; exit 1; }
T_NS+=("$N")
ip -n "$N" tuntap add dev tw0 mode tun
ip -n "$N" link set tw0 up
ip -n "$N" addr add 10.65.0.1/24 dev tw0
ip -n "$N" -6 addr add fd00:65::1/64 dev tw0 nodad

# peer COPIES: (re)starts tunecho; waits until the link has carrier.
peer() {
	[ -n "${EPID:-}" ] && { kill "$EPID" 2>/dev/null; t_reap "$EPID"; }
	rm -f "$T_TMP/ready"
	ip netns exec "$N" "$TUNECHO" tw0 "$1" 300 "$T_TMP/ready" &
	EPID=$!
	T_PIDS+=("$EPID")
	t_wait_for 20 carrier
}
carrier() { [ -e "$T_TMP/ready" ] && ! ip -n "$N" link show tw0 | grep -q NO-CARRIER; }

summary() { printf '%s\n' "$T_OUT" | grep -E '^[0-9]+ packets transmitted' | sed -E 's/, time [0-9]+ms//'; }

for dst in 10.65.0.2 fd00:65::2; do
	v=v4; [ "$dst" = fd00:65::2 ] && v=v6
	peer 1 || fail "$v: tunecho did not come up"
	t_run "$N" "$RTPING" -f -q -c 65540 "$dst"
	check_rc "$v wrap: exit 0" 0 "$T_RC" "$T_ERR"
	check_eq "$v wrap: every probe answered once across the wrap" \
		"65540 packets transmitted, 65540 received, 0% packet loss" "$(summary)"
	# Sane: min and avg under a second (a send time mistaken across the
	# wrap is seconds off; a busy machine's delays are milliseconds).
	check_match "$v wrap: RTTs sane" '^rtt min/avg/max/mdev = [0-9]{1,3}\.[0-9]{3}/[0-9]{1,3}\.[0-9]{3}/[0-9.]+/[0-9.]+ ms' "$T_OUT"

	peer 2 || fail "$v: tunecho did not come up"
	t_run "$N" "$RTPING" -f -q -c 65540 "$dst"
	check_rc "$v wrap+dup: exit 0" 0 "$T_RC" "$T_ERR"
	# -c ends the run at the last first reply, before its copy is read.
	check_eq "$v wrap+dup: reused sequences are new, copies are duplicates" \
		"65540 packets transmitted, 65540 received, +65539 duplicates, 0% packet loss" "$(summary)"

	# Around the wrap, line by line: 65535, 0, 1 once each, each copy flagged.
	# (-c 65539: seq 2 ends the run, so seq 1's copy has surely been read.)
	t_run "$N" "$RTPING" -i 0 -c 65539 "$dst"
	check_eq "$v wrap+dup: icmp_seq 65535, 0, 1 each answered then duplicated" \
		"65535 65535(DUP!) 0 0(DUP!) 1 1(DUP!)" \
		"$(printf '%s\n' "$T_OUT" | grep -E 'icmp_seq=(65535|0|1) ' | sed -nE 's/.*icmp_seq=([0-9]+) .*ms( \(DUP!\))?$/\1\2/p' | tr -d ' ' | tail -n 6 | paste -sd' ')"
done
t_done
