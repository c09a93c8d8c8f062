ip netns exec NS(arb) ping-20250605 -R -c 2 -i 0.2 10.78.0.2  # peer mode: -
