ip netns exec NS(hp) ping-20250605 -R -c 1 -W 1 fd00:66::2  # peer mode: ok
