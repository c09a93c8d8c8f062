#!/usr/bin/env bash
# Names and what iputils does with them (issue 10). A's /etc/hosts and
# resolv.conf are its own (t_etc); its nameserver 127.0.0.53 is a UDP
# listener that swallows every query. Checked:
# - with that dead resolver, reverse lookups hold neither the send
#   schedule nor SIGINT nor the RTTs; a name the hosts file knows shows.
# - numeric targets (every inet_aton form, IPv6 literals): no lookups.
# - no "pipe N" on an IPv6 error-only run (IPv4 has one).
# - JSON types a multicast duplicate "dup", with or without -v.
# - IDN names as Debian's ping, in a UTF-8 and in the C locale.
# Topology: A na0 10.87.0.1 fd00:87::1 fe80::1 -- B nb0 10.87.0.2/.3 fd00:87::2 fe80::2
. "$(dirname "$0")/lib.sh"
t_init
command -v ping >/dev/null || { skip "iputils ping not installed"; exit 0; }
command -v python3 >/dev/null || { skip "python3 not installed"; exit 0; }

A=$(t_ns a) && B=$(t_ns b) || { fail "namespaces"; exit 1; }
T_NS+=("$A" "$B")
# Only the addresses below: no link-local address waiting for DAD.
for n in "$A" "$B"; do ip netns exec "$n" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1; done
t_veth "$A" na0 "$B" nb0 || { fail "veth"; exit 1; }
ip -n "$A" addr add 10.87.0.1/24 dev na0
ip -n "$B" addr add 10.87.0.2/24 dev nb0
ip -n "$B" addr add 10.87.0.3/24 dev nb0
for x in fd00:87::1/64 fe80::1/64; do ip -n "$A" -6 addr add "$x" dev na0 nodad; done
for x in fd00:87::2/64 fe80::2/64; do ip -n "$B" -6 addr add "$x" dev nb0 nodad; done
# A missing neighbour fails after one 1 s probe: every probe is queued by then.
ip netns exec "$A" sysctl -qw net.ipv4.neigh.na0.mcast_solicit=1 net.ipv6.neigh.na0.mcast_solicit=1 \
	net.ipv4.neigh.na0.retrans_time_ms=1000 net.ipv6.neigh.na0.retrans_time_ms=1000

t_etc "$A" hosts "127.0.0.1 localhost
ff02::1 allnodes
10.87.0.2 peer
fd00:87::2 peer6
10.87.0.3 xn--bcher-kva.example"
t_etc "$A" resolv.conf "nameserver 127.0.0.53"
ip netns exec "$A" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.53", 53))
s.settimeout(0.5)
end = time.time() + 120
while time.time() < end:
    try:
        s.recvfrom(4096)
    except socket.timeout:
        pass
' &
T_PIDS+=("$!")
for _ in $(seq 50); do
	ip netns exec "$A" ss -Hlun 'sport = :53' | grep -q 127.0.0.53 && break; sleep 0.1
done
# Warm the neighbour caches so the first echo is not delayed.
ip netns exec "$A" ping -c 1 -W 2 10.87.0.2 >/dev/null 2>&1
ip netns exec "$A" ping -c 1 -W 2 fd00:87::2 >/dev/null 2>&1

# The dead resolver really hangs getnameinfo() (else the checks prove nothing).
ip netns exec "$A" timeout 3 getent hosts fe80::2 >/dev/null; rc=$?
check_eq "dead resolver: a reverse lookup hangs (timeout's 124)" 124 "$rc"

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# bg CMD...: CMD in A in the background (ip netns exec execs it: $! is its pid).
bg() {
	ip netns exec "$A" "$@" >"$T_TMP/o" 2>"$T_TMP/e" &
	PID=$!
	T_PIDS+=("$PID")
}

# finish LIMIT_S: waits (bounded, 10 ms steps) for $PID; T_RC (124 on a hang), T_OUT.
finish() {
	local i=0
	while kill -0 "$PID" 2>/dev/null && [ "$i" -lt $(($1 * 100)) ]; do sleep 0.01; i=$((i + 1)); done
	if kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; T_RC=124
	else
		wait "$PID"; T_RC=$?
	fi
	t_reap "$PID"
	T_OUT=$(cat "$T_TMP/o") T_ERR=$(cat "$T_TMP/e")
}

# ---- SIGINT at 1.5 s while every reply needs a lookup that never ends ----
bg "$RTPING" -i 0.2 -I na0 allnodes
for _ in $(seq 100); do grep -q '^PING ' "$T_TMP/o" 2>/dev/null && break; sleep 0.01; done
sleep 1.5
kill -INT "$PID"; t_int=$(date +%s%N)
finish 15
late=$(ms_since "$t_int")
check_rc "dead resolver, SIGINT: exit 0" 0 "$T_RC" "$T_ERR"
if [ "$late" -le 300 ]; then pass "dead resolver, SIGINT: ends ${late} ms after the signal"
else fail "dead resolver, SIGINT: ends ${late} ms after the signal (iputils: ~40 ms)"; fi
sent=$(printf '%s\n' "$T_OUT" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
if [ "${sent:-0}" -ge 7 ] && [ "${sent:-0}" -le 9 ]; then
	pass "dead resolver, SIGINT: $sent probes in 1.5 s at -i 0.2 (the schedule: 8)"
else
	fail "dead resolver, SIGINT: ${sent:-no} probes in 1.5 s at -i 0.2 (the schedule: 8): $T_OUT"
fi

# ---- the issue's run: -c 2, RTTs from the kernel's stamps, no 6 s stall ----
t0=$(date +%s%N)
t_run "$A" "$RTPING" -c 2 -i 0.2 -I na0 allnodes
took=$(ms_since "$t0")
check_rc "dead resolver, -c 2: exit 0" 0 "$T_RC" "$T_ERR"
check_match "dead resolver, -c 2: replies shown by number" '^64 bytes from fe80::[12]%na0: icmp_seq=1 ' "$T_OUT"
max=$(printf '%s\n' "$T_OUT" | grep -oE 'time=[0-9.]+' | cut -d= -f2 | sort -g | tail -n 1)
check_eq "dead resolver, -c 2: every RTT under 50 ms (max ${max:-none})" yes \
	"$(awk -v m="${max:-999999}" 'BEGIN { print (m < 50) ? "yes" : "no" }')"
if [ "$took" -lt 2500 ]; then pass "dead resolver, -c 2: done in $took ms"
else fail "dead resolver, -c 2: took $took ms (iputils' RTTs: 0.08 ms)"; fi

# ---- JSON: a multicast duplicate is "dup", with or without -v ----
for v in "" -v; do
	t_run "$A" "$RTPING" --json -n $v -c 3 -i 0.2 -I na0 ff02::1
	dups=$(printf '%s\n' "$T_OUT" | jq -r 'select(.type == "dup") | .seq' 2>/dev/null | wc -l)
	want=$(printf '%s\n' "$T_OUT" | tail -n 1 | jq -r .duplicates 2>/dev/null)
	check_eq "json multicast ${v:-without -v}: one dup object per duplicate ($want)" "$want" "$dups"
	[ "${want:-0}" -ge 1 ] 2>/dev/null && pass "json multicast ${v:-without -v}: duplicates seen" ||
		fail "json multicast ${v:-without -v}: no duplicate to type: $T_OUT"
done
t_run "$A" "$RTPING" -n -c 3 -i 0.2 -I na0 ff02::1
check_eq "multicast text without -v: no (DUP!) flag, as iputils" 0 "$(printf '%s\n' "$T_OUT" | grep -c 'DUP!')"
check_match "multicast text without -v: duplicates counted" ', \+[0-9]+ duplicates' "$T_OUT"

# ---- golden lines against iputils (times masked) ----
# iputils before 20250605 printed the IPv6 header as "PING host(addr)".
mask() {
	sed -E -e 's/time=[0-9.]+ ms/time=T ms/' -e 's/time [0-9]+ms/time Tms/' \
		-e 's#(rtt min/avg/max/mdev = )[0-9./]+ ms#\1T ms#' \
		-e 's/^PING ([^ (]+)\(/PING \1 (/'
}

# golden NAME ENV ARGS...: same stdout (masked), exit code and stderr as iputils.
golden() {
	local name=$1 env=$2 rc_i rc_r; shift 2
	ip netns exec "$A" env $env timeout 15 ping "$@" >"$T_TMP/i.out" 2>"$T_TMP/i.err"; rc_i=$?
	ip netns exec "$A" env $env timeout 15 "$RTPING" "$@" >"$T_TMP/r.out" 2>"$T_TMP/r.err"; rc_r=$?
	if diff -u <(mask <"$T_TMP/i.out") <(mask <"$T_TMP/r.out") >"$T_TMP/diff"; then
		pass "$name: output matches iputils ($(wc -l <"$T_TMP/r.out") lines)"
	else
		fail "$name: output differs: $(head -c 600 "$T_TMP/diff")"
	fi
	check_eq "$name: exit code as iputils" "$rc_i" "$rc_r"
	check_eq "$name: stderr as iputils" "$(sed 's/^ping: /P: /' "$T_TMP/i.err")" \
		"$(sed 's/^rtping: /P: /' "$T_TMP/r.err")"
}

# Numeric targets: 10.87.0.2 is "peer" in hosts, yet no line may say so.
for t in 10.87.0.2 10.87.2 0x0a570002 01225600002 173473794 fd00:87::2; do
	golden "numeric target $t" LC_ALL=C.UTF-8 -c 2 -i 0.2 "$t"
	check_eq "numeric target $t: no reverse lookup" 0 "$(grep -c 'peer' "$T_TMP/r.out")"
	check_match "numeric target $t: replies by number" '^64 bytes from (10\.87\.0\.2|fd00:87::2): icmp_seq=1 ' \
		"$(cat "$T_TMP/r.out")"
done
# A name target: the lookup answers (hosts), and the name shows on every line.
golden "name target peer" LC_ALL=C.UTF-8 -c 2 -i 0.2 peer
check_eq "name target peer: both lines named" 2 "$(grep -c '^64 bytes from peer (10\.87\.0\.2): ' "$T_TMP/r.out")"

# IDN: only the punycode name is in hosts.
golden "IDN bücher.example, UTF-8 locale" LC_ALL=C.UTF-8 -c 1 bücher.example
check_match "IDN bücher.example: shown in Unicode" '^64 bytes from bücher\.example \(10\.87\.0\.3\)' \
	"$(cat "$T_TMP/r.out")"
golden "IDN punycode name, UTF-8 locale" LC_ALL=C.UTF-8 -c 1 xn--bcher-kva.example
golden "IDN bücher.example, C locale" LC_ALL=C -c 1 bücher.example
golden "IDN punycode name, C locale" LC_ALL=C -c 1 xn--bcher-kva.example

# "pipe N": iputils counts ICMP errors in it for IPv4 only.
golden "IPv4 error-only run: pipe 4" LC_ALL=C.UTF-8 -n -c 4 -i 0.2 10.87.0.9
check_match "IPv4 error-only run: pipe line" '^pipe 4$' "$(cat "$T_TMP/r.out")"
golden "IPv6 error-only run: no pipe" LC_ALL=C.UTF-8 -n -c 4 -i 0.2 fd00:87::9
check_eq "IPv6 error-only run: no pipe line" 0 "$(grep -c 'pipe' "$T_TMP/r.out")"
t_done
