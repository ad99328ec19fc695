# ssh target (@TARGET@): bring the network up with DHCP. The NIC driver was loaded with the
# modules above; busybox udhcpc leaves the address and the route to its script, named with -s
# since busybox builds differ in their default (Debian's is /etc/udhcpc/default.script).
cat > /run/udhcpc.script <<'SCRIPT'
#!/bin/sh
[ "$1" = bound ] || exit 0
ip addr add "$ip/${mask:-24}" dev "$interface"
[ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
echo "JKDUMP-CAPTURE-INIT: network up $interface $ip/${mask:-24} router=${router%% *} uptime=$(cut -d' ' -f1 /proc/uptime)"
exit 0
SCRIPT
chmod 755 /run/udhcpc.script
ip link set lo up
# the interface appears once the driver has probed the device
for i in $(seq 1 50); do [ -e "$(ls -d /sys/class/net/e* 2>/dev/null | head -n 1)" ] && break; sleep 0.2; done
network() {
	for n in /sys/class/net/e*; do
		[ -e "$n" ] || continue
		ip link set "${n##*/}" up
		# udhcpc succeeds with the lease even when its script could not set the address
		udhcpc -i "${n##*/}" -s /run/udhcpc.script -n -q -t 10 && ip -4 addr show dev "${n##*/}" | grep -q inet && return 0
	done
	return 1
}
network || { echo "JKDUMP-CAPTURE-INIT: no network for @TARGET@ (no interface got a DHCP lease)"; finish "@FAILURE@"; }
