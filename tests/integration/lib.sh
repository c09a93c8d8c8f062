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

# t_veth NS_A IF_A NS_B IF_B: a veth pair between two namespaces, both up.
t_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
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

# capture_start NS IFACE FILTER: tcpdump in the background until capture_wait.
capture_start() {
	T_CAP="$T_TMP/cap.$RANDOM"
	ip netns exec "$1" timeout 10 tcpdump -l -n -p -i "$2" -c 1 "$3" >"$T_CAP" 2>"$T_CAP.err" &
	T_CAP_PID=$!
	T_PIDS+=("$T_CAP_PID")
	# tcpdump says "listening on" once the filter is attached.
	for _ in $(seq 50); do grep -q "listening on" "$T_CAP.err" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}

# capture_wait: the source address of the captured packet (empty if none).
capture_wait() {
	wait "$T_CAP_PID" 2>/dev/null
	sed -n 's/^[0-9:.]* IP6\{0,1\} \([0-9a-f.:]*\) > .*/\1/p' "$T_CAP" | head -n 1
}

# t_done: exit status is the failure count (capped), for tests/run.
t_done() {
	[ "$T_FAIL" -eq 0 ]
}
