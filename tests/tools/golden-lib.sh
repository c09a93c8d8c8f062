# Topologies for the iputils 20250605 golden cases (tests/golden/20250605/):
# the generator and tests/integration/golden-20250605.sh build the same ones.
# Source after ../integration/lib.sh, hostile-lib.sh and t_init.
#
#   hp:  the hostile peer namespace $HP_NS (hostile-lib.sh): us 10.66.0.1
#   arb: A (10.77.0.1, fd77::1) -- R (forwarding) -- B (10.78.0.2, fd78::2);
#        run in A. A's /etc/hosts (ip netns exec reads /etc/netns/A/hosts)
#        names B "bee.golden" and R "arr.golden", for -H. A also has a
#        direct link with MTU 1300 to M (A 10.79.0.1, fd79::1; M 10.79.0.2,
#        fd79::2), for -M do with a larger -s.
# gl_ns TOPO: the namespace to run a case in, with ping_group_range open for
# the datagram topologies (hpd, arbd) and closed for the others.

GL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../golden/20250605" && pwd)

gl_arb() {
	GL_A=$(t_ns ga) && GL_R=$(t_ns gr) && GL_B=$(t_ns gb) && GL_M=$(t_ns gm) || return 1
	T_NS+=("$GL_A" "$GL_R" "$GL_B" "$GL_M")
	t_veth "$GL_A" ga0 "$GL_R" gr0 && t_veth "$GL_R" gr1 "$GL_B" gb0 || return 1
	t_veth "$GL_A" ga1 "$GL_M" gm0 || return 1
	ip -n "$GL_A" link set ga1 mtu 1300
	ip -n "$GL_M" link set gm0 mtu 1300
	ip -n "$GL_A" addr add 10.79.0.1/24 dev ga1
	ip -n "$GL_M" addr add 10.79.0.2/24 dev gm0
	ip -n "$GL_A" -6 addr add fd79::1/64 dev ga1 nodad
	ip -n "$GL_M" -6 addr add fd79::2/64 dev gm0 nodad
	ip -n "$GL_A" addr add 10.77.0.1/24 dev ga0
	ip -n "$GL_R" addr add 10.77.0.254/24 dev gr0
	ip -n "$GL_R" addr add 10.78.0.254/24 dev gr1
	ip -n "$GL_B" addr add 10.78.0.2/24 dev gb0
	ip -n "$GL_A" -6 addr add fd77::1/64 dev ga0 nodad
	ip -n "$GL_R" -6 addr add fd77::fe/64 dev gr0 nodad
	ip -n "$GL_R" -6 addr add fd78::fe/64 dev gr1 nodad
	ip -n "$GL_B" -6 addr add fd78::2/64 dev gb0 nodad
	ip -n "$GL_A" route add 10.78.0.0/24 via 10.77.0.254
	ip -n "$GL_A" -6 route add fd78::/64 via fd77::fe
	ip -n "$GL_B" route add default via 10.78.0.254
	ip -n "$GL_B" -6 route add default via fd78::fe
	ip netns exec "$GL_R" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	# Per-namespace hosts file, removed with the namespace's directory on exit.
	GL_ETC=/etc/netns/$GL_A
	mkdir -p "$GL_ETC" && T_ETC+=("$GL_ETC")
	printf '127.0.0.1 localhost\n10.78.0.2 bee.golden\n10.77.0.254 arr.golden\n' \
		>"$GL_ETC/hosts"
	# Warm the neighbour caches so the first echo is not delayed.
	ip netns exec "$GL_A" ping -c 1 -W 2 10.78.0.2 >/dev/null 2>&1
	ip netns exec "$GL_A" ping -c 1 -W 2 fd78::2 >/dev/null 2>&1
	ip netns exec "$GL_A" ping -c 1 -W 2 10.79.0.2 >/dev/null 2>&1
	ip netns exec "$GL_A" ping -c 1 -W 2 fd79::2 >/dev/null 2>&1
	return 0
}

# gl_setup: both topologies (the hostile peer with a large MTU).
gl_setup() {
	T_ETC=()
	hp_setup 9000 && gl_arb
}

gl_ns() {
	local ns range="1 0"
	case $1 in hp*) ns=$HP_NS ;; arb*) ns=$GL_A ;; *) return 1 ;; esac
	case $1 in hpd|hpu|arbd) range="0 2147483647" ;; esac
	ip netns exec "$ns" sysctl -qw net.ipv4.ping_group_range="$range"
	echo "$ns"
}

# gl_run TOPO NS BINARY ARGS...: one case, as nobody without capabilities
# for hpu (BINARY must be readable by nobody), bounded.
gl_run() {
	local topo=$1 ns=$2; shift 2
	if [ "$topo" = hpu ]; then
		ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all timeout 15 "$@"
	else
		ip netns exec "$ns" timeout 15 "$@"
	fi
}

# gl_cases: "NAME TOPO MODE ARGS..." lines of the case file.
gl_cases() { grep -vE '^(#|$)' "$GL_DIR/cases"; }

# gl_mask NAME TOPO: what varies between runs: reply times (for the -3 and
# slow cases only their digits: how many decimals is what -3 changes), and
# on arb (real kernels' clocks) the stamps of TS: lines. The hostile peer's
# stamps are fixed.
gl_mask() {
	local ts='s/^$/&/' t='s/time=[0-9.]+ ms/time=T ms/'
	case $2 in arb*) ts='s/^(TS: )?\t[0-9]+( absolute)?$/\1\tN\2/' ;; esac
	case $1 in *-3*|*slow*) t='s/time=[0-9]+/time=N/; :a; s/(time=N\.d*)[0-9]/\1d/; ta' ;; esac
	sed -E -e "$t" -e 's/time [0-9]+ms/time Tms/' \
		-e 's#(rtt min/avg/max/mdev = )[0-9./]+ ms#\1T ms#' \
		-e 's#(ipg/ewma )[0-9./]+ ms#\1T ms#' -e "$ts"
}

gl_cleanup_etc() {
	local d
	for d in "${T_ETC[@]:-}"; do [ -n "$d" ] && rm -rf "$d"; done
}
