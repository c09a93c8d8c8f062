#!/usr/bin/env bash
# A hostile peer on a tun device (tests/tools/hostile_peer.py) answers
# rtping's IPv6 echo requests wrongly on purpose: duplicates, bad sums,
# truncation, forged ids, sources, timestamps and sequences, ICMP errors,
# redirects, unrelated bursts, oversized replies, extension headers; and
# node information replies (-N) with wrong nonces, cut data, bogus qtypes.
# Every case: no crash or hang, sane RTTs, exact counts and per-line flags.
# tests/run: start first (one of the longest)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../tools/hostile-lib.sh"
t_init
hp_setup 9000 || { fail "set-up: tun peer did not come up"; exit 1; }
hp_cases 6

# -N: node information queries (RFC 4620) to a peer that misbehaves. A
# reply counts only when its nonce is one we sent; whatever it carries is
# printed within bounds, as iputils words it.
N="$RTPING -c 3 -i 0.2 -W 1 -N name fd00:66::2"
# ni_case MODE WHAT SUMMARY LINE-REGEX COUNT [CMD...]: a run in MODE (of $N
# unless CMD), its summary line without the time, and how many reply lines
# match LINE-REGEX.
ni_case() {
	local mode=$1 what=$2 summary=$3 re=$4 n=$5
	shift 5
	hp_mode "$mode"
	hp_ping ${@:-$N}
	hp_sane "-N, $what"
	check_eq "-N, $what: summary" "$summary" "$(hp_summary | sed 's/, time [0-9]*ms$//')"
	check_eq "-N, $what: reply lines" "$n" "$(hp_count "$re")"
	check_eq "-N, $what: nothing on stderr" "" "$T_ERR"
}
ni_case ok "a true peer" "3 packets transmitted, 3 received, 0% packet loss" \
	'^42 bytes from fd00:66::2: peer\.hp\.test\., alias; seq=[123]; ttl=64$' 3
ni_case ni_nonce "a wrong nonce first" \
	"3 packets transmitted, 3 received, 0% packet loss" \
	'^42 bytes from fd00:66::2: peer\.hp\.test\., alias; seq=[123]; ttl=64$' 3
ni_case ni_forge "forged nonces, another source, an echo reply" \
	"3 packets transmitted, 0 received, 100% packet loss" 'bytes from' 0
check_eq "-N, forged nonces: exit 1 (no reply)" 1 "$T_RC"
ni_case ni_trunc "a name cut inside a label" \
	"3 packets transmitted, 3 received, 0% packet loss" \
	'^25 bytes from fd00:66::2: parse error \(truncated\); seq=[123]; ttl=64$' 3
ni_case ni_trunc "an address cut short" \
	"1 packets transmitted, 1 received, 0% packet loss" \
	'^53 bytes from fd00:66::2: fd00:66::2, parse error \(truncated\); seq=1; ttl=64$' 1 \
	"$RTPING" -c 1 -W 1 -N ipv6 fd00:66::2
ni_case ni_qtype "a bogus qtype" "3 packets transmitted, 3 received, 0% packet loss" \
	'^42 bytes from fd00:66::2: unknown qtype\(0x77\); seq=[123]; ttl=64$' 3
ni_case ni_short "the header only" "3 packets transmitted, 3 received, 0% packet loss" \
	'^16 bytes from fd00:66::2: parse error \(too short\); seq=[123]; ttl=64$' 3
ni_case ni_loop "a compression pointer to itself" \
	"3 packets transmitted, 3 received, 0% packet loss" \
	'^22 bytes from fd00:66::2: parse error \(truncated\); seq=[123]; ttl=64$' 3
# The last copy comes once nothing is in flight: the run is over (iputils too).
ni_case ni_dup "duplicates" \
	"3 packets transmitted, 3 received, +2 duplicates, 0% packet loss" \
	'seq=[12]; ttl=64 \(DUP!\)$' 2
hp_mode ok
hp_ping "$RTPING" --json -c 1 -W 1 -N ipv4 fd00:66::2
check_eq "-N --json: one reply, its node_info as values, no time" 1 \
	"$(hp_json_count '.type == "reply" and .node_info == {"qtype": 4, "code": 0, "answers": ["10.66.0.2"], "truncated": false, "error": null} and .time_ms == null and .bytes == 24')"
printf '%s\n' "$T_OUT" >"$T_TMP/ni.json"
J=$(dirname "$0")/../json
if res=$(/usr/bin/python3 "$J/validate.py" "$J/schema.json" "$T_TMP/ni.json" 2>&1); then
	pass "-N --json: every line as tests/json/schema.json says ($res)"
else
	fail "-N --json: against tests/json/schema.json: $(printf '%s' "$res" | head -n 2 | tr '\n' '|')"
fi
check_eq "-N: the peer saw name queries about the target, nonce sequences 1..3" 3 \
	"$(grep -c '^ni code=0 qtype=2 flags=0000 nonce_seq=[123] subject=fd000066000000000000000000000002 mode=ok$' \
		"$T_TMP/hp.log")"
t_done
