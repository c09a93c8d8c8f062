#!/usr/bin/env bash
# Many targets: each reply and each error goes to the target it is for.
# Topology: host H with link h0 (fd00:1::1) to router R (fd00:1::2, and
# fe80::99 on that link), link h2 (fd00:3::1) on a bridge with hosts B1 and
# B2; R forwards fd00:9::/64 to P, which holds fd00:9::1-4 on lo, and
# refuses fd00:7::/64 (a prohibit route).
# (1) Raw sockets: two rtping processes at once, one pinging the answering
# fd00:9::1-4, the other the prohibited fd00:7::1, the second started with
# the pid the first's second target's id once came from (a pid namespace
# sets it): each reports only its own replies and errors. With -e making
# the ids collide, the errors still go to the process whose echo they quote;
# another process's replies with one of the run's ids count for no target.
# (2) Datagram sockets, run as nobody: fe80::99 on h2 (nobody there) and on
# h0 (R); the subnet-router anycast fd00:1:: (answered from fd00:1::2,
# itself a target); the all-nodes group ff02::1%h2 (answered by every host
# on the bridge). Every reply and error lands on its own target.
# tests/run: start first (one of the longest)
. "$(dirname "$0")/lib.sh"
t_init

H=$(t_ns h) && R=$(t_ns r) && P=$(t_ns p) && S=$(t_ns s) && B1=$(t_ns b1) && B2=$(t_ns b2) ||
	{ fail "create namespaces"; exit 1; }
# No duplicate address detection: link-local sources are usable at once.
for n in "$H" "$R" "$P" "$S" "$B1" "$B2"; do
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
t_veth "$H" h0 "$R" r0 && t_veth "$R" r9 "$P" p0 && t_veth "$H" h2 "$S" s0 &&
	t_veth "$B1" b1 "$S" s1 && t_veth "$B2" b2 "$S" s2 || { fail "create veth pairs"; exit 1; }
ip -n "$S" link add br0 type bridge && ip -n "$S" link set br0 up || { fail "create bridge"; exit 1; }
for p in s0 s1 s2; do ip -n "$S" link set "$p" master br0; done
ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$H" -6 addr add fd00:1::1/64 dev h0 nodad
ip -n "$H" -6 addr add fd00:3::1/64 dev h2 nodad
ip -n "$B1" -6 addr add fd00:3::11/64 dev b1 nodad
ip -n "$B2" -6 addr add fd00:3::12/64 dev b2 nodad
ip -n "$R" -6 addr add fd00:1::2/64 dev r0 nodad
ip -n "$R" -6 addr add fe80::99/64 dev r0 nodad
ip -n "$R" -6 addr add fd00:8::1/64 dev r9 nodad
ip -n "$P" -6 addr add fd00:8::2/64 dev p0 nodad
for i in 1 2 3 4; do ip -n "$P" -6 addr add "fd00:9::$i/128" dev lo; done
ip -n "$P" -6 route add default via fd00:8::1
ip -n "$R" -6 route add fd00:9::/64 via fd00:8::2
ip -n "$R" -6 route add prohibit fd00:7::/64
ip -n "$H" -6 route add fd00:9::/64 via fd00:1::2
ip -n "$H" -6 route add fd00:7::/64 via fd00:1::2
# Every host on the bridge has its link-local address (the group's answers).
has_ll() { ip -n "$1" -6 addr show dev "$2" scope link | grep -q 'inet6 fe80'; }
t_wait_for 20 has_ll "$B1" b1 && t_wait_for 20 has_ll "$B2" b2 && t_wait_for 20 has_ll "$H" h2 ||
	fail "set-up: link-local addresses"

# stats_line HOST [FILE]: the counts line of HOST's statistics block (default $T_OUT).
stats_line() {
	printf '%s\n' "${2-$T_OUT}" | grep -A1 -F -x -- "--- $1 ping statistics ---" | sed -n 2p |
		sed -E 's/, time [0-9]+ms$//'
}
# count REGEX [TEXT]: lines of TEXT (default $T_OUT) that match.
count() { printf '%s\n' "${2-$T_OUT}" | grep -cE -- "$1"; }

# --- (1) raw sockets: two processes at once -------------------------------
FAR="fd00:9::1 fd00:9::2 fd00:9::3 fd00:9::4"
OK5="5 packets transmitted, 5 received, 0% packet loss"
# pair LABEL A_ARGS -- B_CMD...: A ($RTPING A_ARGS, 20 echoes to $FAR) runs;
# once its headers are out, B_CMD runs with pid A+1 where the kernel lets a
# pid namespace say so (then A's first ids, pid + i, would have been B's).
# Sets A_OUT A_RC B_OUT B_RC and PIDSET (yes or no).
pair() {
	local a_args=$1; shift 2
	rm -f "$T_TMP"/pair.*
	ip netns exec "$H" timeout 60 unshare --pid --fork sh -c '
		t=$1; shift; a_args=$1; shift
		"$RTPING" $a_args -c 20 -i 0.1 -q '"$FAR"' >"$t/pair.a" 2>&1 &
		a=$!
		n=0
		while [ "$(grep -c "^PING" "$t/pair.a")" -lt 4 ] && [ $n -lt 400 ]; do
			sleep 0.05; n=$((n + 1))
		done
		if echo $a >/proc/sys/kernel/ns_last_pid 2>/dev/null; then echo yes; else echo no; fi >"$t/pair.pidset"
		"$@" >"$t/pair.b" 2>&1
		echo $? >"$t/pair.brc"
		wait $a
		echo $? >"$t/pair.arc"' sh "$T_TMP" "$a_args" "$@"
	A_OUT=$(cat "$T_TMP/pair.a") B_OUT=$(cat "$T_TMP/pair.b")
	A_RC=$(cat "$T_TMP/pair.arc" 2>/dev/null) B_RC=$(cat "$T_TMP/pair.brc" 2>/dev/null)
	PIDSET=$(cat "$T_TMP/pair.pidset" 2>/dev/null)
}
OK20="20 packets transmitted, 20 received, 0% packet loss"
far_ok() {
	local l=$1 h
	check_rc "$l: the answering targets' run exits 0" 0 "$A_RC" "$A_OUT"
	for h in $FAR; do
		check_eq "$l: $h counts only its replies, no errors" "$OK20" "$(stats_line "$h" "$A_OUT")"
	done
}
export RTPING
if ! command -v unshare >/dev/null; then
	skip "raw: unshare not installed"
else
	pair "" -- "$RTPING" -c 5 -i 0.1 -q fd00:7::1
	[ "$PIDSET" = yes ] || skip "raw: the pid namespace did not take ns_last_pid (pids not adjacent)"
	far_ok "raw, next pid"
	check_rc "raw, next pid: the prohibited target's run exits 1" 1 "$B_RC" "$B_OUT"
	check_eq "raw, next pid: the prohibited target has its errors and no replies" \
		"5 packets transmitted, 0 received, +5 errors, 100% packet loss" \
		"$(stats_line fd00:7::1 "$B_OUT")"
	# iputils second: its identifier is its pid.
	IPUTILS=$(command -v ping-20250605 || command -v ping)
	if [ -n "$IPUTILS" ]; then
		pair "" -- "$IPUTILS" -c 5 -i 0.1 -q fd00:7::1
		far_ok "raw, iputils next"
		check_eq "raw, iputils next: iputils has its errors and no replies" \
			"5 packets transmitted, 0 received, +5 errors, 100% packet loss" \
			"$(stats_line fd00:7::1 "$B_OUT")"
	fi
	# One id on purpose (-e): the errors quoting fd00:7::1 are still not fd00:9::2's.
	pair "-e 1000" -- "$RTPING" -e 1001 -c 5 -i 0.1 -q fd00:7::1
	far_ok "raw, -e 1001 beside -e 1000"
	# The lone ping takes replies to id 1001 whatever their source, as iputils
	# does, so one may end its -c 5 early: every echo it sent is still
	# accounted for, and its errors are its own.
	line=$(stats_line fd00:7::1 "$B_OUT")
	acct=no
	if [[ $line =~ ^([0-9]+)\ packets\ transmitted,\ ([0-9]+)\ received,\ \+([0-9]+)\ errors ]] &&
		((BASH_REMATCH[3] >= 1 && BASH_REMATCH[2] + BASH_REMATCH[3] >= BASH_REMATCH[1])); then
		acct=yes
	fi
	check_eq "raw, -e 1001 beside -e 1000: the prohibited target has its errors ($line)" yes "$acct"
fi

# Another process's replies with one of the run's ids (-e on both): not
# counted for the target that holds it, which never answers (its address
# is nobody's), though they come with sequences in its window.
IPUTILS=$(command -v ping-20250605 || command -v ping)
ip netns exec "$H" timeout 30 "$RTPING" -e 3000 -q -n -c 10 -i 0.2 -W 1 \
	fd00:9::50 fd00:9::51 fd00:9::52 >"$T_TMP/col.out" 2>&1 &
col=$!
T_PIDS+=("$col")
ip netns exec "$H" timeout 30 "$IPUTILS" -e 3001 -q -c 4 -i 0.5 fd00:9::1 >"$T_TMP/col.ip" 2>&1
wait "$col"
t_reap "$col"
check_match "raw, another process with id 3001: it had its replies" \
	'^4 packets transmitted, 4 received' "$(cat "$T_TMP/col.ip")"
check_eq "raw, another process with id 3001: none counted for the target holding it" \
	"10 packets transmitted, 0 received" \
	"$(stats_line fd00:9::51 "$(cat "$T_TMP/col.out")" | sed -E 's/^([0-9]+ packets transmitted, [0-9]+ received).*/\1/')"

# The anycast address and a target at the address that answers for it.
anycast() {
	local l=$1
	check_rc "$l: exit 0" 0 "$T_RC" "$T_ERR"
	check_eq "$l: counts per target" "2 packets transmitted, 2 received, 0% packet loss|$(
		)2 packets transmitted, 2 received, 0% packet loss|2 packets transmitted, 2 received, 0% packet loss" \
		"$(stats_line fd00:1::)|$(stats_line fd00:1::2)|$(stats_line fd00:9::1)"
	check_eq "$l: the anycast target's replies, from fd00:1::2, said so" 2 \
		"$(count '^fd00:1::: 64 bytes from fd00:1::2: icmp_seq=[12] .*\(DIFFERENT ADDRESS!\)( egress .*)?$')"
	check_eq "$l: fd00:1::2's own replies" 2 \
		"$(count '^fd00:1::2: 64 bytes from fd00:1::2: icmp_seq=[12] (ident=[0-9]+ )?ttl=64 time=[0-9.]+ ms( egress .*)?$')"
	check_eq "$l: no duplicates" 0 "$(count 'DUP!')"
}
T_RUN_LIMIT=40 t_run "$H" "$RTPING" -v -c 2 -i 0.3 fd00:1:: fd00:1::2 fd00:9::1
anycast "raw, anycast"

# --- (2) datagram sockets, as nobody ----------------------------------------
if ! id nobody >/dev/null 2>&1 || ! command -v setpriv >/dev/null; then
	skip "datagram: no user nobody or no setpriv"
	t_done
	exit
fi
chmod 755 "$T_TMP" && cp "$RTPING" "$T_TMP/rtping-user" && chmod 755 "$T_TMP/rtping-user"
ip netns exec "$H" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
# as_nobody ARGS...: the copy run by nobody in H; sets T_OUT T_ERR T_RC.
as_nobody() {
	ip netns exec "$H" setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
		timeout 40 "$T_TMP/rtping-user" "$@" >"$T_TMP/o" 2>"$T_TMP/e"
	T_RC=$? T_OUT=$(cat "$T_TMP/o") T_ERR=$(cat "$T_TMP/e")
}

# fe80::99 answers on h0; on h2 no one has it (Address unreachable, from H).
two_links() {
	local l=$1
	check_rc "$l: exit 1" 1 "$T_RC" "$T_ERR"
	check_eq "$l: fe80::99%h0 answered" "3 packets transmitted, 3 received, 0% packet loss" \
		"$(stats_line fe80::99%h0)"
	check_eq "$l: fe80::99%h2 unreachable" \
		"3 packets transmitted, 0 received, +3 errors, 100% packet loss" "$(stats_line fe80::99%h2)"
	check_eq "$l: replies and errors each on their link's target" "3 3 0" \
		"$(count '^fe80::99%h0: [0-9]+ bytes from fe80::99%h0: icmp_seq=[123] ') $(
		)$(count '^fe80::99%h2: From [0-9a-f:]+%h2 icmp_seq=[123] Destination unreachable: Address unreachable$') $(
		)$(count '^fe80::99%h0: From ')"
}
as_nobody -c 3 -i 0.3 fe80::99%h2 fe80::99%h0
two_links "datagram, one link-local address on two links"
as_nobody -c 3 -i 0.3 fe80::99%h0 fe80::99%h2
two_links "datagram, link-local, other order"
# -s 7: no room for a tag, the link alone tells them apart.
as_nobody -s 7 -c 3 -i 0.3 fe80::99%h2 fe80::99%h0
two_links "datagram, link-local, -s 7"

as_nobody -v -c 2 -i 0.3 fd00:1:: fd00:1::2 fd00:9::1
anycast "datagram, anycast"

# The group: every host on the bridge answers (iputils: the first counted, the others DUP!).
as_nobody -v -c 2 ff02::1%h2 fd00:9::1
check_rc "datagram, ff02::1%h2: exit 0" 0 "$T_RC" "$T_ERR"
check_match "datagram, ff02::1%h2: its replies and duplicates" \
	'^2 packets transmitted, 2 received, \+[1-9][0-9]* duplicates, 0% packet loss$' \
	"$(stats_line ff02::1%h2)"
check_eq "datagram, ff02::1%h2: every reply from the bridge is the group's" \
	"$(count ' bytes from fe80::')" "$(count '^ff02::1%h2: [0-9]+ bytes from fe80::[0-9a-f:]+%h2: icmp_seq=[12] ')"
check_match "datagram, ff02::1%h2: H, B1 and B2 (at least) answered" '^([3-9]|[1-9][0-9]+)$' \
	"$(printf '%s\n' "$T_OUT" | sed -n 's/^ff02::1%h2: [0-9]* bytes from \(fe80::[0-9a-f:]*\)%h2: .*/\1/p' |
		sort -u | wc -l)"
check_eq "datagram, ff02::1%h2: fd00:9::1 beside it" \
	"2 packets transmitted, 2 received, 0% packet loss" "$(stats_line fd00:9::1)"
ip netns exec "$H" sysctl -qw net.ipv4.ping_group_range="1 0"
t_done
