#!/usr/bin/env bash
# Destination lists a person did not mean to give: an endless line
# (/dev/zero, on --file and on stdin) is reported as "line N: too long"
# with exit 2 at once, in ping mode and in the audit, instead of spinning
# with no output; a line of the longest length (RT_TLINE_MAX, 4096 bytes)
# still reads. Sends nothing: the list is read before any echo, and the
# audit's queries go to the kernel of a namespace with only lo.
. "$(dirname "$0")/lib.sh"
t_init

N=$(t_ns n) || { fail "create namespace"; exit 1; }

# Ping mode: the whole list is read before anything is sent.
t_run "$N" "$RTPING" -c 1 --file /dev/zero
check_rc "ping --file /dev/zero: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "ping --file /dev/zero: the line named" "rtping: /dev/zero line 1: too long" "$T_ERR"
check_eq "ping --file /dev/zero: stdout empty" "" "$T_OUT"

ip netns exec "$N" timeout 20 "$RTPING" -c 1 --file - </dev/zero >"$T_TMP/o" 2>"$T_TMP/e"
check_rc "ping --file - from /dev/zero: exit 2" 2 "$?" "$(cat "$T_TMP/e")"
check_eq "ping --file - from /dev/zero: the line named" "rtping: stdin line 1: too long" \
	"$(cat "$T_TMP/e")"

# A good line, then one past the bound: the good one counts, nothing after is read.
{ printf '127.0.0.1\n'; head -c 5000 /dev/zero | tr '\0' x; printf '\n127.0.0.3\n'; } >"$T_TMP/list"
t_run "$N" "$RTPING" -c 1 --file "$T_TMP/list"
check_rc "ping --file, line 2 too long: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "ping --file, line 2 too long: the line named" \
	"rtping: $T_TMP/list line 2: too long" "$T_ERR"

# The audit: the line is an error entry, the input ends there, the summary counts it.
t_run "$N" "$RTPING" --explain-route --audit=/dev/zero
check_rc "audit /dev/zero: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "audit /dev/zero: one error line" "/dev/zero line 1  ERROR too long" \
	"$(printf '%s\n' "$T_OUT" | head -n 1)"
check_eq "audit /dev/zero: summary" "--- audit: 1 destination, 0 agree, 0 differ, 1 error ---" \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"

ip netns exec "$N" timeout 20 "$RTPING" --explain-route --audit </dev/zero >"$T_TMP/o" 2>"$T_TMP/e"
check_rc "audit stdin /dev/zero: exit 2" 2 "$?" "$(cat "$T_TMP/e")"
check_eq "audit stdin /dev/zero: one error line" "stdin line 1  ERROR too long" \
	"$(head -n 1 "$T_TMP/o")"

t_run "$N" "$RTPING" --explain-route --audit --file "$T_TMP/list" 127.0.0.2
check_rc "audit, line 2 too long: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "audit, line 2 too long: operand, line 1, the error, nothing after" \
	"127.0.0.2|127.0.0.1|$T_TMP/list line 2  ERROR too long" \
	"$(printf '%s\n' "$T_OUT" | awk 'NF { print $1 == "127.0.0.1" || $1 == "127.0.0.2" ? $1 : $0 }' \
		| head -n 3 | paste -sd '|')"
check_match "audit, line 2 too long: 3 destinations" '^--- audit: 3 destinations, .* 1 error ---$' \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"

# The longest line (4096 bytes: CR counted, LF not) is read, comment and all.
{ printf '127.0.0.1 '; head -c 4085 /dev/zero | tr '\0' '#'; printf '\r\n'; } >"$T_TMP/long"
[ "$(head -n 1 "$T_TMP/long" | wc -c)" = 4097 ] || fail "the long line is 4096 bytes with its CR, then LF"
t_run "$N" "$RTPING" --explain-route --audit --file "$T_TMP/long"
check_eq "audit, longest line: no error" "0" \
	"$(printf '%s\n' "$T_OUT" | grep -c ERROR)"
check_match "audit, longest line: one destination" '^--- audit: 1 destination, .* 0 errors ---$' \
	"$(printf '%s\n' "$T_OUT" | tail -n 1)"

# A directory is no list: said as such, and the audit prints nothing on stdout.
mkdir "$T_TMP/dir"
t_run "$N" "$RTPING" -c 1 --file "$T_TMP/dir" 127.0.0.1
check_rc "--file DIR: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "--file DIR: 'Is a directory', nothing on stdout" "rtping: $T_TMP/dir: Is a directory|" \
	"$T_ERR|$T_OUT"
t_run "$N" "$RTPING" --explain-route --audit="$T_TMP/dir"
check_rc "--audit=DIR: exit 2" 2 "$T_RC" "$T_ERR"
check_eq "--audit=DIR: 'Is a directory', no summary" "rtping: $T_TMP/dir: Is a directory|" \
	"$T_ERR|$T_OUT"
t_done
