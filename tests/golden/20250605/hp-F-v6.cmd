ip netns exec NS(hp) ping-20250605 -F 0x12345 -c 1 -W 1 fd00:66::2  # peer mode: ok
