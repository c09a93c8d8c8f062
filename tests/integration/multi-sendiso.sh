#!/usr/bin/env bash
# Send isolation: a target whose echoes cannot leave must not delay the
# others. Beside answering peers behind a veth (two IPv4, one IPv6) sits
# 10.63.0.99, on-link and owned by nobody: its echoes wait in the shared
# socket's buffer for ARP, about 3 s a cycle, and its failure reports
# (IP_RECVERR) are pending on that socket when the next send, anyone's,
# comes. The answering targets must keep their schedule and get their
# echoes, and the silent one is said once, naming it and its neighbour.
# On the raw socket (root), on the datagram socket (nobody, with
# ping_group_range opened inside the namespace only), and with a send
# buffer made too small on purpose (-S): refused sends are counted, not
# retried, and said once per target.
. "$(dirname "$0")/lib.sh"
t_init

A=$(t_ns a) && B=$(t_ns b) || { fail "create namespaces"; exit 1; }
t_veth "$A" a0 "$B" b0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.63.0.1/24 dev a0
ip -n "$B" addr add 10.63.0.2/24 dev b0
ip -n "$B" addr add 10.63.0.3/24 dev b0
ip -n "$A" -6 addr add fd63::1/64 dev a0 nodad
ip -n "$B" -6 addr add fd63::2/64 dev b0 nodad

# 40 echoes each, 0.2 s apart: 7.8 s of schedule. The silent target keeps
# sending (no -w: iputils ends a -w run at its first error) through
# several ARP cycles; -W 1 ends its linger soon.
N=40
ARGS="-q -n -i 0.2 -c $N -W 1 10.63.0.2 10.63.0.3 10.63.0.99 fd63::2"

# stats_line HOST: the counts line of HOST's statistics block in $T_OUT.
stats_line() {
	printf '%s\n' "$T_OUT" | grep -A1 -F -x -- "--- $1 ping statistics ---" | sed -n 2p
}

# answered LABEL HOST: N sent, at least N-2 answered, no error, on schedule.
answered() {
	local l=$1 h=$2 line sent got ms
	line=$(stats_line "$h")
	sent=$(printf '%s' "$line" | sed -nE 's/^([0-9]+) packets transmitted.*/\1/p')
	got=$(printf '%s' "$line" | sed -nE 's/.* ([0-9]+) received.*/\1/p')
	ms=$(printf '%s' "$line" | sed -nE 's/.*time ([0-9]+)ms$/\1/p')
	check_eq "$l: $h: all $N sent" "$N" "$sent"
	if [ -n "$got" ] && [ "$got" -ge $((N - 2)) ]; then
		pass "$l: $h: answered $got of $N"
	else
		fail "$l: $h: answered '$got' of $N: $line"
	fi
	check_eq "$l: $h: no send error" "" "$(printf '%s' "$line" | grep -o 'errors')"
	# 7.8 s on schedule; a send stalled behind ARP cost the old code 20 s and more.
	if [ -n "$ms" ] && [ "$ms" -lt 12000 ]; then
		pass "$l: $h: the schedule held (${ms}ms)"
	else
		fail "$l: $h: the schedule did not hold: $line"
	fi
}

# isolated LABEL: the checks on $T_OUT/$T_ERR/$T_RC of one run.
isolated() {
	local l=$1
	check_rc "$l: exit 1 (one target unreachable)" 1 "$T_RC" "$T_ERR"
	answered "$l" 10.63.0.2
	answered "$l" 10.63.0.3
	answered "$l" fd63::2
	check_match "$l: the silent target's failures counted as errors" \
		"^$N packets transmitted, 0 received, \+[0-9]+ errors, 100% packet loss" \
		"$(stats_line 10.63.0.99)"
	check_eq "$l: said once, naming the target and its neighbour" \
		"rtping: 10.63.0.99: echoes cannot leave: neighbour 10.63.0.99 dev a0 does not resolve; counted as errors, the other targets go on" \
		"$(printf '%s\n' "$T_ERR" | grep 'cannot leave')"
	check_eq "$l: closing line" "4 targets: 3 answered, 1 unreachable, 0 with route divergence" \
		"$(printf '%s\n' "$T_OUT" | tail -n 1)"
}

t_run "$A" "$RTPING" $ARGS
isolated "raw"

if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	chmod 755 "$T_TMP"
	cp "$RTPING" "$T_TMP/rtping" && chmod 755 "$T_TMP/rtping"
	ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	ip -n "$A" neigh flush dev a0
	t_run "$A" setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
		"$T_TMP/rtping" $ARGS
	isolated "dgram (nobody)"
	ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="1 0"
else
	skip "datagram socket: no user nobody or no setpriv"
fi

# A send buffer too small on purpose: refused sends fail at once (no
# stall: the schedule holds), each counted as an error, said once a
# target, never twice.
ip -n "$A" neigh flush dev a0
t_run "$A" "$RTPING" -q -n -S 1 -i 0.05 -c 40 -W 1 10.63.0.2 10.63.0.99 fd63::2
check_eq "-S 1: every target sent all 40" "40 40 40" \
	"$(for h in 10.63.0.2 10.63.0.99 fd63::2; do stats_line $h | cut -d' ' -f1; done | tr '\n' ' ' | sed 's/ $//')"
check_match "-S 1: the run kept its schedule" "time [0-9]{4}ms$" "$(stats_line 10.63.0.2)"
check_eq "-S 1: no target said twice" "" \
	"$(printf '%s\n' "$T_ERR" | grep 'cannot leave' | cut -d: -f2 | sort | uniq -d)"
check_match "-S 1: the silent target named with its neighbour (RTM_GETNEIGH, or the kernel's error)" \
	"^rtping: 10\.63\.0\.99: echoes cannot leave: neighbour 10\.63\.0\.99 dev a0 does not resolve( \((Resource temporarily unavailable|No buffer space available)\))?; counted as errors, the other targets go on$" \
	"$(printf '%s\n' "$T_ERR" | grep '^rtping: 10\.63\.0\.99: ')"
t_done
