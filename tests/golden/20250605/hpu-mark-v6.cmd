ip netns exec NS(hpu) setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all ping-20250605 -m 16 -c 1 -W 1 fd00:66::2  # peer mode: ok
