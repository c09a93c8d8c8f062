#!/usr/bin/env bash
# A user's limits hold for the process, not per target: a setcap copy and
# a setuid copy run by nobody (raw sockets; ping_group_range stays shut).
# 1000 spellings of one address are one target; ten distinct targets
# share one echo each 2 ms (iputils' user minimum) whatever their own
# -i; broadcast and multicast targets share one echo a second; --rate
# above 500 is refused in iputils' words, exit 2; a test hook in the
# environment is ignored. Root keeps its freedom.
. "$(dirname "$0")/lib.sh"
t_init
command -v setcap >/dev/null && command -v setpriv >/dev/null ||
	{ skip "setcap/setpriv not installed"; exit 0; }
id nobody >/dev/null 2>&1 || { skip "no user nobody"; exit 0; }

A=$(t_ns a) && B=$(t_ns b) || { fail "create namespaces"; exit 1; }
t_veth "$A" a0 "$B" b0 || { fail "create veth pair"; exit 1; }
ip -n "$A" addr add 10.77.0.1/24 dev a0
for n in $(seq 2 11); do ip -n "$B" addr add 10.77.0.$n/24 dev b0; done
ip -n "$A" -6 addr add fd77::1/64 dev a0 nodad
ip -n "$B" -6 addr add fd77::2/64 dev b0 nodad
ip netns exec "$B" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0

chmod 755 "$T_TMP"
cp "$RTPING" "$T_TMP/rtping-cap" && chmod 755 "$T_TMP/rtping-cap" || { fail "copy binary"; exit 1; }
if ! setcap cap_net_raw+p "$T_TMP/rtping-cap" 2>"$T_TMP/setcap.err"; then
	skip "setcap failed here (filesystem without xattrs?): $(cat "$T_TMP/setcap.err")"
	exit 0
fi
BINS="$T_TMP/rtping-cap"
cp "$RTPING" "$T_TMP/rtping-suid" && chown root:root "$T_TMP/rtping-suid" &&
	chmod 4755 "$T_TMP/rtping-suid"
if ip netns exec "$A" setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
	"$T_TMP/rtping-suid" -V >/dev/null 2>&1; then
	BINS="$BINS $T_TMP/rtping-suid"
else
	skip "setuid root: cannot run a setuid copy here"
fi

# 1000 spellings of 10.77.0.2: 77 or 0x4d, zeros before 0 and before 2.
awk 'function z(n,  s) { s = ""; while (n-- > 0) s = s "0"; return s }
     BEGIN { split("77 0x4d", a, " ")
	     for (i = 1; i <= 2; i++) for (k = 1; k <= 25; k++) for (m = 0; m < 20; m++)
		     print "10." a[i] "." z(k) "." z(m) "2" }' >"$T_TMP/spellings"
check_eq "1000 distinct spellings" 1000 "$(sort -u "$T_TMP/spellings" | wc -l)"

# stats_line HOST: the counts line of HOST's statistics block in $T_OUT.
stats_line() {
	printf '%s\n' "$T_OUT" | grep -A1 -F -x -- "--- $1 ping statistics ---" | sed -n 2p
}

# ms_at_least WHAT MIN LINE: the statistics line's "time NNNms" is at least MIN.
ms_at_least() {
	local ms
	ms=$(printf '%s' "$3" | sed -nE 's/.*time ([0-9]+)ms$/\1/p')
	if [ -n "$ms" ] && [ "$ms" -ge "$2" ]; then
		pass "$1 (${ms}ms)"
	else
		fail "$1: want at least $2 ms: '$3'"
	fi
}

for bin in $BINS; do
	l=$(basename "$bin")
	as_nobody() {
		t_run "$A" setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups "$bin" "$@"
	}
	as_nobody -q -n -i 0.002 -c 200 --rate 1000000 --file "$T_TMP/spellings"
	check_rc "$l: --rate 1000000 refused: exit 2" 2 "$T_RC" "$T_ERR"
	check_eq "$l: --rate: iputils' words, nothing sent" \
		"$l: cannot flood; maximal rate allowed for user is 500/s|" "$T_ERR|$T_OUT"

	as_nobody -q -n -i 0.002 -c 20 --file "$T_TMP/spellings"
	check_rc "$l: 1000 spellings: exit 0" 0 "$T_RC" "$T_ERR"
	check_eq "$l: 1000 spellings: one target, said once" \
		"$l: 10.77.0.02: listed more than once, pinged once" "$T_ERR"
	check_eq "$l: 1000 spellings: 20 echoes in all" \
		"1 20" "$(printf '%s\n' "$T_OUT" | grep -c '^--- ') $(stats_line 10.77.0.2 | cut -d' ' -f1)"

	# Ten targets at -i 0.002: 50 each is 500 echoes, at most one each 2 ms
	# all together: about a second for each (0.1 s were they per target).
	as_nobody -q -n -i 0.002 -c 50 $(seq -f 10.77.0.%g 2 11)
	check_rc "$l: ten targets: exit 0" 0 "$T_RC" "$T_ERR"
	check_eq "$l: ten targets: all 50 sent to each" 10 \
		"$(printf '%s\n' "$T_OUT" | grep -c '^50 packets transmitted, ')"
	ms_at_least "$l: ten targets: one echo each 2 ms in all" 900 "$(stats_line 10.77.0.2)"
	ms_at_least "$l: ten targets: the last one too" 900 "$(stats_line 10.77.0.11)"

	# Broadcast and multicast, spelled twice each: two targets, one echo a
	# second in all, so each target's two echoes are two seconds apart.
	as_nobody -q -n -b -i 1 -c 2 -W 1 10.77.0.255 10.77.000.255 ff02::1%a0 ff02:0::1%a0
	check_rc "$l: groups: exit 0" 0 "$T_RC" "$T_ERR"
	check_eq "$l: groups: two targets, two echoes each" "2 2" \
		"$(stats_line 10.77.0.255 | cut -d' ' -f1) $(stats_line ff02::1%a0 | cut -d' ' -f1)"
	ms_at_least "$l: groups: broadcast echoes 2 s apart" 1990 "$(stats_line 10.77.0.255)"
	ms_at_least "$l: groups: multicast echoes 2 s apart" 1990 "$(stats_line ff02::1%a0)"

	# A test hook comes from the environment: a privileged install ignores it.
	t_run "$A" env RTPING_TEST_AHEAD=1 setpriv --reuid=nobody --regid="$(id -gn nobody)" \
		--clear-groups "$bin" -n --explain-route --audit 10.77.0.2 10.77.0.3
	check_rc "$l: test hook in the environment: the audit runs" 0 "$T_RC" "$T_ERR"
	check_eq "$l: test hook in the environment: ignored" "" "$T_ERR"
done
# The same hook as root from the build tree: taken (it prints its figures).
t_run "$A" env RTPING_TEST_AHEAD=1 "$RTPING" -n --explain-route --audit 10.77.0.2 10.77.0.3
check_match "root: the test hook is taken" '^rtping: asked ahead: ' "$T_ERR"

# Root: --rate as asked, groups at their own interval.
t_run "$A" "$RTPING" -q -n -i 0.002 -c 50 --rate 2000 $(seq -f 10.77.0.%g 2 11)
check_rc "root: --rate 2000 runs" 0 "$T_RC" "$T_ERR"
t_run "$A" "$RTPING" -q -n -b -i 1 -c 2 -W 1 10.77.0.255 ff02::1%a0
check_eq "root: groups keep their own interval" "2 2" \
	"$(stats_line 10.77.0.255 | cut -d' ' -f1) $(stats_line ff02::1%a0 | cut -d' ' -f1)"
ms=$(stats_line 10.77.0.255 | sed -nE 's/.*time ([0-9]+)ms$/\1/p')
if [ -n "$ms" ] && [ "$ms" -lt 1900 ]; then
	pass "root: broadcast echoes 1 s apart, not paced (${ms}ms)"
else
	fail "root: broadcast echoes paced: '$(stats_line 10.77.0.255)'"
fi
t_done
