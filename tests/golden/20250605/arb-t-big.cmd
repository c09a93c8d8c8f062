ip netns exec NS(arb) ping-20250605 -t 300 -c 1 10.78.0.2  # peer mode: -
