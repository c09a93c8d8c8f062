ip netns exec NS(arb) ping-20250605 -B -c 1 fd78::2  # peer mode: -
