#!/usr/bin/env bash
# The path goes away while "rtping -c 10 -i 0.2" runs: the route is deleted,
# the veth deleted, the link set down, the route turned unreachable, or it
# flaps back. Each run must end by itself in time, say why probes failed
# (one clear stderr line per failed send, and the route watch's one line
# for the change), keep its counts consistent and
# exit with the normal code; iputils' summary is the reference.
# tests/run: start first (one of the longest)
. "$(dirname "$0")/lib.sh"
t_init

A=$(t_ns a) && B=$(t_ns b) || { fail "namespaces"; exit 1; }
T_NS+=("$A" "$B")

# path: (re)builds a veth A fa0 10.87.0.1 <-> B fb0 10.87.0.2, B owning
# 10.97.1.1 / fd00:97::1 on lo, A routing 10.97.0.0/16 and fd00:97::/64 via B.
path() {
	ip -n "$A" link del fa0 2>/dev/null
	t_veth "$A" fa0 "$B" fb0 || return 1
	ip -n "$A" addr add 10.87.0.1/24 dev fa0
	ip -n "$B" addr add 10.87.0.2/24 dev fb0
	ip -n "$A" -6 addr add fd00:87::1/64 dev fa0 nodad
	ip -n "$B" -6 addr add fd00:87::2/64 dev fb0 nodad
	ip -n "$B" addr replace 10.97.1.1/32 dev lo
	ip -n "$B" -6 addr replace fd00:97::1/128 dev lo nodad
	ip -n "$A" route replace 10.97.0.0/16 via 10.87.0.2 || return 1
	ip -n "$A" -6 route replace fd00:97::/64 via fd00:87::2 || return 1
	# Wait until the path answers (bounded).
	t_wait_for 20 answers
}
answers() {
	ip netns exec "$A" ping -c 1 -W 1 10.97.1.1 >/dev/null 2>&1 &&
		ip netns exec "$A" ping -6 -c 1 -W 1 fd00:97::1 >/dev/null 2>&1
}

# during NAME REPLIES ACTION PING...: runs PING in A (20 s at most, then
# T_RC 124). Once REPLIES replies are printed (10 s at most) PING is stopped
# (SIGSTOP), ACTION (a shell command, which sees PING's pid as $PID) runs
# and PING goes on (SIGCONT): the fault lands mid-run however busy the
# machine. Sets T_OUT T_ERR T_RC and SECS.
during() {
	local name=$1 n=$2 action=$3 t0 t1 apid
	shift 3
	path || fail "$name: path did not come up"
	: >"$T_TMP/o"; : >"$T_TMP/e"
	t0=$(date +%s%N)
	t_bg "$A" "$@"
	( t_wait_for 10 t_lines "$n" "$T_TMP/o" '^64 bytes from ' && kill -STOP "$PID"
	  eval "$action"; kill -CONT "$PID" 2>/dev/null ) &
	apid=$!
	t_finish 20
	t1=$(date +%s%N)
	wait "$apid"
	SECS=$(( (t1 - t0) / 1000000 ))
}

summary() { printf '%s\n' "$T_OUT" | grep -E '^[0-9]+ packets transmitted'; }
field() { summary | sed -nE "s/.*[ ^]([0-9]+) $1.*/\\1/p; s/^([0-9]+) $1.*/\\1/p" | head -n 1; }

# judge NAME ERRTEXT: the checks every broken-path run must pass.
judge() {
	local name=$1 errtext=$2 tx rx nerr
	check_rc "$name: exit 0 (replies came before the fault)" 0 "$T_RC" "$T_ERR"
	# 1.8 s of schedule: a hang (timeout's 20 s) or iputils' 10 s linger is
	# far above this bound, a busy machine's delays far below it.
	check_eq "$name: ended by itself within 9 s" yes "$([ "$SECS" -lt 9000 ] && echo yes || echo "no (${SECS} ms)")"
	tx=$(field 'packets transmitted'); rx=$(field received)
	# The route watch says the change once (README: the route watch).
	check_match "$name: the route watch says the route went" \
		"^rtping: route changed before icmp_seq=[0-9]+: src .* → no route \\($errtext\\)\$" "$T_ERR"
	check_eq "$name: said once" 1 "$(printf '%s\n' "$T_ERR" | grep -c '^rtping: route changed')"
	T_ERR=$(printf '%s\n' "$T_ERR" | grep -v '^rtping: route changed')
	check_eq "$name: 10 transmitted" 10 "$tx"
	check_eq "$name: received = reply lines" "$rx" "$(printf '%s\n' "$T_OUT" | grep -c '^64 bytes from')"
	check_eq "$name: some replies, then failures" yes \
		"$([ "${rx:-0}" -ge 2 ] && [ "${rx:-0}" -le 8 ] && echo yes || echo "no (received $rx)")"
	# The failed sends are not said, as iputils says none (the route
	# watch said why); no sanitizer or crash text either.
	check_eq "$name: nothing else on stderr, as iputils" "" "$T_ERR"
}

# iputils as the reference for the summary shape and exit status.
compare() {
	local name=$1 ours
	ours=$(summary | sed -E 's/[0-9]+ received/N received/; s/[0-9.]+% packet loss/L% packet loss/; s/, time [0-9]+ms//')
	shift
	during "$name (iputils)" "$@"
	check_eq "$name: summary shape and exit as iputils" \
		"$(summary | sed -E 's/[0-9]+ received/N received/; s/[0-9.]+% packet loss/L% packet loss/; s/, time [0-9]+ms//') rc=$T_RC" \
		"$ours rc=0"
}

P4="$RTPING -c 10 -i 0.2 10.97.1.1"
for c in "route-deleted|ip -n $A route del 10.97.0.0/16|Network is unreachable" \
	 "veth-deleted|ip -n $A link del fa0|Network is unreachable" \
	 "link-down|ip -n $A link set fa0 down|Network is unreachable" \
	 "route-unreachable|ip -n $A route replace unreachable 10.97.0.0/16|No route to host"; do
	IFS='|' read -r name action err <<<"$c"
	# shellcheck disable=SC2086
	during "v4 $name" 4 "$action" $P4
	judge "v4 $name" "$err"
	# shellcheck disable=SC2086
	compare "v4 $name" 4 "$action" ping -c 10 -i 0.2 10.97.1.1
done

# shellcheck disable=SC2086
during "v6 route-deleted" 4 "ip -n $A -6 route del fd00:97::/64" $RTPING -c 10 -i 0.2 fd00:97::1
judge "v6 route-deleted" "Network is unreachable"
during "v6 veth-deleted" 4 "ip -n $A link del fa0" $RTPING -c 10 -i 0.2 fd00:97::1
judge "v6 veth-deleted" "Network is unreachable"

# sent_past PID FILE: the echo the route watch named in FILE ("before
# icmp_seq=N") has been sent (failed: no route), as SIGQUIT's status line
# "received/transmitted packets" tells; failed sends print nothing.
sent_past() {
	local n sent
	n=$(sed -nE 's/.*route changed before icmp_seq=([0-9]+).*/\1/p' "$2" | head -n 1)
	kill -QUIT "$1" 2>/dev/null || return 1
	sleep 0.1
	sent=$(grep -aoE '[0-9]+/[0-9]+ packets' "$2" | tail -n 1 | sed -E 's#^[0-9]+/([0-9]+) .*#\1#')
	[ -n "$n" ] && [ -n "$sent" ] && [ "$sent" -ge "$n" ]
}

# The route flaps: gone after two replies, back after the first failed send
# (rtping stopped again meanwhile; -i 0.5 leaves a busy machine seconds to
# see it before the last probe); replies resume after it.
during "v4 flap" 2 "ip -n $A route del 10.97.0.0/16; kill -CONT \$PID;
	t_wait_for 10 t_lines 1 $T_TMP/e 'no route \(Network is unreachable\)' &&
	t_wait_for 10 sent_past \$PID $T_TMP/e && kill -STOP \$PID;
	ip -n $A route add 10.97.0.0/16 via 10.87.0.2" \
	$RTPING -c 10 -i 0.5 10.97.1.1
check_rc "v4 flap: exit 0" 0 "$T_RC" "$T_ERR"
check_eq "v4 flap: replies before and after the gap" yes \
	"$(printf '%s\n' "$T_OUT" | grep -q 'icmp_seq=1 ' && printf '%s\n' "$T_OUT" | grep -q 'icmp_seq=10 ' && echo yes || echo "no: $T_OUT")"
check_match "v4 flap: the gap is reported" \
	'^rtping: route changed before icmp_seq=[0-9]+: .* → no route \(Network is unreachable\)$' "$T_ERR"
check_match "v4 flap: summary" '^10 packets transmitted, [4-9] received, [0-9.]+% packet loss' "$(summary)"

# With -w the run keeps trying until the deadline, then exits 1 (fewer than -c).
during "v4 deadline" 2 "ip -n $A link del fa0" $RTPING -c 10 -i 0.2 -w 2 10.97.1.1
check_rc "v4 deadline: exit 1 (fewer than -c replies by -w)" 1 "$T_RC" "$T_ERR"
# Not a time window: a run that missed its deadline goes on to timeout's 20 s.
check_eq "v4 deadline: ends at the 2 s deadline (well before 9 s)" yes \
	"$([ "$SECS" -lt 9000 ] && echo yes || echo "no (${SECS} ms)")"
check_eq "v4 deadline: at most 11 sent in 2 s at -i 0.2" yes \
	"$(n=$(field 'packets transmitted'); [ -n "$n" ] && [ "$n" -le 11 ] && echo yes || echo "no ($(summary))")"
check_match "v4 deadline: summary" '^[0-9]+ packets transmitted, [1-4] received, [0-9.]+% packet loss' "$(summary)"
t_done
