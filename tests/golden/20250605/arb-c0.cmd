ip netns exec NS(arb) ping-20250605 -c 0 10.78.0.2  # peer mode: -
