ip netns exec NS(hp) ping-20250605 -T tsandaddr -c 2 -i 0.2 -W 1 10.66.0.2  # peer mode: ts
