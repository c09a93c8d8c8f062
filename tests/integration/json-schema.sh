#!/usr/bin/env bash
# Every line of --json output, in every mode, against tests/json/schema.json
# (Debian's python3-jsonschema, /usr/bin/python3): ping with one and several
# targets, -v, -D, -q, -f, -O, replies, duplicates, ICMP errors, local
# errors, redirects, timeouts, failed sends, a route change the watch sees,
# failing runs; explain (text is not JSON; --json, -C, --verify, errors) and
# the audit (-N's replies: hostile-v6.sh, whose peer answers them). Every object type the schema defines must be seen, and the
# schema's members must be the man page's. Then the consistency the schema
# cannot see: one address reads the same in every member.
# Topology: A (10.9.0.11, .12, fd00:9::11, fe80::11 on dva) -- B (10.9.0.1,
# fd00:9::1, fe80::1 on dvb; 10.99.1.1, fd00:99::1 on lo; forwarding, with
# 10.99.7.0/24 prohibited, 10.99.6.0/24 a blackhole, 10.98.0.0/16 sent back
# by way of A's other address: a redirect). A has a prohibit route to
# 10.77.0.0/16; 10.9.0.99 is on-link and nobody's.
# tests/run: start first (one of the longest)
. "$(dirname "$0")/lib.sh"
t_init

SCHEMA=$(cd "$(dirname "$0")/../json" && pwd)/schema.json
VALIDATE="/usr/bin/python3 $(dirname "$SCHEMA")/validate.py $SCHEMA"
MAN=$(cd "$(dirname "$0")/../.." && pwd)/man/rtping.8
if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	fail "python3-jsonschema is not installed for /usr/bin/python3 (tools/deps --test installs it)"
	exit 1
fi

t_two_sources dva dvb || { fail "build the topology"; exit 1; }
ip -n "$A" -6 addr add fe80::11/64 dev dva nodad
ip -n "$B" -6 addr add fe80::1/64 dev dvb nodad
ip netns exec "$B" sysctl -qw net.ipv4.ip_forward=1
ip -n "$B" route add prohibit 10.99.7.0/24
ip -n "$B" route add blackhole 10.99.6.0/24
ip -n "$A" route add 10.98.0.0/16 via 10.9.0.1
ip -n "$B" route add 10.98.0.0/16 via 10.9.0.12
ip -n "$A" route add prohibit 10.77.0.0/16

OUT=$T_TMP/json
mkdir -p "$OUT"

# j NAME ARGS...: rtping ARGS in A, stdout kept as $OUT/NAME.
j() {
	local name=$1; shift
	t_run "$A" "$RTPING" "$@"
	printf '%s\n' "$T_OUT" | sed '/^$/d' >"$OUT/$name"
}

# ---- ping ----
j one -c 3 -i 0.2 --json 10.99.1.1
check_rc "one target: exit 0" 0 "$T_RC" "$T_ERR"
j one6 -c 2 -i 0.2 --json fd00:99::1
j several -c 2 -i 0.2 --json 10.99.1.1 fd00:99::1 10.9.0.1
check_rc "several targets: exit 0" 0 "$T_RC" "$T_ERR"
j quiet -q -c 2 -i 0.2 --json 10.99.1.1 fd00:99::1
j verbose -v -c 2 -i 0.2 --json 10.99.1.1
j stamps -D -c 2 -i 0.2 --json 10.99.1.1
j flood -f -c 50 --json 10.99.1.1
check_rc "flood: exit 0" 0 "$T_RC" "$T_ERR"
j scoped -c 2 -i 0.2 --json fe80::1%dva
j bound -c 2 -i 0.2 --json -I dva fe80::1
j group -c 2 -i 0.3 --json ff02::1%dva
j prohibited -c 2 -i 0.3 -W 1 --json 10.99.7.1
check_rc "ICMP errors: exit 1" 1 "$T_RC" "$T_ERR"
j nobody -c 3 -i 0.3 -w 6 --json 10.9.0.99
j timeouts -O -c 3 -i 0.2 -W 1 --json 10.99.6.1
j redirect -c 2 -i 0.3 -W 1 --json 10.98.1.1
j unsent -M do -s 2000 -c 3 -i 0.2 --json 10.99.1.1
j lost -w 1 --json 10.99.6.1
check_rc "all lost: exit 1" 1 "$T_RC" "$T_ERR"
j local-prohibit -c 1 --json 10.77.0.1
j one-of-two -c 2 -i 0.2 --json 10.99.1.1 10.77.0.1 nosuch.invalid
j unknown -c 1 --json nosuch.invalid
# A name that is not UTF-8 (a hostile list): the JSON still is.
printf '10.99.1.1\n\xff\xfe.invalid\n' >"$T_TMP/badbytes"
j badbytes -c 1 --json --file "$T_TMP/badbytes"

# A route change while the route watch runs: route_change events.
ip netns exec "$A" timeout 20 "$RTPING" -c 20 -i 0.2 --json 10.99.1.1 >"$OUT/watch" 2>/dev/null &
BG=$!
T_PIDS+=("$BG")
t_wait_for 10 t_lines 1 "$OUT/watch" '"type": "reply"'
ip -n "$A" route replace 10.99.0.0/16 via 10.9.0.1 src 10.9.0.11
t_wait_for 10 t_lines 1 "$OUT/watch" '"type": "route_change"'
wait "$BG"
t_reap "$BG"
check_match "route watch: a route_change event" '"type": "route_change"' "$(cat "$OUT/watch")"

# ---- explain and the audit ----
t_run "$A" "$RTPING" --explain-route 10.99.1.1
check_eq "explain without --json: text, not an object" "destination" "${T_OUT%% *}"
j explain --explain-route --json 10.99.1.1
j explain6 --explain-route --json fd00:99::1
j explain-scoped --explain-route --json fe80::1%dva
j explain-noscope --explain-route --json fe80::1
j explain-prohibit --explain-route --json 10.77.0.1
j explain-unknown --explain-route --json nosuch.invalid
j explain-connect --explain-route -C --json 10.99.1.1
j explain-verify --explain-route --verify --json 10.99.1.1
ip -n "$A" rule add ipproto udp table 100 pref 100
j explain-differ --explain-route --json 10.99.1.1
printf '%s\n' 10.99.1.1 'two names' nosuch.invalid 10.77.0.1 fd00:99::1 >"$T_TMP/hosts"
j audit --explain-route --audit="$T_TMP/hosts" --json
ip -n "$A" rule del pref 100

# ---- every line against the schema ----
# One interpreter for every file (each start imports jsonschema again).
all=$($VALIDATE "$OUT"/*)
for f in "$OUT"/*; do
	n=$(grep -c . "$f")
	bad=$(grep -F "$f:" <<<"$all" | head -n 3 | tr '\n' '|')
	if [ -z "$bad" ]; then
		pass "$(basename "$f"): $n lines valid"
	else
		fail "$(basename "$f"): $bad"
	fi
done
seen=$(sed -n 's/^types: //p' <<<"$all")
missing=
for t in $($VALIDATE --types); do
	grep -qw "$t=[0-9]*" <<<"$seen" || missing="$missing $t"
done
check_eq "every type the schema defines was printed ($seen)" "" "$missing"

# The schema's members are the man page's (docs.sh checks the printers').
absent=
for m in $($VALIDATE --members); do
	grep -Eq -- "^\.(It )?Li.*\b$m\b" "$MAN" || absent="$absent $m"
done
check_eq "every member of the schema is in the man page" "" "$absent"

# ---- what one schema cannot say: the same thing written the same way ----
for f in scoped bound; do
	addrs=$(jq -r 'select(.type == "start" or .type == "summary") .addr,
		select(.type == "reply") .target_addr' "$OUT/$f" | sort -u | tr '\n' ' ')
	check_eq "$f: the target's address with its scope everywhere" "fe80::1%dva " "$addrs"
	check_eq "$f: a link-local egress source with its scope" "fe80::11%dva" \
		"$(jq -r 'select(.type == "reply") .egress.source // empty' "$OUT/$f" | sort -u)"
done
check_eq "explain: the scoped address" "fe80::1%dva" "$(jq -r .address "$OUT/explain-scoped")"
check_eq "an unresolvable name: the same members in explain and audit" \
	"$(jq -c 'del(.type, .input) | keys' "$OUT/explain-unknown")" \
	"$(jq -c 'select(.destination == "nosuch.invalid") | del(.type, .input) | keys' "$OUT/audit")"
check_eq "no query made: verified, fallback, hash_dependent null" "null null null" \
	"$(jq -r '[.verified, .fallback, .hash_dependent] | map(tostring) | join(" ")' "$OUT/explain-unknown")"
check_eq "failed sends: no timeout for echoes that never left" "0" \
	"$(grep -c '"type": "timeout"' "$OUT/unsent")"
check_match "failed sends: said as errors" '"type": "error"' "$(cat "$OUT/unsent")"
check_eq "failed sends: each with its seq, all counted in send_errors" "1 2 3|3 3" \
	"$(jq -r 'select(.type == "error") | .seq' "$OUT/unsent" | paste -sd' ')|$(
		jq -r 'select(.type == "summary") | "\(.transmitted) \(.send_errors)"' "$OUT/unsent")"
check_eq "several targets: every summary has its route" "object object object" \
	"$(jq -r 'select(.type == "summary") .route | type' "$OUT/several" | tr '\n' ' ' | sed 's/ $//')"
check_eq "a timeout for each unanswered echo but the last (-O)" "1 2" \
	"$(jq -r 'select(.type == "timeout") .seq' "$OUT/timeouts" | tr '\n' ' ' | sed 's/ $//')"
t_done
