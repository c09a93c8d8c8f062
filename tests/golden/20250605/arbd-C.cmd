ip netns exec NS(arbd) ping-20250605 -C -c 2 -i 0.2 10.78.0.2  # peer mode: -
