#!/usr/bin/env bash
# ICMP engine privileges: a copy of rtping run as "nobody", (1) with
# cap_net_raw+p file capability (raw socket), (2) without any capability
# but with ping_group_range opened inside the namespace only (datagram
# socket). Pings must work and CapEff/CapPrm must be 0 while they run, and
# while --explain-route --audit waits on stdin. The setcap and setuid
# copies, run by nobody, keep iputils' user limits (they follow the real
# uid, not CAP_NET_RAW) and cannot set a mark (-m under a "fwmark 7
# prohibit" rule: warned, unmarked, answered); root keeps its freedom.
# The host's own sysctls are never touched.
. "$(dirname "$0")/lib.sh"
t_init
command -v setcap >/dev/null && command -v setpriv >/dev/null ||
	{ skip "setcap/setpriv not installed"; exit 0; }
id nobody >/dev/null 2>&1 || { skip "no user nobody"; exit 0; }
NOGROUP=$(id -gn nobody)
NOBODY=$(id -u nobody)

A=$(t_ns a) && B=$(t_ns b) || { fail "create namespaces"; exit 1; }
t_veth "$A" a0 "$B" b0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.90.0.1/24 dev a0
ip -n "$B" addr add 10.90.0.2/24 dev b0
ip -n "$A" -6 addr add fd90::1/64 dev a0 nodad
ip -n "$B" -6 addr add fd90::2/64 dev b0 nodad
# B answers broadcast echoes (per-namespace sysctl), so root's -b run gets replies.
ip netns exec "$B" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
host_range=$(cat /proc/sys/net/ipv4/ping_group_range)

chmod 755 "$T_TMP"
cp "$RTPING" "$T_TMP/rtping-cap" && cp "$RTPING" "$T_TMP/rtping-plain" || { fail "copy binary"; exit 1; }
chmod 755 "$T_TMP"/rtping-*
if ! setcap cap_net_raw+p "$T_TMP/rtping-cap" 2>"$T_TMP/setcap.err"; then
	skip "setcap failed here (filesystem without xattrs?): $(cat "$T_TMP/setcap.err")"
	exit 0
fi

as_nobody() {
	ip netns exec "$A" setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups "$@"
}

# pinging: true once run_watch's pinger ($bin) is found and has printed its
# third reply; sets c. It is a descendant of $pid (ip, setpriv, timeout,
# with or without forks between): found so, not by uid or name alone
# (other scripts may run theirs as nobody meanwhile).
pinging() {
	local p=$pid kids x i
	c=
	for i in 1 2 3 4; do
		kids=$(pgrep -P "$p") || return 1
		for x in $kids; do
			[ "$(cat "/proc/$x/comm" 2>/dev/null)" = "$(basename "$bin")" ] && c=$x
		done
		[ -n "$c" ] && break
		p=${kids%%[!0-9]*}
	done
	[ -n "$c" ] && grep -q 'icmp_seq=3 ' "$T_TMP/o"
}

# run_watch NAME BIN ARGS...: runs as nobody in A, reads the caps mid-run,
# after the third reply, then ends the run with SIGINT (exit 0 after
# replies): the reads never race the run's end, however busy the machine.
run_watch() {
	local name=$1 bin=$2 pid caps="" uids="" rc c=""; shift 2
	as_nobody timeout 60 "$bin" "$@" >"$T_TMP/o" 2>"$T_TMP/e" & pid=$!
	T_PIDS+=("$pid")
	t_wait_for 30 pinging
	[ -n "$c" ] && caps=$(grep -E '^Cap(Eff|Prm)' "/proc/$c/status" 2>/dev/null | awk '{print $2}' | tr '\n' ' ') &&
		uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$c/status" 2>/dev/null)
	[ -n "$c" ] && kill -INT "$c"
	wait "$pid"; rc=$?
	check_eq "$name: exit 0" 0 "$rc"
	check_match "$name: replies" '^64 bytes from .*icmp_seq=3 ' "$(cat "$T_TMP/o")"
	check_eq "$name: CapEff and CapPrm 0 while pinging" "0000000000000000 0000000000000000 " "$caps"
	check_eq "$name: runs as nobody (real, effective, saved, fs uid)" "$NOBODY $NOBODY $NOBODY $NOBODY" "$uids"
	[ "$rc" = 0 ] || echo "  stderr: $(head -c 300 "$T_TMP/e")"
}

# user_limits NAME BIN: what iputils refuses a user is refused by a copy that
# holds CAP_NET_RAW but is run by nobody: exit 2, one stderr line, nothing on
# stdout (iputils prints its header first), and iputils' words.
user_limits() {
	local name=$1 bin=$2 args rc got want t
	for args in "-f -c 20000 -q 10.90.0.2" "-i 0.001 -c 5 10.90.0.2" "-l 1000 -c 5 10.90.0.2" \
		    "-b -i 0.01 -c 1 10.90.0.255" "-b -M dont -c 1 10.90.0.255" "-i 0.5 -c 1 ff02::1%a0"; do
		# shellcheck disable=SC2086
		as_nobody timeout 10 "$bin" $args >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
		check_eq "$name as nobody, $args: exit 2, one stderr line, no stdout" "2 1 0" \
			"$rc $(wc -l <"$T_TMP/e") $(wc -c <"$T_TMP/o")"
		got=$(sed "s/^$(basename "$bin"): //" "$T_TMP/e")
		# iputils 20250605's words (ping_common.c setup(), ping.c, ping6_common.c),
		# which rtping follows; Debian's 20221126 words these differently.
		case $args in
		"-f "* | "-i 0.001 "*)
			want="cannot flood, minimal interval for user must be >= 2 ms, use -i 0.002 (or higher)" ;;
		"-l 1000 "*) want="cannot set preload to value greater than 3: 1000" ;;
		"-b -i 0.01 "*)
			want="minimal interval for broadcast ping for user must be >= 1000 ms, use -i 1 (or higher)" ;;
		"-b -M dont "*) want="broadcast ping does not fragment" ;;
		*ff02::1*)
			want="minimal interval for multicast ping for user must be >= 1000 ms, use -i 1 (or higher)" ;;
		esac
		check_eq "$name as nobody, $args: iputils 20250605's words" "$want" "$got"
	done
	# -A adapts, but never below the user's 2 ms: 30 probes take >= 58 ms.
	as_nobody timeout 10 "$bin" -A -c 30 -q 10.90.0.2 >"$T_TMP/o" 2>"$T_TMP/e"
	t=$(sed -n 's/.* received, .*time \([0-9]*\)ms$/\1/p' "$T_TMP/o")
	check_eq "$name as nobody, -A -c 30: 2 ms apart at least (time >= 55 ms)" yes \
		"$([ "${t:-0}" -ge 55 ] && echo yes || echo "no (${t:-?} ms; $(head -c 200 "$T_TMP/e"))")"
}

# No capability, no ping group: the socket cannot be made.
as_nobody timeout 10 "$T_TMP/rtping-plain" -c 1 10.90.0.2 >/dev/null 2>"$T_TMP/e"; rc=$?
check_eq "plain binary as nobody: exit 2" 2 "$rc"
check_match "plain binary as nobody: says socket" 'socket: ' "$(cat "$T_TMP/e")"

run_watch "cap_net_raw+p (raw socket)" "$T_TMP/rtping-cap" -c 100 -i 0.3 10.90.0.2
run_watch "cap_net_raw+p IPv6" "$T_TMP/rtping-cap" -c 100 -i 0.3 fd90::2
user_limits "cap_net_raw+p" "$T_TMP/rtping-cap"

# Root (real uid 0) keeps every limit off, with the same copy.
rt_root() { ip netns exec "$A" timeout 10 "$T_TMP/rtping-cap" "$@" >"$T_TMP/o" 2>"$T_TMP/e"; }
rt_root -f -c 200 -q 10.90.0.2
check_eq "root: -f -c 200 runs" "0 200" "$? $(sed -n 's/.* transmitted, \([0-9]*\) received.*/\1/p' "$T_TMP/o")"
rt_root -l 4 -i 0.001 -c 8 -q 10.90.0.2
check_rc "root: -l 4 -i 0.001 runs" 0 $? "$(cat "$T_TMP/e")"
rt_root -b -i 0.01 -c 2 10.90.0.255
check_rc "root: -b -i 0.01 to the broadcast address runs" 0 $? "$(cat "$T_TMP/e")"

# Installed setuid root: rt_caps_init() becomes the user, keeps the caps permitted.
cp "$RTPING" "$T_TMP/rtping-suid" && chown root:root "$T_TMP/rtping-suid" &&
	chmod 4755 "$T_TMP/rtping-suid"
SUID=
if as_nobody "$T_TMP/rtping-suid" -V >/dev/null 2>&1 &&
   [ "$(stat -c %a "$T_TMP/rtping-suid")" = 4755 ]; then
	SUID=$T_TMP/rtping-suid
	run_watch "setuid root" "$SUID" -c 100 -i 0.3 10.90.0.2
	user_limits "setuid root" "$SUID"
else
	skip "setuid root: cannot run a setuid copy here"
fi

# audit_waiting NAME BIN: --explain-route --audit as nobody, its stdin a
# FIFO we hold open. Once the first destination's line is out, the audit
# is waiting for the next one: no capability may be left by then (nor, by
# the order in the code, before the first line was read).
audit_waiting() {
	local name=$1 bin=$2 pid caps="" rc c
	mkfifo "$T_TMP/in" || { fail "$name: mkfifo"; return; }
	rm -f "$T_TMP/o"   # the wait below must see this run's line, not the last one's
	# Not through as_nobody: a function would run in a subshell of its own,
	# and $! be that shell's pid; ip netns exec and setpriv exec in place.
	ip netns exec "$A" setpriv --reuid=nobody --regid="$NOGROUP" --clear-groups \
		"$bin" --explain-route --audit <"$T_TMP/in" >"$T_TMP/o" 2>"$T_TMP/e" & pid=$!
	T_PIDS+=("$pid")
	exec 3>"$T_TMP/in"
	echo 10.90.0.2 >&3
	# Bounded wait for the streamed line; the process then blocks on stdin.
	t_wait_for 30 t_lines 1 "$T_TMP/o" '^10\.90\.0\.2  src '
	# The audit itself: $pid, or its child where ip netns exec forks.
	c=$pid
	[ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$(basename "$bin")" ] ||
		c=$(pgrep -P "$pid" -x "$(basename "$bin")" | head -n 1)
	caps=$(grep -E '^Cap(Prm|Eff)' "/proc/${c:-$pid}/status" 2>/dev/null | awk '{print $2}' | tr '\n' ' ')
	exec 3>&-
	wait "$pid"; rc=$?
	t_reap "$pid"
	rm -f "$T_TMP/in"
	check_rc "$name: --explain-route --audit from stdin: exit 0" 0 "$rc" "$(cat "$T_TMP/e")"
	check_match "$name: audit line streamed while stdin stays open" '^10\.90\.0\.2  src 10\.90\.0\.1 ' \
		"$(cat "$T_TMP/o")"
	check_eq "$name: CapPrm and CapEff 0 while --audit waits on stdin" \
		"0000000000000000 0000000000000000 " "$caps"
}

audit_waiting "cap_net_raw+p" "$T_TMP/rtping-cap"
[ -n "$SUID" ] && audit_waiting "setuid root" "$SUID"

# -m is root's: a user's mark is tried with no capability raised, so a
# "fwmark 7 prohibit" rule is not stepped around by a user's -m 7 (nor
# taken by it): iputils' warning, an unmarked echo, answered; explain mode
# and --verify describe that unmarked flow. Root's -m 7 is refused.
WARN="WARNING: failed to set mark: 7: Operation not permitted|"
WARN+="=> missing cap_net_admin+p or cap_net_raw+p (since Linux 5.17) capability?"
ip -n "$A" rule add fwmark 7 prohibit pref 50
mark_user() {
	local name=$1 bin=$2 args rc
	for args in "-c 1 -W 2 -m 7 10.90.0.2" "--explain-route -m 7 10.90.0.2" \
		    "--explain-route --verify -C -m 7 10.90.0.2"; do
		# shellcheck disable=SC2086
		as_nobody timeout 10 "$bin" $args >"$T_TMP/o" 2>"$T_TMP/e"; rc=$?
		check_rc "$name as nobody, $args: exit 0" 0 "$rc" "$(cat "$T_TMP/e")"
		check_eq "$name as nobody, $args: iputils' warning" "$WARN" \
			"$(sed "s/^$(basename "$bin"): //" "$T_TMP/e" | paste -sd '|')"
		case $args in
		-c*) check_match "$name as nobody, $args: answered" \
			'^64 bytes from 10\.90\.0\.2: icmp_seq=1 ' "$(cat "$T_TMP/o")" ;;
		*) check_match "$name as nobody, $args: the unmarked flow" \
			'^flow +icmp dport 2048 uid [0-9]+ mark 0x0 ' "$(cat "$T_TMP/o")" ;;
		esac
	done
	check_match "$name as nobody, --verify: the echo left" '^observed +10\.90\.0\.1 dev a0 ' \
		"$(cat "$T_TMP/o")"
}
mark_user "cap_net_raw+p" "$T_TMP/rtping-cap"
[ -n "$SUID" ] && mark_user "setuid root" "$SUID"
rt_root -c 1 -W 2 -m 7 10.90.0.2; rc=$?
check_eq "root -m 7: refused by the prohibit rule (exit 2, no reply)" "2 0" \
	"$rc $(grep -c '^64 bytes' "$T_TMP/o")"
# iputils' words when its probe's connect() is refused (EACCES), as root too.
check_eq "root -m 7: says why, in iputils' words" \
	"rtping-cap: Do you want to ping broadcast? Then -b. If not, check your local firewall rules" \
	"$(cat "$T_TMP/e")"
ip -n "$A" rule del fwmark 7 prohibit pref 50

# ping_group_range is per network namespace: open it in A only.
ip netns exec "$A" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
run_watch "ping_group_range (datagram socket)" "$T_TMP/rtping-plain" -c 100 -i 0.3 10.90.0.2
run_watch "ping_group_range IPv6" "$T_TMP/rtping-plain" -c 100 -i 0.3 fd90::2
check_eq "host ping_group_range untouched" "$host_range" "$(cat /proc/sys/net/ipv4/ping_group_range)"

t_done
