ip netns exec NS(hp) ping-20250605 -N ipv6-all -N ipv6-global -N ipv6-linklocal -c 1 -W 1 fd00:66::2  # peer mode: ok
