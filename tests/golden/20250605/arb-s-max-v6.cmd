ip netns exec NS(arb) ping-20250605 -6 -s 65528 -c 1 fd78::2  # peer mode: -
