#!/usr/bin/env bash
# Route module, nexthop objects: a route on one nexthop object
# ("nhid 1") is not multipath, and so not hash-dependent under
# fib_multipath_hash_policy=1; a group of two is both; a group of one is
# one path. The answer comes from the object (RTM_GETNEXTHOP), so it holds
# with net.ipv4.nexthop_compat_mode=0, where the route reply carries no
# RTA_MULTIPATH copy. Legacy multipath routes stay multipath. Sysctls are
# set inside the test's namespace only.
. "$(dirname "$0")/lib.sh"
t_init

t_ns n >/dev/null && t_ns m >/dev/null || { fail "create namespaces"; exit 1; }
N=$T_ID-n M=$T_ID-m
t_veth "$N" nh0 "$M" nm0 && t_veth "$N" nh1 "$M" nm1 || { fail "create veth pairs"; exit 1; }
ip -n "$N" addr add 10.1.0.2/24 dev nh0
ip -n "$N" addr add 10.2.0.2/24 dev nh1
ip -n "$N" -6 addr add fd00:1::2/64 dev nh0 nodad
ip -n "$N" -6 addr add fd00:2::2/64 dev nh1 nodad
if ! ip -n "$N" nexthop add id 1 via 10.1.0.1 dev nh0 2>"$T_TMP/nh.err"; then
	skip "kernel without nexthop objects: $(cat "$T_TMP/nh.err")"
	exit 0
fi
ip -n "$N" nexthop add id 2 via 10.2.0.1 dev nh1
ip -n "$N" nexthop add id 10 group 1/2
ip -n "$N" nexthop add id 11 group 1
ip -n "$N" route add 10.50.0.0/16 nhid 1
ip -n "$N" route add 10.51.0.0/16 nhid 10
ip -n "$N" route add 10.52.0.0/16 nhid 11
ip -n "$N" route add 10.53.0.0/16 nexthop via 10.1.0.1 nexthop via 10.2.0.1
# IPv6 answers FIB_MATCH from a cache each nexthop object keeps: one object per route.
ip -n "$N" nexthop add id 21 via fd00:1::1 dev nh0
ip -n "$N" nexthop add id 23 via fd00:1::1 dev nh0
ip -n "$N" nexthop add id 24 via fd00:2::1 dev nh1
ip -n "$N" nexthop add id 25 via fd00:1::1 dev nh0
ip -n "$N" nexthop add id 30 group 23/24
ip -n "$N" nexthop add id 31 group 25
ip -n "$N" -6 route add fd00:50::/64 nhid 21
ip -n "$N" -6 route add fd00:51::/64 nhid 30
ip -n "$N" -6 route add fd00:52::/64 nhid 31
ip -n "$N" -6 route add fd00:53::/64 nexthop via fd00:1::1 nexthop via fd00:2::1
ip netns exec "$N" sysctl -qw net.ipv4.fib_multipath_hash_policy=1 ||
	{ fail "set the hash policy in the namespace"; exit 1; }

# mp LABEL DST MULTIPATH HASH_DEPENDENT
mp() {
	local what="$1 $2"

	t_run "$N" "$RTPING" --explain-route --json "$2"
	# Over two paths the UDP probe may hash onto the other one: exit 1.
	if [ "$T_RC" = 0 ] || { [ "$3" = true ] && [ "$T_RC" = 1 ]; }; then
		pass "$what: json exit $T_RC"
	else
		fail "$what: json exit $T_RC (stderr: $T_ERR)"
	fi
	check_eq "$what: json multipath, hash_dependent" "$3 $4" \
		"$(t_jq '"\(.netlink.multipath) \(.hash_dependent)"')"
	t_run "$N" "$RTPING" --explain-route "$2"
	check_eq "$what: text prefix says multipath" "$3" \
		"$(t_field prefix | grep -q '(multipath)$' && echo true || echo false)"
	check_eq "$what: text hashing note" "$4" \
		"$(printf '%s\n' "$T_OUT" | grep -q '^note  *multipath with L4 hashing' && echo true || echo false)"
}

for mode in 1 0; do
	if ! ip netns exec "$N" sysctl -qw net.ipv4.nexthop_compat_mode=$mode 2>/dev/null; then
		skip "compat $mode: net.ipv4.nexthop_compat_mode not settable here"
		continue
	fi
	# The route reply carries RTA_MULTIPATH for the group only in compat mode.
	check_eq "compat $mode: ip route get fibmatch lists the group's next hops" \
		"$([ $mode = 1 ] && echo 2 || echo 0)" \
		"$(ip -n "$N" route get 10.51.1.1 fibmatch | grep -c 'nexthop via')"
	mp "compat $mode:" 10.50.1.1 false false      # nhid 1: one object
	mp "compat $mode:" 10.51.1.1 true true        # group 1/2
	mp "compat $mode:" 10.52.1.1 false false      # group 1: one path
	mp "compat $mode:" 10.53.1.1 true true        # legacy multipath
	# Hash policy is IPv4's here: no IPv6 answer is hash-dependent.
	mp "compat $mode:" fd00:50::1 false false
	mp "compat $mode:" fd00:51::1 true false
	mp "compat $mode:" fd00:52::1 false false
	mp "compat $mode:" fd00:53::1 true false
done

# With L3 hashing (policy 0) the group is multipath but not hash-dependent.
ip netns exec "$N" sysctl -qw net.ipv4.fib_multipath_hash_policy=0
mp "policy 0:" 10.51.1.1 true false

# Two IPv6 routes on one object: FIB_MATCH may name the other route (the
# object's cache remembers who filled it). rtping reports the entry only
# when it covers the destination.
ip -n "$N" -6 route add fd00:54::/64 nhid 21
t_run "$N" "$RTPING" --explain-route fd00:50::1
t_run "$N" "$RTPING" --explain-route --json fd00:54::1
check_rc "shared object: json exit" 0 "$T_RC" "$T_ERR"
case $(t_jq .netlink.prefix) in
null|fd00:54::/64) pass "shared object: prefix is the route's or none ($(t_jq .netlink.prefix))" ;;
*) fail "shared object: prefix is another route's: $(t_jq .netlink.prefix)" ;;
esac

t_done
