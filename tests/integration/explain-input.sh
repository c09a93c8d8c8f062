#!/usr/bin/env bash
# Bad input to --explain-route: exit 2, exactly one line on stderr, nothing
# on stdout. Sends nothing (loopback queries only).
. "$(dirname "$0")/lib.sh"
t_init

# bad NAME MESSAGE-REGEX ARGS...
bad() {
	local name=$1 re=$2 rc; shift 2
	"$RTPING" "$@" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
	check_eq "$name: exit 2" 2 "$rc"
	check_eq "$name: stdout empty" "" "$(cat "$T_TMP/out")"
	check_eq "$name: one stderr line" 1 "$(wc -l <"$T_TMP/err")"
	check_match "$name: message" "$re" "$(cat "$T_TMP/err")"
}
bad "link-local without scope" '^rtping: fe80::1: link-local destination needs an interface' \
	--explain-route fe80::1
bad "link-local multicast without scope" '^rtping: ff02::1: link-local destination needs' \
	--explain-route ff02::1
bad "unknown device" '^rtping: SO_BINDTODEVICE rtnosuch0: No such device$' \
	--explain-route -I rtnosuch0 127.0.0.1
bad "unknown host" '^rtping: no-such-host\.invalid: ' --explain-route no-such-host.invalid
bad "mark out of range" "^rtping: invalid argument: '4294967296': out of range" \
	--explain-route -m 4294967296 127.0.0.1
bad "tos out of range" '^rtping: the decimal value of TOS bits must be in range 0-255: 256$' \
	--explain-route -Q 256 127.0.0.1
bad "family mismatch" '^rtping: ' --explain-route -4 ::1
bad "source of the other family" '^rtping: -I address family does not match' \
	--explain-route -I ::1 127.0.0.1
bad "no destination" '^rtping: usage error: Destination address required$' --explain-route

# A scope makes the link-local query legal: no input error (lo has no fe80 route).
"$RTPING" --explain-route --json fe80::1%lo >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
check_eq "link-local with scope: route error, not input error" 2 "$rc"
check_eq "link-local with scope: oif is the scope" lo "$(jq -r .flow.device <"$T_TMP/out" 2>/dev/null || echo)"
t_done
