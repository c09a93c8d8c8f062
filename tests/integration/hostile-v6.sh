#!/usr/bin/env bash
# A hostile peer on a tun device (tests/tools/hostile_peer.py) answers
# rtping's IPv6 echo requests wrongly on purpose: duplicates, bad sums,
# truncation, forged ids, sources, timestamps and sequences, ICMP errors,
# redirects, unrelated bursts, oversized replies, extension headers.
# Every case: no crash or hang, sane RTTs, exact counts and per-line flags.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../tools/hostile-lib.sh"
t_init
hp_setup 9000 || { fail "set-up: tun peer did not come up"; exit 1; }
hp_cases 6
t_done
