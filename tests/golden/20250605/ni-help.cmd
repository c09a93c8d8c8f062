ip netns exec NS(hp) ping-20250605 -N help  # peer mode: ok
