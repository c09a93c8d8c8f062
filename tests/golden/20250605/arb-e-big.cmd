ip netns exec NS(arb) ping-20250605 -e 70000 -c 1 10.78.0.2  # peer mode: -
