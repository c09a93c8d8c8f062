# Helpers for tests/integration/hostile-*.sh: one namespace with a tun
# device "hp0" whose far side is tests/tools/hostile_peer.py. Source after
# ../integration/lib.sh and t_init.
#
#   ns: $HP_NS, us 10.66.0.1/24 and fd00:66::1/64 on hp0
#   peer answers for 10.66.0.2 / fd00:66::2 (also .3/::3 and .254/::fe as
#   "other source" and "router")

HP_PEER=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/hostile_peer.py

# hp_setup [MTU]: namespace, tun device, addresses, the peer running.
hp_setup() {
	local mtu=${1:-1500}
	HP_NS=$(t_ns hp) || return 1
	T_NS+=("$HP_NS")
	HP_MODE="$T_TMP/hp.mode"
	echo ok >"$HP_MODE"
	ip -n "$HP_NS" tuntap add dev hp0 mode tun || return 1
	ip -n "$HP_NS" link set hp0 mtu "$mtu" up
	ip -n "$HP_NS" addr add 10.66.0.1/24 dev hp0
	ip -n "$HP_NS" -6 addr add fd00:66::1/64 dev hp0 nodad
	ip netns exec "$HP_NS" timeout 280 python3 "$HP_PEER" --tun hp0 --mode-file "$HP_MODE" \
		--ready "$T_TMP/hp.ready" --log "$T_TMP/hp.log" --lifetime 270 &
	HP_PID=$!
	T_PIDS+=("$HP_PID")
	t_wait_for 20 test -e "$T_TMP/hp.ready" || return 1
	# The link comes up (carrier) once the peer holds the device.
	t_wait_for 20 hp_carrier
}
hp_carrier() {
	ip -n "$HP_NS" -6 route show dev hp0 | grep -q fd00:66:: &&
		! ip -n "$HP_NS" link show hp0 | grep -q NO-CARRIER
}

hp_mode() { echo "$1" >"$HP_MODE"; }

# hp_ping CMD...: runs CMD in the namespace (bounded); sets T_OUT T_ERR T_RC.
hp_ping() { t_run "$HP_NS" "$@"; }

# hp_summary: the "N packets transmitted, ..." line of $T_OUT.
hp_summary() { printf '%s\n' "$T_OUT" | grep -E '^[0-9]+ packets transmitted' | head -n 1; }

# hp_count REGEX: lines of $T_OUT matching REGEX.
hp_count() { printf '%s\n' "$T_OUT" | grep -cE -- "$1"; }

# hp_sane WHAT: the run ended by itself (no crash, no timeout) and every time
# it printed (per line and in the rtt summary) is a number in [0, 1000) ms.
hp_sane() {
	local bad
	if [ "$T_RC" -ge 124 ]; then
		fail "$1: no crash or hang: exit $T_RC, stderr: $(printf '%s' "$T_ERR" | head -c 300)"
	else
		pass "$1: ended by itself (exit $T_RC)"
	fi
	bad=$(printf '%s\n' "$T_OUT" | grep -oE 'time=[^ ]+|= [-0-9./]+ ms' |
		grep -oE -- '-?[0-9]+(\.[0-9]+)?' |
		awk '$1 < 0 || $1 >= 1000 { print }' | head -n 3)
	if [ -z "$bad" ] && ! printf '%s\n' "$T_OUT" | grep -qE 'time=-|nan|inf'; then
		pass "$1: every RTT is in [0, 1000) ms"
	else
		fail "$1: absurd RTT: $bad in: $(printf '%s' "$T_OUT" | head -c 600)"
	fi
	if printf '%s' "$T_ERR" | grep -qiE 'AddressSanitizer|runtime error|LeakSanitizer'; then
		fail "$1: sanitizer report: $(printf '%s' "$T_ERR" | grep -m1 -iE 'Sanitizer|runtime error')"
	fi
}

# hp_json_count JQ_FILTER: how many JSON lines of $T_OUT satisfy JQ_FILTER.
hp_json_count() { printf '%s\n' "$T_OUT" | jq -c "select($1)" 2>/dev/null | grep -c .; }

# hp_cases 4|6: every hostile case for one family. -c 3 -i 0.2 -W 1: each run
# is bounded (and t_run adds a 20 s limit on top).
hp_cases() {
	local fam=$1 a o r rt
	if [ "$fam" = 4 ]; then a=10.66.0.2 o=10.66.0.3 r=10.66.0.254; else
		a=fd00:66::2 o=fd00:66::3 r=fd00:66::fe; fi
	local P="$RTPING -c 3 -i 0.2 -W 1"
	local reply="^64 bytes from $a: icmp_seq=[123] ttl=64 time=[0-9.]+ ms$"

	hp_mode ok; hp_ping $P "$a"
	hp_sane "v$fam ok"
	check_rc "v$fam ok: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam ok: summary" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam ok: three plain replies" 3 "$(hp_count "$reply")"

	hp_mode dup; hp_ping $P "$a"
	hp_sane "v$fam dup"
	check_rc "v$fam dup: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam dup: summary" '^3 packets transmitted, 3 received, \+4 duplicates, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam dup: four (DUP!) lines" 4 "$(hp_count "icmp_seq=[12] ttl=64 time=[0-9.]+ ms \(DUP!\)$")"
	check_eq "v$fam dup: seq 3 ends the run before its duplicates" 1 "$(hp_count 'icmp_seq=3 ')"
	rt=$(printf '%s\n' "$T_OUT" | grep -vE '^rtt|^PING|time [0-9]+ms|^$' | sed -E 's/time=[0-9.]+ ms/time=X ms/')
	hp_ping ping -c 3 -i 0.2 -W 1 "$a"
	check_eq "v$fam dup: reply lines as iputils" \
		"$(printf '%s\n' "$T_OUT" | grep -vE '^rtt|^PING|time [0-9]+ms|^$' | sed -E 's/time=[0-9.]+ ms/time=X ms/')" "$rt"

	hp_mode badsum; hp_ping $P "$a"
	hp_sane "v$fam badsum"
	check_rc "v$fam badsum: exit (no good reply)" 1 "$T_RC" "$T_ERR"
	if [ "$fam" = 4 ]; then
		check_match "v4 badsum: summary" '^3 packets transmitted, 0 received, \+3 corrupted, 100% packet loss' "$(hp_summary)"
		check_eq "v4 badsum: three (BAD CHECKSUM!) lines" 3 "$(hp_count "^64 bytes from $a: icmp_seq=[123] ttl=64 .*\(BAD CHECKSUM!\)$")"
		check_eq "v4 badsum: no rtt line (nothing received)" 0 "$(hp_count '^rtt ')"
	else
		# The kernel verifies ICMPv6 sums (pseudo-header) and drops these.
		check_match "v6 badsum: summary" '^3 packets transmitted, 0 received, 100% packet loss' "$(hp_summary)"
		check_eq "v6 badsum: no reply lines" 0 "$(hp_count 'bytes from')"
	fi

	hp_mode badsum_dup; hp_ping $P "$a"
	hp_sane "v$fam badsum_dup"
	check_rc "v$fam badsum_dup: exit" 0 "$T_RC" "$T_ERR"
	if [ "$fam" = 4 ]; then
		check_match "v4 badsum_dup: summary" '^3 packets transmitted, 3 received, \+2 corrupted, 0% packet loss' "$(hp_summary)"
		check_eq "v4 badsum_dup: two (BAD CHECKSUM!), no (DUP!)" "2 0" \
			"$(hp_count 'BAD CHECKSUM!') $(hp_count 'DUP!')"
	else
		check_match "v6 badsum_dup: summary" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
		check_eq "v6 badsum_dup: three plain replies" 3 "$(hp_count "$reply")"
	fi

	hp_mode trunc_icmp; hp_ping $P "$a"
	hp_sane "v$fam trunc_icmp"
	check_rc "v$fam trunc_icmp: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam trunc_icmp: summary" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam trunc_icmp: three '8 bytes ... (truncated)' lines" 3 \
		"$(hp_count "^8 bytes from $a: icmp_seq=[123] ttl=64 \(truncated\)$")"
	hp_ping $P --json "$a"
	check_eq "v$fam trunc_icmp json: three replies with truncated=true, bytes=8" 3 \
		"$(hp_json_count '.type == "reply" and .truncated == true and .bytes == 8')"
	check_eq "v$fam trunc_icmp json: summary received" 3 "$(t_jq 'select(.type == "summary") | .received')"

	hp_mode trunc_ip; hp_ping $P "$a"
	hp_sane "v$fam trunc_ip"
	check_rc "v$fam trunc_ip: exit" 1 "$T_RC" "$T_ERR"
	check_match "v$fam trunc_ip: summary" '^3 packets transmitted, 0 received, 100% packet loss' "$(hp_summary)"
	check_eq "v$fam trunc_ip: no reply lines" 0 "$(hp_count 'bytes from|^From ')"

	hp_mode otherid; hp_ping $P "$a"
	hp_sane "v$fam otherid"
	check_rc "v$fam otherid: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam otherid: summary" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam otherid: only our three replies" "3 3" "$(hp_count "$reply") $(hp_count 'bytes from')"

	hp_mode othersrc; hp_ping $P "$a"
	hp_sane "v$fam othersrc"
	check_rc "v$fam othersrc: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam othersrc: summary" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam othersrc: three (DIFFERENT ADDRESS!) lines from $o" 3 \
		"$(hp_count "^64 bytes from $o: icmp_seq=[123] ttl=64 time=[0-9.]+ ms \(DIFFERENT ADDRESS!\)$")"
	hp_ping $P --json "$a"
	check_eq "v$fam othersrc json: different_address=true" 3 \
		"$(hp_json_count ".type == \"reply\" and .different_address == true and .addr == \"$o\"")"

	for m in ts_future ts_zero ts_past ts_random; do
		hp_mode $m; hp_ping $P "$a"
		hp_sane "v$fam $m"
		check_rc "v$fam $m: exit" 0 "$T_RC" "$T_ERR"
		check_match "v$fam $m: summary" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
		check_eq "v$fam $m: three replies timed from our own clock" 3 "$(hp_count "$reply")"
		check_eq "v$fam $m: rtt line under 100 ms and min <= avg <= max" ok \
			"$(printf '%s\n' "$T_OUT" | sed -n 's|^rtt min/avg/max/mdev = \([0-9./]*\) ms$|\1|p' |
			   awk -F/ 'NF == 4 && $1 <= $2 && $2 <= $3 && $3 < 100 && $4 >= 0 { print "ok" }')"
	done

	# Replies for sequences never sent: printed untimed (no send time to use)
	# and not counted, so a peer can neither end -c early nor skew the rtt.
	hp_mode seqwrap; hp_ping $P "$a"
	hp_sane "v$fam seqwrap"
	check_eq "v$fam seqwrap: forged 65535 and 0 shown untimed for each probe" 6 \
		"$(hp_count "^64 bytes from $a: icmp_seq=(65535|0) ttl=64$")"
	check_eq "v$fam seqwrap: no time on a forged sequence" 0 "$(hp_count 'icmp_seq=(65535|0) .*time=')"
	check_match "v$fam seqwrap: forged sequences do not count" \
		'^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam seqwrap: min <= avg <= max" ok \
		"$(printf '%s\n' "$T_OUT" | sed -n 's|^rtt min/avg/max/mdev = \([0-9./]*\) ms.*|\1|p' |
		   awk -F/ '$1 <= $2 && $2 <= $3 { print "ok" }')"

	hp_mode unreach; hp_ping $P "$a"
	hp_sane "v$fam unreach"
	check_rc "v$fam unreach: exit" 1 "$T_RC" "$T_ERR"
	check_match "v$fam unreach: summary" '^3 packets transmitted, 0 received, \+3 errors, 100% packet loss' "$(hp_summary)"
	if [ "$fam" = 4 ]; then u='Destination Host Unreachable'; else u='Destination unreachable: Address unreachable'; fi
	check_eq "v$fam unreach: three error lines" 3 "$(hp_count "^From $a icmp_seq=[123] $u$")"
	rt=$(printf '%s\n' "$T_OUT" | grep -E '^From |transmitted' | sed -E 's/, time [0-9]+ms//')
	hp_ping ping -c 3 -i 0.2 -W 1 "$a"
	check_eq "v$fam unreach: as iputils" \
		"$(printf '%s\n' "$T_OUT" | grep -E '^From |transmitted' | sed -E 's/, time [0-9]+ms//')" "$rt"
	hp_ping $P --json "$a"
	check_eq "v$fam unreach json: three error events for seq 1-3" "1,2,3" \
		"$(printf '%s\n' "$T_OUT" | jq -r 'select(.type == "error") | .seq' 2>/dev/null | paste -sd,)"
	check_eq "v$fam unreach json: summary errors" 3 "$(t_jq 'select(.type == "summary") | .errors')"

	hp_mode timex; hp_ping $P "$a"
	hp_sane "v$fam timex"
	check_rc "v$fam timex: exit" 1 "$T_RC" "$T_ERR"
	check_match "v$fam timex: summary" '^3 packets transmitted, 0 received, \+3 errors, 100% packet loss' "$(hp_summary)"
	if [ "$fam" = 4 ]; then u='Time to live exceeded'; else u='Time exceeded: Hop limit'; fi
	check_eq "v$fam timex: three lines from the router $r" 3 "$(hp_count "^From $r icmp_seq=[123] $u$")"

	hp_mode mixed; hp_ping $P "$a"
	hp_sane "v$fam mixed"
	check_rc "v$fam mixed: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam mixed: summary" '^3 packets transmitted, 2 received, \+1 errors, 33.3333% packet loss' "$(hp_summary)"
	check_eq "v$fam mixed: replies 1 and 3, error 2" "2 1" \
		"$(hp_count "^64 bytes from $a: icmp_seq=[13] ") $(hp_count "^From $a icmp_seq=2 ")"

	hp_mode redirect; hp_ping $P "$a"
	hp_sane "v$fam redirect"
	check_rc "v$fam redirect: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam redirect: summary (a redirect is no error)" \
		'^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam redirect: three replies" 3 "$(hp_count "$reply")"
	if [ "$fam" = 4 ]; then
		# iputils prints a redirect that quotes our probe, and counts nothing.
		check_eq "v4 redirect: shown like iputils" 3 "$(hp_count '^From 10.66.0.2: icmp_seq=[123] Redirect Host\(New nexthop: 10.66.0.7\)$')"
	fi

	hp_mode burst; hp_ping $P "$a"
	hp_sane "v$fam burst"
	check_rc "v$fam burst: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam burst: summary (unrelated ICMP ignored)" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam burst: three replies, no other reply or error line" "3 3" \
		"$(hp_count "$reply") $(hp_count 'bytes from|^From |icmp_seq')"

	hp_mode big; hp_ping $P "$a"
	hp_sane "v$fam big"
	check_rc "v$fam big: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam big: summary" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam big: three 1064-byte replies, no flag" 3 \
		"$(hp_count "^1064 bytes from $a: icmp_seq=[123] ttl=64 time=[0-9.]+ ms$")"

	# Larger than rtping's receive buffer (size + 8 + 4096).
	hp_mode huge; hp_ping $P "$a"
	hp_sane "v$fam huge"
	check_rc "v$fam huge: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam huge: summary" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam huge: no false flags" 0 "$(hp_count 'BAD CHECKSUM|DUP!|truncated')"
	# Was 4140 / 4160 (the bytes read) before ddae8c0.
	check_eq "v$fam huge: the true size, 8064 ICMP bytes" 3 "$(hp_count "^8064 bytes from $a: icmp_seq=[123] ttl=64 time=[0-9.]+ ms$")"

	hp_mode ipopts; hp_ping $P "$a"
	hp_sane "v$fam ipopts"
	check_rc "v$fam ipopts: exit" 0 "$T_RC" "$T_ERR"
	check_match "v$fam ipopts: summary" '^3 packets transmitted, 3 received, 0% packet loss' "$(hp_summary)"
	check_eq "v$fam ipopts: three plain reply lines" 3 "$(hp_count "$reply")"
	if [ "$fam" = 4 ]; then
		# iputils prints a reply's options: the NOP, then the record route
		# our kernel filled in on the way in, once; "(same route)" after.
		check_eq "v4 ipopts: NOP and RR: lines, then (same route)" "3 1 2" \
			"$(hp_count '^NOP') $(hp_count '^RR: 	10\.66\.0\.1$') $(hp_count '^NOP	\(same route\)$')"
	fi
	hp_mode ok
}
