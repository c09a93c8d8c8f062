#!/usr/bin/env bash
# Lost output: fds 0-2 are open before the first socket,
# so a closed stdout can never be the netlink or ICMP socket; a stdout that
# cannot be written ends the run with iputils' "write error" and exit 1
# (explain mode: 2), in text and JSON; a pipe whose reader left (SIGPIPE
# ignored) stays quiet as in iputils. Compared with /usr/bin/ping.
# Topology: A 10.93.0.1 -- B 10.93.0.2.
. "$(dirname "$0")/lib.sh"
t_init
command -v ping >/dev/null || { skip "iputils ping not installed"; exit 0; }
[ -w /dev/full ] || { skip "no /dev/full"; exit 0; }

A=$(t_ns a) && B=$(t_ns b) || { fail "create namespaces"; exit 1; }
t_veth "$A" a0 "$B" b0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.93.0.1/24 dev a0
ip -n "$B" addr add 10.93.0.2/24 dev b0
ip netns exec "$A" ping -c 1 -W 2 10.93.0.2 >/dev/null 2>&1

# out_err NAME WANT_RC REDIR PROG ARGS...: runs PROG in A with stdout
# redirected as REDIR ("closed" or "full"); checks the exit status and that
# stderr is exactly "PROG: write error".
out_err() {
	local name=$1 want=$2 redir=$3 prog=$4 rc; shift 4
	case $redir in
	closed) ip netns exec "$A" timeout 10 "$prog" "$@" >&- 2>"$T_TMP/e"; rc=$? ;;
	full) ip netns exec "$A" timeout 10 "$prog" "$@" >/dev/full 2>"$T_TMP/e"; rc=$? ;;
	esac
	check_eq "$name: exit $want and one line '$(basename "$prog"): write error'" \
		"$want|$(basename "$prog"): write error" "$rc|$(cat "$T_TMP/e")"
}

# iputils first: the reference this file pins rtping to.
out_err "iputils, stdout closed" 1 closed ping -c 2 -i 0.2 10.93.0.2
out_err "iputils, stdout /dev/full" 1 full ping -c 2 -i 0.2 10.93.0.2
out_err "stdout closed" 1 closed "$RTPING" -c 2 -i 0.2 10.93.0.2
out_err "stdout /dev/full" 1 full "$RTPING" -c 2 -i 0.2 10.93.0.2
out_err "stdout /dev/full, -q" 1 full "$RTPING" -q -c 2 -i 0.2 10.93.0.2
out_err "stdout /dev/full, --json" 1 full "$RTPING" --json -c 2 -i 0.2 10.93.0.2
out_err "stdout closed, --json" 1 closed "$RTPING" --json -c 2 -i 0.2 10.93.0.2
out_err "stdout /dev/full, flood" 1 full "$RTPING" -f -c 20 10.93.0.2
out_err "stdout /dev/full, no reply" 1 full "$RTPING" -c 1 -W 0.3 10.93.0.9
out_err "stdout /dev/full, -V" 1 full "$RTPING" -V
out_err "explain, stdout /dev/full" 2 full "$RTPING" --explain-route 10.93.0.2
out_err "explain --json, stdout closed" 2 closed "$RTPING" --explain-route --json 10.93.0.2

# While it runs with 0-2 closed, those fds are /dev/null and the sockets are above.
# No timeout(1) in between: ip execs rtping, so $! is rtping; it runs until
# it has been looked at (SIGTERM then; -c 100 bounds it), however long that takes.
ip netns exec "$A" "$RTPING" -c 100 -i 0.2 10.93.0.2 <&- >&- 2>&- & pid=$!
T_PIDS+=("$pid")
exe=$(readlink -f "$RTPING") fds="" socks=""
# Sockets this script inherited (a test runner's) are rtping's too, from
# exec on: only the ones it opens itself count.
inherited=" $(ls -l /proc/$$/fd 2>/dev/null | sed -n 's/.*\(socket:\[[0-9]*\]\)$/\1/p' | tr '\n' ' ')"
# fd_state: true once $pid is rtping (ip has exec'd it) and has a socket of
# its own; sets fds (what 0-2 are) and socks (those socket fds, lowest first).
# The sockets are read first: once one exists, 0-2 are as they will stay
# (read first, 0-2 could be caught half opened and the socket come after).
fd_state() {
	local f l
	[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$exe" ] || return 1
	socks=$(for f in /proc/$pid/fd/*; do
		l=$(readlink "$f") && case $l in socket:*) [ "${inherited#* "$l" }" = "$inherited" ] &&
			basename "$f" ;; esac; done 2>/dev/null | sort -n | tr '\n' ' ')
	[ -n "$socks" ] || return 1
	fds=$(for f in 0 1 2; do readlink "/proc/$pid/fd/$f"; done 2>/dev/null | tr '\n' ' ')
}
t_wait_for 20 fd_state
kill -TERM "$pid" 2>/dev/null
check_eq "fds 0-2 closed: opened on /dev/null before any socket" \
	"/dev/null /dev/null /dev/null " "$fds"
check_match "fds 0-2 closed: the sockets are fd 3 and up" '^([3-9]|[1-9][0-9]+) ' "$socks"
t_reap "$pid"

# Only stdin closed: nothing is lost, the run is normal.
ip netns exec "$A" timeout 10 "$RTPING" -c 1 10.93.0.2 <&- >"$T_TMP/o" 2>"$T_TMP/e"
check_eq "stdin closed: exit 0, reply printed" "0 1" "$? $(grep -c '^64 bytes from' "$T_TMP/o")"

# A reader that leaves with SIGPIPE ignored: iputils ends quietly, so does rtping.
for prog in ping "$RTPING"; do
	rc=$( (trap '' PIPE; ip netns exec "$A" timeout 10 "$prog" -c 3 -i 0.2 10.93.0.2 2>"$T_TMP/e" |
		head -c 1 >/dev/null; echo "${PIPESTATUS[0]}") )
	check_eq "$(basename "$prog"): reader gone, SIGPIPE ignored: exit 0, quiet" "0|" "$rc|$(cat "$T_TMP/e")"
done

# stderr closed: iputils exits 1 when a message could not be written.
for prog in ping "$RTPING"; do
	ip netns exec "$A" timeout 10 "$prog" -c 0 10.93.0.2 >/dev/null 2>&-; rc=$?
	check_eq "$(basename "$prog"): bad option with stderr closed: exit 1" 1 "$rc"
	ip netns exec "$A" timeout 10 "$prog" -c 1 10.93.0.2 >/dev/null 2>&-; rc=$?
	check_eq "$(basename "$prog"): good run with stderr closed: exit 0" 0 "$rc"
done
t_done
