ip netns exec NS(arb) ping-20250605 -B -c 1 10.78.0.2  # peer mode: -
