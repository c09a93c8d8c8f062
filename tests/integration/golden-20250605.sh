#!/usr/bin/env bash
# Golden output against iputils 20250605 for its newer options and
# behaviours (-3 -C -e -F -H -R -T, redirects quoting our probe, the "wrong
# data byte" dump, IP options in replies): every case of
# tests/golden/20250605/cases runs rtping in the topology the golden files
# were made in (tests/tools/golden-lib.sh) and compares stdout (times
# masked), stderr and the exit code with NAME.out/.err/.rc, produced by the
# command in NAME.cmd. CI has no ping-20250605; only the files are read.
# tests/run: start first (one of the longest)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../tools/hostile-lib.sh"
. "$(dirname "$0")/../tools/golden-lib.sh"
t_init
trap 'gl_cleanup_etc; t_cleanup' EXIT
gl_setup || { fail "set-up: namespaces or the hostile peer did not come up"; exit 1; }
# hpu runs as nobody: a copy it can read.
cp "$RTPING" "$T_TMP/rtping" && chmod 755 "$T_TMP" "$T_TMP/rtping"

while read -r name topo mode args; do
	ns=$(gl_ns "$topo")
	[ "$mode" = - ] || hp_mode "$mode"
	# shellcheck disable=SC2086 # ARGS are words
	gl_run "$topo" "$ns" "$T_TMP/rtping" $args >"$T_TMP/r.out" 2>"$T_TMP/r.err"
	rc=$?
	if diff -u <(gl_mask "$name" "$topo" <"$GL_DIR/$name.out") \
		<(gl_mask "$name" "$topo" <"$T_TMP/r.out") >"$T_TMP/diff"; then
		pass "$name: stdout as ping-20250605 ($(wc -l <"$T_TMP/r.out") lines)"
	else
		fail "$name: stdout differs from ping-20250605: $(tail -n +3 "$T_TMP/diff" | head -c 700 | tr "\n" "|")"
	fi
	check_eq "$name: exit code as ping-20250605" "$(cat "$GL_DIR/$name.rc")" "$rc"
	check_eq "$name: stderr as ping-20250605" "$(cat "$GL_DIR/$name.err")" \
		"$(sed 's/^rtping: /ping: /' "$T_TMP/r.err")"
done < <(gl_cases)

# -e on the wire: the peer logs each request's identifier (hp-e and hpd-e
# send two each with 4660, raw and datagram; hp-e0 one with 0).
check_eq "-e: identifier 4660 on the wire, raw and datagram sockets" 4 \
	"$(grep -c '^v4 id=4660 ' "$T_TMP/hp.log")"
check_eq "-e 0: identifier 0 on the wire (a raw socket)" 1 "$(grep -c '^v4 id=0 ' "$T_TMP/hp.log")"
t_done
