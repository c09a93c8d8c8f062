ip netns exec NS(arb) ping-20250605 -c 1 10.77.0.255  # peer mode: -
