#!/usr/bin/env bash
# Bad command lines: each must exit 2 (1 for a bad number, as iputils), print
# exactly one line on stderr and nothing at all on stdout (no header, no partial output). Numeric targets
# only, so no case waits on a resolver. Every case runs in a namespace of
# its own with only loopback: should one ever be accepted by mistake, what
# it sends cannot leave this machine.
. "$(dirname "$0")/lib.sh"
t_init
ISO=$(t_ns iso) || { fail "namespace"; exit 1; }

# One invocation per line, shell-quoted as typed after "rtping". These exit 2.
cases=$(cat <<'EOT'
-i abc 127.0.0.1
-i -1 127.0.0.1
-i '' 127.0.0.1
-i 1e999 127.0.0.1
-i nan 127.0.0.1
-i inf 127.0.0.1
-i 9999999 127.0.0.1
-i 0,5 127.0.0.1
-W abc 127.0.0.1
-W -1 127.0.0.1
-W '' 127.0.0.1
-Q 256 127.0.0.1
-Q abc 127.0.0.1
-Q -1 127.0.0.1
-M foo 127.0.0.1
-M '' 127.0.0.1
-p xyz 127.0.0.1
-I '' 127.0.0.1
-I a/b 127.0.0.1
-I 'eth 0' 127.0.0.1
-I aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 127.0.0.1
-I zz::1%lo ::1
-I ::1% ::1
-I ::1%a/b ::1
-I 127.0.0.1: 127.0.0.1
-Z 127.0.0.1
--bogus 127.0.0.1
--explain-routes 127.0.0.1
--json=yes 127.0.0.1
127.0.0.1 -c
''

127.0.0.1 '' 127.0.0.2
-4 -6 127.0.0.1
-4 -I ::1 127.0.0.1
-6 -I 127.0.0.1 ::1
-I 127.0.0.1 ::1
-4 ::1
-6 127.0.0.1
$'-\n' 127.0.0.1
-p $'ab\033[2J' 127.0.0.1
--explain-route -c 0 127.0.0.1
--explain-route 127.0.0.1 ::1
--explain-route ''
--audit 127.0.0.1
--explain-route --file /dev/null 127.0.0.1
--file /nonexistent/rtping-list 127.0.0.1 ::1
--file /dev/null
--explain-route --rate 5 127.0.0.1
--explain-route --audit --file ''
--explain-route --audit= 127.0.0.1
--explain-route --audit=/dev/null --file /dev/zero
--explain-route --audit --file /nonexistent/rtping-list 127.0.0.1
--explain-route --audit -c 0 127.0.0.1
-T foo 127.0.0.1
-T '' 127.0.0.1
-R -T tsonly 127.0.0.1
-T tsandaddr -R 127.0.0.1
-T tsprespec gw 127.0.0.1
-T tsprespec 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 127.0.0.1
--explain-route -R 10.0.0.1 127.0.0.1
-C 127.0.0.1 127.0.0.2
-B 127.0.0.1 127.0.0.2
-B ::1 127.0.0.1
-F 1 ::1 ::2
-N name ::1 ::2
-F x ::1
-F 0x100000 ::1
-F -1 ::1
-F 4294967296 ::1
-N
-N bogus ::1
-N name -N ipv6 ::1
-N subject-ipv6=::2 -N subject-ipv4=1.2.3.4 ::1
-N subject-ipv4=::1 ::1
-N subject-name=a..b ::1
-N subject-name=a%bbbbbbbbbbbbbbbbbbbbbbbbbbbb ::1
-N name
--explain-route --audit -C 127.0.0.1
--verify 127.0.0.1
--explain-route --audit --verify 127.0.0.1
--explain-route -s 70000 127.0.0.1
-c 0 --explain-route 127.0.0.1
--explain-route -s 65508 127.0.0.1
EOT
)

# A number iputils reads with strtol_or_err(), malformed or out of range, and
# -s past the family's limit before any lookup (iputils 20250605): exit 1 as
# iputils, in ping mode (explain's 1 means "the answers differ", above).
values=$(cat <<'EOT'
-c 0 127.0.0.1
-c -1 127.0.0.1
-c abc 127.0.0.1
-c '' 127.0.0.1
-c 1x 127.0.0.1
-c 99999999999999999999 127.0.0.1
-c 1.5 127.0.0.1
-w -1 127.0.0.1
-w abc 127.0.0.1
-w 99999999999 127.0.0.1
-l 0 127.0.0.1
-l 65537 127.0.0.1
-l abc 127.0.0.1
-s -1 127.0.0.1
-s 65528 127.0.0.1
-s 65508 127.0.0.1
-s abc 127.0.0.1
-s 99999999999999999999 127.0.0.1
-t 256 127.0.0.1
-t -1 127.0.0.1
-t abc 127.0.0.1
-m abc 127.0.0.1
-m 4294967296 127.0.0.1
-m -1 127.0.0.1
-S 0 127.0.0.1
-S abc 127.0.0.1
-S 99999999999 127.0.0.1
--rate 0 127.0.0.1 127.0.0.2
--rate 1e3 127.0.0.1
-c $'1\n2' 127.0.0.1
-e x 127.0.0.1
-e -1 127.0.0.1
-e 65536 127.0.0.1
-e 0x10 127.0.0.1
-e '' 127.0.0.1
-R -s 65468 127.0.0.1
--watch-rcvbuf 0 127.0.0.1
--watch-rcvbuf x 127.0.0.1
--watch-rcvbuf 99999999999 127.0.0.1
-t 300 127.0.0.1
-e 70000 127.0.0.1
-s 70000 127.0.0.1
-6 -s 65528 ::1
-4 -s 65508 127.0.0.1
-s 65508 ::1 127.0.0.1
-c 0 -w x 127.0.0.1
EOT
)

# check_bad WHAT CMD...: exit $want (2 unless set), one stderr line, empty stdout.
check_bad() {
	local what=$1 rc lines
	shift
	ip netns exec "$ISO" timeout 10 "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null; rc=$?
	lines=$(wc -l <"$T_TMP/err")
	if [ "$rc" = "${want:-2}" ] && [ "$lines" = 1 ] && [ ! -s "$T_TMP/out" ] &&
	   [ "$(tail -c 1 "$T_TMP/err" | od -An -c | tr -d ' ')" = '\n' ]; then
		pass "$what: exit $rc, one line: $(cat "$T_TMP/err")"
	else
		fail "$what: exit $rc, $lines stderr lines, $(wc -c <"$T_TMP/out") stdout bytes: $(head -c 300 "$T_TMP/err" | tr '\n' '|')"
	fi
}

n=0
while read -r want table; do
	while IFS= read -r line; do
		eval "set -- $line"
		if [ $# -eq 0 ]; then what="rtping (no arguments)"; else what="rtping $(printf '%q ' "$@")"; fi
		check_bad "$what" "$RTPING" "$@"
		n=$((n + 1))
	done <<<"${!table}"
done <<<"2 cases
1 values"
want=2
check_eq "the table has at least 40 invocations" yes "$([ "$n" -ge 40 ] && echo yes || echo "no ($n)")"

# User limits (iputils): below 2 ms, flood, preload above 3, and for many
# hosts at once below 1 s or fragmentable, are root's (engine-priv.sh: the
# same for setcap and setuid copies).
cp "$RTPING" "$T_TMP/rtping-user" && chmod 755 "$T_TMP" "$T_TMP/rtping-user"
for args in "-i 0.001 127.0.0.1" "-f 127.0.0.1" "-l 4 127.0.0.1" "-A -i 0.0001 127.0.0.1" \
	    "-b -i 0.5 127.0.0.1" "-b -M dont 127.0.0.1" "-i 0.5 224.0.0.1" "-i 0.5 ff02::1%lo" \
	    "-M want ff02::1%lo"; do
	# shellcheck disable=SC2086
	check_bad "as nobody: rtping $args" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$T_TMP/rtping-user" $args
	# Refused for the limit, before any socket is tried (that would fail too).
	check_match "as nobody: rtping $args: iputils' user limit" \
		'cannot (flood|set preload)|minimal interval for (broadcast|multicast) ping|does not fragment' "$(cat "$T_TMP/err")"
done
t_done
