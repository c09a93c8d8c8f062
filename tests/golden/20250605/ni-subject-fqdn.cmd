ip netns exec NS(hp) ping-20250605 -N name -N subject-fqdn=peer.hp -c 1 -W 1 fd00:66::2  # peer mode: ok
