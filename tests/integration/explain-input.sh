#!/usr/bin/env bash
# Bad input to --explain-route: exit 2, exactly one line on stderr, nothing
# on stdout (with --json, an object with "error" when the destination gives
# no flow). Sends nothing (loopback queries only).
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

# With --json a destination that gives no flow still answers one object on
# stdout with "error" (the stderr line's text), exit 2. Option
# errors stay stderr only.
# bad_json NAME DESTINATION ADDRESS ARGS...
bad_json() {
	local name="json $1" dest=$2 addr=$3 rc err; shift 3
	"$RTPING" --explain-route --json "$@" >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
	err=$(cat "$T_TMP/err")
	check_eq "$name: exit 2" 2 "$rc"
	check_eq "$name: one stderr line" 1 "$(wc -l <"$T_TMP/err")"
	check_eq "$name: stdout is one object" object "$(t_json_objects "$(cat "$T_TMP/out")")"
	check_eq "$name: .error is the stderr line" "${err#rtping: }" "$(t_jq .error "$(cat "$T_TMP/out")")"
	check_eq "$name: .destination, .address" "$dest $addr" \
		"$(t_jq '"\(.destination) \(.address)"' "$(cat "$T_TMP/out")")"
	check_eq "$name: no lookup members" "null null [] null" \
		"$(t_jq '"\(.netlink) \(.udp_probe) \(.reasons) \(.agree)"' "$(cat "$T_TMP/out")")"
}
bad_json "unknown host" no-such-host.invalid null no-such-host.invalid
bad_json "unknown device" 127.0.0.1 127.0.0.1 -I rtnosuch0 127.0.0.1
bad_json "link-local without scope" fe80::1 fe80::1 fe80::1
bad_json "family mismatch" ::1 null -4 ::1
bad_json "source of the other family" 127.0.0.1 127.0.0.1 -I ::1 127.0.0.1
bad "json, tos out of range: options stay stderr only" '^rtping: the decimal value of TOS' \
	--explain-route --json -Q 256 127.0.0.1
# A good answer carries "error": null too.
"$RTPING" --explain-route --json 127.0.0.1 >"$T_TMP/out" 2>"$T_TMP/err"
check_eq "json good answer: .error null" null "$(t_jq .error "$(cat "$T_TMP/out")")"

# A scope makes the link-local query legal: no input error (lo has no fe80 route).
"$RTPING" --explain-route --json fe80::1%lo >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
check_eq "link-local with scope: route error, not input error" 2 "$rc"
check_eq "link-local with scope: oif is the scope" lo "$(jq -r .flow.device <"$T_TMP/out" 2>/dev/null || echo)"
# A source address this host does not have: the bind fails before any route.
"$RTPING" --explain-route -I 192.0.2.77 127.0.0.1 >"$T_TMP/out" 2>"$T_TMP/err"; rc=$?
check_eq "foreign source: exit 2" 2 "$rc"
check_match "foreign source: error names the bind failure" '^error +Cannot assign requested address$' \
	"$(cat "$T_TMP/out")"

# A bound device and no route: the kernel answers on-link with no table.
t_ns n >/dev/null || { fail "create namespace"; exit 1; }
N=$T_ID-n
t_veth "$N" vn0 "$N" vn1 || { fail "create veth pair"; exit 1; }
ip -n "$N" addr add 10.7.0.1/24 dev vn0
out=$(ip netns exec "$N" "$RTPING" --explain-route -I vn0 10.8.0.1); rc=$?
check_eq "bound device, no route: exit 0" 0 "$rc"
check_match "bound device, no route: table says on-link" '^table +none \(on-link through the bound device\)$' "$out"
check_match "bound device, no route: device" '^device +vn0 ' "$out"
t_done
