#!/usr/bin/env bash
# "meson install --destdir" from a fresh build directory under a temp dir
# (never build/): the binary, the man page and the bash completion land
# where they belong and nothing else does; the man page renders without
# warnings; -Dsetcap=true / -Dsetuid=true give the installed binary its
# privileges (root only: setcap needs CAP_SETFCAP, setuid needs chown), and
# the binary then pings 127.0.0.1 as "nobody" inside a namespace of its own.
# tests/run: normal pass only
# tests/run: start first (one of the longest)
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T_TMP=$(mktemp -d)
trap t_cleanup EXIT

trap 'exit 130' INT TERM
ROOT=false
[ "$(id -u)" = 0 ] && ROOT=true
chmod 755 "$T_TMP"           # "nobody" runs the installed binary from here
BLD=$T_TMP/build D=$T_TMP/dest
BIN=$D/usr/local/bin/rtping
MAN8=$D/usr/local/share/man/man8/rtping.8
COMPF=$D/usr/local/share/bash-completion/completions/rtping

command -v meson >/dev/null || { fail "meson not installed (tools/deps)"; exit 1; }

# install_into DIR: a clean "meson install --destdir DIR"; sets I_RC, I_OUT.
install_into() {
	rm -rf "$1"
	I_OUT=$(timeout 240 meson install -C "$BLD" --destdir "$1" 2>&1)
	I_RC=$?
}

# --- The man page renders cleanly (man-db's groff, 80 columns). ---
if command -v man >/dev/null && command -v groff >/dev/null; then
	warn=$(MANWIDTH=80 man --warnings -l "$SRC/man/rtping.8" 2>&1 >"$T_TMP/man.txt")
	check_eq "man --warnings -l man/rtping.8: no warnings" "" "$warn"
	check_match "man page renders NAME and SEE ALSO" '^SEE ALSO' "$(cat "$T_TMP/man.txt")"
	wide=$(wide_lines "$T_TMP/man.txt")
	check_eq "man page at MANWIDTH=80: no line wider than 80" "" "$wide"
else
	fail "man/groff not installed (tools/deps --test installs man-db, groff-base)"
fi

# --- Both privilege options at once: refused at configure time. ---
out=$(timeout 120 meson setup "$T_TMP/both" "$SRC" -Dsetcap=true -Dsetuid=true 2>&1); rc=$?
check_eq "-Dsetcap=true -Dsetuid=true: configure fails" 1 "$([ "$rc" != 0 ] && echo 1 || echo 0)"
check_match "-Dsetcap=true -Dsetuid=true: says why" 'exclude each other' "$out"

# --- Plain install (no root needed). ---
out=$(timeout 240 meson setup "$BLD" "$SRC" 2>&1); rc=$?
check_rc "meson setup (temp build dir)" 0 "$rc" "$(printf '%s' "$out" | tail -n 5)"
[ "$rc" = 0 ] || { t_done; exit; }
install_into "$D"
check_rc "meson install --destdir" 0 "$I_RC" "$(printf '%s' "$I_OUT" | tail -n 5)"
check_eq "installed: exactly the binary, the man page, the completion" \
	"$(printf '%s\n' "$BIN" "$COMPF" "$MAN8" | sort)" "$(find "$D" -type f | sort)"
[ -x "$BIN" ] && pass "installed binary is executable" || fail "installed binary is not executable"
check_eq "installed binary: --version" "rtping" "$("$BIN" --version 2>&1 | head -n 1 | cut -d' ' -f1)"
check_match "installed binary: built with setcap=false setuid=false" 'setcap=false setuid=false' \
	"$("$BIN" --version 2>&1)"
cmp -s "$SRC/man/rtping.8" "$MAN8" && pass "installed man page is man/rtping.8" ||
	fail "installed man page differs from man/rtping.8"
cmp -s "$SRC/tools/bash-completion/rtping" "$COMPF" && pass "installed completion is tools/bash-completion/rtping" ||
	fail "installed completion differs"
check_match "installed completion registers _rtping" '^ *complete -F _rtping rtping' "$(cat "$COMPF")"
if command -v getcap >/dev/null; then
	check_eq "plain install: no file capabilities" "" "$(getcap "$BIN" 2>&1)"
fi
[ -u "$BIN" ] && fail "plain install: setuid bit set" || pass "plain install: no setuid bit"
if command -v man >/dev/null; then
	check_match "installed man page: man -l renders it" '^NAME' "$(MANWIDTH=80 man -l "$MAN8" 2>/dev/null)"
fi

# --- Privileged installs: root only. ---
if ! $ROOT; then
	skip "not root: -Dsetcap=true / -Dsetuid=true installs need root (setcap, chown)"
	t_done; exit
fi
id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null && NS=$(t_ns lo) || NS=

# as_nobody_ping BIN: BIN -c 1 -m 1 127.0.0.1 as nobody in namespace NS (whose
# ping_group_range is the default "1 0": no datagram sockets, so this needs
# CAP_NET_RAW). -m is root's: nobody's mark is refused with iputils' warning
# and the echo goes unmarked.
as_nobody_ping() {
	ip netns exec "$NS" setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups \
		timeout 10 "$1" -c 1 -m 1 127.0.0.1 >"$T_TMP/p.out" 2>"$T_TMP/p.err"
}
MARK_WARN="rtping: WARNING: failed to set mark: 1: Operation not permitted|rtping: => missing cap_net_admin+p or cap_net_raw+p (since Linux 5.17) capability?"

if ! command -v setcap >/dev/null; then
	fail "setcap not installed (tools/deps --test installs libcap2-bin)"
else
	out=$(meson configure "$BLD" -Dsetcap=true -Dsetuid=false 2>&1) || fail "meson configure -Dsetcap=true: $out"
	install_into "$D"
	check_rc "-Dsetcap=true: meson install --destdir" 0 "$I_RC" "$(printf '%s' "$I_OUT" | tail -n 5)"
	check_eq "-Dsetcap=true: getcap shows exactly cap_net_raw permitted" \
		"$BIN cap_net_raw=p" "$(getcap "$BIN" 2>&1)"
	[ -u "$BIN" ] && fail "-Dsetcap=true: setuid bit set" || pass "-Dsetcap=true: no setuid bit"
	check_match "-Dsetcap=true: --version says so" 'setcap=true setuid=false' "$("$BIN" --version)"
	if [ -n "$NS" ]; then
		as_nobody_ping "$BIN"
		check_rc "-Dsetcap=true: installed binary pings as nobody" 0 $? "$(cat "$T_TMP/p.err")"
		check_eq "-Dsetcap=true: nobody's -m 1 refused with iputils' warning" "$MARK_WARN" \
			"$(paste -sd '|' "$T_TMP/p.err")"
	else
		skip "no user nobody or setpriv: capability not exercised"
	fi
	# setcap missing: the install fails and says what to do. A private mount
	# namespace hides setcap behind /dev/null (not executable).
	out=$(unshare -m sh -c 'for s in /usr/sbin/setcap /sbin/setcap /usr/bin/setcap /bin/setcap; do
			[ -e "$s" ] && mount --bind /dev/null "$s"; done
		MESON_INSTALL_DESTDIR_PREFIX="$1" "$2" setcap bin/rtping' sh "$D/usr/local" \
		"$SRC/tools/install-privileges" 2>&1); rc=$?
	check_eq "setcap missing: install script fails" 1 "$rc"
	check_match "setcap missing: says so clearly" 'setcap not found: install it' "$out"
fi

out=$(meson configure "$BLD" -Dsetcap=false -Dsetuid=true 2>&1) || fail "meson configure -Dsetuid=true: $out"
install_into "$D"
check_rc "-Dsetuid=true: meson install --destdir" 0 "$I_RC" "$(printf '%s' "$I_OUT" | tail -n 5)"
check_eq "-Dsetuid=true: owner root, mode 4755" "root:root 4755" "$(stat -c '%U:%G %a' "$BIN")"
if command -v getcap >/dev/null; then
	check_eq "-Dsetuid=true: no file capabilities" "" "$(getcap "$BIN" 2>&1)"
fi
if [ -n "$NS" ]; then
	as_nobody_ping "$BIN"
	check_rc "-Dsetuid=true: installed binary pings as nobody" 0 $? "$(cat "$T_TMP/p.err")"
	check_eq "-Dsetuid=true: nobody's -m 1 refused with iputils' warning" "$MARK_WARN" \
		"$(paste -sd '|' "$T_TMP/p.err")"
fi
t_done
