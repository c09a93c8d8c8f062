ip netns exec NS(arb) ping-20250605 -s 65508 -c 1 10.78.0.2  # peer mode: -
