ip netns exec NS(arb) ping-20250605 -I lo -c 1 -W 1 10.78.0.2  # peer mode: -
