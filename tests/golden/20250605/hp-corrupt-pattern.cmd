ip netns exec NS(hp) ping-20250605 -p a5 -s 100 -c 1 -W 1 10.66.0.2  # peer mode: corrupt
