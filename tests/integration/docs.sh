#!/usr/bin/env bash
# Documentation matches the parser: every option src/opts.c accepts (its
# short-option string and its long options) appears in the man page, in
# --help and in the bash completion; --help fits 80 columns; --version says
# what was built. The man page names every JSON member the printers write;
# the README stays short and its set-up commands match .ci/run and
# tools/deps; docs/hacking.md's layout names exactly the src/*.c files.
# Needs no root and no network.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
MAN=$SRC/man/rtping.8
COMP=$SRC/tools/bash-completion/rtping
T_TMP=$(mktemp -d)
trap t_cleanup EXIT

[ -x "$RTPING" ] || { fail "no binary at $RTPING"; exit 1; }

# The parser's options, from its source: "46aAbBc..." and "explain-route ...".
shorts=$(sed -n 's/^#define SHORTOPTS "\(.*\)"$/\1/p' "$SRC/src/opts.c" | tr -d ':')
longs=$(sed -n '/^static const struct option longopts\[\]/,/^};/ s/^[[:space:]]*{ "\([a-z-]*\)",.*/\1/p' \
	"$SRC/src/opts.c")
check_match "short options found in src/opts.c" '^[0-9A-Za-z]{20,}$' "$shorts"
check_match "long options found in src/opts.c" 'explain-route' "$longs"

"$RTPING" --help >"$T_TMP/help" 2>"$T_TMP/help.err"
check_rc "--help: exit 0" 0 $? "$(cat "$T_TMP/help.err")"
check_eq "--help: nothing on stderr" "" "$(cat "$T_TMP/help.err")"
"$RTPING" -h >"$T_TMP/h" 2>&1
check_eq "-h prints what --help prints" "$(cat "$T_TMP/help")" "$(cat "$T_TMP/h")"

# Man page: an item (.It Fl X / .It ... Fl Fl name) for every option.
# --help: the option as a word ("-c," "-4, -6" "--count <n>").
# Completion: the option in its word list (long ones that take a value as --name=).
missing_man="" missing_help="" missing_comp=""
while read -r -n 1 c; do
	[ -n "$c" ] || continue
	grep -Eq "^\.It Fl $c( |$)" "$MAN" || missing_man+=" -$c"
	grep -Eq -- "(^|[ ,])-$c([ ,]|$)" "$T_TMP/help" || missing_help+=" -$c"
	grep -Eq -- "(^|[ '])-$c([ ']|$)" "$COMP" || missing_comp+=" -$c"
done < <(printf '%s' "$shorts")
for l in $longs; do
	grep -Eq "^\.It .*Fl Fl $l( |$)" "$MAN" || missing_man+=" --$l"
	grep -Eq -- "(^|[ ,])--$l( |$)" "$T_TMP/help" || missing_help+=" --$l"
	grep -Eq -- "(^|[ '])--$l(=|[ ']|$)" "$COMP" || missing_comp+=" --$l"
done
check_eq "every parser option has an item in man/rtping.8" "" "$missing_man"
check_eq "every parser option is in --help" "" "$missing_help"
check_eq "every parser option is in the bash completion" "" "$missing_comp"

# The other way round: the man page documents no option the parser lacks.
extra=""
for o in $(sed -n 's/^\.It Fl \([0-9A-Za-z]\)\( .*\)\{0,1\}$/\1/p' "$MAN"); do
	case $shorts in *"$o"*) ;; *) extra+=" -$o" ;; esac
done
for o in $(sed -n 's/^\.It .*Fl Fl \([a-z-]*\).*/\1/p' "$MAN"); do
	printf '%s\n' $longs | grep -qx -- "$o" || extra+=" --$o"
done
check_eq "man page has no option the parser rejects" "" "$extra"

long_lines=$(wide_lines "$T_TMP/help")
check_eq "--help: every line within 80 columns" "" "$long_lines"
check_eq "--help: grouped (Route, Sending, Output)" "Route Sending Output" \
	"$(sed -n 's/^\(Route\|Sending\|Output\)[^:]*:$/\1/p' "$T_TMP/help" | tr '\n' ' ' | sed 's/ $//')"

# --version: "rtping X.Y.Z", the libraries and the build options.
version=$(sed -n "s/^[[:space:]]*version : '\([^']*\)',\{0,1\}$/\1/p" "$SRC/meson.build" | head -n 1)
"$RTPING" --version >"$T_TMP/ver" 2>&1
check_rc "--version: exit 0" 0 $? "$(cat "$T_TMP/ver")"
check_eq "--version: first line is rtping and meson.build's version" "rtping $version" "$(head -n 1 "$T_TMP/ver")"
check_match "--version: libmnl and libcap versions" '^built with libmnl [0-9]+(\.[0-9]+)+, libcap [0-9]+(\.[0-9]+)+$' "$(cat "$T_TMP/ver")"
check_match "--version: build options" '^build: buildtype=[a-z]+ setcap=(true|false) setuid=(true|false)$' "$(cat "$T_TMP/ver")"
check_eq "--version: three lines" 3 "$(wc -l <"$T_TMP/ver")"
"$RTPING" -V >"$T_TMP/v" 2>&1
check_eq "-V prints what --version prints" "$(cat "$T_TMP/ver")" "$(cat "$T_TMP/v")"
if command -v pkg-config >/dev/null && pkg-config --exists libmnl libcap; then
	check_eq "--version: the libmnl/libcap pkg-config reports" \
		"built with libmnl $(pkg-config --modversion libmnl), libcap $(pkg-config --modversion libcap)" \
		"$(sed -n 2p "$T_TMP/ver")"
else
	skip "pkg-config cannot find libmnl/libcap: library versions not compared"
fi

# Man page sections a reader looks for.
for s in SYNOPSIS OPTIONS "EXPLAIN MODE" "JSON OUTPUT" "EXIT STATUS" PRIVILEGES \
	"THE UDP-CONNECT TRICK" "SEE ALSO"; do
	grep -qx "\.Sh $s" "$MAN" && pass "man page has $s" || fail "man page lacks .Sh $s"
done
for x in "ping 8" "ip-route 8" "ip-rule 8"; do
	grep -Eq "^\.Xr $x( ,)?$" "$MAN" && pass "man page: SEE ALSO ${x% *}(${x#* })" ||
		fail "man page: SEE ALSO lacks ${x% *}(${x#* })"
done
# Every JSON member the explain printer (and the route object's writer) writes is in the man page.
printers=("$SRC/src/explain_json.c" "$SRC/src/route_json.c")
members=$(grep -oh '\\"[a-z_]*\\": ' "${printers[@]}" |
	sed 's/\\"\([a-z_]*\)\\": /\1/' | sort -u)
members+=" $(grep -ohE '(rt_json_kstr|rt_json_addr)\(out, .*"[a-z_]+",' "${printers[@]}" |
	sed -E 's/.*"([a-z_]+)",$/\1/' | sort -u)"
check_match "JSON members found in src/explain_json.c" \
	'(^| )hash_dependent .*(^| )input .*(^| )selects( |$)' "$(echo $members)"
undoc=""
for m in $members; do grep -Eq "^\.(Li|It Li) ($m|.*[ ,]$m)( |,|$)" "$MAN" || undoc+=" $m"; done
check_eq "man page names every --explain-route JSON member" "" "$undoc"

# README: the install options and the sections a user looks for.
for x in '## Install' '## A short tour' '## Why the UDP-connect trick can be wrong' \
	'-Dsetcap=true' '-Dsetuid=true' 'meson install'; do
	grep -qF -- "$x" "$SRC/README.md" && pass "README has '$x'" || fail "README lacks '$x'"
done

# json_members FILE...: the JSON member names (and event types) a printer
# writes: "\"name\": " inside format strings, the key argument of any
# *json*() call (the last "name", before a comma), and the event types:
# every literal of a json_begin() call ("dup" and "reply" among them) and a
# "\"type\": \"name\"" written whole.
json_members() {
	{
		grep -hoE '\\"[a-z_]+\\": ' "$@" | sed -E 's/\\"([a-z_]+)\\": /\1/'
		grep -hoE '[a-z_]*json[a-z_]*\(.*"[a-z_]+",' "$@" | sed -E 's/.*"([a-z_]+)",$/\1/'
		grep -hE '[a-z_]*json_begin\(' "$@" | grep -oE '"[a-z_]+"' | tr -d '"'
		grep -hoE '\\"type\\": \\"[a-z_]+\\"' "$@" | sed -E 's/.*: \\"([a-z_]+)\\"/\1/'
	} | sort -u
}
# man_undocumented NAME...: those the man page names in no .Li item.
man_undocumented() {
	local m undoc=""
	for m in "$@"; do grep -Eq "^\.(Li|It Li) ($m|.*[ ,]$m)( |,|$)" "$MAN" || undoc+=" $m"; done
	echo "$undoc"
}
# Every JSON member the ping-mode printers (src/output*.c, however many files
# they are split into) and the audit write is named in the man page.
printers=("$SRC"/src/output*.c)
check_match "ping-mode printers found (src/output*.c)" '/src/output[^/]*\.c$' "${printers[0]}"
members=$(json_members "${printers[@]}")
check_match "JSON members found in src/output*.c" \
	'(^| )egress_sampled .*(^| )route_watch( |$).*(^| )target_addr( |$)' "$(echo $members)"
check_match "JSON event types found in src/output*.c" \
	'(^| )dup( |$).*(^| )reply( |$).*(^| )run_summary( |$)' "$(echo $members)"
# shellcheck disable=SC2086 # one word each
check_eq "man page names every ping-mode JSON member and event type" "" "$(man_undocumented $members)"
members=$(json_members "$SRC/src/audit.c")
check_match "JSON members found in src/audit.c" '(^| )audit_summary .*(^| )rules( |$)' "$(echo $members)"
# shellcheck disable=SC2086 # one word each
check_eq "man page names every --audit JSON member" "" "$(man_undocumented $members)"
# The path printers: the return path, explain's facts, the netlink route object.
members=$(json_members "$SRC/src/rpath_out.c" "$SRC/src/facts_out.c" "$SRC/src/route_json.c")
check_match "JSON members found in the path printers" \
	'(^| )devices_cut .*(^| )neighbour( |$)' "$(echo $members)"
# shellcheck disable=SC2086 # one word each
check_eq "man page names every return-path, neighbour and route JSON member" "" \
	"$(man_undocumented $members)"

# README: for users, short; the reference is the man page, the rest in docs/.
readme_lines=$(wc -l <"$SRC/README.md")
[ "$readme_lines" -le 300 ] && pass "README has at most 300 lines ($readme_lines)" ||
	fail "README has $readme_lines lines, more than 300: move reference to man/rtping.8, the rest to docs/"
for d in docs/hacking.md docs/performance.md; do
	[ -f "$SRC/$d" ] && pass "$d exists" || fail "$d is missing"
	grep -qF "$d" "$SRC/README.md" && pass "README points to $d" || fail "README does not name $d"
done

# docs/hacking.md's layout names every src/*.c, and no src/*.c that is gone.
HACK=$SRC/docs/hacking.md
unnamed="" gone=""
for f in "$SRC"/src/*.c; do
	f=src/${f##*/}
	grep -qE "(^|[^A-Za-z0-9_./-])$f([^A-Za-z0-9_]|$)" "$HACK" || unnamed+=" $f"
done
for f in $(grep -oE '(^|[^A-Za-z0-9_./-])src/[A-Za-z0-9_]+\.c' "$HACK" | grep -oE 'src/.*' | sort -u); do
	[ -f "$SRC/$f" ] || gone+=" $f"
done
check_eq "docs/hacking.md names every src/*.c" "" "$unnamed"
check_eq "docs/hacking.md names no src/*.c that does not exist" "" "$gone"

# The README's set-up commands: the test one is exactly what .ci/run runs;
# the first (build and run only) installs no test-only package.
ci_cmd=$(grep -E '^\./tools/deps' "$SRC/.ci/run")
grep -qxF -- "$ci_cmd" "$SRC/README.md" && pass "README has .ci/run's command: $ci_cmd" ||
	fail "README lacks .ci/run's command: $ci_cmd"
first=$(grep -m 1 -E '^\./tools/deps' "$SRC/README.md")
check_match "README's first set-up command builds and runs rtping" 'ninja -C build.*build/rtping' "$first"
test_pkgs=$(sed -n '/--test/,/^fi$/ s/^[[:space:]]*pkgs="\$pkgs \(.*\)"$/\1/p' "$SRC/tools/deps")
check_match "test-only packages found in tools/deps" '(^| )check( |$)' "$(echo $test_pkgs)"
named=""
for p in --test $test_pkgs; do
	grep -qwF -- "$p" <<<"$first" && named+=" $p"
done
check_eq "README's first set-up command names no test-only package" "" "$named"

# Completion behaviour, with bash-completion's helpers when installed.
comp() {
	bash -c '
		[ -r /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_rtping rtping "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' comp "$COMP" "$@" 2>&1
}
check_eq "completion: --expl completes to --explain-route" "--explain-route" "$(comp rtping --expl)"
check_match "completion: -I offers interfaces (lo)" '^lo$' "$(comp rtping -I "")"
check_eq "completion: -M offers the PMTU modes" "do want dont probe" "$(comp rtping -M "" | tr '\n' ' ' | sed 's/ $//')"
check_eq "completion: nothing after -c" "" "$(comp rtping -c "")"
check_eq "completion: -N offers the node information queries" \
	"ipv6-all ipv6-compatible ipv6-global ipv6-linklocal ipv6-sitelocal" \
	"$(comp rtping -N ipv6- | tr '\n' ' ' | sed 's/ $//')"
check_eq "completion: -N subject-n completes to subject-name= (no space)" "subject-name=" \
	"$(comp rtping -N subject-n)"
check_match "completion: hosts (localhost)" '^localhost$' "$(comp rtping local)"
[ -r /usr/share/bash-completion/bash_completion ] ||
	skip "bash-completion not installed: _init_completion/_known_hosts_real paths untested"

t_done
