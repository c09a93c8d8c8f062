#!/usr/bin/env bash
# Names and what iputils does with them. A's /etc/hosts and
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
listening() { ip netns exec "$A" ss -Hlun 'sport = :53' | grep -q 127.0.0.53; }
t_wait_for 20 listening
# Warm the neighbour caches so the first echo is not delayed.
ip netns exec "$A" ping -c 1 -W 2 10.87.0.2 >/dev/null 2>&1
ip netns exec "$A" ping -c 1 -W 2 fd00:87::2 >/dev/null 2>&1

# The dead resolver really hangs getnameinfo() for 6 s and more (else the
# checks prove nothing); the bounds below are well under that.
ip netns exec "$A" timeout 6 getent hosts fe80::2 >/dev/null; rc=$?
check_eq "dead resolver: a reverse lookup hangs (timeout's 124)" 124 "$rc"

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

bg() { t_bg "$A" "$@"; }
finish() { t_finish "$@"; }

# ---- SIGINT 1.5 s in while every reply needs a lookup that never ends ----
# A lookup holding the loop or the signal would show as 1 or 2 probes and
# seconds after the signal; the bounds leave a busy machine room.
t_start=$(date +%s%N)
bg "$RTPING" -i 0.2 -I na0 allnodes
t_wait_for 10 t_lines 1 "$T_TMP/o" '^PING '
sleep 1.5
kill -INT "$PID"; t_int=$(date +%s%N)
finish 15
late=$(ms_since "$t_int")
check_rc "dead resolver, SIGINT: exit 0" 0 "$T_RC" "$T_ERR"
if [ "$late" -lt 2000 ]; then pass "dead resolver, SIGINT: ends ${late} ms after the signal"
else fail "dead resolver, SIGINT: ends ${late} ms after the signal (iputils: ~40 ms)"; fi
sent=$(printf '%s\n' "$T_OUT" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
most=$(( (t_int - t_start) / 200000000 + 2 ))
if [ "${sent:-0}" -ge 3 ] && [ "${sent:-0}" -le "$most" ]; then
	pass "dead resolver, SIGINT: $sent probes at -i 0.2 (3 to $most; the schedule: 8)"
else
	fail "dead resolver, SIGINT: ${sent:-no} probes at -i 0.2, want 3 to $most (the schedule: 8): $T_OUT"
fi

# ---- a run of -c 2 to a name: RTTs from the kernel's stamps, no 6 s stall ----
t0=$(date +%s%N)
t_run "$A" "$RTPING" -c 2 -i 0.2 -I na0 allnodes
took=$(ms_since "$t0")
check_rc "dead resolver, -c 2: exit 0" 0 "$T_RC" "$T_ERR"
check_match "dead resolver, -c 2: replies shown by number" '^64 bytes from fe80::[12]%na0: icmp_seq=1 ' "$T_OUT"
max=$(printf '%s\n' "$T_OUT" | grep -oE 'time=[0-9.]+' | cut -d= -f2 | sort -g | tail -n 1)
check_eq "dead resolver, -c 2: every RTT under 1 s (max ${max:-none})" yes \
	"$(awk -v m="${max:-999999}" 'BEGIN { print (m < 1000) ? "yes" : "no" }')"
if [ "$took" -lt 5000 ]; then pass "dead resolver, -c 2: done in $took ms"
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

# golden NAME ENV ARGS...: t_golden in A with ENV (VAR=value words).
golden() { local n=$1 e=$2; shift 2; GOLDEN_ENV=$e t_golden "$A" "$n" "$@"; }

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

# -6 with a name the hosts file knows for IPv4 only: iputils asks for every
# family and says the family is wrong, at once (asking for IPv6 alone
# would go on to the dead resolver and say "Temporary failure").
REF=ping
[ -x /usr/local/bin/ping-20250605 ] && REF=/usr/local/bin/ping-20250605
ip netns exec "$A" timeout 20 "$REF" -6 -c 1 peer >/dev/null 2>"$T_TMP/ref.err"
T_RUN_LIMIT=20 t_run "$A" "$RTPING" -6 -c 1 peer
check_rc "-6 with an IPv4-only name: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "-6 with an IPv4-only name: iputils' words" \
	"rtping: peer: Address family for hostname not supported|$(sed -E 's/^[^: ]+: /rtping: /' "$T_TMP/ref.err")" \
	"$T_ERR|$T_ERR"
t_done
