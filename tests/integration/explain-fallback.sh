#!/usr/bin/env bash
# Netlink refused (seccomp, as in some containers): rtping says so and
# falls back to the UDP probe instead of failing or guessing silently.
. "$(dirname "$0")/lib.sh"
t_init
NONETLINK=${NONETLINK:-$(dirname "$RTPING")/tests/nonetlink}

out=$("$NONETLINK" "$RTPING" --explain-route 127.0.0.1); rc=$?
check_eq "explain exits 0 on fallback" 0 "$rc"
check_match "text names the probe's source" '^source +127\.0\.0\.1 \(the UDP probe.s: netlink unavailable\)' "$out"
check_match "text says why" 'netlink unavailable \(Operation not permitted\)' "$out"

json=$("$NONETLINK" "$RTPING" --explain-route --json 127.0.0.1)
check_eq "json fallback flag" true "$(jq -r .fallback <<<"$json")"
check_eq "json netlink is null" null "$(jq -r .netlink <<<"$json")"
check_eq "json probe source" 127.0.0.1 "$(jq -r .udp_probe.source <<<"$json")"
check_eq "json verified: null, no netlink query was made" null "$(jq -r .verified <<<"$json")"

# The same run with netlink allowed is verified and agrees on loopback.
json=$("$RTPING" --explain-route --json 127.0.0.1); rc=$?
check_eq "netlink explain exits 0" 0 "$rc"
check_eq "netlink answer used" false "$(jq -r .fallback <<<"$json")"
check_eq "netlink source" 127.0.0.1 "$(jq -r .netlink.source <<<"$json")"
check_eq "answers agree" true "$(jq -r .agree <<<"$json")"

# The audit cannot compare without netlink: each destination is an error.
out=$("$NONETLINK" "$RTPING" --explain-route --audit 127.0.0.1 ::1); rc=$?
check_eq "audit on fallback exits 2" 2 "$rc"
check_eq "audit on fallback: one ERROR line each" \
	"127.0.0.1  ERROR netlink unavailable: Operation not permitted|::1  ERROR netlink unavailable: Operation not permitted" \
	"$(printf '%s\n' "$out" | grep ERROR | paste -sd'|')"
check_match "audit on fallback: summary" '^--- audit: 2 destinations, 0 agree, 0 differ, 2 errors ---$' "$out"

# Ping mode: one warning line on stderr, the ping still runs.
err=$("$NONETLINK" "$RTPING" -c 1 -W 2 127.0.0.1 2>&1 >/dev/null); rc=$?
check_eq "ping on fallback exits 0" 0 "$rc"
check_eq "ping fallback warning" "rtping: warning: netlink route query unavailable (Operation not permitted); using the UDP probe's source" "$err"
t_done
