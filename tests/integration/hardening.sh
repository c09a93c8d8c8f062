#!/usr/bin/env bash
# The binary's hardening as readelf shows it (meson.build sets it in every
# build without asking): a position-independent executable (ELF type DYN,
# FLAGS_1 PIE), full RELRO (a GNU_RELRO segment and BIND_NOW: every symbol
# bound at start, then the GOT read-only), the stack protector
# (__stack_chk_fail imported) and _FORTIFY_SOURCE (glibc's checked
# __*_chk functions imported in place of the plain ones). A sanitizer
# build (tests/run's second pass) leaves fortify out on purpose, so there
# none may be imported. Reads the binary only: no root needed.
. "$(dirname "$0")/lib.sh"
command -v readelf >/dev/null || { fail "readelf not installed (tools/deps --test installs binutils)"; exit 1; }
[ -f "$RTPING" ] || { fail "no binary at $RTPING"; exit 1; }

hdr=$(readelf -hW "$RTPING") dyn=$(readelf -dW "$RTPING") seg=$(readelf -lW "$RTPING")
# The functions it imports, without their symbol versions.
undef=$(readelf --dyn-syms -W "$RTPING" | awk '$7 == "UND" { sub(/@.*/, "", $8); print $8 }')

check_match "PIE: ELF type DYN" '^ *Type: +DYN ' "$hdr"
check_match "PIE: FLAGS_1 says PIE" '\(FLAGS_1\) +Flags:.* PIE' "$dyn"
check_match "full RELRO: a GNU_RELRO segment" '^ *GNU_RELRO ' "$seg"
check_match "full RELRO: FLAGS has BIND_NOW" '\(FLAGS\) +.*BIND_NOW' "$dyn"
check_match "full RELRO: FLAGS_1 has NOW" '\(FLAGS_1\) +Flags:.* NOW' "$dyn"
check_match "stack protector: __stack_chk_fail imported" '^__stack_chk_fail$' "$undef"

chk=$(grep -E '^__[a-z0-9_]+_chk$' <<<"$undef" | grep -v '^__stack_chk_fail$' | sort | paste -sd ' ')
if grep -qE '^__(asan|ubsan)_' <<<"$undef"; then
	check_eq "sanitizer build: fortify left out (no __*_chk imported)" "" "$chk"
else
	# snprintf and memcpy into fixed buffers are everywhere in rtping.
	for f in __snprintf_chk __memcpy_chk; do
		check_match "fortified: $f imported (all: $chk)" "(^| )$f( |\$)" "$chk"
	done
fi
t_done
