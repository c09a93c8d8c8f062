ip netns exec NS(hpu) setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all ping-20250605 -m 5 -c 2 -i 0.2 -W 1 10.66.0.2  # peer mode: ok
