ip netns exec NS(hp) ping-20250605 -4 -N ipv6 -c 1 -W 1 10.66.0.2  # peer mode: ok
