ip netns exec NS(hp) ping-20250605 -N name -q -c 2 -i 0.2 -W 1 fd00:66::2  # peer mode: ok
