ip netns exec NS(hpd) ping-20250605 -c 2 -i 0.2 -W 1 10.66.0.2  # peer mode: corrupt
