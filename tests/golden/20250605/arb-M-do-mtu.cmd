ip netns exec NS(arb) ping-20250605 -M do -s 1400 -c 2 -i 0.2 -W 1 10.79.0.2  # peer mode: -
