ip netns exec NS(arb) ping-20250605 -F 5 -c 2 -i 0.2 fd78::2  # peer mode: -
