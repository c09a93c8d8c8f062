ip netns exec NS(hp) ping-20250605 -N ipv6 -N subject-ipv4=10.66.0.2 -c 1 -W 1 fd00:66::2  # peer mode: ok
