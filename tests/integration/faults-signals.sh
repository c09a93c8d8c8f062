#!/usr/bin/env bash
# Signals during a run (every blocking call may see EINTR): a storm of
# SIGQUIT (status line), SIGWINCH/SIGCHLD/SIGURG/SIGCONT (ignored) and a
# SIGSTOP/SIGCONT pause must not lose, duplicate or mistime a reply, print
# anything odd, or change the exit code; SIGINT ends with the summary.
. "$(dirname "$0")/lib.sh"
t_init

A=$(t_ns a) && B=$(t_ns b) || { fail "namespaces"; exit 1; }
T_NS+=("$A" "$B")
t_veth "$A" sa0 "$B" sb0 || { fail "veth"; exit 1; }
ip -n "$A" addr add 10.86.0.1/24 dev sa0
ip -n "$B" addr add 10.86.0.2/24 dev sb0
ip -n "$A" -6 addr add fd00:86::1/64 dev sa0 nodad
ip -n "$B" -6 addr add fd00:86::2/64 dev sb0 nodad

bg() { t_bg "$A" "$@"; }

# started [N]: waits (bounded) until the run printed its header and N
# replies (default none). rtping's handlers are in place before the header,
# so a signal meets them (an async job in a script starts with SIGINT
# ignored, which rtping's sigaction then replaces).
started() {
	t_wait_for 10 t_lines 1 "$T_TMP/o" '^PING '
	t_wait_for 10 t_lines "${1:-0}" "$T_TMP/o" '^64 bytes from '
}

finish() { t_finish "$@"; }

# storm N: N rounds of every harmless signal to $PID, 10 ms apart.
storm() {
	local i
	for i in $(seq "$1"); do
		kill -0 "$PID" 2>/dev/null || return 0
		kill -QUIT "$PID" 2>/dev/null; kill -WINCH "$PID" 2>/dev/null
		kill -CHLD "$PID" 2>/dev/null; kill -URG "$PID" 2>/dev/null
		kill -CONT "$PID" 2>/dev/null
		sleep 0.01
	done
}

rtt_ok() { printf '%s\n' "$T_OUT" | grep -oE 'time=[0-9.]+' | awk -F= '$2 >= 1000 { bad = 1 } END { print bad ? "no" : "yes" }'; }

# -i 0.3: the run (2.7 s) outlasts a storm's start on a busy machine.
for dst in 10.86.0.2 fd00:86::2; do
	v=v4; [ "$dst" = fd00:86::2 ] && v=v6
	bg "$RTPING" -c 10 -i 0.3 "$dst"
	started
	storm 100
	finish 15
	check_rc "$v storm: exit 0" 0 "$T_RC" "$T_ERR"
	check_match "$v storm: all ten replies" '^10 packets transmitted, 10 received, 0% packet loss' "$T_OUT"
	check_eq "$v storm: each sequence once, no (DUP!)" "10 0" \
		"$(printf '%s\n' "$T_OUT" | grep -oE 'icmp_seq=[0-9]+ ' | sort -u | wc -l) $(printf '%s\n' "$T_OUT" | grep -c 'DUP!')"
	check_eq "$v storm: RTTs under a second" yes "$(rtt_ok)"
	# SIGQUIT's status lines are the only stderr (iputils' format).
	check_eq "$v storm: stderr is status lines only" 0 \
		"$(printf '%s\n' "$T_ERR" | tr '\r' '\n' | grep -v '^$' | grep -cvE '^[0-9]+/[0-9]+ packets, [0-9]+% loss(, min/avg/ewma/max = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms)?$')"
	check_eq "$v storm: SIGQUIT answered" yes \
		"$(printf '%s\n' "$T_ERR" | grep -q 'packets, ' && echo yes || echo no)"
done

# A 1.5 s stop in the middle (after two replies): afterwards the run
# completes, counts exact.
bg "$RTPING" -c 8 -i 0.2 10.86.0.2
started 2; kill -STOP "$PID"; sleep 1.5; kill -CONT "$PID"
finish 15
check_rc "stop/cont: exit 0" 0 "$T_RC" "$T_ERR"
check_match "stop/cont: eight replies" '^8 packets transmitted, 8 received, 0% packet loss' "$T_OUT"
check_eq "stop/cont: nothing on stderr" "" "$T_ERR"

# SIGINT mid-run: summary, normal exit code (replies came: 0).
bg "$RTPING" -i 0.2 10.86.0.2
started 2; kill -INT "$PID"
finish 5
check_rc "sigint: exit 0 after replies" 0 "$T_RC" "$T_ERR"
check_match "sigint: summary printed" '^[0-9]+ packets transmitted, [0-9]+ received' "$T_OUT"
check_match "sigint: rtt line printed" '^rtt min/avg/max/mdev = ' "$T_OUT"

# SIGALRM ends the run as SIGINT does (iputils' sigexit): summary, exit 0.
bg "$RTPING" -c 100 -i 0.2 10.86.0.2
started; kill -ALRM "$PID"
finish 5
check_rc "sigalrm: exit 0 after replies" 0 "$T_RC" "$T_ERR"
check_match "sigalrm: summary printed" '^[0-9]+ packets transmitted, [0-9]+ received' "$T_OUT"
check_eq "sigalrm: nothing on stderr" "" "$T_ERR"

# SIGINT with nothing answered yet (100 % loss): exit 1, summary still there.
# The neighbour entry goes too: with a resolved entry and no carrier the
# send fails with ENOBUFS and is retried uncounted, as iputils does, and
# "0 packets transmitted" would be the right answer to another question.
ip -n "$B" link set sb0 down
ip -n "$A" neigh flush dev sa0
bg "$RTPING" -i 0.2 10.86.0.2
started; kill -INT "$PID"
finish 5
check_rc "sigint at 100% loss: exit 1" 1 "$T_RC" "$T_ERR"
check_match "sigint at 100% loss: summary" '^[0-9]+ packets transmitted, 0 received, 100% packet loss' "$T_OUT
stderr: $T_ERR"
t_done
