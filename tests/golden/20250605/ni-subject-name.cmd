ip netns exec NS(hp) ping-20250605 -N ipv4 -N subject-name=Peer.HP.test -c 1 -W 1 fd00:66::2  # peer mode: ok
