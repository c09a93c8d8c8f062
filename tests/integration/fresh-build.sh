#!/usr/bin/env bash
# A machine with only the build packages (tools/deps without --test): check
# hidden from meson, as if not installed. pkg-config sees only copies of
# libmnl's and libcap's .pc files, and a cmake that always fails stands in
# for meson's CMake fallback. Configure must succeed with a one-line notice,
# ninja must build rtping, and rtping must ping 127.0.0.1 (in a namespace of
# its own). -Dtests=enabled, as tests/run configures, must refuse instead.
# tests/run: normal pass only
. "$(dirname "$0")/lib.sh"
t_init
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PC=$T_TMP/pkgconfig FAKE=$T_TMP/bin BLD=$T_TMP/build

for t in meson ninja pkg-config; do
	command -v "$t" >/dev/null || { fail "$t not installed (tools/deps)"; exit 1; }
done
mkdir -p "$PC" "$FAKE"
for lib in libmnl libcap; do
	dir=$(pkg-config --variable=pcfiledir "$lib") && cp "$dir/$lib.pc" "$PC/" ||
		{ fail "$lib.pc not found (tools/deps installs libmnl-dev, libcap-dev)"; exit 1; }
done
printf '#!/bin/sh\nexit 1\n' >"$FAKE/cmake"
chmod +x "$FAKE/cmake"

# hidden CMD...: CMD with check out of pkg-config's and CMake's reach.
hidden() {
	PKG_CONFIG_LIBDIR=$PC PKG_CONFIG_PATH= PATH=$FAKE:$PATH "$@"
}

# The set-up itself: otherwise the checks below would prove nothing.
if hidden pkg-config --exists check; then
	fail "set-up: pkg-config still finds check"; exit 1
fi
hidden pkg-config --exists libmnl libcap && pass "set-up: pkg-config sees libmnl, libcap and not check" ||
	{ fail "set-up: pkg-config lost libmnl or libcap"; exit 1; }

out=$(hidden timeout 240 meson setup "$T_TMP/strict" "$SRC" -Dtests=enabled 2>&1); rc=$?
check_eq "-Dtests=enabled without check: configure fails" 1 "$([ "$rc" != 0 ] && echo 1 || echo 0)"
check_match "-Dtests=enabled without check: names check" 'Dependency "check" not found' "$out"

out=$(hidden timeout 240 meson setup "$BLD" "$SRC" 2>&1); rc=$?
check_rc "configure without check" 0 "$rc" "$(printf '%s' "$out" | tail -n 5)"
[ "$rc" = 0 ] || { t_done; exit; }
check_eq "configure without check: one notice" \
	"Message: check not found: unit tests and test helpers not built (-Dtests=enabled requires them)" \
	"$(printf '%s\n' "$out" | grep -i 'check not found')"

out=$(hidden timeout 300 ninja -C "$BLD" 2>&1); rc=$?
check_rc "ninja without check" 0 "$rc" "$(printf '%s' "$out" | tail -n 5)"
[ -x "$BLD/rtping" ] && pass "ninja built rtping" || { fail "no $BLD/rtping"; t_done; exit; }
check_eq "no unit tests or test helpers built" "" \
	"$(find "$BLD/tests" -maxdepth 1 -type f -perm -u+x 2>/dev/null)"

t_ns n >/dev/null || { fail "create namespace"; exit 1; }
t_run "$T_ID-n" "$BLD/rtping" -c 1 127.0.0.1
check_rc "fresh rtping -c 1 127.0.0.1" 0 "$T_RC" "$T_ERR"
check_eq "fresh rtping: one reply" 1 "$(grep -c '^64 bytes from 127\.0\.0\.1: icmp_seq=1 ' <<<"$T_OUT")"
check_match "fresh rtping: summary" '^1 packets transmitted, 1 received, 0% packet loss' "$T_OUT"
t_done
