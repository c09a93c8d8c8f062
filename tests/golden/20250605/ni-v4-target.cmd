ip netns exec NS(hp) ping-20250605 -N name -c 1 -W 1 10.66.0.2  # peer mode: ok
