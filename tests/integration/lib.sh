# Shared helpers for integration tests. Source it; then call t_init.
# Every namespace and link gets a unique name and goes away on exit, even
# on failure. Traffic stays inside namespaces this script made.
set -u

T_NAME=$(basename "$0" .sh)
T_ID="rt$$"                     # unique per test process
T_NS=()
T_PIDS=()
T_PASS=0 T_FAIL=0 T_SKIP=0
RTPING=${RTPING:-$(cd "$(dirname "$0")/../.." && pwd)/build/rtping}

t_cleanup() {
	local p n
	for p in "${T_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
	for p in "${T_PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null; done
	for n in "${T_NS[@]:-}"; do [ -n "$n" ] && ip netns del "$n" 2>/dev/null; done
	# n=$(t_ns x) runs t_ns in a subshell, so T_NS misses it: sweep by prefix.
	for n in $(ip netns list 2>/dev/null | awk -v p="$T_ID-" 'index($1, p) == 1 { print $1 }'); do
		ip netns del "$n" 2>/dev/null
	done
	# t_etc's files, and /etc/netns itself when t_etc made it and it is empty.
	rm -rf "/etc/netns/$T_ID-"*
	[ -n "${T_ETC_TOP:-}" ] && rmdir /etc/netns 2>/dev/null
	rm -rf "${T_TMP:-/nonexistent}"
}

# Results, one line each, read by tests/run.
pass() { echo "PASS $T_NAME: $*"; T_PASS=$((T_PASS + 1)); }
fail() { echo "FAIL $T_NAME: $*"; T_FAIL=$((T_FAIL + 1)); }
skip() { echo "SKIP $T_NAME: $*"; T_SKIP=$((T_SKIP + 1)); }

# t_init: root check (a clear SKIP when not root), temp dir, cleanup trap.
t_init() {
	if [ "$(id -u)" != 0 ]; then
		skip "needs root for network namespaces"
		exit 0
	fi
	T_TMP=$(mktemp -d)
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM
}

# t_ns NAME: creates namespace $T_ID-NAME with lo up; echoes its name.
t_ns() {
	local n="$T_ID-$1"
	ip netns add "$n" || return 1
	T_NS+=("$n")
	ip -n "$n" link set lo up
	echo "$n"
}

# t_etc NS FILE TEXT: writes /etc/netns/NS/FILE, which "ip netns exec NS"
# binds over /etc/FILE (hosts, resolv.conf); removed on exit.
t_etc() {
	if [ ! -d /etc/netns ]; then mkdir /etc/netns && T_ETC_TOP=1; fi
	mkdir -p "/etc/netns/$1" && printf '%s\n' "$3" >"/etc/netns/$1/$2"
}

# t_veth NS_A IF_A NS_B IF_B: a veth pair between two namespaces, both up.
t_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# t_two_links NS_A A1 A2 NS_B B1 B2: two veth links between the namespaces:
# 10.61.0.1/24 and fd61::1/64 on A1 facing .2 and ::2 on B1, 10.62.0.0/24
# and fd62::/64 likewise on A2 and B2 (no duplicate address detection).
t_two_links() {
	t_veth "$1" "$2" "$4" "$5" && t_veth "$1" "$3" "$4" "$6" &&
		ip -n "$1" addr add 10.61.0.1/24 dev "$2" && ip -n "$1" addr add 10.62.0.1/24 dev "$3" &&
		ip -n "$4" addr add 10.61.0.2/24 dev "$5" && ip -n "$4" addr add 10.62.0.2/24 dev "$6" &&
		ip -n "$1" -6 addr add fd61::1/64 dev "$2" nodad &&
		ip -n "$1" -6 addr add fd62::1/64 dev "$3" nodad &&
		ip -n "$4" -6 addr add fd61::2/64 dev "$5" nodad &&
		ip -n "$4" -6 addr add fd62::2/64 dev "$6" nodad
}

# t_two_sources [IF_A IF_B]: the divergence topology (route-divergence.sh).
# A has 10.9.0.11 and .12 (fd00:9::11, ::12) on IF_A; B has 10.9.0.1
# (fd00:9::1) on IF_B and 10.99.1.1 (fd00:99::1) on lo. A routes the far
# prefix via B with src .12 in main and src .11 in table 100; the rules that
# choose between them are the caller's. Sets A and B.
t_two_sources() {
	local ia=${1:-va0} ib=${2:-vb0}
	t_ns a >/dev/null && t_ns b >/dev/null || return 1
	A=$T_ID-a B=$T_ID-b
	t_veth "$A" "$ia" "$B" "$ib" || return 1
	ip -n "$A" addr add 10.9.0.11/24 dev "$ia"
	ip -n "$A" addr add 10.9.0.12/24 dev "$ia"
	ip -n "$B" addr add 10.9.0.1/24 dev "$ib"
	ip -n "$B" addr add 10.99.1.1/32 dev lo
	ip -n "$A" -6 addr add fd00:9::11/64 dev "$ia" nodad
	ip -n "$A" -6 addr add fd00:9::12/64 dev "$ia" nodad
	ip -n "$B" -6 addr add fd00:9::1/64 dev "$ib" nodad
	ip -n "$B" -6 addr add fd00:99::1/128 dev lo nodad
	ip -n "$A" route add 10.99.0.0/16 via 10.9.0.1 src 10.9.0.12
	ip -n "$A" route add 10.99.0.0/16 via 10.9.0.1 src 10.9.0.11 table 100
	ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1 src fd00:9::12
	ip -n "$A" -6 route add fd00:99::/64 via fd00:9::1 src fd00:9::11 table 100
}

# wide_lines FILE: "LINE:COLUMNS " for each line wider than 80 characters
# (characters, not bytes: the rendered man page has UTF-8 quotes).
wide_lines() {
	local LC_ALL=C.UTF-8 line n=0
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		[ "${#line}" -gt 80 ] && printf '%d:%d ' "$n" "${#line}"
	done <"$1"
}

# check_eq WHAT EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# check_match WHAT REGEX TEXT
check_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then pass "$1"; else
		fail "$1: /$2/ not in: $(printf '%s' "$3" | head -c 400)"; fi
}

# t_wait_for SECONDS CMD...: runs CMD every 50 ms until it succeeds (0) or
# SECONDS of wall time have passed (1). Tests wait for a condition this way,
# never for a fixed time: a busy machine makes it slower, not wrong.
t_wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# t_lines N FILE REGEX: true when at least N lines of FILE match REGEX
# (extended); a file not there yet has none. For t_wait_for.
t_lines() {
	local n
	n=$(grep -cE -- "$3" "$2" 2>/dev/null)
	[ "${n:-0}" -ge "$1" ]
}

# capture_start NS IFACE FILTER: tcpdump in the background until capture_wait.
capture_start() {
	T_CAP="$T_TMP/cap.$RANDOM"
	ip netns exec "$1" timeout 30 tcpdump -l -n -p -i "$2" -c 1 "$3" >"$T_CAP" 2>"$T_CAP.err" &
	T_CAP_PID=$!
	T_PIDS+=("$T_CAP_PID")
	# tcpdump says "listening on" once the filter is attached.
	t_wait_for 20 t_lines 1 "$T_CAP.err" "listening on"
}

# capture_wait [SECONDS]: the source address of the captured packet (empty if
# none). Waits until tcpdump has exited (its "N packets captured" summary) or
# SECONDS (default 11) have passed, then stops it. Works inside $(...), where
# "wait" cannot see the parent shell's children.
capture_wait() {
	local i=0 limit=$(( ${1:-11} * 10 ))
	while ! grep -q 'packets\{0,1\} captured' "$T_CAP.err" 2>/dev/null && [ "$i" -lt "$limit" ]; do
		sleep 0.1; i=$((i + 1))
	done
	grep -q 'packets\{0,1\} captured' "$T_CAP.err" 2>/dev/null || kill "$T_CAP_PID" 2>/dev/null
	wait "$T_CAP_PID" 2>/dev/null
	sed -n 's/^[0-9:.]* IP6\{0,1\} \([0-9a-f.:]*\) > .*/\1/p' "$T_CAP" | head -n 1
}

# check_rc WHAT EXPECTED RC [STDERR]: an exit status, with stderr on failure.
check_rc() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1: expected exit $2, got $3${4:+ (stderr: $(printf '%s' "$4" | head -c 300 | tr '\n' ' '))}"; fi
}

# t_run NS CMD...: CMD in namespace NS (T_RUN_LIMIT seconds, default 20);
# sets T_OUT, T_ERR, T_RC. Not in a subshell, so checks after it still count.
t_run() {
	local ns=$1; shift
	ip netns exec "$ns" timeout "${T_RUN_LIMIT:-20}" "$@" >"$T_TMP/run.out" 2>"$T_TMP/run.err"
	T_RC=$?
	T_OUT=$(cat "$T_TMP/run.out")
	T_ERR=$(cat "$T_TMP/run.err")
}

# t_field LABEL [TEXT]: the value after "LABEL   " at the start of a line of
# TEXT (default $T_OUT), e.g. t_field source, t_field "udp probe".
t_field() {
	printf '%s\n' "${2-$T_OUT}" | sed -n "s/^$1  *//p" | head -n 1
}

# t_jq FILTER [JSON]: jq -r FILTER over JSON (default $T_OUT); "invalid-json"
# when it does not parse.
t_jq() {
	printf '%s\n' "${2-$T_OUT}" | jq -r "$1" 2>/dev/null || echo invalid-json
}

# t_json_objects [TEXT]: the JSON value types in TEXT (default $T_OUT), comma
# separated: "object" for exactly one object; "invalid-json" if it does not parse.
t_json_objects() {
	printf '%s\n' "${1-$T_OUT}" | jq -rs 'map(type) | join(",")' 2>/dev/null || echo invalid-json
}

# t_ipget NS [-4|-6] ARGS...: "ip -j route get ARGS" in NS; sets T_IP (the
# route object, or empty on error) and T_IP_ERR (iproute2's error text).
t_ipget() {
	local ns=$1 fam=-4; shift
	case ${1-} in -4|-6) fam=$1; shift ;; *:*) fam=-6 ;; esac
	T_IP=$(ip -n "$ns" -j "$fam" route get "$@" 2>"$T_TMP/ip.err" | jq -c '.[0] // empty' 2>/dev/null)
	T_IP_ERR=$(sed 's/^RTNETLINK answers: //' "$T_TMP/ip.err")
}

# t_wire CAP_NS CAP_IF FILTER SEND_NS CMD...: captures the first packet that
# matches FILTER on CAP_IF in CAP_NS while CMD runs in SEND_NS. Sets W_SRC
# (its source address, empty if none was seen), W_RC, W_OUT and W_ERR.
t_wire() {
	local cns=$1 cif=$2 filt=$3
	shift 3
	W_SRC=
	capture_start "$cns" "$cif" "$filt" || echo "t_wire: tcpdump did not start: $(cat "$T_CAP.err")" >&2
	t_run "$@"
	W_RC=$T_RC W_OUT=$T_OUT W_ERR=$T_ERR
	W_SRC=$(capture_wait 2)
	t_reap "$T_CAP_PID"
}

# t_reap PID: waits for a background PID and forgets it, so that t_cleanup
# never signals a number the system may have given to another process.
t_reap() {
	local p keep=()
	wait "$1" 2>/dev/null
	for p in "${T_PIDS[@]:-}"; do [ -n "$p" ] && [ "$p" != "$1" ] && keep+=("$p"); done
	T_PIDS=("${keep[@]:-}")
}

# t_bg NS CMD...: CMD in NS in the background, stdout and stderr to
# $T_TMP/o and $T_TMP/e (ip netns exec execs it: PID is its pid).
t_bg() {
	local ns=$1; shift
	ip netns exec "$ns" "$@" >"$T_TMP/o" 2>"$T_TMP/e" &
	PID=$!
	T_PIDS+=("$PID")
}

# t_finish LIMIT_S: waits (bounded, 10 ms steps) for $PID from t_bg; sets
# T_RC (124 after a kill on a hang), T_OUT and T_ERR.
t_finish() {
	local i=0
	while kill -0 "$PID" 2>/dev/null && [ "$i" -lt $(($1 * 100)) ]; do sleep 0.01; i=$((i + 1)); done
	if kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; T_RC=124
	else
		wait "$PID"; T_RC=$?
	fi
	t_reap "$PID"
	T_OUT=$(cat "$T_TMP/o") T_ERR=$(cat "$T_TMP/e")
}

# t_golden NS NAME ARGS...: iputils' ping and rtping with the same ARGS in
# NS: the same stdout (through the caller's mask function, if any), exit
# code and stderr (program names set aside). GOLDEN_ENV: VAR=value words
# for both; GOLDEN_FROM=N: stdout compared from line N (the caller checks
# the header). A difference is shown on one line.
t_golden() {
	local ns=$1 name=$2 rc_i rc_r from=${GOLDEN_FROM:-1} m=cat; shift 2
	declare -F mask >/dev/null && m=mask
	ip netns exec "$ns" env ${GOLDEN_ENV:-} timeout 15 ping "$@" >"$T_TMP/i.out" 2>"$T_TMP/i.err"; rc_i=$?
	ip netns exec "$ns" env ${GOLDEN_ENV:-} timeout 15 "$RTPING" "$@" >"$T_TMP/r.out" 2>"$T_TMP/r.err"; rc_r=$?
	if diff -u <(tail -n "+$from" "$T_TMP/i.out" | $m) <(tail -n "+$from" "$T_TMP/r.out" | $m) \
		>"$T_TMP/diff"; then
		pass "$name: output matches iputils ($(wc -l <"$T_TMP/r.out") lines$([ "$from" = 1 ] ||
			echo ", after the header"))"
	else
		fail "$name: output differs: $(tail -n +3 "$T_TMP/diff" | head -c 600 | tr '\n' '|')"
	fi
	check_eq "$name: exit code as iputils" "$rc_i" "$rc_r"
	check_eq "$name: stderr as iputils" "$(sed 's/^ping: /P: /' "$T_TMP/i.err")" \
		"$(sed 's/^rtping: /P: /' "$T_TMP/r.err")"
}

# t_done: exit status 0 when no check failed, 1 otherwise, for tests/run.
t_done() {
	[ "$T_FAIL" -eq 0 ]
}
